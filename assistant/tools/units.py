"""Unit conversion (pint) and arithmetic (the safe evaluator in `calculator`)."""

from __future__ import annotations

import math
import re
import threading
from typing import TYPE_CHECKING, Any

from assistant.tools.base import ErrorCode, SideEffect, Tool, ToolFailure, bind
from assistant.tools.calculator import CalcError, evaluate, say_number
from assistant.tools.context import ToolContext

if TYPE_CHECKING:
    import pint

# Spoken names pint does not know, or reads as something else ("C" is a coulomb, "F" a farad).
_ALIASES = {
    "c": "degC", "°c": "degC", "celsius": "degC", "centigrade": "degC", "degrees c": "degC",
    "degree c": "degC", "degrees celsius": "degC", "degree celsius": "degC",
    "f": "degF", "°f": "degF", "fahrenheit": "degF", "degrees f": "degF", "degree f": "degF",
    "degrees fahrenheit": "degF", "degree fahrenheit": "degF",
    "k": "kelvin", "kelvins": "kelvin", "degrees kelvin": "kelvin",
    "fl oz": "fluid_ounce", "fluid ounce": "fluid_ounce", "fluid ounces": "fluid_ounce",
    "lbs": "pound", "stones": "stone", "kph": "kilometer/hour", "kmh": "kilometer/hour",
    "km/hr": "kilometer/hour", "mph": "mile/hour", "miles per hour": "mile/hour",
    "kilometres per hour": "kilometer/hour", "kilometers per hour": "kilometer/hour",
    "cc": "cubic_centimeter", "tbsp": "tablespoon", "tbs": "tablespoon", "tsp": "teaspoon",
    "metres": "meter", "metre": "meter", "litre": "liter", "litres": "liter",
    "millilitre": "milliliter", "millilitres": "milliliter", "kilometre": "kilometer",
    "kilometres": "kilometer", "centimetre": "centimeter", "centimetres": "centimeter",
    # As said, or as Whisper writes it: pint reads "kilos" as kiloseconds and "km h" as km * h.
    "kilo": "kilogram", "kilos": "kilogram", "kgs": "kilogram", "fluid oz": "fluid_ounce",
    "table spoon": "tablespoon", "table spoons": "tablespoon", "tea spoon": "teaspoon",
    "tea spoons": "teaspoon", "miles an hour": "mile/hour", "mile an hour": "mile/hour",
    "kilometres an hour": "kilometer/hour", "kilometers an hour": "kilometer/hour",
    "km an hour": "kilometer/hour", "km per hour": "kilometer/hour", "km-h": "kilometer/hour",
    "km h": "kilometer/hour", "k/h": "kilometer/hour", "km/h": "kilometer/hour",
}
# What a unit measures, as said: pint's dimensionality ("[length] ** 3") is not for speaking.
_KINDS = {
    "[length]": "length", "[length] ** 2": "area", "[length] ** 3": "volume", "[mass]": "mass",
    "[temperature]": "temperature", "[time]": "time", "[length] / [time]": "speed",
    "[mass] / [length] ** 3": "density", "[length] / [time] ** 2": "acceleration",
    "[mass] * [length] / [time] ** 2": "force", "[mass] / [length] / [time] ** 2": "pressure",
    "[mass] * [length] ** 2 / [time] ** 2": "energy",
    "[mass] * [length] ** 2 / [time] ** 3": "power", "dimensionless": "a plain number",
}
# Money has no fixed rate, and a dose's "units" (insulin) are no measure pint knows ("unit" is
# read as a micro-nit, a brightness).
_MONEY = re.compile(r"\b(?:dollars?|usd|euros?|eur|gbp|quid|sterling|pence|p|pennies|penny|"
                    r"cents?|yen|jpy|rupees?|inr|pesos?|francs?|chf|yuan|rmb|cny|kron[aeor]+|"
                    r"won|rand|reais|real|roubles?|rubles?|lira|baht|dirhams?|ringgits?|zloty|"
                    r"forints?|bitcoins?|btc|aud|cad|nzd|bucks?)\b")
_NOT_UNITS = frozenset({"unit", "units", "iu", "international units"})
_IRREGULAR = {"foot": "feet", "inch": "inches", "century": "centuries", "hertz": "hertz",
              "celsius": "celsius", "fahrenheit": "fahrenheit", "kelvin": "kelvin"}

_lock = threading.Lock()
_registry: pint.UnitRegistry | None = None


def _ureg() -> pint.UnitRegistry:
    """Built once and shared: building a registry takes about a second."""
    global _registry
    with _lock:
        if _registry is None:
            import pint

            _registry = pint.UnitRegistry()
        return _registry


def _parse_unit(text: str) -> pint.Unit:
    import tokenize

    import pint

    ureg = _ureg()
    key = " ".join(text.strip().lower().replace("º", "°").split())
    if _MONEY.search(key):
        raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                          "I can't convert money: I have no exchange rates.")
    if key in _NOT_UNITS:
        raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, f"I don't know the unit {text.strip()!r}.")
    tries = [_ALIASES[key]] if key in _ALIASES else []
    tries += [text.strip(), key, key.replace(" ", "_")]
    for candidate in tries:
        try:
            return ureg.parse_units(candidate)
        except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError,
                AttributeError, ValueError, TypeError, AssertionError,
                tokenize.TokenError):  # pint tokenises as Python: "what's" is an open string
            continue
    raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, f"I don't know the unit {text.strip()!r}.")


def named_unit(text: str) -> pint.Unit | None:
    """The unit with a dimension that `text` names, as the converter reads it ("pounds", "°C"):
    none for "preheat", nor a count or a turn, which pint knows but nobody converts to."""
    try:
        unit = _parse_unit(text)
    except ToolFailure:
        return None
    return None if unit.dimensionless else unit


def measure_of(text: str) -> str:
    """What the unit `text` names measures, as the converter reads it ("kilograms" -> its mass),
    or "" for no unit: two words of one measure are two units of it ("grams", "kilograms")."""
    found = unit_of(text)
    return found[1] if found else ""


def unit_of(text: str) -> tuple[str, str] | None:
    """The unit `text` names and what it measures, as the converter reads them ("km/h" ->
    ('kilometer / hour', '[length] / [time]')): None for no unit, a count or money."""
    key = " ".join(text.split())
    if " " in key and key.lower() not in _ALIASES:  # "fluid ounce"; pint reads "km in mph" as a product
        key = key.replace(" ", "_")
    unit = named_unit(key)
    return None if unit is None else (str(unit), str(unit.dimensionality))


def _plural(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es" if not word.endswith("s") else word
    return word + "s"


def say_unit(unit: pint.Unit, value: float) -> str:
    """'kilometers', 'degrees Fahrenheit', 'miles per hour', 'square meters'."""
    name = str(unit).replace("_", " ")
    name = re.sub(r"(\w+) \*\* 2", r"square \1", name)
    name = re.sub(r"(\w+) \*\* 3", r"cubic \1", name)
    name = name.replace(" / ", " per ")
    if math.isclose(abs(value), 1.0):
        return name
    numerator, sep, rest = name.partition(" per ")
    words = numerator.split(" ")
    if words[0] == "degree":
        words[0] = "degrees"
    else:
        words[-1] = _plural(words[-1])
    return " ".join(words) + sep + rest


def _round_sig(value: float, digits: int) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def convert_units(value: float, from_unit: str, to_unit: str) -> dict[str, Any]:
    import pint

    source, target = _parse_unit(from_unit), _parse_unit(to_unit)
    ureg = _ureg()
    try:
        # Quantity(value, unit), not value * unit: pint refuses to multiply offset units (°C).
        result = ureg.Quantity(value, source).to(target)
    except pint.errors.DimensionalityError as exc:
        kinds = [_KINDS.get(str(d), "") for d in (exc.dim1, exc.dim2)]
        why = f": one measures {kinds[0]} and the other {kinds[1]}" if all(kinds) else ""
        raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, f"I can't convert {say_unit(source, 2)} "
                          f"to {say_unit(target, 2)}{why}.") from exc
    except pint.errors.OffsetUnitCalculusError as exc:
        raise ToolFailure(ErrorCode.INVALID_ARGUMENTS,
                          f"I can't convert {from_unit} to {to_unit}.") from exc
    magnitude = float(result.magnitude)
    if not math.isfinite(magnitude):
        raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, "That value is too large to convert.")
    spoken = say_number(_round_sig(magnitude, 4))
    summary = (f"{say_number(value)} {say_unit(source, value)} is {spoken} "
               f"{say_unit(target, magnitude)}.")
    return {
        "value": value,
        "from_unit": str(source),
        "result": _round_sig(magnitude, 10),
        "to_unit": str(target),
        "summary": summary,
    }


def calculate(expression: str) -> dict[str, Any]:
    try:
        value = evaluate(expression)
    except CalcError as exc:
        raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, str(exc)) from exc
    if isinstance(value, float):
        value = _round_sig(value, 12)
    return {"expression": expression, "result": value,
            "summary": f"The answer is {say_number(value)}."}


TOOLS = (
    Tool(
        name="convert_units",
        description=(
            "Convert a measurement between units: length (miles, km, feet), mass (pounds, "
            "kg, ounces), cooking volume (cups, tablespoons, teaspoons, ml, liters), "
            "temperature (Celsius, Fahrenheit, Kelvin), speed (mph, km/h) and more. "
            "Both units must measure the same kind of thing. Not for money or time zones."
        ),
        parameters={
            "type": "object",
            "properties": {
                "value": {"type": "number", "description": "The amount to convert."},
                "from_unit": {"type": "string", "minLength": 1, "maxLength": 40,
                              "description": "Unit of the value, e.g. 'miles', 'degF', 'cups'."},
                "to_unit": {"type": "string", "minLength": 1, "maxLength": 40,
                            "description": "Unit to convert to, e.g. 'km', 'celsius'."},
            },
            "required": ["value", "from_unit", "to_unit"],
            "additionalProperties": False,
        },
        side_effect=SideEffect.READ,
        timeout_s=15.0,  # the first call builds pint's registry
        amounts=("value",),
        action="convert",
        listed={"to_unit": named_unit},  # "500 g in ounces and pounds"
        measures=("from_unit", "to_unit"), unit_of=unit_of,
    ),
    Tool(
        name="calculate",
        description=(
            "Compute an arithmetic expression exactly: numbers, + - * / // % ** and "
            "parentheses, sqrt, abs, round, floor, ceil, pi, and 'N% of M'. Use it for any "
            "arithmetic instead of working it out yourself."
        ),
        parameters={
            "type": "object",
            "properties": {
                "expression": {"type": "string", "minLength": 1, "maxLength": 300,
                               "description": "e.g. '(12.5 + 7) * 3' or '15% of 80'."},
            },
            "required": ["expression"],
            "additionalProperties": False,
        },
        side_effect=SideEffect.READ,
        timeout_s=5.0,
        action="sum",
        sums=("expression",),
    ),
)


def tools(ctx: ToolContext) -> list[Tool]:
    return bind(TOOLS, convert_units=convert_units, calculate=calculate)
