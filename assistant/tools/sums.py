"""What a request asks done with its numbers, for a sum the brain wrote.

The brain copies the numbers said but not always what is done with them: "What's the average of
12, 17 and 22?" became `12+17+22`, "dinner came to 186.40, split between 4 of us" `4*186.40`,
"the jacket's 1500 with 18 percent off, what do I actually pay" `1500*18/100`, "add 10% GST to
$340" `340*10/100`, "pension is 1,840 and her bills 1,215, how much is spare" `1840+1215`, "rent's
going from 1,400 to 1,520, how much more" `1400+1520`. `as_asked` holds the expression to the
request where the request says plainly what it asks and the expression is the plain reading of
the same numbers done another way: an average divides a sum by its count, a split shares an
amount, a discount comes off, a percent added comes on top, what is left is the largest amount
less the others, a difference is the larger less the smaller. Anything else is left as written.
"""

from __future__ import annotations

import ast
import math
import re

from assistant.tools.calculator import CalcError, evaluate, normalise, thousands

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
# A percent added to an amount: "a 20% tip", "add 10% GST", "VAT's 20%", "sales tax here in Ohio
# is 7.25%", "15 percent service", a rise: "up 6%", "a 4% raise", "bumping it by 4%".
_TAXED = r"(?:tip|tax|vat|gst|hst|service|gratuity|surcharge|markup|mark-up|fee|charge)"
_RATE = r"(\d+(?:\.\d+)?)\s*(?:%|percent|per\s+cent)"
_ADDED = re.compile(
    rf"{_RATE}\s+(?:\w+\s+){{0,2}}?(?:{_TAXED}|raise|rise|increase|hike|pay\s+rise)\b"
    rf"|\b{_TAXED}(?:'s)?\s+(?:[\w']+\s+){{0,4}}?(?:is\s+|of\s+|at\s+)?{_RATE}"
    rf"|\badd(?:ing)?\s+(?:on\s+)?(?:a\s+|an\s+)?{_RATE}"
    rf"|\b(?:up|raised?|rising|increased?|increasing|bump(?:ed|ing)?(?:\s+it|\s+that)?(?:\s+up)?)"
    rf"\s+(?:by\s+)?(?:another\s+)?{_RATE}"
    rf"|\b(?:raise|rise|increase|hike)\s+of\s+{_RATE}", re.IGNORECASE)
# Asked for the total with it, not the amount added: "what do I pay", "the price with it", "add
# 10% to" (`_ADDED`'s own "add"), "altogether", "my new salary", "inc GST".
_TOTAL = re.compile(r"\b(?:total|altogether|all\s+together|all\s+in|in\s+all|overall|"
                    r"(?:price|cost|bill|amount)\s+with|with\s+(?:the\s+)?(?:tip|tax|vat|gst|it|that)"
                    r"|includ\w*|incl|inc\b|after\s+(?:tax|vat|gst)|hand\s+over|pay|paying|paid|"
                    r"(?:come|comes|coming)\s+to|end\s+up|final|new|add(?:ing)?\s+(?:on\s+)?(?:a\s+|an\s+)?\d)",
                    re.IGNORECASE)
# Asked for the amount added itself: "how much is the tip", "how much tax do I pay", "what's a
# 20% tip on 64"; not "what's the price with tax".
_ADDED_ONLY = re.compile(
    r"\b(?:how\s+much|what(?:'s|s)?)\s+(?:(?!(?:with|plus|includ\w*|incl|after|price|cost|total"
    r"|bill|altogether)\b)[\w']+\s+){0,4}?(?:\d+(?:\.\d+)?\s*(?:%|percent)\s+)?(?:tip|tax|vat|gst"
    r"|hst|service(?:\s+charge)?|gratuity|surcharge|markup|fee)\b"
    r"(?!\s+(?:included|inclusive|added|on\s+top))", re.IGNORECASE)
# What is left: "how much is spare", "what's left over", "left with", "how much change", "net?",
# "shortfall", "still need"; not "I left a tip".
_LEFT = re.compile(r"\b(?:left(?=\s*(?:$|[.?!,]|over\b|for\b|in\b|after\b|to\s+spend\b|of\b"
                   r"|each\b|per\b|at\b|on\b|with\b))|leftover|spare|remain\w*|(?:my|much|the|any|get)\s+"
                   r"change|change\s+(?:back|from|should|do|will|would)|net|take[\s-]?home|shortfall"
                   r"|short|to\s+go|still\s+(?:need|owe|have\s+to)|left\s+to\s+(?:pay|save|go))\b",
                   re.IGNORECASE)
# A difference: "how much more", "the difference", "how much did it go up by", "how much cheaper",
# "how far behind".
_DIFFERENCE = re.compile(r"\b(?:difference|how\s+much\s+(?:more|less|extra|cheaper|dearer|"
                         r"higher|lower|bigger|smaller)|(?:go|gone|went|goes|going)\s+"
                         r"(?:up|down)\s+by|(?:rise|rose|fall|fell|increase|decrease|drop|jump)(?:d|s)?"
                         r"\s+(?:of|by)|by\s+how\s+much|how\s+far\s+(?:behind|ahead|off|short|apart))\b",
                         re.IGNORECASE)
# Asked for a total, where what is left is not the ask: "I've 20 left in one and 30 in the other,
# how much altogether".
_TOTAL_ASKED = re.compile(r"\b(?:total|altogether|all\s+together|combined|in\s+all|sum)\b",
                          re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")


def as_asked(expression: str, heard: str) -> str:
    """`expression` held to what `heard` asks done with its numbers: an average, a split, a
    discount, a percent added, what is left or a difference, where the expression is the same
    numbers done another way; else as written."""
    from assistant.grounding import in_digits

    said = re.sub(r"(?<=\d),(?=\d{3}\b)", "", in_digits(thousands(heard)))  # "1,200", "12k"
    written = normalise(expression)  # "12k" read as 12000 there too
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
        if (amount := _percent_of(percent, heard_numbers, value)) is not None:
            return f"{_text(amount)}-{_text(amount)}*{_text(percent)}/100"
    if (added := _ADDED.search(said)) and _TOTAL.search(said) and not _ADDED_ONLY.search(said):
        percent = float(next(g for g in added.groups() if g))
        if (amount := _percent_of(percent, heard_numbers, value)) is not None:
            return f"{_text(amount)}+{_text(amount)}*{_text(percent)}/100"
    terms = _summed(written)
    if _LEFT.search(said) and not _TOTAL_ASKED.search(said) and _differed(written) and \
            value < 0 and sorted(numbers) == sorted(heard_numbers):
        return f"{_text(max(numbers))}-{_text(min(numbers))}"  # change as "37.85-50"
    if _LEFT.search(said) and not _TOTAL_ASKED.search(said) and len(terms) >= 2 and \
            sorted(terms) == sorted(heard_numbers):
        most = max(terms)
        others = list(terms)
        others.remove(most)
        if most > sum(others):
            return "-".join(_text(n) for n in (most, *others))
    if _DIFFERENCE.search(said) and sorted(numbers) == sorted(heard_numbers) and len(numbers) == 2 \
            and (len(terms) == 2 or (_differed(written) and value < 0)):
        return f"{_text(max(numbers))}-{_text(min(numbers))}"
    return expression


def _percent_of(percent: float, heard: list[float], value: float) -> float | None:
    """The one amount said besides `percent`, where `value` is `percent` percent of it (the
    brain wrote the amount off or added, not the price): else None."""
    amounts = {n for n in heard if n != percent}
    amount = amounts.pop() if len(amounts) == 1 else None
    return amount if amount is not None and math.isclose(value, amount * percent / 100) else None


def _differed(expression: str) -> bool:
    """Whether `expression` is one number less another ("56-80")."""
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and \
        _number(node.left) is not None and _number(node.right) is not None


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
