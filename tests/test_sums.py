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
    # A percent added comes on top, where the total is asked.
    ("add 10% GST to $340", "$340*10/100", 374),
    ("VAT's 20% innit, thing is £45 before VAT, whats the price with it", "45*20/100", 54),
    ("the bill is 80 with a 12.5% service charge, total?", "80*12.5/100", 90),
    # What is left is the largest amount less the others.
    ("Mum's pension is 1,840 a month and her regular bills add up to 1,215. How much does she "
     "have spare each month?", "1840+1215", 625),
    ("handed over a twenty for a 13.65 lunch, how much change shud i get back", "20+13.65",
     6.35),
    ("Take-home is 3200. Rent 1100, food 450, transport 200. What's left over?",
     "3200+1100+450+200", 1450),
    # A difference is the larger less the smaller.
    ("rent's going from 1,400 to 1,520 a month. how much more is that", "1,400+1,520", 120),
    ("it was 80 now it's 56, how much cheaper is it", "56-80", 24),
    # A tax a few words from its rate, a rise, with a total or a new amount asked.
    ("jacket's 120 bucks, HST in ontario is 13%, whats the total", "120*13/100", 135.6),
    ("Laptop is Rs 54,000 before GST and GST on it is 18%. Final price?", "54000*18/100", 63720),
    ("he's putting the rent up 6% from 1,450 a month. What'll I be paying", "1,450*6/100", 1537),
    ("I'm getting a 3% raise on my 50,000 salary, what's my new salary", "50000*3/100", 51500),
    # What is left as "left with", "net", "shortfall"; change written below zero.
    ("I take home 2,150. Rent's 875, council tax 142. What am I left with?", "2150+875+142",
     1133),
    ("salary 65000 CHF, tax roughly 14300. net?", "65000+14300", 50700),
    ("deposit target is 45,000 and we've saved 31,275. shortfall?", "31,275 - 45,000", 13725),
    ("paid with a 50 for a 37.85 shop, how much change should i be getting", "37.85-50", 12.15),
    # Thousands said with "k".
    ("my sister earns 74k and I'm on 61.5k, how far behind her am I", "74k+61.5k", 12500),
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
    ("uber eats order came to 34.80, I want to tip 15%. how much is the tip", "34.80*15/100"),
    ("15% tax on 200, how much do I pay in tax", "200*15/100"),  # the added amount is asked
    ("what's a 20 percent tip on $64.50", "$64.50*20/100"),
    ("I left a 5 tip on a 40 bill, what did I spend", "40+5"),  # "left" is no remainder
    ("I've 20 left in one account and 30 in the other, how much altogether", "20+30"),
    ("had 500, spent 120 and 80, what's left", "500+120"),  # not the numbers said
    ("spent 30, 40 and 50 today, what's left", "30+40+50"),  # the largest is not more than the rest
    ("what's the difference between 3, 5 and 9", "3+5+9"),  # of which two?
    ("how much more is 72 than 45", "72-45"),  # already so
    ("my hourly rate is $24 and they're bumping it by 4%, how much extra is that", "24*4/100"),
    ("the tax is 20%, how much tax do I pay on 500", "500*20/100"),
    ("how much would I have, 500 minus 800", "500-800"),  # nothing left or compared is asked
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
    ("12k+4800+3650", 20450), ("4.5K/3", 1500),  # thousands, not a thing counted
    ("2 x 3", 6), ("sqrt 16", 4), ("15% of 80", 12),  # still read as before
])
def test_the_calculator_reads_a_sum_with_its_currency_and_things(expression: str,
                                                                 value: float) -> None:
    assert evaluate(expression) == pytest.approx(value)
