"""Argument value normalisation for the checker: two values match when they mean the same thing.

Numbers ("300", 300.0), units ("miles", "mi"), clock times ("8 pm", "20:00"), spoken times
("tomorrow at 7" vs "tomorrow 07:00", resolved with the tools' own parser against a fixed clock),
drug names (brand names resolve to the generic, as the medication tool does), places ("Paris,
France" vs "Paris"), durations in parts (hours=1, minutes=30 vs seconds=5400), arithmetic
expressions (compared by value, computed by a small AST walker,
never eval) and free text (case, punctuation, a leading "to"/"that").
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

# A fixed "now" so spoken times resolve the same way for the gold and the model's value.
REFERENCE_NOW = datetime(2025, 3, 12, 10, 30, tzinfo=ZoneInfo("UTC"))  # a Wednesday morning

ARG_KINDS: dict[str, str] = {
    "location": "place", "day": "day", "seconds": "number", "value": "number",
    "amount": "number", "limit": "number", "note_id": "number", "timer_id": "number",
    "from_unit": "unit", "to_unit": "unit", "unit": "unit", "drug": "drug", "time": "time",
    "when": "when", "times": "time-list", "expression": "expression", "text": "text",
    "query": "text", "label": "label",
}

_UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "mile": ("mi", "miles"), "kilometer": ("km", "kilometre", "kilometres", "kilometers"),
    "kilogram": ("kg", "kgs", "kilo", "kilos", "kilograms", "kilogramme"),
    "pound": ("lb", "lbs", "pounds"), "fahrenheit": ("degf", "°f", "f", "degree_fahrenheit",
                                                     "degrees fahrenheit", "degree fahrenheit"),
    "celsius": ("degc", "°c", "c", "degree_celsius", "degrees celsius", "degree celsius",
                "centigrade"),
    "cup": ("cups",), "milliliter": ("ml", "millilitre", "millilitres", "milliliters"),
    "inch": ("in", "inches"), "centimeter": ("cm", "centimetre", "centimetres", "centimeters"),
    "foot": ("ft", "feet"), "meter": ("m", "metre", "metres", "meters"),
    "ounce": ("oz", "ounces"), "gram": ("g", "grams", "gramme", "grammes"),
    "liter": ("l", "litre", "litres", "liters"), "gallon": ("gal", "gallons"),
    "tablespoon": ("tbsp", "tablespoons"), "mg": ("milligram", "milligrams", "milligramme"),
    "mcg": ("microgram", "micrograms", "µg", "ug"), "units": ("unit", "iu"),
    "tablet": ("tablets", "tab", "tabs", "pill", "pills"),
}
_UNIT = {alias: canon for canon, aliases in _UNIT_ALIASES.items() for alias in (canon, *aliases)}
# "ml" is both a dose unit and a volume: one canonical name.
_UNIT["ml"] = "milliliter"


def norm_text(value: Any) -> str:
    s = str(value).lower().replace("’", "'")
    s = re.sub(r"[^\w\s':/.-]", " ", s)
    s = re.sub(r"(?<!\d)[.:](?!\d)", " ", s)
    s = " ".join(s.split())
    return re.sub(r"^(to|that|about|for|the) ", "", s)


def norm_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError:
        return None


def norm_unit(value: Any) -> str:
    s = " ".join(str(value).lower().replace("degrees_", "degree_").split())
    dose = _dose_forms()
    s = dose.get(s, dose.get(s.rstrip("s"), s))
    return _UNIT.get(s, _UNIT.get(s.rstrip("s"), s))


@cache
def _dose_forms() -> dict[str, str]:
    """Each spoken form of a dose unit as the medication tools read it ("cap" -> "capsules"):
    a call the tool logs right is scored right."""
    from assistant.tools.medication import UNITS

    return {form: unit for unit, forms in UNITS.items() for form in forms}


def norm_drug(value: Any) -> str:
    """A drug name as the medication tools read it: a name, an alias, or a spelling close
    enough that they take it without asking ("lamotrigin", as Whisper may write it) is its
    generic; a name they would ask about, or not know, stays itself (not yet the drug)."""
    return _as_read(" ".join(str(value).lower().split()))


@cache
def _as_read(s: str) -> str:
    from assistant.tools.formulary import load

    drug = load().resolve(s).drug  # set for a name, an alias or a close spelling
    return drug.generic.lower() if drug is not None else s


def norm_place(value: Any) -> str:
    return norm_text(str(value).split(",")[0])


def norm_label(value: Any) -> str:
    return re.sub(r"\s*timer$", "", norm_text(value))


_CLOCK = re.compile(r"^(?:at )?(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*([ap])?\.?\s*m?\.?$")


def norm_time(value: Any) -> str:
    """A clock time as HH:MM when it is one, else normalised text."""
    s = str(value).strip().lower()
    m = _CLOCK.match(s)
    if m:
        hour, minute = int(m[1]), int(m[2] or 0)
        if m[3] == "p" and hour < 12:
            hour += 12
        if m[3] == "a" and hour == 12:
            hour = 0
        if 0 <= hour < 24 and 0 <= minute < 60:
            return f"{hour:02d}:{minute:02d}"
    when = norm_when(s)
    return when[-5:] if re.search(r"\d\d:\d\d$", when) else when


def norm_when(value: Any) -> str:
    """Resolve a spoken time with the reminder tool's parser against REFERENCE_NOW."""
    text = str(value)
    try:
        from assistant.tools.when import parse_when
    except ImportError:
        return norm_text(text)
    try:
        dt = parse_when(text, REFERENCE_NOW)
    except Exception:  # the parser's own failure means "no match", never a crash of the checker
        dt = None
    if dt is None:  # an ISO timestamp from the model
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return norm_text(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=REFERENCE_NOW.tzinfo)
    return dt.astimezone(REFERENCE_NOW.tzinfo).strftime("%Y-%m-%d %H:%M")


# Days a tool reads backwards: list_doses("monday") lists the Monday gone (medication.py), where
# get_weather("monday") is the coming one; gold and call are read as their tool reads them.
PAST_DAYS: frozenset[tuple[str, str]] = frozenset({("list_doses", "day")})


def norm_day(value: Any, past: bool = False) -> str:
    s = norm_text(value)
    s = re.sub(r"^(on|next|this) ", "", s)
    try:
        from assistant.tools.when import parse_day
    except ImportError:
        return s
    try:
        d = parse_day(s, REFERENCE_NOW, "past" if past or s == "yesterday" else "future")
    except Exception:  # unparseable: compare the words
        d = None
    return d.isoformat() if d is not None else s


def norm_past_day(value: Any) -> str:
    return norm_day(value, past=True)


# --- arithmetic by value -----------------------------------------------------------------------

_BINOPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow, ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv,
}


def _walk(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _walk(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _walk(node.left), _walk(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > 100:
            raise ValueError("exponent too large")
        return _BINOPS[type(node.op)](left, right)
    raise ValueError(f"not arithmetic: {ast.dump(node)[:60]}")


def eval_expression(value: Any) -> float | None:
    """The value of a plain arithmetic expression, or None. Parsed with `ast`, never evaluated."""
    s = str(value).lower().strip().rstrip("=?").strip()
    s = re.sub(r"(\d(?:\.\d+)?)\s*(?:%|percent)\s*of\s*", r"\1/100*", s)
    s = s.replace("×", "*").replace("÷", "/").replace("^", "**").replace(",", "")
    s = re.sub(r"\b(times|x)\b", "*", s)
    s = re.sub(r"\bdivided by\b", "/", s).replace("plus", "+").replace("minus", "-")
    s = re.sub(r"(\d(?:\.\d+)?)\s*%", r"(\1/100)", s)
    if len(s) > 200:
        return None
    try:
        return _walk(ast.parse(s, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, RecursionError):
        pass
    # Functions ("sqrt(729)", "round(2.5)"): what the calculator tool itself would compute.
    from assistant.tools.calculator import CalcError, evaluate

    try:
        return float(evaluate(str(value)))
    except (CalcError, ValueError, ZeroDivisionError, OverflowError):
        return None


# A timer's duration is given in the units said and summed by the tool; it is checked as a total.
DURATION_PARTS: dict[str, int] = {"hours": 3600, "minutes": 60, "seconds": 1}


def total_duration(args: dict[str, Any]) -> dict[str, Any]:
    """`args` with hours/minutes/seconds as one `seconds` total ("ten minutes" is right as
    minutes=10 and as seconds=600); unchanged when there are no hours or minutes, or a part is
    not a number (then it cannot match)."""
    if not {"hours", "minutes"} & set(args):
        return args
    total = 0.0
    for key, scale in DURATION_PARTS.items():
        if key in args:
            if (n := norm_number(args[key])) is None:
                return args
            total += n * scale
    return {**{k: v for k, v in args.items() if k not in DURATION_PARTS}, "seconds": total}


def as_read(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """`args` as the tool reads them, where a tool reads a value as another: get_weather's
    location "here" is no place (the home city), its location "today" is the day."""
    if name != "get_weather" or not isinstance(args.get("location"), str):
        return args
    from assistant.tools.weather import read_place

    place, day = read_place(args["location"], args.get("day"))
    rest = {k: v for k, v in args.items() if k not in ("location", "day")}
    return {**rest, **({"location": place} if place is not None else {}),
            **({"day": day} if day is not None else {})}


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def values_match(arg: str, got: Any, want: Any, tool: str = "") -> bool:
    """Does the model's value `got` for `tool`'s argument `arg` mean the acceptable `want`?"""
    kind = "past-day" if (tool, arg) in PAST_DAYS else ARG_KINDS.get(arg, "text")
    if kind == "number":
        return _close(norm_number(got), norm_number(want))
    if kind == "expression":
        return _close(eval_expression(got), eval_expression(want))
    if kind == "time-list":
        if not isinstance(got, (list, tuple)) or not isinstance(want, (list, tuple)):
            return False
        return sorted(norm_time(g) for g in got) == sorted(norm_time(w) for w in want)
    if isinstance(got, (list, tuple, dict, bool)):
        return False
    fn: Callable[[Any], Any] = {
        "unit": norm_unit, "drug": norm_drug, "time": norm_time, "when": norm_when,
        "day": norm_day, "past-day": norm_past_day, "place": norm_place,
        "label": norm_label,
    }.get(kind, norm_text)
    return bool(fn(got) == fn(want))
