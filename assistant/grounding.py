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

Durations are held to what was said the other way round: a tool names the integer arguments
that make up a duration (the timer's hours, minutes, seconds), and when the newest request says
exactly one duration ("half an hour") and the call's adds up to another (hours=30), the call
gets the one said. A request that says none, or several, leaves the call as written.

Moments likewise: a tool names the string arguments that hold a time as said (a reminder's
`when`, a dose's `time`), and when the newest request says exactly one clock time or offset
("tonight at 8", "about an hour ago") and the call's reads as another moment ("tomorrow at 8
am"; a dose's amount copied as "400 am") or has none, the call gets the phrase said, which the
tool reads with the same parser. A bare hour said ("at 8") lets the model pick the half of the
day.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime

from rapidfuzz import fuzz

from assistant.toolcall import ToolCall
from assistant.tools.durations import said_durations
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


def ground_duration(call: ToolCall, units: Mapping[str, int], heard: str) -> ToolCall:
    """`call` with its duration (the `units` arguments: name -> seconds each) set to the one
    duration `heard` says, when it says exactly one and the call's adds up to another."""
    said = said_durations(heard) if units else []
    if len(said) != 1:
        return call
    written = sum(v * units[k] for k, v in call.arguments.items()
                  if k in units and isinstance(v, int | float) and not isinstance(v, bool))
    if written == said[0]:
        return call
    args = {k: v for k, v in call.arguments.items() if k not in units}
    left = said[0]
    for name, seconds in sorted(units.items(), key=lambda u: -u[1]):
        count, left = divmod(left, seconds)
        if count:
            args[name] = count
    return ToolCall(call.name, args)


def ground_moment(call: ToolCall, moments: Mapping[str, str], heard: str,
                  now: datetime) -> ToolCall:
    """`call` with each of its `moments` arguments (name -> "future" or "past") set to the one
    moment `heard` says, when it says exactly one and the call's reads as another or is absent."""
    from assistant.tools.when import Prefer, said_moment, same_moment

    args = dict(call.arguments)
    for name, reading in moments.items():
        prefer: Prefer = "past" if reading == "past" else "future"
        said = said_moment(heard, now, prefer)
        if said is None:
            continue
        written = args.get(name)
        if not same_moment(said, written if isinstance(written, str) else None, now, prefer):
            args[name] = said
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


__all__ = ["CLOSE", "ground", "ground_duration", "ground_moment", "said"]
