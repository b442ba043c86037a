"""A sum held to what the request asks done with its numbers (`assistant.tools.sums`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.grounding import as_said
from assistant.toolcall import ToolCall
from assistant.tools.calculator import evaluate
from assistant.tools.sums import as_asked


@pytest.mark.parametrize(("heard", "written", "value"), [
    # An average divides the sum by its count.
    ("What's the average of 12, 17 and 22?", "12+17+22", 17),
    ("it was 12, 15 and 19 degrees the last three days - what's the mean?", "12 + 15 + 19",
     46 / 3),
    # A split shares the amount: not the product, nor a made-up share.
    ("dinner came to 186.40, split between 4 of us how much each", "4*186.40", 46.6),
    ("we're splitting £84 three ways, how much is that each", "84*3/4", 28),
    ("had 1,200 left over, split it between 4", "1200*4", 300),
    # A discount comes off.
    ("the jacket's 1500 with 18 percent off, what do I actually pay", "1500*18/100", 1230),
])
def test_a_sum_is_what_the_request_asks(heard: str, written: str, value: float) -> None:
    assert evaluate(as_asked(written, heard)) == pytest.approx(value)


@pytest.mark.parametrize(("heard", "written"), [
    ("average of 10 and 20", "(10+20)/2"),  # already an average
    ("what's 17 times 23", "17*23"),  # nothing asked but the sum
    ("how much do I save with 20% off 80", "80*20/100"),  # the amount off is asked
    ("split 240 three ways, four ways and five ways", "240*3"),  # several counts: which?
    ("split the 3 pizzas between 6 of us, 8 slices each", "3*8"),  # several amounts
    ("what's the average of 3 and 5 times 2", "3*2"),  # not a plain sum
    ("split it between 4", "sqrt(16)"),
])
def test_a_sum_the_request_does_not_say_otherwise_stays(heard: str, written: str) -> None:
    assert as_asked(written, heard) == written


def test_the_loop_holds_a_sum_to_the_request() -> None:
    from assistant.tools.units import TOOLS

    calculate = next(t for t in TOOLS if t.name == "calculate")
    assert calculate.sums == ("expression",)
    call = ToolCall("calculate", {"expression": "82+91+77"})
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    held = as_said(call, calculate, "what's the average of 82, 91 and 77", now)
    assert held.arguments == {"expression": "(82+91+77)/3"}
    assert as_said(call, calculate, "what's 82 plus 91 plus 77", now) is call


@pytest.mark.parametrize(("expression", "value"), [
    ("$64*20/100", 12.8),  # a currency sign
    ("£1,200 - £850", 350),
    ("3 coffees*2.80+1 muffin*3.25", 3 * 2.80 + 3.25),  # a thing counted
    ("2 x 3", 6), ("sqrt 16", 4), ("15% of 80", 12),  # still read as before
])
def test_the_calculator_reads_a_sum_with_its_currency_and_things(expression: str,
                                                                 value: float) -> None:
    assert evaluate(expression) == pytest.approx(value)
