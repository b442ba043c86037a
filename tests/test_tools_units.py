"""Unit conversion with pint, and the safe calculator (property-tested against a reference)."""

from __future__ import annotations

import ast
import builtins
import contextlib
import math
import operator
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.toolcall import ToolCall
from assistant.tools import ErrorCode, Registry, ToolFailure
from assistant.tools.calculator import CalcError, evaluate
from assistant.tools.units import calculate, tools


@pytest.fixture(scope="module")
def registry():
    return Registry(tools(None))  # type: ignore[arg-type]  # the units tools need no context


def run(registry, name, **arguments):
    return registry.run(ToolCall(name, arguments))


@pytest.mark.parametrize(("value", "src", "dst", "expected", "summary"), [
    (100, "degC", "degF", 212.0, "100 degrees Celsius is 212 degrees Fahrenheit."),
    (98.6, "fahrenheit", "celsius", 37.0, "98.6 degrees Fahrenheit is 37 degrees Celsius."),
    (-40, "F", "C", -40.0, "-40 degrees Fahrenheit is -40 degrees Celsius."),
    (0, "celsius", "kelvin", 273.15, "0 degrees Celsius is 273.1 kelvin."),
    (10, "miles", "km", 16.09344, "10 miles is 16.09 kilometers."),
    (1, "cup", "tablespoons", 16.0, "1 cup is 16 tablespoons."),
    (3, "tsp", "tbsp", 1.0, "3 teaspoons is 1 tablespoon."),
    (70, "kg", "pounds", 154.3236, "70 kilograms is 154.3 pounds."),
    (2, "lbs", "grams", 907.18474, "2 pounds is 907.2 grams."),
    (60, "mph", "km/h", 96.56064, "60 miles per hour is 96.56 kilometers per hour."),
    (12, "inches", "feet", 1.0, "12 inches is 1 foot."),
    # As said, or as Whisper writes it: not kiloseconds, not km times hours.
    (10, "kilos", "pounds", 22.046226, "10 kilograms is 22.05 pounds."),
    (3, "table spoons", "teaspoons", 9.0, "3 tablespoons is 9 teaspoons."),
    (65, "miles an hour", "km-h", 104.60736, "65 miles per hour is 104.6 kilometers per hour."),
])
def test_conversions(registry, value, src, dst, expected, summary):
    result = run(registry, "convert_units", value=value, from_unit=src, to_unit=dst)
    assert result.ok, result.message
    assert math.isclose(result.data["result"], expected, rel_tol=1e-6)
    assert result.data["summary"] == summary


def test_incompatible_and_unknown_units_are_clear(registry):
    bad = run(registry, "convert_units", value=1, from_unit="miles", to_unit="kg")
    assert bad.error == ErrorCode.INVALID_ARGUMENTS
    assert bad.message == "I can't convert miles to kilograms: one measures length and the other mass."
    unknown = run(registry, "convert_units", value=1, from_unit="florps", to_unit="m")
    assert unknown.error == ErrorCode.INVALID_ARGUMENTS and "florps" in unknown.message
    temp = run(registry, "convert_units", value=1, from_unit="celsius", to_unit="cups")
    assert temp.error == ErrorCode.INVALID_ARGUMENTS and "temperature" in temp.message
    # What a unit measures is said in words, not pint's "[length] ** 3".
    cups = run(registry, "convert_units", value=1, from_unit="cup", to_unit="mg")
    assert cups.message == ("I can't convert cups to milligrams: one measures volume and the "
                            "other mass.")
    # Money has no fixed rate; a dose's "units" are no measure ("unit" is not a micro-nit).
    for src, dst in (("pound", "dollar"), ("GBP", "EUR"), ("quid", "kg")):
        money = run(registry, "convert_units", value=40, from_unit=src, to_unit=dst)
        assert money.message == "I can't convert money: I have no exchange rates.", (src, dst)
    insulin = run(registry, "convert_units", value=60, from_unit="grams", to_unit="units")
    assert insulin.message == "I don't know the unit 'units'."


@pytest.mark.parametrize(("expression", "value"), [
    ("2 + 2", 4), ("(12.5 + 7) * 3", 58.5), ("7 / 2", 3.5), ("7 // 2", 3), ("10 % 3", 1),
    ("2 ** 10", 1024), ("2^10", 1024), ("-3 + +5", 2), ("15% of 80", 12), ("3 x 4", 12),
    ("sqrt(16)", 4), ("square root of 81", 9), ("round(2.567, 2)", 2.57), ("abs(-3)", 3),
    ("floor(2.7) + ceil(2.1)", 5), ("1,000,000 * 3", 3_000_000), ("what is 7 divided by 2?", 3.5),
    ("5 squared", 25), ("2 ** -2", 0.25), ("pi * 2", 2 * math.pi), ("9 times 8 minus 2", 70),
])
def test_calculate(registry, expression, value):
    result = run(registry, "calculate", expression=expression)
    assert result.ok, result.message
    assert math.isclose(result.data["result"], value, rel_tol=1e-9)


@pytest.mark.parametrize(("expression", "fragment"), [
    ("1 / 0", "divides by zero"), ("5 % 0", "divides by zero"), ("0 ** -1", "divides by zero"),
    ("9 ** 9 ** 9", "Exponents are limited"), ("10 ** 400", "too large"),
    ("1e308 * 10", "too large"), ("sqrt(-1)", "not a real number"), ("(-8) ** 0.5", "not a real"),
    ("__import__('os').system('true')", "not an arithmetic"), ("__import__('os')", "can't use"),
    ("open('x')", "can't use"),
    ("x + 1", "don't know the name"), ("[1, 2]", "not an arithmetic"), ("'a' * 3", "Only numbers"),
    ("2 +", "couldn't read"), ("-" * 120 + "1", "nested too deeply"),
    ("1 if 1 else 2", "not an arithmetic"), ("(1).real", "not an arithmetic"),
    ("lambda: 1", "not an arithmetic"), ("2 < 3", "not an arithmetic"), ("True + 1", "don't know|Only"),
])
def test_calculate_rejects_with_a_clear_error(registry, expression, fragment):
    result = run(registry, "calculate", expression=expression)
    assert result.error == ErrorCode.INVALID_ARGUMENTS
    assert re.search(fragment, result.message), result.message


def test_calculator_never_calls_eval(monkeypatch):
    def no_eval(*args, **kwargs):
        raise AssertionError("eval/exec was called")

    real_compile = builtins.compile

    def ast_only(source, filename, mode, flags=0, *args, **kwargs):
        # ast.parse compiles to a syntax tree only; compiling to code would be a way to run it.
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError("compile to code was called")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", no_eval)
    monkeypatch.setattr(builtins, "exec", no_eval)
    monkeypatch.setattr(builtins, "compile", ast_only)
    assert calculate("2 * (3 + 4)")["result"] == 14
    with pytest.raises(ToolFailure):
        calculate("__import__('os')")


def test_deep_nesting_is_an_error_not_a_crash():
    assert evaluate("(" * 120 + "1" + ")" * 120) == 1  # parentheses alone are not nesting
    with pytest.raises(CalcError, match="nested too deeply"):
        evaluate("2" + "**-(2" * 40 + ")" * 40)
    with pytest.raises(CalcError, match="too long"):
        evaluate("1+" * 200 + "1")


# --- property tests -------------------------------------------------------------------------

_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
        "//": operator.floordiv, "%": operator.mod}

leaves = st.one_of(st.integers(0, 1000), st.floats(0, 1000, allow_nan=False).map(lambda x: round(x, 3)))


def _tree(children):
    binary = st.tuples(st.sampled_from(sorted(_OPS)), children, children)
    power = st.tuples(st.just("**"), st.integers(0, 12), st.integers(0, 3))
    neg = st.tuples(st.just("neg"), children)
    return st.one_of(binary, power, neg)


trees = st.recursive(leaves, _tree, max_leaves=12)


def _render(node) -> str:
    if not isinstance(node, tuple):
        return repr(node)
    if node[0] == "neg":
        return f"-({_render(node[1])})"
    return f"({_render(node[1])} {node[0]} {_render(node[2])})"


def _reference(node):
    """The expected value, computed directly from the tree (no parsing, no eval)."""
    if not isinstance(node, tuple):
        return node
    if node[0] == "neg":
        return -_reference(node[1])
    left, right = _reference(node[1]), _reference(node[2])
    if node[0] == "**":
        return left**right
    if right == 0 and node[0] in ("/", "//", "%"):
        raise ZeroDivisionError
    return _OPS[node[0]](left, right)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_calculator_matches_a_reference_on_random_expressions(tree):
    text = _render(tree)
    try:
        expected = _reference(tree)
    except (ZeroDivisionError, OverflowError):
        with pytest.raises(CalcError):
            evaluate(text)
        return
    if isinstance(expected, float) and not math.isfinite(expected):
        with pytest.raises(CalcError):
            evaluate(text)
        return
    got = evaluate(text)
    assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), text


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_calculator_never_crashes_on_arbitrary_text(text):
    try:
        value = evaluate(text)
    except CalcError:
        return
    assert isinstance(value, int | float) and not isinstance(value, bool)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789+-*/%().^ x,", max_size=40))
def test_calculator_never_crashes_on_operator_soup(text):
    with contextlib.suppress(CalcError):
        evaluate(text)


def test_a_word_pint_reads_as_python_is_no_unit() -> None:
    """pint tokenises a unit as Python: "what's" opened a string and raised TokenError."""
    from assistant.tools.units import convert_units, named_unit, unit_of

    assert named_unit("what's") is None and named_unit("o'clock") is None
    assert unit_of("what's") is None
    with pytest.raises(ToolFailure, match="don't know the unit"):
        convert_units(5, "o'clock", "km")


def test_unit_of_reads_a_unit_and_what_it_measures() -> None:
    from assistant.tools.units import unit_of

    assert unit_of("km/h") == unit_of("kilometres per hour") == unit_of("kph")
    assert unit_of("km/h")[1] == unit_of("mph")[1] != unit_of("km")[1]
    assert unit_of("fluid ounces") == unit_of("fl oz")
    assert unit_of("km in mph") is None  # not a product of three units
    assert unit_of("hello") is None and unit_of("5 dollars") is None
