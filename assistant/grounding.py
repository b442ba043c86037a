"""Whether an argument the model wrote was said by the user, and calls with made-up ones dropped.

A tuned model fills a required argument it was not told: "what's the weather like" became
get_weather(location='Paris'). A tool marks such arguments `grounded`; before a call runs, the
loop drops a grounded value that no word of the user's turns matches, or that is the day they
say ("forecast for march 25" written `location='march 25'`), and the tool does what it does
when the argument is left out (the weather tool: the home city, or it asks which place).

The match is loose on purpose, since the request may be an ASR transcript and the model may
tidy a name: one word of the value close to a word said, in spelling or in sound ("Seatle" for
"Seattle", "Paris" for Whisper's "pairs", "Paris" in "Paris, France"; in sound only where
the spelling is not far off: "take" does not say "Tokyo"), or its initials said ("NYC" for "New
York City"). What it cannot see is a place the model inferred rightly ("the capital of France"
-> "Paris"): that one is dropped too.

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

A daily schedule's times of day: when the newest request lists times ("at 8, 2 and 8", "8 am
and 8 pm") and the call's read as others (`assistant.tools.daytimes`: bare hours in a list are
a day in order, so 8 am, 2 pm and 8 pm), the call gets the times said.

A place the model left out is filled in where the tool knows it: a tool names its place
arguments with its own offline test of one (the clock: a city, country or zone it knows with no
network), and when the call has none and the newest request names one after "in" or "for"
("what time is it in japan") or before "time" ("Lagos time now?"), the call gets it, as said,
unless the request asks of here ("what's the time here? my phone is still on tokyo time"). A
request that asks of here takes out a place the model wrote ("my watch is still on Berlin time,
can you give me the local time"): a place left out is here.

A dose said as a daily routine is a schedule: when the brain's only call logs a dose and the
newest request lists its times ("ondansetron 4mg at 8 and 4") or says it recurs ("every night at
10"), and says nothing of a dose taken (`assistant.tools.daytimes.says_routine`), the call
becomes the tool's `routine` (the schedule), with the same drug, amount and unit and the times
said. The other way, a schedule written for a dose told as taken ("2 capsules omeprazole at 6am,
log please", "had my metformin 500 at 8") is the tool's `taken` (the dose log), where the words
it was written from say no routine (`daytimes.says_taken`): each call, before a list is read.

A dose's unit and amount too: a tool gives its unit argument's spoken forms, and when the newest
request says exactly one unit ("8 units of Lantus") and the call's is another or a form the tool
does not know ("L"), the call gets the one said; with no unit said, a form it does not know gets
the unit a bare count means ("two Tylenol at 3 pm" written "pm" is tablets). An amount the
request never said ("50 micrograms at half nine" written as 90) becomes the one number said
outside the time said, when there is exactly one. A conversion's value likewise: "three quarters
of a cup" written as 3 is 0.75 (numbers are read with their parts and signs: "1 1/2", "a mile
and a half", "minus forty").

A conversion's units too: the unit said right after the number converted ("recipe says 180c",
"100 km/h") is the one converted from, and the one unit asked for ("in mph", "how many cups",
"my oven is in fahrenheit") the one converted to; the call gets them where it wrote others, of
the same kind as each other (`ground_measure`: "180c" had been converted from Fahrenheit).

A sum's expression is held to what the request asks done with its numbers
(`assistant.tools.sums`): an average divides ("the average of 12, 17 and 22" written
`12+17+22`), a split shares ("186.40, split between 4" written `4*186.40`), a discount comes off.

A number or a time nobody said is made up (`made_up`): a timer's duration when no user turn
says a duration or any of its numbers ("keep the pizza timer running" set for 10 minutes), a
note's or timer's number that no user turn says and no tool result showed ("undo deleting that
note" proposing to delete note 1), a reminder's or dose's time when no user turn says any time
("thanks for reminding me about the bins!" set for 20 minutes). The loop holds back a call
that cannot do without it (`cannot_do_without`: the user is asked for it) and drops it from
one that can (a dose is logged as now, a timer cancelled by the label said).

A day a tool reads ahead (a forecast's) that is no day ahead (`no_day_ahead`: "yesterday", "last
week", "july", "last summer") asked no forecast; the loop holds the call back and says why.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from assistant.toolcall import ToolCall
from assistant.tools.durations import said_durations
from assistant.tools.formulary import phonetic

if TYPE_CHECKING:
    from assistant.tools.base import Strength, Tool

_WORD = re.compile(r"[^\W_]+")
# rapidfuzz ratio at which two words of 4+ letters are one, in spelling or in sound (the
# formulary's key): "seatle"/"seattle" 92, "oslo"/"oslow" 89, "munich"/"munch" 91, Whisper's
# "pairs" for "Paris" 80 spelt but 89 in sound; "rome"/"home" 75 in both is not.
CLOSE = 85
# Alike in sound only where alike in spelling too: "take" and "Tokyo" share a sound key
# ("taka") 44 apart spelt, so a guessed weather place "Tokyo" was kept as said for "should I
# take an umbrella".
SPELT = 50


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    spelt = fuzz.ratio(a, b)
    return spelt >= CLOSE or (spelt >= SPELT and fuzz.ratio(phonetic(a), phonetic(b)) >= CLOSE)


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


def ground(call: ToolCall, grounded: Collection[str], heard: str,
           now: datetime | None = None) -> ToolCall:
    """`call` without the `grounded` string arguments that `heard` does not contain, nor, given
    `now`, one that is the day `heard` says: "will it be cold tomorow morning" written
    `location='tomorow'` names no place."""
    keep = {k: v for k, v in call.arguments.items()
            if k not in grounded or not isinstance(v, str)
            or (said(v, heard) and not (now is not None and _is_day_said(v, heard, now)))}
    return call if len(keep) == len(call.arguments) else ToolCall(call.name, keep)


def _is_day_said(value: str, heard: str, now: datetime) -> bool:
    """Whether `value` reads as the one day `heard` says ("march 25", "tomorow", "saturday")."""
    from assistant.tools.when import parse_day, said_day

    day = said_day(heard, now)
    return day is not None and parse_day(value, now) == parse_day(day, now) is not None


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


def ground_day(call: ToolCall, days: Mapping[str, str], heard: str, now: datetime) -> ToolCall:
    """`call` with each of its `days` arguments (name -> "future" or "past": how the tool reads
    a weekday) set to the one day `heard` says, when it says exactly one and the call's reads
    as another day, none, or cannot be read ("day after tomorrow" written "tomorrow", "on
    tuesday" left out, "tmrw" as typed)."""
    from assistant.tools.when import Prefer, parse_day, said_day

    args = dict(call.arguments)
    for name, reading in days.items():
        prefer: Prefer = "past" if reading == "past" else "future"
        said = said_day(heard, now, prefer)
        written = args.get(name)
        if said is not None and (not isinstance(written, str) or parse_day(written, now, prefer)
                                 != parse_day(said, now, prefer)):
            args[name] = said
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


def said_units(heard: str, forms: Mapping[str, str]) -> set[str]:
    """The units `heard` says, by their spoken `forms` (form -> unit). A one-letter form ("g",
    "u") counts only right after a number: "can u log it" says no unit."""
    text = re.sub(r"(\d)([a-zµμ])", r"\1 \2", heard.lower())  # "400mg"
    found: set[str] = set()
    for form in sorted(forms, key=len, reverse=True):
        pattern = rf"(?<=\d)\s*{re.escape(form)}\b" if len(form) == 1 else \
            rf"(?<![\w-]){re.escape(form)}(?![\w-])"
        if re.search(pattern, text):
            found.add(forms[form])
            text = re.sub(pattern, " ", text)  # "international units" is not also "units"
    return found


def _unit_form(written: object) -> str:
    """A unit argument as its table's forms are written: "Tablets." -> "tablets"."""
    return " ".join(written.lower().rstrip(".").split()) if isinstance(written, str) else ""


def ground_unit(call: ToolCall, units: Mapping[str, Mapping[str, str]], heard: str,
                counts: Mapping[str, str] | None = None) -> ToolCall:
    """`call` with each of its `units` arguments set to the one unit `heard` says, when it says
    exactly one and the call's is another unit or a form the table lacks; when `heard` says
    none and the call's is a form the table lacks ("pm" for "two Tylenol at 3 pm"), to the
    unit a bare count means (`counts`), where the tool gives one."""
    args = dict(call.arguments)
    counts = counts or {}
    for name, forms in units.items():
        said = said_units(heard, forms)
        written = args.get(name)
        key = _unit_form(written)
        if len(said) == 1 and forms.get(key) not in said:
            args[name] = next(iter(said))
        elif not said and key not in forms and name in counts:
            args[name] = counts[name]
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


# A bare count the brain wrote as a mass or volume ("took 2 tylenol": 2 ml): the user counted
# things. Up to 4 only: above, a strength said bare ("5 amlodipine", "500 paracetamol") may be
# meant. Not when a measured form is said ("a spoon of Calpol", "a sachet of Lemsip").
_MEASURES = frozenset({"mg", "g", "mcg", "ml"})
_MASSES = frozenset({"mg", "g", "mcg"})
COUNTED_AT_MOST = 4
_MEASURED_FORM = re.compile(r"\b(?:(?:tea|table|dessert)?spoon(?:s|ful|fuls)?|tsps?|tbsps?|sachets?|"
                            r"syrup|liquid|suspension|solution|elixir|capfuls?|cups?|shots?|"
                            r"oz|ounces?|scoops?|droppers?)\b")


def ground_count(call: ToolCall, units: Mapping[str, Mapping[str, str]],
                 counts: Mapping[str, str], amounts: Collection[str], heard: str) -> ToolCall:
    """`call` with a mass or volume it wrote for a bare count set to the unit a count means
    (`counts`): when `heard` says no unit and no measured form and the amount is at most
    `COUNTED_AT_MOST` ("Took two Tylenol" had been logged as 2 mg)."""
    if not counts or _MEASURED_FORM.search(heard.lower()):
        return call
    args = dict(call.arguments)
    amount = next((v for a in amounts if isinstance(v := args.get(a), int | float)
                   and not isinstance(v, bool)), None)
    if amount is None or not 0 < amount <= COUNTED_AT_MOST:
        return call
    for name, forms in units.items():
        written = args.get(name)
        key = _unit_form(written)
        if name in counts and forms.get(key) in _MEASURES and not said_units(heard, forms):
            args[name] = counts[name]
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


def ground_strength(call: ToolCall, units: Mapping[str, Mapping[str, str]],
                    strength: Strength | None, heard: str) -> ToolCall:
    """`call` with its unit set to the one a number said bare after the thing's name means
    (`Strength`: "telma 40", "dolo 650" had been logged as millilitres or tablets, "tresiba 30"
    as tablets), not a mass the call has, where `heard` says no unit and no measured form and
    the amount is said right after a word of the thing's name; a count said before it ("2
    panadol") is `ground_count`'s. A small strength in a mass does not replace a volume the call
    has ("calpol 2.5" may be a syrup's)."""
    if strength is None or _MEASURED_FORM.search(heard.lower()):
        return call
    args = dict(call.arguments)
    amount = args.get(strength.amount)
    thing = str(args.get(strength.name, ""))
    if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0 or \
            (unit := strength.unit(thing, float(amount))) is None:
        return call
    text = heard.lower()
    if not any(re.search(rf"\b{re.escape(word)}\w*\s+{re.escape(_number(float(amount)))}"
                         r"(?![\d.:/%])(?!\s*(?:am|pm|a\.m|p\.m|o'?clock)\b)", text)
               for word in re.findall(r"[a-z]{3,}", thing.lower())):
        return call
    for name, forms in units.items():
        written = forms.get(_unit_form(args.get(name)))
        # A mass the brain wrote is its own knowledge of the strength ("digoxin 125": mcg), but
        # no count's ("optisulin 26" written in mg: units).
        if said_units(heard, forms) or (written in _MASSES and unit in _MASSES) or \
                (unit in _MASSES and amount <= COUNTED_AT_MOST and written in _MEASURES):
            continue
        args[name] = unit
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


# How a part is said once text_to_num has read the numbers: "a quarter", "3 quarters", "1 half",
# "2 3rds", "an 8th of"; optionally after a whole ("1 and a half"). A part is not a clock time
# ("a quarter past 6") and an ordinal is a part only when plural or said with "of" or "one"
# ("a 3rd of a cup", not "a 3rd dose"; never "a 2nd").
_PART = re.compile(r"\b(?:(\d+) and )?(an?|\d+) (halves|half|quarters?|(\d+)(?:rd|th)(s?))\b"
                   r"(?! (?:past|to|till|after|before)\b)( of\b)?")
_HALF_A = re.compile(r"\bhalf (?:of )?an?\b")  # "half a tablet"; "half nine" is a clock time
_A_THING_AND = re.compile(r"\ban? ([a-z]+) and an? (half|quarter)\b")  # "a mile and a half"
_PARTS = (2, 3, 4, 5, 6, 8, 10, 16, 32, 64)  # what a measure is cut into
_SLASHED = re.compile(r"(?<![\d/.])(?:(\d+) )?(\d+)/(\d+)(?![\d/])")  # "3/4", "1 1/2"
_GLYPHS = {"½": 1 / 2, "¼": 1 / 4, "¾": 3 / 4, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 1 / 8, "⅜": 3 / 8,
           "⅝": 5 / 8, "⅞": 7 / 8}
_GLYPH = re.compile(rf"(\d*)\s*([{''.join(_GLYPHS)}])")


def _number(value: float) -> str:
    return f"{value:.10g}"


def _part(m: re.Match[str]) -> str:
    whole, count, name, ordinal, plural, of = m.groups()
    parts = 2 if name.startswith("hal") else 4 if name.startswith("quarter") else int(ordinal)
    if ordinal and (parts < 3 or not (plural or of or count == "1")):
        return m[0]
    n = 1 if count in ("a", "an") else int(count)
    return _number(int(whole or 0) + n / parts) + (" of" if of else "")


def _slashed(m: re.Match[str]) -> str:
    whole, top, bottom = m[1], int(m[2]), int(m[3])
    if not 0 < top < bottom or bottom not in _PARTS:  # "24/7", a date's "12/25": not a part
        return m[0]
    return _number(int(whole or 0) + top / bottom)


def in_digits(heard: str) -> str:
    """`heard` in lower case with its numbers in digits, parts and signs read ("minus forty
    celsius" -> "-40 celsius"), ordinals out, and a unit glued to a number apart ("180 c")."""
    from text_to_num import alpha2digit

    s = _GLYPH.sub(lambda m: _number(int(m[1] or 0) + _GLYPHS[m[2]]), heard.lower())
    s = str(alpha2digit(s, "en", threshold=0))
    s = _A_THING_AND.sub(lambda m: f"{1.5 if m[2] == 'half' else 1.25:g} {m[1]}", s)
    s = _SLASHED.sub(_slashed, s)
    s = _PART.sub(_part, s)
    s = _HALF_A.sub("0.5", s)
    s = re.sub(r"\b\d+(?:st|nd|rd|th)\b", " ", s)
    s = re.sub(r"(?<!\d )\b(?:minus|negative) (?=\d)", "-", s)  # not "10 minus 3"
    return re.sub(r"(\d)([a-z°µ])", r"\1 \2", s)


_NUMBER = re.compile(r"(?:(?<![\w.])-)?(?<![\w.])\d+(?:\.\d+)?")


def said_numbers(heard: str) -> list[float]:
    """The numbers `heard` says, in words or digits ("two tablets" -> 2, "400mg" -> 400), with
    their parts ("three quarters of a cup" -> 0.75, "1 1/2" -> 1.5, "a mile and a half" -> 1.5)
    and signs ("minus forty" -> -40), not ordinals ("my 2nd dose")."""
    return [float(n) for n in _NUMBER.findall(in_digits(heard))]


# Words a unit reader takes for a unit that say none: "at 5 pm" (picometres), "a cup" (a year
# in pint), "in" (inches), "are" (an area).
_NO_UNIT = frozenset({"a", "an", "am", "pm", "at", "in", "and", "or", "of", "to", "is", "it",
                      "as", "per", "by", "on", "the", "are", "me", "my", "hand", "point", "line",
                      "bar", "link", "chain", "grain", "rod", "tex", "bit", "cal"})
_MEASURE_TOKEN = re.compile(r"-?\d+(?:\.\d+)?|[a-z°µ]+(?:/[a-z]+)?")
# A unit of one or two letters said where a unit is asked for ("in c", "to kg"), not a word.
_SHORT = frozenset({"c", "f", "k", "m", "g", "l", "cm", "mm", "km", "kg", "mg", "lb", "oz", "ml",
                    "ft", "mi", "yd", "st", "dl", "cl", "hr"})
_ARTICLES = frozenset({"the", "a", "an"})
# Where the unit asked for is said: "in mph", "into cups", "to fahrenheit", "how many cups".
_ASKED_IN = frozenset({"in", "into", "to", "as"})


def _unit_at(tokens: list[str], i: int, unit_of: Callable[[str], object]
             ) -> tuple[str, object] | None:
    """The unit said at `tokens[i]` (one to three words, the longest first: "miles per hour")
    and what `unit_of` reads it as. A word of one or two letters is a unit only right after a
    number ("180 c", not "c u later") or, if a common one, where a unit is asked for ("in c")."""
    after_number = i > 0 and _NUMBER.fullmatch(tokens[i - 1]) is not None
    asked = _asks_in(tokens[max(i - 2, 0):i])
    for n in (3, 2, 1):
        words = tokens[i:i + n]
        if len(words) < n or any(_NUMBER.fullmatch(w) for w in words):
            continue
        span = " ".join(words)
        short = len(span) <= 2 and not (after_number or (asked and span in _SHORT))
        if n == 1 and (span in _NO_UNIT or short):
            continue
        if (kind := unit_of(span)) is not None:
            return span, kind
    return None


def ground_measure(call: ToolCall, measures: tuple[str, ...], value: str,
                   unit_of: Callable[[str], object] | None, heard: str) -> ToolCall:
    """`call`, a conversion of its `value` argument from one unit to another (`measures`: the
    from and to arguments), with the units `heard` says: the unit said right after the number
    ("180c", "100 km/h") is the one converted from, and the one unit asked for ("in mph", "how
    many cups", "my oven is in fahrenheit") the one converted to. Each is set where the call
    wrote another that `heard` does not say in that place, and only where the two are of one
    kind (`unit_of` reads a unit as what it is and what it measures, or None): "recipe says
    180c, my oven is in fahrenheit" had been converted from Fahrenheit. A target the call wrote
    that `heard` says anywhere stays ("10 km to miles and feet": a call each)."""
    if len(measures) != 2 or unit_of is None or not \
            isinstance(amount := call.arguments.get(value), int | float):
        return call
    pairs, asked, anywhere = _measures_said(heard, unit_of)
    source, target = measures
    written = {name: unit_of(str(call.arguments.get(name, ""))) for name in measures}
    args = dict(call.arguments)
    of_value = {kind: span for number, span, kind in pairs if number == float(amount)}
    new_from = written[source]
    if len(of_value) == 1 and written[source] not in {k for _, _, k in pairs}:
        new_from, args[source] = next(iter(of_value.items()))
    targets = {k: v for k, v in asked.items() if k != new_from}
    new_to = written[target]
    if len(targets) == 1 and (new_to is None or new_to == new_from or new_to not in anywhere):
        new_to, args[target] = next(iter(targets.items()))
    if args == dict(call.arguments) or not _one_kind(new_from, new_to):
        return call
    return ToolCall(call.name, args)


def _measures_said(heard: str, unit_of: Callable[[str], object]
                   ) -> tuple[list[tuple[float, str, object]], dict[object, str], set[object]]:
    """The units `heard` says, as `unit_of` reads them: each said right after a number (number,
    the unit as said, its reading), each said where a unit is asked for (reading -> as said),
    and every one said anywhere."""
    tokens = _MEASURE_TOKEN.findall(in_digits(heard))
    pairs: list[tuple[float, str, object]] = []
    asked: dict[object, str] = {}
    anywhere: set[object] = set()
    for i in range(len(tokens)):
        if (found := _unit_at(tokens, i, unit_of)) is None:
            continue
        span, kind = found
        anywhere.add(kind)
        before = tokens[max(i - 2, 0):i]
        if before and _NUMBER.fullmatch(before[-1]):
            pairs.append((float(before[-1]), span, kind))
        elif _asks_in(before):
            asked.setdefault(kind, span)
    return pairs, asked, anywhere


# Numbers a sum may hold that nobody said, where the words say them: "15% of 64" is `64*15/100`.
_UNSAID_PARTS = ((100.0, re.compile(r"%|\bper\s*cent\b|\bpercent")),
                 (2.0, re.compile(r"\b(?:half|halve|halves|double|twice|split)\b")))


def counts_as_said(call: ToolCall, tool: Tool, heard: str) -> bool:
    """Whether `call`, a sum or a conversion (`tool.sums`, `tool.measures`), can be done with
    what `heard` says (advice-counted): each sum one the calculator reads, of numbers said; a
    conversion of a number said, between two units the converter knows that `heard` names.
    "is 600mg ibuprofen too much in one go" written `600 mg ibuprofen`, "Is 5mg of melatonin too
    much for a 7 year old?" written `5mg*7`, "How many puffs of salbutamol are OK" written
    `20*500/100`, "is 15 units of Lantus a lot" converted from "Lantus": none is."""
    from assistant.tools.asking import measured
    from assistant.tools.calculator import CalcError, evaluate

    said = set(said_numbers(heard))
    said |= {n for n, words in _UNSAID_PARTS if words.search(heard.lower())}
    for name in tool.sums:
        written = call.arguments.get(name)
        if not isinstance(written, str) or measured(written):
            return False  # "5mg*7": the calculator reads 35, the brain wrote a dose
        try:
            evaluate(written)
        except CalcError:
            return False
        if any(float(n) not in said for n in re.findall(r"\d+(?:\.\d+)?", written)):
            return False
    if len(tool.measures) == 2 and tool.unit_of is not None and tool.amounts:
        value = call.arguments.get(tool.amounts[0])
        units = [tool.unit_of(str(call.arguments.get(name, ""))) for name in tool.measures]
        named = _measures_said(heard, tool.unit_of)[2]
        if not isinstance(value, int | float) or float(value) not in said or \
                any(unit is None or unit not in named for unit in units):
            return False
    return True


def ground_sum(call: ToolCall, sums: Collection[str], heard: str) -> ToolCall:
    """`call` with each of its `sums` held to what `heard` asks done with its numbers
    (`assistant.tools.sums.as_asked`): "the average of 12, 17 and 22" written `12+17+22`."""
    from assistant.tools.sums import as_asked

    args = dict(call.arguments)
    for name in sums:
        if isinstance(written := args.get(name), str):
            args[name] = as_asked(written, heard)
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


def _asks_in(before: list[str]) -> bool:
    """Whether the words `before` a unit ask for it: "in", "into", "to", "as", with or without
    "a" or "the", or "how many" / "how much"."""
    if not before:
        return False
    if before[-1] in _ASKED_IN or before[-2:] in (["how", "many"], ["how", "much"]):
        return True
    return len(before) == 2 and before[0] in _ASKED_IN and before[1] in _ARTICLES  # "in a"


def _one_kind(a: object, b: object) -> bool:
    """Whether two unit readings (`Tool.unit_of`'s: what a unit is, what it measures) measure
    one kind of thing."""
    return isinstance(a, tuple) and isinstance(b, tuple) and a[1:] == b[1:]


def ground_amount(call: ToolCall, amounts: Collection[str], heard: str,
                  moment: str | None) -> ToolCall:
    """`call` with each of its `amounts` arguments set to the one number `heard` says outside
    `moment` (the time said, whose numbers are not amounts), when the call's is none said."""
    if not amounts:
        return call
    said = said_numbers(heard)
    for n in said_numbers(moment or ""):
        if n in said:
            said.remove(n)
    args = dict(call.arguments)
    for name in amounts:
        written = args.get(name)
        if len(set(said)) == 1 and isinstance(written, int | float) and \
                not isinstance(written, bool) and float(written) not in said:
            args[name] = int(said[0]) if said[0].is_integer() else said[0]
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


# A count said without its number: the brain's number for "a couple of minutes" is a reading.
_VAGUE = re.compile(r"\b(?:couple|few|several|dozen|some|bit|little|while)\b")
# An amount said as a word of count, not a number: "a paracetamol", "half a tablet", "both".
_COUNT = re.compile(r"\b(?:a|an|one|half|single|couple|pair|both|double|another)\b")
# "That one", "the last one": a thing, not the number 1.
_ONE = re.compile(r"\b(that|this|the|which|each|every|last|other|next|new|old|any|no|same|"
                  r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                  r"\d+(?:st|nd|rd|th))\s+one\b")


def said_ids(text: str) -> set[int]:
    """The whole numbers `text` says or shows that can pick one thing by its number, ordinals
    too ("the second timer" -> 2), not "one" as a thing ("that one")."""
    from text_to_num import alpha2digit

    s = str(alpha2digit(_ONE.sub(r"\1 thing", text.lower()), "en", threshold=0))
    return {int(n) for n in re.findall(r"(?<![\w.])(\d+)(?:st|nd|rd|th)?\b", s)}


# Words that say when, besides numbers and ordinals: days and their parts, months, meals, spans.
_WHEN = re.compile(
    r"\b(?:today|tonight|tonite|tomorrow|tmrw?|yesterday|morning|afternoon|arvo|evening|night|"
    r"noon|midday|midnight|later|soon|shortly|weekend|week|month|year|fortnight|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|lunch|lunchtime|dinner|dinnertime|breakfast|"
    r"brunch|supper|teatime|bedtime|bed|hour|hr|min|minute|sec|second|o'?clock|half|quarter|"
    r"day|daily|every|eve|dawn|dusk|sunrise|sunset|asap|bit|while|[ap]\.?m)(?:s|'s)?\b")


def says_a_time(text: str, besides: Collection[float] = ()) -> bool:
    """Whether `text` says anything of when: a word of time ("tonight", "after lunch", "in a
    bit"), or a number or an ordinal other than those `besides` (what else a call says they
    are: a dose's amount). "Thanks for reminding me about the bins!" says none."""
    if _WHEN.search(text.lower()):
        return True
    numbers = Counter(said_numbers(text))  # counted: "take 2 pills at 2" says a time
    numbers.update(float(n) for n in said_ids(text) if float(n) not in numbers)  # "the 3rd"
    return bool(numbers - Counter(map(float, besides)))


def made_up(call: ToolCall, tool: Tool, said: str, shown: str = "") -> tuple[str, ...]:
    """The arguments of `call` that give a number or a time nobody gave: its `tool.duration`,
    when `said` (the user's turns) says no duration, none of its numbers and no vague count;
    each of its `tool.ids` that neither `said` nor `shown` (the tool results the model read)
    has; each of its `tool.moments` when `said` says no time at all; each of its
    `tool.amounts` when `said` says no number and no word of count ("I just took some
    ibuprofen" logged 10 ml)."""
    def number(v: object) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool) and v > 0

    def whole(v: object) -> bool:  # a duration's part or an id; any other value is invalid,
        return isinstance(v, int) and number(v)  # for validation to report, not made up

    written = {k: v for k, v in call.arguments.items() if k in tool.duration and whole(v)}
    out: list[str] = []
    if written and not said_durations(said) and not _VAGUE.search(said.lower()):
        total = sum(v * tool.duration[k] for k, v in written.items())
        readings = {*map(float, written.values()), *(total / s for s in tool.duration.values())}
        heard = {*said_numbers(said), *map(float, said_ids(said))}
        if not readings & heard:
            out += written
    ids = said_ids(said) | said_ids(shown) if tool.ids else set()
    out += [k for k in tool.ids if whole(v := call.arguments.get(k)) and v not in ids]
    moments = [k for k in tool.moments if isinstance(call.arguments.get(k), str)]
    # The numbers of the call's other arguments are not times: "2" in "just took 2
    # paracetamol" is the amount, in "remind me to take 2 pills" what to remind of.
    others = [n for k, v in call.arguments.items() if k not in tool.moments
              for n in (said_numbers(v) if isinstance(v, str) else [v] if number(v) else [])]
    if moments and not says_a_time(said, others):
        out += moments
    amounts = [k for k in tool.amounts if number(call.arguments.get(k))]
    if amounts and not said_numbers(said) and not _COUNT.search(said.lower()):
        out += amounts
    return tuple(out)


def no_day_ahead(call: ToolCall, tool: Tool, heard: str, now: datetime) -> bool:
    """Whether a day of `call` that `tool` reads ahead (`Tool.days` "future": a forecast's) is
    none: a day before today or a month or a season with no day of it ("what was it like last
    tuesday" -> day 'last tuesday', "what's Bali like in july" -> 'july'), when `heard` says no
    day ahead (which `ground_day` would set instead)."""
    from assistant.tools import when

    written = [v for k, kind in tool.days.items() if kind == "future"
               and isinstance(v := call.arguments.get(k), str) and when.no_day_ahead(v, now)]
    said = when.said_day(heard, now) if written else None
    return bool(written) and (said is None or when.no_day_ahead(said, now))


def cannot_do_without(call: ToolCall, tool: Tool, made: Collection[str]) -> bool:
    """Whether `call` is nothing without its `made` up arguments, so that it is held back, not
    run without them: one the schema requires (a reminder's time), a duration (a timer), or
    all it has."""
    required = set(tool.parameters.get("required", ()))
    return bool(made) and (any(k in required or k in tool.duration for k in made)
                           or set(call.arguments) <= set(made))


def ground_times(call: ToolCall, lists: Collection[str], heard: str, now: datetime) -> ToolCall:
    """`call` with each of its `lists` arguments (a daily schedule's times of day) set to the
    times `heard` lists, when it lists some and the call's read as others: another time, the
    same hour in a half of the day the list fixes, one too many or one it cannot read."""
    from assistant.tools.daytimes import clock, said_times, time_of_day

    said = said_times(heard) if lists else ()
    if not said:
        return call
    args = dict(call.arguments)
    for name in lists:
        written = args.get(name)
        read = {time_of_day(w, now) if isinstance(w, str) else None
                for w in (written if isinstance(written, list) else [None])}
        want = [t.as_read_in(read) for t in said]
        if read != set(want):
            args[name] = list(dict.fromkeys(clock(m) for m in want))
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


def as_routine(call: ToolCall, tool: Tool, routine: Tool, heard: str) -> ToolCall:
    """`call` (to `tool`) as a call to `routine` (its `routine`) when `heard` says a daily
    routine: the arguments both take, but not `tool`'s moments, and the times said."""
    from assistant.tools.daytimes import clock, said_times, says_routine

    if tool.routine != routine.name or not says_routine(heard):
        return call
    takes = routine.parameters.get("properties", {})
    args = {k: v for k, v in call.arguments.items() if k in takes and k not in tool.moments}
    times = list(dict.fromkeys(clock(t.minutes) for t in said_times(heard)))
    args |= dict.fromkeys(routine.times_of_day, times)
    return ToolCall(routine.name, args)


def as_taken(call: ToolCall, tool: Tool, taken: Tool, heard: str) -> ToolCall:
    """`call` (to `tool`) as a call to `taken` (its `taken`) when `heard` tells of a dose taken
    and no routine: the arguments both take, and its one time of day as `taken`'s moment (two
    or more are no one dose's)."""
    from assistant.tools.daytimes import says_taken

    if tool.taken != taken.name or not says_taken(heard):
        return call
    takes = taken.parameters.get("properties", {})
    args = {k: v for k, v in call.arguments.items() if k in takes and k not in tool.times_of_day}
    times = [t for k in tool.times_of_day for t in call.arguments.get(k) or ()]
    if len(times) == 1 and isinstance(times[0], str):
        args |= dict.fromkeys(taken.moments, times[0])
    return ToolCall(taken.name, args)


_TOKEN = re.compile(r"[^\W_][\w'.-]*")
# Asked of here: a place said beside it is not where to tell (a phone, a caller, a trip). Not
# "here's a question", and not "local time in Tokyo", which asks of Tokyo.
_HERE = re.compile(r"\bhere\b(?!'s)|\blocal(?:ly)?\b(?!\s+time\s+(?:in|for|at|over|there)\b)"
                   r"|\bmy\s+(?:own\s+)?(?:time|time\s*zone)\b|\bwhere\s+i(?:\s+a|')m\b")


def asks_here(heard: str) -> bool:
    """Whether `heard` asks of here ("local time please, not London"), whatever place it names."""
    return bool(_HERE.search(heard.lower().replace("\u2019", "'")))


def _places_named(said: str, known: Callable[[str], object], towards: Collection[str],
                  names: bool = False) -> Iterator[str]:
    """Each place `said` names, in order: the longest span of up to three words that `known`
    knows after a word of `towards` ("the" after it skipped), before "time", or, with `names`,
    from a word written as a name ("Sydney trip soon"; not "GMT")."""
    words = _TOKEN.findall(said)
    for i, word in enumerate(words):
        w = word.lower()
        if w in towards:
            start = i + 1 + (" ".join(words[i + 1:i + 2]).lower() == "the")
            spans = [words[start:start + n] for n in (3, 2, 1)]
        elif w == "time":
            spans = [words[max(i - n, 0):i] for n in (3, 2, 1)]
        elif names and word[:1].isupper() and not (word.isupper() and len(word) <= 4):
            spans = [words[i:i + n] for n in (3, 2, 1)]
        else:
            continue
        yield from next(([" ".join(s)] for s in spans if s and known(" ".join(s))), [])


def said_place(heard: str, known: Callable[[str], object]) -> str | None:
    """The one place `heard` names after "in" or "for" or before "time", the longest span of
    up to three words that `known` knows; None when it names none, or several, or asks of here."""
    if asks_here(heard):
        return None
    found = list(_places_named(heard, known, ("in", "for")))
    return found[0] if len({f.lower() for f in found}) == 1 else None


# "there" as a place ("what time is it there", "how cold is it over there"), not "is there",
# "isn't there", "there's", "get there" or "hi there".
_THERE = re.compile(r"(?<!(?<!\bit )\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!\bget )(?<!\bgot )"
                    r"(?<!\bgo )(?<!\bgoing )(?<!\bbeen )(?<!\bhi )(?<!\bhey )(?<!\bfrom )"
                    r"(?<!\bhere and )(?<!n't )\bthere\b(?!'|\s+(?:is|are|was|were|will|would|be|has|have|"
                    r"had|isn't|aren't|wasn't|might|may|must|should|could|seems?|you\s+go)\b)")
# "there" written for the place itself: no place.
_WRITTEN_THERE = re.compile(r"\s*(?:(?:over|out|up|down)\s+)?there\s*", re.IGNORECASE)
# Words a place is named after: "my sister's in Perth", "flying to Tokyo", "visiting Lagos".
_TOWARDS = frozenset({"in", "for", "to", "from", "at", "near", "around", "visiting", "visit",
                      "outside", "into"})


def says_there(heard: str) -> bool:
    """Whether `heard` speaks of a place as "there" ("is it raining there?", "out there")."""
    return bool(_THERE.search(heard.lower().replace("\u2019", "'")))


def place_named_last(said: str, known: Callable[[str], object]) -> str | None:
    """The place `said` names last after "in", "to", "visiting" and the like, before "time",
    or written as a name ("Sydney trip soon"; not "GMT"): the longest span of up to three
    words that `known` knows."""
    found = list(_places_named(said, known, _TOWARDS, names=True))
    return found[-1].rstrip(".'-") if found else None


def ground_there(call: ToolCall, places: Mapping[str, Callable[[str], object]], heard: str,
                 said: str) -> ToolCall:
    """`call` with each of its `places` it lacks (or wrote as "there") set to the place named
    last in `said` (the user's turns, the newest last), when `heard` (the call's own words: its
    ask's, or the newest request's) speaks of it as "there": "what's the weather in rome and
    what time is it there" read the clock here, its second ask held to its own words."""
    if not places or not says_there(heard) or asks_here(heard):
        return call
    args = dict(call.arguments)
    for name, known in places.items():
        written = args.get(name)
        lacks = not written or (isinstance(written, str) and _WRITTEN_THERE.fullmatch(written))
        if lacks and (place := place_named_last(said, known)):
            args[name] = place
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


# Said right before a place that is the user's own or where a trip starts: "I'm in Boston",
# "here in LA", "we live in Leeds", "from Toronto", "out of Heathrow", "leaving Munich".
_SET_OUT = re.compile(r"(?:\b(?:i'?m|i\s+am|im|we'?re|we\s+are|i\s+live|we\s+live|based|"
                      r"here|home\s+is)\s+(?:(?:currently|now|still|over|out|back|down|up)\s+)?"
                      r"(?:in|at)|\b(?:from|out\s+of|leaving|leave|departing(?:\s+from)?))\s+"
                      r"(?:the\s+)?$", re.IGNORECASE)
# Days, months and feasts that some place is named too: "at Christmas" is no Christmas Island.
_NO_PLACE = frozenset({"christmas", "easter", "january", "february", "march", "april", "may", "june",
                       "july", "august", "september", "october", "november", "december", "monday",
                       "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon",
                       "tue", "wed", "thu", "fri", "sat", "sun"})
# A request about several places: each is asked ("at both ends", "each", "vs").
_SEVERAL = re.compile(r"\b(?:both|each|either|them|all\s+(?:three|four|of\s+them)|compare|"
                      r"comparing|vs\.?|versus|than)(?!\w)", re.IGNORECASE)


def ground_asked(call: ToolCall, places: Mapping[str, Callable[[str], object]],
                 heard: str) -> ToolCall:
    """`call` with each of its `places` that `heard` names only as the user's own or where a
    trip starts ("I'm in Boston rn, what time is it in Tokyo" -> Boston; "flying out of Heathrow
    to Rome tmrw, what's the weather there?" -> Heathrow), or that it lacks where `heard` names
    the user's own place, set to the place `heard` names last that is neither, where the tool
    knows it with no network. Not where that place is asked of too ("flying from Paris to
    London, what's the weather in Paris"), nor where `heard` asks about several places or of
    here ("here in LA" is the user's own place, not a question of here)."""
    if not places or _SEVERAL.search(heard) or \
            asks_here(re.sub(r"\bhere\s+(?:in|at)\s+", "in ", heard, flags=re.IGNORECASE)):
        return call
    args = dict(call.arguments)
    for name, known in places.items():
        written = args.get(name)
        if written is not None and not isinstance(written, str):
            continue
        found = dict.fromkeys(_places_named(heard, known, _TOWARDS, names=True))
        # Each place as often as it is said, in order, and whether it is said as the user's own
        # or a start there.
        named = sorted(((m.start(), p, bool(_SET_OUT.search(heard[:m.start()])))
                        for p in found if p.lower() not in _NO_PLACE
                        for m in re.finditer(rf"(?<!\w){re.escape(p)}(?!\w)", heard, re.IGNORECASE)),
                       key=lambda n: n[0])
        own = {p.lower() for _, p, set_out in named if set_out}
        if written and written.strip():
            at = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(written.strip())}(?!\w)",
                                                 heard, re.IGNORECASE)]
            if not at or not all(_SET_OUT.search(heard[:i]) for i in at):
                continue  # the brain's place is asked of, or is no place said
            own.add(written.strip().lower())
        asked = [p for _, p, set_out in named if not set_out and p.lower() not in own]
        if asked and own:
            args[name] = asked[-1]
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


def place_unsaid(call: ToolCall, tool: Tool, heard: str) -> bool:
    """Whether `call` reads a place (one of `tool.places`) that is not the place `heard` names
    (`said_place`): "How many days until Easter?" -> get_time('Easter'), "how long till the
    weekend" -> get_time('London'). A call with no place, or with the place said ("how long
    until midnight in Tokyo"), reads none unsaid."""
    for name, known in tool.places.items():
        written = call.arguments.get(name)
        if not isinstance(written, str) or not written.strip():
            continue
        said, zone = said_place(heard, known), known(written)
        if said is None or zone is None or known(said) != zone:
            return True
    return False


def ground_place(call: ToolCall, places: Mapping[str, Callable[[str], object]],
                 heard: str) -> ToolCall:
    """`call` with each of its `places` it lacks set to the place `heard` names, when the
    tool knows it; without them when `heard` asks of here."""
    args = dict(call.arguments)
    here = asks_here(heard)
    for name, known in places.items():
        if here:
            args.pop(name, None)
        elif not args.get(name) and (place := said_place(heard, known)):
            args[name] = place
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


def ground_counted(call: ToolCall, counted: Mapping[str, Callable[[str], int | None]],
                   heard: str) -> ToolCall:
    """`call` with each of its `counted` arguments set to the count `heard` says, where it says
    one: "show me my latest note" -> read_notes(limit=1), which the brain left at the default 5."""
    args = dict(call.arguments)
    for name, count in counted.items():
        if (n := count(heard)) is not None:
            args[name] = n
    return call if args == dict(call.arguments) else ToolCall(call.name, args)


def as_said(call: ToolCall, tool: Tool, heard: str, now: datetime) -> ToolCall:
    """`call` with its place, duration, moments, days, times of day, units and amounts held to
    what `heard` (the newest request) says, as `tool` declares them."""
    from assistant.tools.when import said_moment

    new = ground_place(call, tool.places, heard)
    new = ground_counted(new, tool.counted, heard)
    new = ground_duration(new, tool.duration, heard)
    new = ground_moment(new, tool.moments, heard, now)
    new = ground_day(new, tool.days, heard, now)
    past = any(p == "past" for p in tool.moments.values())
    moment = said_moment(heard, now, "past" if past else "future") if tool.moments else None
    new = ground_times(new, tool.times_of_day, heard, now)
    new = ground_unit(new, tool.units, heard, tool.count_units)
    new = ground_amount(new, tool.amounts, heard, moment)
    new = ground_measure(new, tool.measures, tool.amounts[0] if tool.amounts else "",
                         tool.unit_of, heard)
    new = ground_sum(new, tool.sums, heard)
    new = ground_count(new, tool.units, tool.count_units, tool.amounts, heard)
    return ground_strength(new, tool.units, tool.strength, heard)


__all__ = ["CLOSE", "COUNTED_AT_MOST", "as_routine", "as_said", "as_taken", "asks_here",
           "cannot_do_without", "counts_as_said", "ground", "ground_amount", "ground_asked",
           "ground_count", "ground_counted", "ground_day", "ground_duration", "ground_measure",
           "ground_moment", "ground_place",
           "ground_strength", "ground_sum", "ground_there", "ground_times", "ground_unit",
           "in_digits", "made_up", "no_day_ahead", "place_named_last", "said", "said_ids",
           "said_numbers", "said_place", "said_units", "says_a_time", "says_there"]
