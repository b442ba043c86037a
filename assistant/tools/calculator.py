"""A safe arithmetic evaluator over Python's `ast`: numbers, operators and a few functions.

Nothing is ever passed to `eval`: the expression is parsed into a syntax tree and only the node
types listed here are evaluated; anything else is an error. Sizes are capped so "9**9**9" fails
fast instead of eating the machine.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable

MAX_CHARS = 300
MAX_EXPONENT = 1000
MAX_INT_BITS = 1100  # about 330 decimal digits
MAX_DEPTH = 60

Number = int | float


class CalcError(ValueError):
    """A clear, speakable reason the expression cannot be computed."""


_BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}


def _round(x: Number, digits: Number = 0) -> Number:
    if not isinstance(digits, int) or not 0 <= digits <= 15:
        raise CalcError("round() takes a whole number of digits from 0 to 15.")
    return round(x, digits) if digits else round(x)


def _sqrt(x: Number) -> Number:
    if x < 0:
        raise CalcError("The square root of a negative number is not a real number.")
    root = math.isqrt(x) if isinstance(x, int) else None
    return root if root is not None and root * root == x else math.sqrt(x)


def _floor(x: Number) -> Number:
    return math.floor(x)


def _ceil(x: Number) -> Number:
    return math.ceil(x)


_FUNCTIONS: dict[str, tuple[Callable[..., Number], int, int]] = {  # name: (fn, min, max args)
    "sqrt": (_sqrt, 1, 1),
    "abs": (abs, 1, 1),
    "round": (_round, 1, 2),
    "floor": (_floor, 1, 1),
    "ceil": (_ceil, 1, 1),
}

_WORDS = [  # spoken forms first, so "divided by" is not read as two words
    (r"\bwhat(?:'s| is)\b", " "),
    (r"\bsquare root of\s*", " sqrt "),
    (r"\bmultiplied by\b|\btimes\b", "*"),
    (r"\bdivided by\b|\bover\b", "/"),
    (r"\bplus\b", "+"),
    (r"\bminus\b", "-"),
    (r"\bsquared\b", "**2"),
    (r"\bcubed\b", "**3"),
    (r"\bpercent\b", "%"),
    (r"\bto the power of\b", "**"),
]


_THOUSANDS = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)k\b", re.IGNORECASE)


def thousands(text: str) -> str:
    """`text` with "12k" written 12000."""
    return _THOUSANDS.sub(lambda m: f"{float(m[1]) * 1000:.10g}", text)


def normalise(expression: str) -> str:
    """Spoken and typographic forms to Python operators ("15% of 80", "3 x 4", "2^8")."""
    s = expression.strip().lower()
    for pattern, repl in _WORDS:
        s = re.sub(pattern, repl, s)
    s = s.replace("×", "*").replace("·", "*").replace("÷", "/").replace("−", "-").replace("^", "**")
    s = re.sub(r"(?<=[\d)\s])x(?=[\s\d(.])", "*", s)
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)  # digit grouping: 1,000,000
    s = re.sub(r"[£$€¥₹]", "", s)  # "$64*20/100": the sum, not the currency
    s = thousands(s)  # "12k": thousands, not a thing counted
    # A thing counted after its number is no part of the sum: "3 coffees*2.80".
    s = re.sub(r"(\d)\s*(?!(?:sqrt|abs|round|floor|ceil|pi|e|of|x)\b)[a-z]+\b(?=\s*(?:[-+*/)]|$))",
               r"\1", s)
    s = re.sub(r"sqrt\s+(\d+(?:\.\d+)?)", r"sqrt(\1)", s)
    s = re.sub(r"(\d+(?:\.\d+)?)\s*%\s*of\b", r"(\1/100)*", s)
    # "20%" at the end or before ")" is a percentage; "7 % 3" and "0 % -1" are modulo.
    s = re.sub(r"(\d+(?:\.\d+)?)\s*%(?=\s*(?:$|[),?=]))", r"(\1/100)", s)
    return s.strip().rstrip("?=").strip()


def _check(value: object) -> Number:
    if isinstance(value, complex):
        raise CalcError("That result is not a real number.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CalcError("That expression does not give a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise CalcError("That result is too large to compute.")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise CalcError("That result is too large to compute.")
    return value


def _power(base: Number, exponent: Number) -> Number:
    if abs(exponent) > MAX_EXPONENT:
        raise CalcError(f"Exponents are limited to {MAX_EXPONENT}.")
    if base == 0 and exponent < 0:
        raise CalcError("Zero cannot be raised to a negative power (that divides by zero).")
    if abs(base) > 1 and exponent > 0 and exponent * math.log2(abs(base)) > MAX_INT_BITS:
        raise CalcError("That result is too large to compute.")
    try:
        return _check(base**exponent)
    except OverflowError as exc:
        raise CalcError("That result is too large to compute.") from exc


def _eval(node: ast.AST, depth: int) -> Number:
    if depth > MAX_DEPTH:
        raise CalcError("That expression is nested too deeply.")
    if isinstance(node, ast.Expression):
        return _eval(node.body, depth + 1)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise CalcError("Only numbers can be used in a calculation.")
        return _check(node.value)
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        raise CalcError(f"I don't know the name {node.id!r} in a calculation.")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _eval(node.operand, depth + 1)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, depth + 1)
        right = _eval(node.right, depth + 1)
        if isinstance(node.op, ast.Pow):
            return _power(left, right)
        op = _BINARY.get(type(node.op))
        if op is None:
            raise CalcError("Only + - * / // % and ** are allowed.")
        if right == 0 and isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod):
            raise CalcError("That divides by zero, which has no answer.")
        try:
            return _check(op(left, right))
        except OverflowError as exc:
            raise CalcError("That result is too large to compute.") from exc
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        spec = _FUNCTIONS.get(node.func.id)
        if spec is None:
            allowed = ", ".join(sorted(_FUNCTIONS))
            raise CalcError(f"I can't use {node.func.id!r}; the functions I know are {allowed}.")
        fn, low, high = spec
        if not low <= len(node.args) <= high:
            raise CalcError(f"{node.func.id}() takes {low if low == high else f'{low} or {high}'} "
                            "argument(s).")
        args = [_eval(arg, depth + 1) for arg in node.args]
        try:
            return _check(fn(*args))
        except (OverflowError, ValueError) as exc:
            if isinstance(exc, CalcError):
                raise
            raise CalcError(f"{node.func.id}() cannot take that value.") from exc
    raise CalcError("That is not an arithmetic expression I can compute.")


def evaluate(expression: str) -> Number:
    """The value of `expression`, or CalcError with a clear reason. Never uses eval."""
    if len(expression) > MAX_CHARS:
        raise CalcError(f"That expression is too long (over {MAX_CHARS} characters).")
    text = normalise(expression)
    if not text:
        raise CalcError("There is no expression to calculate.")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise CalcError(f"I couldn't read {expression.strip()!r} as arithmetic.") from exc
    try:
        return _eval(tree, 0)
    except RecursionError as exc:
        raise CalcError("That expression is nested too deeply.") from exc


def say_number(value: Number) -> str:
    """A short, speakable rendering: 1,234 / 0.3333333333 / 1.2346e+40."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) < 10**15 else f"{value:.6e}"
    return f"{value:.10g}"
