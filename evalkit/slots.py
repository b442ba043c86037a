"""Slot values for the request templates: what is said, and which argument values it means.

A slot is filled with a `Fill`: the spoken text and the acceptable value(s) of each argument it
sets (BFCL style: a tuple of acceptable values per argument). Everything is drawn from a seeded
`random.Random`, so the data set is a pure function of the seed and the drug list.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fill:
    text: str
    args: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    terms: tuple[str, ...] = ()


_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(n: int) -> str:
    """English words for 0..9999 (enough for spoken requests; no dependency on num2words)."""
    if n < 0 or n > 9999:
        raise ValueError(f"number_words covers 0..9999, got {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    rest = n % 1000
    return number_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + number_words(rest))


def say_number(rng: random.Random, n: int, words_p: float = 0.3) -> str:
    return number_words(n) if rng.random() < words_p and n < 10000 else str(n)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --- places and days ----------------------------------------------------------------------------

CITIES: tuple[tuple[str, str], ...] = (
    ("Paris", "France"), ("London", "UK"), ("Berlin", "Germany"), ("Tokyo", "Japan"),
    ("New York", "USA"), ("Chicago", "USA"), ("Madrid", "Spain"), ("Rome", "Italy"),
    ("Sydney", "Australia"), ("Toronto", "Canada"), ("Mumbai", "India"), ("Cairo", "Egypt"),
    ("Lisbon", "Portugal"), ("Dublin", "Ireland"), ("Seattle", "USA"), ("Boston", "USA"),
    ("Amsterdam", "Netherlands"), ("Vienna", "Austria"), ("Oslo", "Norway"), ("Seoul", "South Korea"),
    ("Mexico City", "Mexico"), ("San Francisco", "USA"), ("Los Angeles", "USA"),
    ("Buenos Aires", "Argentina"), ("Cape Town", "South Africa"), ("Nairobi", "Kenya"),
    ("Stockholm", "Sweden"), ("Prague", "Czechia"), ("Athens", "Greece"), ("Denver", "USA"),
    ("Miami", "USA"), ("Vancouver", "Canada"), ("Helsinki", "Finland"), ("Warsaw", "Poland"),
    ("Bangkok", "Thailand"), ("Singapore", "Singapore"), ("Istanbul", "Turkey"),
    ("Edinburgh", "UK"), ("Montreal", "Canada"), ("Lagos", "Nigeria"), ("Hanoi", "Vietnam"),
    ("Zurich", "Switzerland"), ("Copenhagen", "Denmark"), ("Brussels", "Belgium"),
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def city(rng: random.Random, arg: str = "location") -> Fill:
    name, country = rng.choice(CITIES)
    return Fill(name, {arg: (name, f"{name}, {country}")})


def day(rng: random.Random) -> Fill:
    r = rng.random()
    if r < 0.4:
        return Fill("tomorrow", {"day": ("tomorrow",)})
    if r < 0.55:
        return Fill("today", {"day": ("today",)})
    wd = rng.choice(WEEKDAYS)
    return Fill(f"on {wd.capitalize()}", {"day": (wd,)})


def past_day(rng: random.Random) -> Fill:
    r = rng.random()
    if r < 0.5:
        return Fill("yesterday", {"day": ("yesterday",)})
    if r < 0.7:
        return Fill("today", {"day": ("today",)})
    wd = rng.choice(WEEKDAYS)
    return Fill(f"on {wd.capitalize()}", {"day": (wd,)})


# --- timers and reminders -----------------------------------------------------------------------

TIMER_LABELS = ("pasta", "eggs", "laundry", "tea", "pizza", "bread", "workout", "meeting",
                "parking", "nap", "rice", "oven", "cookies", "stretching", "homework", "coffee",
                "chicken", "break", "meditation", "steak")


def duration(rng: random.Random) -> Fill:
    r = rng.random()
    if r < 0.5:
        m = rng.choice((1, 2, 3, 4, 5, 7, 8, 10, 12, 15, 20, 25, 30, 40, 45, 50, 90))
        return Fill(f"{say_number(rng, m)} minute{'s' if m != 1 else ''}", {"minutes": (m,)})
    if r < 0.65:
        s = rng.choice((10, 20, 30, 45, 90))
        return Fill(f"{say_number(rng, s)} seconds", {"seconds": (s,)})
    if r < 0.8:
        h = rng.choice((1, 2, 3))
        return Fill(f"{say_number(rng, h)} hour{'s' if h != 1 else ''}", {"hours": (h,)})
    if r < 0.9:
        text, parts = rng.choice((("half an hour", {"minutes": 30}),
                                  ("an hour and a half", {"hours": 1, "minutes": 30}),
                                  ("a minute and a half", {"minutes": 1, "seconds": 30}),
                                  ("a quarter of an hour", {"minutes": 15})))
        return Fill(text, {k: (v,) for k, v in parts.items()})
    m, s = rng.choice(((1, 30), (2, 30), (3, 15), (4, 45), (5, 30)))
    return Fill(f"{say_number(rng, m)} minute{'s' if m != 1 else ''} and {s} seconds",
                {"minutes": (m,), "seconds": (s,)})


def any_duration(rng: random.Random) -> Fill:
    """A timer's duration over every whole number of minutes to two hours, seconds and hours,
    said in words half the time. For training wordings only (finetune/phrasings.py): evalkit's
    own templates use `duration`, so its items stay as they are. A small model that saw only
    `duration`'s few values misread unseen ones ("ten minutes" -> 60 s, "nine minutes" -> 900 s)."""
    r = rng.random()
    if r < 0.6:
        m = rng.randint(1, 120)
        return Fill(f"{say_number(rng, m, 0.5)} minute{'s' if m != 1 else ''}",
                    {"minutes": (m,)})
    if r < 0.8:
        s = rng.randint(5, 59)
        return Fill(f"{say_number(rng, s, 0.5)} second{'s' if s != 1 else ''}", {"seconds": (s,)})
    if r < 0.9:
        h = rng.randint(1, 5)
        return Fill(f"{say_number(rng, h, 0.5)} hour{'s' if h != 1 else ''}",
                    {"hours": (h,)})
    m, s = rng.randint(1, 9), rng.choice((10, 15, 20, 30, 40, 45))
    return Fill(f"{say_number(rng, m, 0.5)} minute{'s' if m != 1 else ''} and "
                f"{say_number(rng, s, 0.5)} seconds", {"minutes": (m,), "seconds": (s,)})


def timer_label(rng: random.Random) -> Fill:
    label = rng.choice(TIMER_LABELS)
    return Fill(label, {"label": (label, f"{label} timer")})


def timer_id(rng: random.Random) -> Fill:
    n = rng.randint(1, 9)
    return Fill(say_number(rng, n, 0.5), {"timer_id": (n,)})


REMINDER_TEXTS = ("call mom", "take out the trash", "water the plants", "pick up the kids",
                  "pay the electricity bill", "book a dentist appointment", "buy milk",
                  "send the report to Anna", "feed the cat", "renew my passport",
                  "check the oven", "move the car", "call the pharmacy", "charge my phone",
                  "stretch", "back up my laptop", "return the library books", "email Mark",
                  "order more coffee", "lock the back door", "start the dishwasher",
                  "bring the umbrella", "walk the dog", "submit my timesheet")


def reminder_text(rng: random.Random) -> Fill:
    t = rng.choice(REMINDER_TEXTS)
    return Fill(t, {"text": (t, f"to {t}")})


def _clock(rng: random.Random) -> tuple[str, int, int]:
    """A spoken clock time and its 24-hour (hour, minute)."""
    h12 = rng.randint(1, 12)
    minute = rng.choice((0, 0, 0, 15, 30, 45))
    pm = rng.random() < 0.5
    h24 = (h12 % 12) + (12 if pm else 0)
    spoken = f"{h12}" if minute == 0 else f"{h12}:{minute:02d}"
    return f"{spoken} {'pm' if pm else 'am'}", h24, minute


def when(rng: random.Random) -> Fill:
    r = rng.random()
    if r < 0.3:
        n = rng.choice((5, 10, 15, 20, 30, 45))
        text = f"in {say_number(rng, n)} minutes"
        return Fill(text, {"when": (f"in {n} minutes",)})
    if r < 0.45:
        n = rng.choice((1, 2, 3))
        text = f"in {say_number(rng, n)} hour{'s' if n != 1 else ''}"
        return Fill(text, {"when": (f"in {n} hour{'s' if n != 1 else ''}",)})
    spoken, h, m = _clock(rng)
    hhmm = f"{h:02d}:{m:02d}"
    if r < 0.75:
        return Fill(f"tomorrow at {spoken}", {"when": (f"tomorrow at {spoken}", f"tomorrow {hhmm}")})
    if r < 0.88:
        return Fill(f"at {spoken}", {"when": (spoken, f"today at {spoken}", hhmm)})
    wd = rng.choice(WEEKDAYS)
    return Fill(f"on {wd.capitalize()} at {spoken}", {"when": (f"{wd} at {spoken}", f"{wd} {hhmm}")})


def clock_time(rng: random.Random, arg: str = "time") -> Fill:
    spoken, h, m = _clock(rng)
    return Fill(f"at {spoken}", {arg: (spoken, f"{h:02d}:{m:02d}")})


def schedule_times(rng: random.Random) -> Fill:
    n = rng.choice((1, 2, 2, 3))
    picks: list[tuple[str, int, int]] = []
    while len(picks) < n:
        c = _clock(rng)
        if all(c[1] != p[1] for p in picks):
            picks.append(c)
    picks.sort(key=lambda c: (c[1], c[2]))
    spoken = [p[0] for p in picks]
    text = spoken[0] if n == 1 else ", ".join(spoken[:-1]) + " and " + spoken[-1]
    hhmm = [f"{p[1]:02d}:{p[2]:02d}" for p in picks]
    # The times as said come first, as for `clock_time`: the tool parses "3:30 pm", and copying
    # what was said is what a small model does reliably (converting to 24 h is where it slips).
    return Fill(f"at {text}", {"times": (tuple(spoken), tuple(hhmm))})


# --- notes --------------------------------------------------------------------------------------

NOTE_TEXTS = ("the wifi password is on the back of the router", "buy eggs, milk and bread",
              "the plumber comes on Thursday", "Anna's birthday is in June",
              "parking spot is level three, row B", "ideas for the garden: tomatoes and basil",
              "the car needs an oil change", "gate code is four five seven one",
              "return the blue jacket", "try the Thai place on Main Street",
              "book flights for the summer trip", "the meeting moved to Friday",
              "dog food brand is Acana", "the landlord's number is on the fridge",
              "cancel the gym membership", "my shoe size is nine and a half",
              "grandma likes lilies", "the spare key is under the blue pot")
NOTE_QUERIES = ("wifi", "plumber", "birthday", "parking", "garden", "car", "gate code",
                "flights", "meeting", "dog food", "landlord", "gym", "spare key", "groceries",
                "passwords", "recipes", "the dentist", "the trip")


def note_text(rng: random.Random) -> Fill:
    t = rng.choice(NOTE_TEXTS)
    return Fill(t, {"text": (t, t[0].upper() + t[1:])})


def note_query(rng: random.Random) -> Fill:
    q = rng.choice(NOTE_QUERIES)
    alts = (q, q[4:]) if q.startswith("the ") else (q,)
    return Fill(q, {"query": alts})


def note_id(rng: random.Random) -> Fill:
    n = rng.randint(1, 30)
    return Fill(say_number(rng, n, 0.5), {"note_id": (n,)})


def note_limit(rng: random.Random) -> Fill:
    n = rng.choice((2, 3, 5, 10))
    return Fill(say_number(rng, n, 0.6), {"limit": (n,)})


# --- units and arithmetic -----------------------------------------------------------------------

# (spoken singular, spoken plural, canonical unit) and the pairs that make sense to convert.
UNITS: dict[str, tuple[str, str, str]] = {
    "mi": ("mile", "miles", "mile"), "km": ("kilometer", "kilometers", "kilometer"),
    "kg": ("kilogram", "kilograms", "kilogram"), "lb": ("pound", "pounds", "pound"),
    "degF": ("degree Fahrenheit", "degrees Fahrenheit", "fahrenheit"),
    "degC": ("degree Celsius", "degrees Celsius", "celsius"),
    "cup": ("cup", "cups", "cup"), "ml": ("milliliter", "milliliters", "milliliter"),
    "in": ("inch", "inches", "inch"), "cm": ("centimeter", "centimeters", "centimeter"),
    "ft": ("foot", "feet", "foot"), "m": ("meter", "meters", "meter"),
    "oz": ("ounce", "ounces", "ounce"), "g": ("gram", "grams", "gram"),
    "l": ("liter", "liters", "liter"), "gal": ("gallon", "gallons", "gallon"),
    "tbsp": ("tablespoon", "tablespoons", "tablespoon"),
}
UNIT_PAIRS = (("mi", "km"), ("km", "mi"), ("kg", "lb"), ("lb", "kg"), ("degF", "degC"),
              ("degC", "degF"), ("cup", "ml"), ("in", "cm"), ("cm", "in"), ("ft", "m"),
              ("m", "ft"), ("oz", "g"), ("g", "oz"), ("l", "gal"), ("gal", "l"), ("tbsp", "ml"))


def conversion(rng: random.Random) -> tuple[Fill, Fill]:
    """(quantity with its unit, target unit)."""
    src, dst = rng.choice(UNIT_PAIRS)
    value: float = rng.choice((1, 2, 3, 5, 10, 12, 20, 25, 50, 75, 100, 180, 250, 350, 2.5, 0.5))
    if src in ("degF", "degC"):
        value = rng.choice((0, 20, 25, 32, 37, 60, 72, 98, 100, 350))
    sing, plur, canon = UNITS[src]
    spoken_value = _fmt(value) if not float(value).is_integer() else say_number(rng, int(value))
    qty = Fill(f"{spoken_value} {sing if value == 1 else plur}",
               {"value": (value,), "from_unit": (canon,)})
    return qty, Fill(UNITS[dst][1], {"to_unit": (UNITS[dst][2],)})


def arithmetic(rng: random.Random) -> Fill:
    a, b = rng.randint(2, 99), rng.randint(2, 40)
    op = rng.choice(("times", "plus", "minus", "divided by", "percent of"))
    sym = {"times": "*", "plus": "+", "minus": "-", "divided by": "/", "percent of": "/100*"}[op]
    expr = f"{a}{sym}{b}" if op != "percent of" else f"{b}*{a}/100"
    text = f"{say_number(rng, a)} {op} {say_number(rng, b)}"
    return Fill(text, {"expression": (expr,)})


# --- medication ---------------------------------------------------------------------------------

DOSE_UNITS = (("milligrams", "mg", (5, 10, 20, 25, 40, 50, 100, 200, 250, 400, 500, 850, 1000)),
              ("micrograms", "mcg", (25, 50, 75, 88, 100, 112, 125)),
              ("milliliters", "ml", (5, 10, 15)),
              ("units", "units", (4, 6, 8, 10, 12, 20)),
              ("tablets", "tablet", (1, 2)))


def dose(rng: random.Random) -> Fill:
    spoken_unit, unit, amounts = rng.choices(DOSE_UNITS, weights=(6, 2, 1, 1, 1))[0]
    amount = rng.choice(amounts)
    if unit == "tablet" and amount == 1:
        spoken_unit = "tablet"
    return Fill(f"{say_number(rng, amount, 0.25)} {spoken_unit}",
                {"amount": (amount,), "unit": (unit,)})


def drug_fill(name: str) -> Fill:
    return Fill(name, {"drug": (name,)}, terms=(name,))


SlotFn = Callable[[random.Random], Fill]
