"""What a request asks done with its numbers, for a sum the brain wrote.

The brain copies the numbers said but not always what is done with them: "What's the average of
12, 17 and 22?" became `12+17+22`, "dinner came to 186.40, split between 4 of us" `4*186.40`,
"the jacket's 1500 with 18 percent off, what do I actually pay" `1500*18/100`. `as_asked` holds
the expression to the request where the request says plainly what it asks and the expression
is the plain reading of the same numbers done another way: an average divides a sum by its
count, a split shares an amount, a discount comes off. Anything else is left as written.
"""

from __future__ import annotations

import ast
import math
import re

from assistant.tools.calculator import CalcError, evaluate, normalise

_AVERAGE = re.compile(r"\b(?:average|mean|avg)\b")
# A split: "split between 4", "shared among 3 of us", "3 ways", "how much each" with a count.
_SPLIT = re.compile(r"\b(?:split\w*|shar(?:e|ed|ing)|divvy|divid(?:e|ed|ing)\s+(?:up|it|that|this|"
                    r"between|among)|go(?:ing)?\s+halves|each|per\s+(?:person|head))\b")
_SPLIT_INTO = re.compile(r"\b(?:between|among(?:st)?|by)\s+(?:the\s+)?(\d+)\b(?!\s*(?:%|percent))"
                         r"|\b(\d+)\s+(?:ways|people|persons|of\s+us|friends|mates|guys|of\s+them)\b")
# A discount: "18 percent off", "a 20% discount", "discounted by 15%", "15% sale".
_OFF = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent|per\s+cent)\s*(?:off|discount|reduction|sale|"
                  r"markdown|cheaper|less)\b|\b(?:discount(?:ed)?|reduced|knock(?:ed)?\s+off|"
                  r"take\s+off|minus)\s+(?:of\s+|by\s+)?(\d+(?:\.\d+)?)\s*(?:%|percent|per\s+cent)")
# Asked for the amount off, not the price after it: "how much do I save".
_SAVING = re.compile(r"\b(?:save|saving|savings|how\s+much\s+(?:is\s+)?(?:the\s+)?(?:discount|off))\b")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")


def as_asked(expression: str, heard: str) -> str:
    """`expression` held to what `heard` asks done with its numbers: an average, a split or a
    discount, where the expression is the same numbers done another way; else as written."""
    from assistant.grounding import in_digits

    said = re.sub(r"(?<=\d),(?=\d{3}\b)", "", in_digits(heard))  # "1,200"
    written = normalise(expression)
    numbers = [float(n) for n in _NUMBER.findall(written)]
    value = _value(written)
    if value is None or not numbers:
        return expression
    if _AVERAGE.search(said) and (terms := _summed(written)) and len(terms) >= 2:
        return f"({written})/{len(terms)}"
    heard_numbers = [float(n) for n in _NUMBER.findall(said)]
    if _SPLIT.search(said) and (shares := _split_into(said)) is not None:
        amounts = [n for n in heard_numbers if n != shares]
        if len(set(amounts)) == 1 and shares in numbers and amounts[0] in numbers and \
                not math.isclose(value, amounts[0] / shares):
            return f"{_text(amounts[0])}/{_text(shares)}"
    if (off := _OFF.search(said)) and not _SAVING.search(said):
        percent = float(off[1] or off[2])
        amounts = [n for n in heard_numbers if n != percent]
        if len(set(amounts)) == 1 and math.isclose(value, amounts[0] * percent / 100):
            return f"{_text(amounts[0])}-{_text(amounts[0])}*{_text(percent)}/100"
    return expression


def _value(expression: str) -> float | None:
    try:
        return float(evaluate(expression))
    except CalcError:
        return None


def _summed(expression: str) -> list[float]:
    """The numbers of `expression` when it is a plain sum of numbers ("12+17+22"), else []."""
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return []
    terms: list[float] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        if (right := _number(node.right)) is None:
            return []
        terms.append(right)
        node = node.left
    first = _number(node)
    return [] if first is None else [first, *reversed(terms)]


def _number(node: ast.expr) -> float | None:
    value = node.value if isinstance(node, ast.Constant) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _split_into(said: str) -> float | None:
    """How many shares `said` splits into ("between 4", "3 ways"): the one count said."""
    counts = {float(a or b) for a, b in _SPLIT_INTO.findall(said)}
    return counts.pop() if len(counts) == 1 else None


def _text(n: float) -> str:
    return f"{n:.10g}"


__all__ = ["as_asked"]
