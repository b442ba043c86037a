"""A day's times said as a list ("at 8, 2 and 8", "7:30, 12:30 and 6:30 with meals", "8 in the
morning and 8 at night"): what a daily schedule's `times` are held to (`assistant.grounding`).

People list a day's doses in order and leave out am and pm where the order says it: "at 8, 2
and 8" is 8 am, 2 pm and 8 pm. So a bare hour (no am/pm, part of the day or 24-hour form) after
another time is the first such hour after it; one before any other is read in the morning (12 to
4 in the afternoon), or, with a time fixed later in the list ("at 6 and 10 pm"), either half
of the day. A bare hour said alone is either half too, the model may know which, unless the
request says one part of the day ("every morning at 7", "at 10 every night").
A list must start at a clock time ("at 8", "8 am", "noon") or hold one ("7:30, 12:30 and
6:30"), so counts and doses ("2 tablets, 3 times a day") are not times.

A request says a daily routine when it lists two or more times ("ondansetron 4mg at 8 and 4"),
or one with a word that makes it recur ("every night at 10"), and nothing of a dose taken or to
be logged ("took", "ago", "log"): a dose the brain logged for it is made a schedule
(`assistant.grounding.as_routine`). One time alone ("nitrofurantoin 50 mg at 8") may be a dose.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from assistant.tools.when import HOUR_WORDS, clock_idioms, local_zone, parse_when

_HALF = 12 * 60


class SaidTime(NamedTuple):
    minutes: int  # after midnight
    either_half: bool  # a bare hour whose half of the day the list does not fix

    def as_read_in(self, written: Collection[int | None]) -> int:
        """Its minutes, in the half of the day `written` (times as read) has it in, when either
        half is right: "at 10" written "10 pm" is 22:00."""
        other = self.minutes + _HALF
        if self.either_half and other in written and self.minutes not in written:
            return other
        return self.minutes


# Said beside a time, the half of the day it is in.
_PARTS = {"in the morning": "am", "this morning": "am", "every morning": "am",
          "each morning": "am", "in the afternoon": "pm", "this afternoon": "pm",
          "every afternoon": "pm", "in the evening": "pm", "this evening": "pm",
          "every evening": "pm", "each evening": "pm", "at night": "night", "tonight": "night",
          "every night": "night", "each night": "night"}
_PART = rf"(?:\s+(?:{'|'.join(_PARTS)})\b)"
# Not a count: "2 tablets", "3 times", "8 units", "1.25 mg".
_NOT_COUNT = (r"(?!\s*(?:[.,:]\d|mg\b|milligrams?|mcg|micrograms?|ml\b|millilit|units?\b|tablets?|"
              r"pills?|capsules?|caps?\b|puffs?|drops?|sprays?|times|x\b|hours?|minutes?|days?|"
              r"weeks?|months?|years?|%|-))")
_FIXED = (r"(?:(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?\s*[ap]\.?\s*m\b\.?|(?:[01]?\d|2[0-3])[:.][0-5]\d"
          r"|(?:[01]?\d|2[0-3])\s*o'?\s*clock\b|noon|midday|midnight)(?![a-z\d])")
# A bare hour is a time only where a list or a sentence goes on after it: "at 9 pm, one
# atorvastatin" lists one time, not 9 pm and 1.
_BARE = (r"(?:[01]?\d|2[0-3])(?![a-z\d])(?=\s*(?:$|[,.;!?&)]|(?:and|then|every|each|daily|"
         rf"with|before|after|in|at|on|please|thanks?|for|so|that|as|till|until|from)\b)|{_PART})")
_TIME = rf"(?<![\w.,:])(?:{_FIXED}|{_BARE}){_NOT_COUNT}{_PART}?"
_SEP = r"(?:\s*,\s*(?:and\s+|then\s+)?|\s+(?:and|then|&)\s+)(?:at\s+)?"
_LIST = re.compile(rf"(\b(?:at|by)\s+)?{_TIME}(?:{_SEP}{_TIME})*")
# A routine said beside its time: "every day", "daily", "twice a day", "each night".
_RECURS = re.compile(r"\b(?:(?:every|each)\s+(?:single\s+)?(?:day|morning|afternoon|evening|night)|"
                     r"daily|nightly|(?:once|twice|\w+\s+times)\s+(?:a|per)\s+day)\b")
# A dose taken, or one to be logged: not a routine.
_DONE = (r"took|taken|had|ago|earlier|yesterday|last\s+night|already|log(?:ged)?|record(?:ed)?|"
         r"put\s+down|mark(?:ed)?\s+(?:down|off)")
_TAKEN = re.compile(rf"\b(?:{_DONE}|did|missed)\b")
# A dose told as taken, or asked to be logged (not "missed", which took none): a schedule the
# brain wrote for it is a dose (`assistant.grounding.as_taken`).
_TOLD_TAKEN = re.compile(rf"\b(?:{_DONE}|popped|swallowed|this\s+(?:morning|afternoon|evening)|"
                         r"just\s+now)\b")
# A routine's words besides `_RECURS`: a schedule asked for, or a habit told.
_ROUTINE = re.compile(r"\b(?:every|each|daily|nightly|weekly|schedul\w*|routine|regimen|remind\w*|"
                      r"from\s+now\s+on|going\s+forward|from\s+(?:today|tomorrow)|(?:a|per)\s+day|"
                      r"twice|usually|normally|always|regular(?:ly)?|mornings|evenings|nights|"
                      r"(?:i|we|he|she|they)\s+(?:take|takes|use|do)|set\s+(?:it\s+|that\s+|this\s+)?up|"
                      r"start(?:ed|ing)?\s+(?:on|taking)|on\s+it\s+now|(?:for|over)\s+(?:the\s+next\s+)?"
                      r"\w+\s+(?:days|weeks))\b")
_ONE = re.compile(
    r"(?:(\d{1,2})(?:[:.](\d\d))?(?:\s*([ap])\.?\s*m\b\.?|\s*o'?\s*clock\b)?|(noon|midday|midnight))"
    rf"(?:\s+({'|'.join(_PARTS)})\b)?")


def _read(m: re.Match[str]) -> tuple[int, bool]:
    """One time as (minutes after midnight, whether its half of the day is fixed)."""
    if m[4]:
        return (_HALF if m[4] in ("noon", "midday") else 0), True
    hour, minute = int(m[1]), int(m[2] or 0)
    if hour > 12 or hour == 0 or m[1].startswith("0"):  # 24-hour: "21:00", "07:30"
        return hour * 60 + minute, True
    base = (hour % 12) * 60 + minute
    half = {"a": "am", "p": "pm"}.get(m[3] or "") or (_PARTS[m[5]] if m[5] else "")
    return (_in_half(base, half), True) if half else (base, False)


def _in_half(base: int, half: str) -> int:
    """`base` (a 12-hour reading, in the morning) in `half` of the day: "am", "pm", or "night"
    ("8 at night" is 20:00, "2 at night" 2:00)."""
    if half == "pm" or (half == "night" and base >= 6 * 60):
        return base + _HALF
    return base


def said_times(text: str) -> tuple[SaidTime, ...]:
    """The times of day `text` lists, in order as said; () when it says no list, or several."""
    s = clock_idioms(" ".join(text.lower().split()))
    s = re.sub(rf"\b({'|'.join(HOUR_WORDS)})\b", lambda m: str(HOUR_WORDS[m[1]]), s)
    lists = []
    for found in _LIST.finditer(s):
        times = [_read(m) for m in _ONE.finditer(found[0].removeprefix(found[1] or ""))]
        if found[1] or any(fixed for _, fixed in times) or re.search(r"\d:\d\d", found[0]):
            lists.append(times)
    if len(lists) != 1:
        return ()
    times = lists[0]
    halves = {_PARTS[p] for p in re.findall("|".join(_PARTS), s)}
    if len(times) == 1 and not times[0][1] and len(halves) == 1:  # "every morning at 7"
        times = [(_in_half(times[0][0], halves.pop()), True)]
    out: list[SaidTime] = []
    for i, (minutes, fixed) in enumerate(times):
        if fixed or len(times) == 1:
            out.append(SaidTime(minutes, not fixed))
        elif out:  # after another time: the first such hour after it
            later = [m for m in (minutes, minutes + _HALF) if m > out[-1].minutes]
            out.append(SaidTime(later[0] if later else minutes, False))
        elif any(f for _, f in times[i + 1:]):  # before a fixed time: either half
            out.append(SaidTime(minutes, True))
        else:  # first of a bare list: a waking day starts in the morning
            out.append(SaidTime(minutes + _HALF if minutes < 300 else minutes, False))
    return tuple(out)


def says_routine(text: str) -> bool:
    """Whether `text` says a daily routine (see the module's docstring)."""
    said = said_times(text)
    s = " ".join(text.lower().split())
    return bool(said) and (len(said) > 1 or bool(_RECURS.search(s))) and not _TAKEN.search(s)


def says_taken(text: str) -> bool:
    """Whether `text` tells of a dose taken or asks to log one (`_TOLD_TAKEN`: "took", "had",
    "ago", "this morning", "log") and says no routine: no word of one (`_RECURS`, `_ROUTINE`:
    "every", "schedule", "I take", "from now on") and no list of times (`says_routine`)."""
    s = " ".join(text.lower().split())
    return bool(_TOLD_TAKEN.search(s)) and not _RECURS.search(s) and \
        not _ROUTINE.search(s) and not says_routine(text)


def clock(minutes: int) -> str:
    """Minutes after midnight as a schedule writes them: "08:00"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _as_clock(text: str) -> str:
    """A time of day said alone ("8", "eight") means 8:00, not the 8th of the month."""
    s = text.strip().lower()
    return f"at {s}" if re.fullmatch(r"\d{1,2}|[a-z]+", s) else s


def read_time(text: str, now: datetime) -> datetime | None:
    """A schedule's time as written ("8 pm", "20:00", "8"): its next moment, local to `now`, as
    the schedule tool reads it; None when it cannot be read."""
    parsed = parse_when(_as_clock(text), now, prefer="future") if text.strip() else None
    return parsed.astimezone(local_zone(now)) if parsed else None


def time_of_day(text: str, now: datetime) -> int | None:
    """`read_time` in minutes after midnight."""
    local = read_time(text, now)
    return None if local is None else local.hour * 60 + local.minute


__all__ = ["SaidTime", "clock", "read_time", "said_times", "says_routine", "time_of_day"]
