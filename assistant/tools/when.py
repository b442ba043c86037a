"""Spoken times and days ("tomorrow at 7", "in 20 minutes", "Friday") relative to the tools' clock.

dateparser does the parsing; a few rewrites first cover what it gets wrong in speech: a bare
hour ("at 7" would be read as a month or ignored), "o'clock", hour words ("at seven"),
"about 8", a part of the day with an hour or a day ("tomorrow night at 8", "6 tonight", "8 this
morning", "tomorrow evening"), "half an hour" and the clock's idioms ("half past six", British
"half six", "quarter to seven"), and a day of the month said without its month ("on the 2nd at
9am" is the coming 2nd, not 12 February).

`said_moment` finds the one moment a request says ("tonight at 8", "about an hour ago"), or the
one day it says with no time ("on the 20th"), as said: what `assistant.grounding` holds a
reminder's or a dose's time to (a day alone, only its day).
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

Prefer = Literal["future", "past"]

HOUR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_AMPM = r"(?:am|pm|a\.m\.?|p\.m\.?)"
_MONTH_NAMES = rf"(?:{'|'.join(_MONTHS)}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b"
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
             "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
             "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
             "thirtieth": 30}
# "the third", "the twenty-first": a day of the month in words, after "the" only ("first
# thing", "a second" are not days).
_ORDINAL_WORDS = re.compile(r"\bthe\s+(?:(twenty|thirty)[\s-]+)?(" + "|".join(_ORDINALS) + r")\b")
# A day of the month without its month ("on the 2nd", "friday the 14th"); with it ("the 3rd of
# April", "April 3rd") dateparser reads it right.
_MONTH_DAY = re.compile(rf"\b(?:(?:on|this|next|this\s+coming)\s+)?(?:(?:{'|'.join(_WEEKDAYS)})\s+)?"
                        rf"(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)\b(?:\s+of\s+(this|next)\s+month\b)?"
                        rf"(?!\s+(?:of\s+)?{_MONTH_NAMES})")
# A part of the day said with a day or an hour ("tomorrow night at 8", "6 tonight", "8 this
# morning"): the hour it makes of a bare number, and the hour it means alone ("tonight").
_PART = re.compile(r"\b(?:(?:in the|at|this) )?(morning|afternoon|evening|night)\b")
_PM_PARTS = ("afternoon", "evening", "night")
_PART_HOUR = {"morning": 9, "afternoon": 15, "evening": 20, "night": 20}
# When each part of the day begins: a dose said to be taken "this morning" at 6 am was taken by
# now, not at the part's usual hour, still to come.
_PART_START = {"morning": 5, "afternoon": 12, "evening": 17, "night": 18}
_PART_ALONE = re.compile(r"(?:(?:this|in the|at) )?(morning|afternoon|evening|night)|(tonight)")
# Meals and bed: when each begins and its usual time, in minutes after midnight. "With
# breakfast", "after lunch", "before bed" are read at the usual time (it had been "I couldn't
# understand the time 'dinner'"); before one is half an hour before, after one half an hour
# after. One begun today is now for a past dose: "with breakfast" told at 7:15 had been
# yesterday's. "Bed" and "tea" only after a word of time ("with my tea" is a drink).
_MEALS = {"breakfast": (6 * 60, 8 * 60), "brekkie": (6 * 60, 8 * 60), "brunch": (10 * 60, 11 * 60),
          "lunch": (11 * 60 + 30, 12 * 60 + 30), "lunchtime": (11 * 60 + 30, 12 * 60 + 30),
          "tea": (16 * 60 + 30, 17 * 60 + 30), "teatime": (16 * 60 + 30, 17 * 60 + 30),
          "dinner": (17 * 60 + 30, 18 * 60 + 30), "dinnertime": (17 * 60 + 30, 18 * 60 + 30),
          "supper": (18 * 60 + 30, 19 * 60 + 30), "bed": (21 * 60, 22 * 60),
          "bedtime": (21 * 60, 22 * 60)}
_MEAL_OFFSET = {"before": -30, "after": 30}
_MEAL = re.compile(r"\b(?:(before|after|with|at|for|around|by|during|over) )?(?:(?:my|the|your) )?"
                   r"(breakfast|brekkie|brunch|lunch(?:time)?|tea(?:time)?|dinner(?:time)?|supper|"
                   r"bed(?:time)?)\b")


def local_zone(now: datetime) -> tzinfo:
    """A real zone for `now` when there is one (so wall times across DST stay right)."""
    tz = now.tzinfo
    if isinstance(tz, ZoneInfo) or tz is None:
        return tz or ZoneInfo("UTC")
    try:  # datetime.now().astimezone() gives a fixed offset: find the named zone behind it
        import tzlocal

        zone = tzlocal.get_localzone()
        if now.astimezone(zone).utcoffset() == now.utcoffset():
            return zone
    except Exception:  # no local zone configured: the fixed offset is the best we have
        pass
    return tz


def _hour(word: str) -> int:
    return HOUR_WORDS.get(word) or int(word)


_MINUTE_WORDS = {"five": 5, "ten": 10, "twenty": 20, "twenty five": 25, "twenty-five": 25}
_MINUTES_SAID = r"(twenty[- ]five|five|ten|twenty|25|20|10|5)"


def _minutes_to(m: re.Match[str]) -> str:
    minutes = _MINUTE_WORDS.get(m[1]) or int(m[1])
    hour = _hour(m[3])
    if m[2] == "to":
        return f"{(hour - 2) % 12 + 1}:{60 - minutes:02d}"
    return f"{hour}:{minutes:02d}"


def clock_idioms(s: str) -> str:
    """`s` (lower case) with the clock's idioms, which dateparser reads as nothing, as H:MM:
    "half past six" and British "half six" 6:30, "quarter past 6" 6:15, "quarter to seven" 6:45,
    "ten to nine" 8:50, "twenty past 6" 6:20, "5 minutes past 3" 3:05."""
    hour = rf"({'|'.join(HOUR_WORDS)}|1[0-2]|0?[1-9])\b(?!:)"
    s = re.sub(rf"\bhalf (?:past )?{hour}", lambda m: f"{_hour(m[1])}:30", s)
    s = re.sub(rf"\b(?:a )?quarter past {hour}", lambda m: f"{_hour(m[1])}:15", s)
    s = re.sub(rf"\b(?:a )?quarter to {hour}", lambda m: f"{(_hour(m[1]) - 2) % 12 + 1}:45", s)
    return re.sub(rf"\b{_MINUTES_SAID}(?: minutes)? (past|to) {hour}", _minutes_to, s)


# A span counted from a day: dateparser counts "a week from today" back (a week ago) and reads
# neither "a fortnight", British "a week today" / "a week tomorrow" nor "in a week's time".
_SPAN = r"(?:a|an|one|two|three|four|five|six|\d+) (?:days?|weeks?)"


def _counted_from(s: str) -> str:
    """`s` (lower case) with its spans counted from a day as dateparser counts them forward:
    "a week from today" -> "a week from now", "a week tomorrow" -> "a week from tomorrow",
    "a fortnight" -> "2 weeks", "in 3 days' time" -> "in 3 days"."""
    s = re.sub(r"\b(?:a |one )?fortnight\b", "2 weeks", s)
    s = re.sub(rf"\b({_SPAN})(?:'s|')? time\b", r"\1", s)
    s = re.sub(rf"\b({_SPAN}) (today|tomorrow)\b", r"\1 from \2", s)
    return re.sub(rf"\b({_SPAN}) (?:from|after) today\b", r"\1 from now", s)


def _meal(m: re.Match[str], timed: bool) -> str:
    """A meal or bed as the clock time it usually is ("after lunch" -> "at 13:00"); nothing when
    the text says a clock time of its own ("8 with breakfast")."""
    word, meal = m[1], m[2]
    if meal in ("bed", "tea") and word in (None, "with", "over", "during"):  # a drink, a place
        return m[0]
    if timed:
        return ""
    minutes = _MEALS[meal][1] + _MEAL_OFFSET.get(word or "", 0)
    return f"at {minutes // 60}:{minutes % 60:02d}"


def _normalise(text: str) -> str:
    s = " ".join(text.strip().lower().split())
    s = re.sub(r"\barvo\b", "afternoon", s)  # Australian: "this arvo at 3"
    s = _TOMORROW.sub("tomorrow", s)
    s = _counted_from(s)
    s = re.sub(r"\ban hour and a half\b", "90 minutes", s)
    s = re.sub(r"\bhalf an hour\b", "30 minutes", s)
    s = re.sub(r"\ba quarter of an hour\b|\ba quarter hour\b", "15 minutes", s)
    s = re.sub(r"\b(?:a )?couple of\b", "2", s)
    s = re.sub(r"\bmidday\b", "noon", s)  # dateparser reads noon, not midday
    words = "|".join(HOUR_WORDS)
    s = clock_idioms(s)
    if (timed := bool(re.search(r"\d", s))) and _MEAL.search(s):  # "8 with breakfast": at 8
        s = re.sub(r"^(\d{1,2})(?= |$)", r"at \1", s)
    s = _MEAL.sub(functools.partial(_meal, timed=timed), s)
    # "about 8", "around 7:30": the time itself (dateparser read "about 8" as August).
    s = re.sub(rf"\b(?:at |by )?(?:about|around|roughly|approximately) (?=\d|(?:{words})\b)",
               "at ", s)
    s = re.sub(rf"\b(at|by) ({words})\b", lambda m: f"{m[1]} {HOUR_WORDS[m[2]]}", s)
    s = re.sub(rf"\b({words}) ?o'? ?clock\b", lambda m: f"{HOUR_WORDS[m[1]]} o'clock", s)
    s = re.sub(r"\b(\d{1,2}) ?o'? ?clock\b", r"\1:00", s)
    # Whisper writes "three thirty p.m." as "330 p.m.", "1130 pm" or "3.30 pm": with am/pm
    # beside it that can only be a clock time, which dateparser reads only with its colon
    # ("tomorrow at 7.45 pm" came out as tomorrow at this time).
    s = re.sub(rf"\b(1[0-2]|0?[1-9])\.?([0-5]\d) ?({_AMPM})", r"\1:\2 \3", s)
    s = re.sub(r"\b(at|by) ([01]?\d|2[0-3])\.([0-5]\d)\b", r"\1 \2:\3", s)  # "at 7.45"
    s = s.replace("tonight", "today night").replace("last night", "yesterday night")
    # "first thing tomorrow", "first thing in the morning": the morning's usual hour.
    s = re.sub(r"\bfirst thing(?: in the morning| tomorrow(?: morning)?)\b",
               lambda m: "tomorrow morning" if "tomorrow" in m[0] else "in the morning", s)
    # "six in the morning": an hour's word before a part of the day is its number (dateparser
    # read "six" as June).
    s = re.sub(rf"\b({words})(?= (?:today )?(?:(?:in the|at|this) )?(?:morning|afternoon|evening|"
               r"night)\b)", lambda m: str(HOUR_WORDS[m[1]]), s)
    # "8 this morning", "6 tonight": a bare hour before a part of the day is a clock time.
    s = re.sub(r"(?<!at )(?<!by )(?<![\d:])\b(\d{1,2}(?::\d{2})?)(?= (?:today )?"
               r"(?:(?:in the|at|this) )?(?:morning|afternoon|evening|night)\b)", r"at \1", s)
    # "at 7" -> "at 7:00": dateparser reads a lone number as a day or month.
    s = re.sub(rf"\b(at|by) (\d{{1,2}})(?!\s*(?::|\.\d|\d|{_AMPM}))", r"\1 \2:00", s)
    if part := _PART.search(s):
        s = re.sub(r"\bthis (?=morning|afternoon|evening)", "today ", s)
        s = _PART.sub("", s)
        if part[1] in _PM_PARTS:
            def pm(m: re.Match[str]) -> str:
                hour = int(m[1])
                if part[1] == "night" and (hour < 6 or hour == 12):  # "2 at night", "12 at night"
                    return f"{hour % 12}:{m[2]}"
                return f"{hour + 12 if hour < 12 else hour}:{m[2]}"

            s = re.sub(rf"\b(\d{{1,2}}):(\d{{2}})\b(?!\s*{_AMPM})", pm, s)
            if part[1] == "night" and re.search(r"\b[0-5]:\d\d\b", s):  # "1 tonight": after 0:00
                s = re.sub(r"\btoday\b", "tomorrow", s)
        else:  # "6 in the morning" is before noon: a bare "at 6" is the next 6 o'clock, am or pm
            s = re.sub(rf"\b((?:1[0-2]|0?\d):\d{{2}})\b(?!\s*{_AMPM})", r"\1 am", s)
        if not re.search(rf"\d:\d\d|\d\s*{_AMPM}", s):  # "tomorrow evening": its usual hour
            # alone: the next one (dateparser's "at 9"), the morning's before noon
            s = f"{s} at {_PART_HOUR[part[1]]}:00{' am' if part[1] == 'morning' else ''}"
    return " ".join(s.split())


# A moment said in a request: a clock time or an offset from now. Exactly one must be said for
# `said_moment` to name it ("remind me at 5 to book the 7 pm table" says two).
_H = rf"(?:1[0-2]|0?[1-9]|{'|'.join(HOUR_WORDS)})"
_COUNT = (rf"(?:\d+|an?|(?:a )?couple of|{'|'.join(HOUR_WORDS)}|fifteen|twenty|thirty|"
          r"forty|fifty|ninety)")
_SPAN = (rf"(?:{_COUNT}\s+(?:minute|hour|day|week)s?(?:\s+and\s+a\s+half)?|"
         r"half\s+an\s+hour|(?:a\s+)?quarter\s+of\s+an\s+hour)")
_OFFSET = re.compile(rf"\b(?:in|after)\s+{_SPAN}\b|\b{_SPAN}\s+ago\b", re.IGNORECASE)
_MENTION = re.compile("|".join((
    _OFFSET.pattern,
    rf"\b\d{{1,2}}(?::\d\d)?\s*{_AMPM}",
    r"\b\d{1,2}:\d\d\b",
    rf"\b{_MINUTES_SAID}(?:\s+minutes)?\s+(?:past|to)\s+{_H}\b",
    rf"\b(?:half|quarter)\s+(?:past\s+|to\s+)?{_H}\b",
    # Not "at 8:30 pm" or "at ten to nine": the alternatives above and below read those whole.
    rf"\b(?:at|by)\s+{_H}\b(?![:.]\d)(?!\s+(?:minutes\s+)?(?:past|to)\s+{_H}\b)",
    r"\b(?:noon|midday|midnight)\b",
    rf"\b{_H}\s*o'?\s*clock\b",  # "ten o'clock tonight", with no "at"
    rf"\b{_H}\s+(?:tonight|(?:this|in the)\s+(?:morning|afternoon|evening)|at night)\b",
)), re.IGNORECASE)
# Words that go with a moment's mention to make the phrase said: its day and part of the day.
_WITH = re.compile(
    r"(?:today|tonight|tomorrow|yesterday|morning|afternoon|evening|night|noon|midday|midnight|"
    r"this|next|last|on|at|by|in|the|of|about|around|roughly|am|pm|a\.m\.|p\.m\.|o'clock|"
    r"\d{1,2}(?:st|nd|rd|th)|" + "|".join((*_WEEKDAYS, *_MONTHS)) + r")$", re.IGNORECASE)
_DAY_NUMBER = re.compile(r"\d{1,2}(?:st|nd|rd|th)?$", re.IGNORECASE)
# A day said apart from the clock time ("on Thursday, remind me ... at 4"): it joins the phrase.
_OF_MONTH = rf"(?:\s+of\s+(?:{'|'.join(_MONTHS)}|(?:this|next)\s+month))?"  # "of May"
# "Tomorrow" as people type it short or misspelt.
_TOMORROW = re.compile(r"\b(?:tmrw|tmr|tmrow|tmw|tmoz|tomoz|2moro|2morrow|2mrw|tomorow|tommorow|"
                       r"tommorrow|tomorrrow)\b", re.IGNORECASE)
_DAY = re.compile("|".join((
    rf"\b(?:(?:on|next|this|last)\s+)?(?:{'|'.join(_WEEKDAYS)})\b",
    r"\b(?:(?:the\s+)?day after tomorrow|today|tonight|tomorrow|yesterday)\b",
    _TOMORROW.pattern,
    rf"\b(?:on\s+)?(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th){_OF_MONTH}\b",
    rf"\bon\s+the\s+(?:(?:twenty|thirty)[\s-]+)?(?:{'|'.join(_ORDINALS)})\b{_OF_MONTH}",
    rf"\b(?:on\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{'|'.join(_MONTHS)})\b",
    rf"\b(?:on\s+)?(?:{'|'.join(_MONTHS)})\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
)), re.IGNORECASE)
_LOOSE_ENDS = {"on", "at", "by", "in", "the", "of", "this", "next", "last", "about", "around",
               "roughly"}
# Said with these, a clock time is not a bare hour that could be either half of the day.
_HALF_OF_DAY = re.compile(rf"{_AMPM}|morning|afternoon|evening|night|noon|midday|midnight|"
                          r"\d{2}:\d\d|\bago\b|\bin\b|\bafter\b", re.IGNORECASE)


def _joins(words: list[str], i: int) -> bool:
    """Whether word `i` belongs to the moment beside it: a day or time word; a month "May" or a
    bare day number only beside each other or "of" ("the 3rd of May", "12 June"); "day after"
    only before "tomorrow"."""
    word = words[i].lower()
    after = words[i + 1].lower() if i + 1 < len(words) else ""
    if word in ("day", "after"):  # "the day after tomorrow"
        return (word, after) in (("day", "after"), ("after", "tomorrow"))
    if word == "may" or (_DAY_NUMBER.match(word) and not _WITH.match(word)):
        near = [words[j].lower() for j in (i - 1, i + 1) if 0 <= j < len(words)]
        if word == "may":
            return any(w == "of" or _DAY_NUMBER.match(w) for w in near)
        return any(w in _MONTHS for w in near)
    return bool(_WITH.match(word))


# Pure, and asked twice a call (grounding reads a dose's time, then the amount said beside it):
# the second ask, same request and clock, is not parsed again.
@functools.lru_cache(maxsize=16)
def said_moment(text: str, now: datetime, prefer: Prefer = "future") -> str | None:
    """The one moment `text` says, a clock time or an offset, with its day as said ("remind me
    to put the bins out tonight at 8" -> "tonight at 8"; "on Thursday, remind me to ... at 4"
    -> "on Thursday at 4"), or the one day it says with none ("on the 20th"); None when it says
    none or several, or `parse_when` cannot read it."""
    mentions = list(_MENTION.finditer(text))
    if not mentions:
        return said_day(text, now, prefer)
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    found = list(re.finditer(r"[\w.':-]+", text))
    words = [w[0].rstrip(".,:;!?") for w in found]
    inside = [i for i, w in enumerate(found) if w.start() < mention.end() and w.end() > mention.start()]
    first, last = inside[0], inside[-1]
    while first > 0 and _joins(words, first - 1):
        first -= 1
    while last + 1 < len(words) and _joins(words, last + 1):
        last += 1
    while first < last and words[first].lower() in ("the", "of"):
        first += 1
    while last > first and words[last].lower() in _LOOSE_ENDS:
        last -= 1
    phrase = " ".join(words[first:last + 1])
    span = (found[first].start(), found[last].end())
    if not _OFFSET.fullmatch(mention[0]) and not _DAY.search(phrase):
        apart = [d for d in _DAY.finditer(text) if d.end() <= span[0] or d.start() >= span[1]]
        if len(apart) > 1:
            return None  # two days said: which is the moment's?
        if apart:
            phrase = f"{apart[0][0]} {phrase}"
    for said in (phrase, mention[0]):
        if parse_when(said, now, prefer) is not None:
            return said
    return None


# A span counted from the day said: the day meant is another ("a week from today", "3 days
# after tomorrow").
_COUNTED_FROM = re.compile(r"\b(?:days?|weeks?|fortnight|months?)\s+(?:from|after)\s+$",
                           re.IGNORECASE)


def said_day(text: str, now: datetime, prefer: Prefer = "future") -> str | None:
    """The one day `text` says with no clock time ("remind me on the 20th to pay the rent" ->
    "on the 20th"), its parts joined ("Friday the 14th"), "tomorrow" spelt out ("tmrw"); None
    when it says none or several, or counts from it ("a week from today" is not today)."""
    days: list[list[int]] = []
    for d in _DAY.finditer(text):
        if days and not text[days[-1][1]:d.start()].strip():
            days[-1][1] = d.end()
        else:
            days.append([d.start(), d.end()])
    if len(days) != 1 or _COUNTED_FROM.search(text[:days[0][0]]):
        return None
    said = _TOMORROW.sub("tomorrow", text[days[0][0]:days[0][1]])  # "tmrw": the word
    return said if parse_when(said, now, prefer) is not None else None


def same_moment(said: str, written: str | None, now: datetime, prefer: Prefer = "future") -> bool:
    """Whether `written` (a model's argument) reads as the moment `said` does. A bare hour said
    ("at 8") matches either half of the day: the model may know which was meant."""
    target = parse_when(said, now, prefer)
    got = parse_when(written, now, prefer) if written else None
    if target is None or got is None:
        return target is None
    if not _MENTION.search(said):  # a day said alone: the time the model gave it stands
        return got.date() == target.date()
    apart = abs((got - target).total_seconds())
    return apart < 60 or (not _HALF_OF_DAY.search(said) and abs(apart - 43200) < 60)


def _offset_name(now: datetime) -> str:
    offset = now.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _in_words(m: re.Match[str]) -> str:
    day = {"twenty": 20, "thirty": 30}.get(m[1] or "", 0) + _ORDINALS[m[2]]
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"the {day}{suffix}"


def month_days(s: str, now: datetime, prefer: Prefer = "future") -> str:
    """`s` (lower case) with each day of the month said without its month as a date: this
    month's, or the next's when it has passed ("on the 2nd" on 12 March -> "2 april 2025"); for
    `prefer="past"`, this month's or the last's. dateparser reads "the 2nd at 9am" as 12
    February, taking the day for a month."""
    s = _ORDINAL_WORDS.sub(_in_words, s)

    def dated(m: re.Match[str]) -> str:
        if re.search(rf"{_MONTH_NAMES}\s*$", s[:m.start()]):  # "april 3rd"
            return m[0]
        day, months = int(m[1]), now.year * 12 + now.month - 1  # months since year 0
        step = 1 if prefer == "future" or m[2] == "next" else -1
        if m[2] == "next" or (not m[2] and (day < now.day if step > 0 else day > now.day)):
            months += step
        for _ in range(12):  # the nearest month that has the day (no 31 April)
            try:
                d = date(months // 12, months % 12 + 1, day)
            except ValueError:
                months += step
                continue
            return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
        return m[0]

    return _MONTH_DAY.sub(dated, s)


# An hour said alone, with no half of the day and no day: "at 3".
_BARE_HOUR = re.compile(r"(?:at|by) (1[01]|0?[1-9]):([0-5]\d)")


def _next_bare_hour(cleaned: str, now: datetime) -> datetime | None:
    """The next time the clock shows the bare hour `cleaned` says, in the morning or the
    afternoon: "at 3" at 10:30 am is 3 pm today (dateparser read 3 am tomorrow), at 4 pm it is
    3 am tomorrow; None for any other text."""
    if not (bare := _BARE_HOUR.fullmatch(cleaned)):
        return None
    local = now.astimezone(local_zone(now))
    hour, minute = int(bare[1]), int(bare[2])
    for days in (0, 1):
        for h in (hour, hour + 12):
            at = (local + timedelta(days=days)).replace(hour=h, minute=minute, second=0,
                                                        microsecond=0)
            if at > local:
                return at
    return None


def parse_when(text: str, now: datetime, prefer: Prefer = "future") -> datetime | None:
    """An aware datetime for `text`, read relative to `now` (aware); None if unparseable."""
    import dateparser  # imported here: it loads language data on first use

    settings: dict[str, Any] = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": prefer,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": _offset_name(now),
    }
    cleaned = month_days(_normalise(text), now, prefer)
    if not cleaned:
        return None
    if prefer == "future" and (ahead := _next_bare_hour(cleaned, now)) is not None:
        return ahead
    try:
        parsed = dateparser.parse(cleaned, languages=["en"], settings=settings)
    except Exception:  # dateparser raises odd errors on odd input; unparseable is the answer
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=now.tzinfo)
    if parsed.utcoffset() == now.utcoffset():  # no zone was spoken: it is a local wall time
        parsed = parsed.replace(tzinfo=local_zone(now))
    if prefer == "past" and _begun(" ".join(text.lower().split()), now):
        return now
    return parsed


def _begun(said: str, now: datetime) -> bool:
    """Whether `said` is a part of the day or a meal alone ("this morning", "with breakfast")
    that has begun today, at `now`, before its usual hour: for a dose, taken by now."""
    local = now.astimezone(local_zone(now))
    minutes = local.hour * 60 + local.minute
    if part := _PART_ALONE.fullmatch(said):
        name = part[1] or "night"
        return _PART_START[name] * 60 <= minutes < _PART_HOUR[name] * 60
    if meal := _MEAL.fullmatch(said):  # "after breakfast" at 7:15: breakfast has begun too
        begins, usual = _MEALS[meal[2]]
        return begins <= minutes < usual + _MEAL_OFFSET.get(meal[1] or "", 0)
    return False


# Said of today ("is it chilly out this morning" -> day "morning"); dateparser reads none of these.
_PART_OF_DAY = re.compile(r"(?:in the |this )?(?:morning|afternoon|evening|night)")


# Day words dateparser misses or misreads: weekdays cut short ("thurs"; "wed" was read as next
# week's on a Wednesday) or misspelt ("saturdy"), "tonite", Australian "arvo", "right now", a
# meal or bedtime beside the day ("tomorrow lunchtime"), a bare ordinal ("fifteenth"),
# "thursday week" and the feasts on a fixed date.
_SHORT_DAYS = {"mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday",
               "weds": "wednesday", "thu": "thursday", "thur": "thursday", "thurs": "thursday",
               "fri": "friday", "sat": "saturday", "sun": "sunday"}
_NOW_SAID = ("right now", "now", "the moment", "at the moment", "currently", "rn", "atm")
_MEALTIME = re.compile(r"\b(?:(?:at|for|around|by|after|before) )?(?:lunch|lunchtime|teatime|"
                       r"dinnertime|dinner|supper|breakfast|bedtime)\b")
_BARE_ORDINAL = re.compile(rf"(?:on )?((?:(?:twenty|thirty)[\s-]+)?(?:{'|'.join(_ORDINALS)}))")
_DAY_WEEK = re.compile(rf"(?:on )?({'|'.join(_WEEKDAYS)}) week|a week (?:on )?({'|'.join(_WEEKDAYS)})")
_FEASTS = {"christmas eve": (12, 24), "christmas": (12, 25), "christmas day": (12, 25),
           "xmas": (12, 25), "xmas day": (12, 25), "boxing day": (12, 26),
           "new year's eve": (12, 31), "new years eve": (12, 31), "new year's day": (1, 1),
           "new years day": (1, 1), "halloween": (10, 31), "valentine's day": (2, 14),
           "valentines day": (2, 14)}


def _weekday(word: str) -> str:
    """`word` as the weekday it names cut short or misspelt, else as it is."""
    from rapidfuzz import fuzz, process

    if word in _SHORT_DAYS:
        return _SHORT_DAYS[word]
    if len(word) < 5 or word in _WEEKDAYS:
        return word
    best = process.extractOne(word.rstrip("s"), _WEEKDAYS, scorer=fuzz.ratio, score_cutoff=85)
    return best[0] if best else word


def _feast(name: str, today: date, prefer: Prefer) -> date | None:
    """The day of the feast `name` says ("christmas", "last boxing day"): its next, or last."""
    month_day = _FEASTS.get(re.sub(r"^(?:on |this |next |last )?(?:the )?", "", name))
    if month_day is None:
        return None
    day = date(today.year, *month_day)
    if prefer == "past" or name.startswith("last "):
        return day if day <= today else date(today.year - 1, *month_day)
    return day if day >= today else date(today.year + 1, *month_day)


def parse_day(text: str | None, now: datetime, prefer: Prefer = "future") -> date | None:
    """A calendar day: "today", "tomorrow", "yesterday", a weekday, an ISO date or a phrase."""
    s = " ".join((text or "today").strip().lower().replace("\u2019", "'").split())
    today = now.date()
    s = " ".join(_weekday(w) for w in s.split())
    s = re.sub(r"\btonite\b", "tonight", s)
    s = re.sub(r"\b(?:this )?arvo\b", "afternoon", s)
    s = " ".join(_MEALTIME.sub(" ", s).split()) or ("today" if s else "")
    if s in _NOW_SAID:
        return today
    if (feast := _feast(s, today, prefer)) is not None:
        return feast
    if m := _DAY_WEEK.fullmatch(s):
        day = parse_day(m[1] or m[2], now, "future")
        return day + timedelta(days=7) if day else None
    if _BARE_ORDINAL.fullmatch(s):
        s = "the " + s.removeprefix("on ")
    if s in ("", "today", "tonight", "overnight", "now", "later", "later today") \
            or _PART_OF_DAY.fullmatch(s):
        return today
    if s == "tomorrow":
        return today + timedelta(days=1)
    if s == "yesterday":
        return today - timedelta(days=1)
    bare = re.sub(r"^(on |this |next |last )", "", s)
    if bare in _WEEKDAYS:
        delta = (_WEEKDAYS.index(bare) - today.weekday()) % 7
        if s.startswith("next ") and delta == 0:
            delta = 7
        if prefer == "past" or s.startswith("last "):
            delta = -((today.weekday() - _WEEKDAYS.index(bare)) % 7)
            if s.startswith("last ") and delta == 0:
                delta = -7
        return today + timedelta(days=delta)
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    parsed = parse_when(s, now, prefer)
    return parsed.date() if parsed else None


_WEEKEND = re.compile(r"(?:(?:over|at|on|for|during)\s+)?(?:(this|next|the|this\s+coming)\s+)?"
                      r"week-?end")


def weekend_days(text: str | None, now: datetime) -> tuple[date, ...] | None:
    """The days of the weekend `text` names ("this weekend", "over the weekend", "next
    weekend"), from today on: the coming Saturday and Sunday, or what is left of the one under
    way; "next weekend" said at a weekend is the one after. None when it names no weekend."""
    m = _WEEKEND.fullmatch(" ".join((text or "").strip().lower().split()))
    if m is None:
        return None
    today = now.date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 - 7 * (today.weekday() == 6))
    if m[1] == "next" and today.weekday() >= 5:
        saturday += timedelta(days=7)
    return tuple(d for d in (saturday, saturday + timedelta(days=1)) if d >= today)


# A month or a season said with no day of it ("in july", "last summer"): no day to forecast.
_MONTH_OR_SEASON = re.compile(rf"\b(?:{_MONTH_NAMES}|spring|summer|autumn|fall|winter)\b")
_A_DAY_OF = re.compile(rf"\d|\b(?:{'|'.join((*_WEEKDAYS, *_ORDINALS))}|today|tonight|tomorrow"
                       r"|week-?end)\b")


_YEAR = re.compile(r"(?<!\bat\s)(?<![\d:.,/-])((?:19|20)\d\d)(?![\d:.,/]|\s*(?:hrs|hours|h)\b)")


def no_day_ahead(text: str, now: datetime) -> bool:
    """Whether `text`, said as a day, reads as a day before today ("last tuesday", "yesterday
    afternoon"), names a month or a season but no day of it ("july", "last summer"), or a year
    before this one ("christmas day 2010", which the day parser cannot read)."""
    s = " ".join(text.lower().split())
    if _MONTH_OR_SEASON.search(s) and not _A_DAY_OF.search(s):
        return True
    if any(int(year) < now.year for year in _YEAR.findall(s)):
        return True
    day = parse_day(s, now, prefer="future") if s else None
    return day is not None and day < now.date()


def named_day(text: str) -> date | None:
    """The calendar day `text` names ("Friday", "the 21st", "tomorrow"), if any."""
    return parse_day(text, datetime.now().astimezone()) if text.strip() else None


def say_clock(dt: datetime) -> str:
    """'7:05 AM' (portable: no platform-specific strftime flags)."""
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"


def say_date(d: date, today: date) -> str:
    if d == today:
        return "today"
    if d == today + timedelta(days=1):
        return "tomorrow"
    if d == today - timedelta(days=1):
        return "yesterday"
    if 0 < (d - today).days < 7:
        return f"on {d.strftime('%A')}"
    text = f"{d.strftime('%A')}, {d.strftime('%B')} {d.day}"
    if d.year != today.year:
        text += f", {d.year}"
    return f"on {text}"


def say_when(dt: datetime, now: datetime) -> str:
    """'today at 7:00 AM', 'tomorrow at 7:00 AM', 'on Friday at 9:30 PM'."""
    local = dt.astimezone(now.tzinfo)
    return f"{say_date(local.date(), now.date())} at {say_clock(local)}"


def say_duration(seconds: float) -> str:
    """'1 hour 5 minutes', '45 seconds'."""
    total = max(0, round(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute"), (secs, "second")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(words[:2]) if words else "0 seconds"
