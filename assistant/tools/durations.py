"""Durations said in a request ("a quarter of an hour", "2 minutes 30", "ninety seconds"), in
seconds: what `assistant.grounding` holds a timer's arguments to.

A small model copies "13 minutes" reliably but not the durations people say in words: "half an
hour" came out as hours=30, "a quarter of an hour" as one hour, "a minute and a half" as one
minute. Reading them is plain parsing; text2num turns number words into digits first.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NUM = r"\d+(?:\.\d+)?"
_UNIT = r"(hours?|hrs?|minutes?|mins?|seconds?|secs?)\b"
_SECONDS = {"h": 3600, "m": 60, "s": 1}  # by the unit's first letter
# A part said after a whole: "an hour and a quarter", "two and three quarters hours".
_PARTS = {"a half": 0.5, "a quarter": 0.25, "3 quarter": 0.75, "3 quarters": 0.75}
_AND_PART = r"and (a half|a quarter|3 quarters?)"
# Said forms -> "<number> <unit>", rewritten before the numbers are read.
_PHRASES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(p), r) for p, r in (
        (rf"\b(?:an?|1) (hour|minute) {_AND_PART}\b",
         lambda m: f"{1 + _PARTS[m[2]]:g} {m[1]}s"),
        (rf"\b({_NUM}) {_AND_PART} {_UNIT}",
         lambda m: f"{float(m[1]) + _PARTS[m[2]]:g} {m[3]}"),
        (rf"\b({_NUM}) {_UNIT} {_AND_PART}\b",
         lambda m: f"{float(m[1]) + _PARTS[m[3]]:g} {m[2]}"),
        (r"\b3 quarters of an hour\b", "45 minutes"),
        (r"\b(?:(?:a|1) )?quarter (?:of an )?hour\b", "15 minutes"),
        (r"\b(?:half an|half a|a half) hour\b", "30 minutes"),
        (r"\bhalf a minute\b", "30 seconds"),
        (r"\ban? (hour|minute)\b", r"1 \1"),
    ))
_PIECE = re.compile(rf"({_NUM}) ?{_UNIT}")
_JOIN = re.compile(r"\s*(?:,|and|,\s*and)?\s*")  # between the parts of one duration
# "2 minutes 30" / "1 hour 15": a bare number ending the phrase counts in the next unit down;
# so does one of two digits before what the request goes on with ("2 hrs 15 for the roast":
# everyday-17), not "a 25 minute one for the lasagne" (1, as "one" reads) or "for 2 people".
_TAIL = re.compile(r"\s+(?:(\d{1,2})\s*(?=[,.!?]|$)|([1-5]\d)\s+(?=(?:for|please|pls|thanks|thx"
                   r"|on|then|and|timer)\b(?!\s+\d)))")


def _plain(text: str) -> str:
    from text_to_num import alpha2digit

    s = text.lower().replace("-", " ")
    s = re.sub(r"(\d)([a-z])", r"\1 \2", str(alpha2digit(s, "en", threshold=0)))
    for pattern, repl in _PHRASES:
        s = pattern.sub(repl, s)
    return " ".join(s.split())


def said_durations(text: str) -> list[int]:
    """Each duration said in `text`, in whole seconds, in order: "set a 10 minute timer and
    one for an hour and a half" -> [600, 5400]. Parts said together are one duration
    ("1 hour and 20 minutes"); a number without a unit is none ("timer four")."""
    s = _plain(text)
    said: list[tuple[int, int, str]] = []  # (seconds, where it ends, its last unit)
    for m in _PIECE.finditer(s):
        seconds = round(float(m[1]) * _SECONDS[m[2][0]])
        if said and _JOIN.fullmatch(s[said[-1][1]:m.start()]):
            seconds += said.pop()[0]
        said.append((seconds, m.end(), m[2][0]))
    out = []
    for seconds, end, unit in said:
        tail = _TAIL.match(s, end)
        if tail and unit != "s":
            seconds += int(tail[1] or tail[2]) * _SECONDS[unit] // 60
        out.append(seconds)
    return out


__all__ = ["said_durations"]
