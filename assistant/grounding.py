"""Whether an argument the model wrote was said by the user, and calls with made-up ones dropped.

A tuned model fills a required argument it was not told: "what's the weather like" became
get_weather(location='Paris'). A tool marks such arguments `grounded`; before a call runs, the
loop drops a grounded value that no word of the user's turns matches, and the tool does what it
does when the argument is left out (the weather tool: the home city, or it asks which place).

The match is loose on purpose, since the request may be an ASR transcript and the model may
tidy a name: one word of the value close to a word said, in spelling or in sound ("Seatle" for
"Seattle", "Paris" for Whisper's "pairs", "Paris" in "Paris, France"), or its initials said
("NYC" for "New York City"). What it cannot see is a place the model inferred rightly ("the
capital of France" -> "Paris"): that one is dropped too.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from rapidfuzz import fuzz

from assistant.toolcall import ToolCall
from assistant.tools.formulary import phonetic

_WORD = re.compile(r"[^\W_]+")
# rapidfuzz ratio at which two words of 4+ letters are one, in spelling or in sound (the
# formulary's key): "seatle"/"seattle" 92, "oslo"/"oslow" 89, "munich"/"munch" 91, Whisper's
# "pairs" for "Paris" 80 spelt but 89 in sound; "rome"/"home" 75 in both is not.
CLOSE = 85


def _close(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and max(
        fuzz.ratio(a, b), fuzz.ratio(phonetic(a), phonetic(b))) >= CLOSE)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def said(value: str, heard: str) -> bool:
    """Whether `value` comes from the words of `heard`."""
    words = _words(heard)
    parts = _words(value)
    if not parts:
        return True  # nothing to check (an empty or all-punctuation value fails its schema)
    if len(parts) > 1 and "".join(p[0] for p in parts) in words:
        return True  # initials: "nyc", "la"
    long = [p for p in parts if len(p) >= 3] or parts
    return any(_close(p, w) for p in long for w in words)


def ground(call: ToolCall, grounded: Collection[str], heard: str) -> ToolCall:
    """`call` without the `grounded` string arguments that `heard` does not contain."""
    keep = {k: v for k, v in call.arguments.items()
            if k not in grounded or not isinstance(v, str) or said(v, heard)}
    return call if len(keep) == len(call.arguments) else ToolCall(call.name, keep)


__all__ = ["CLOSE", "ground", "said"]
