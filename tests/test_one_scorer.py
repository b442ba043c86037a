"""One scorer: finetune's evaluation and evalkit give the same numbers for the same outputs.

The same (item, model output) pairs are scored twice: by `finetune.evaluate` (judge + score, as
`python -m finetune evaluate` does) and by evalkit (the output replayed through the real turn
loop, recorded by `evalkit.runner.record`, measured by `evalkit.metrics`). Malformed calls are in
the mix, on call and on no-call items, because that is where the two used to disagree.
"""

from __future__ import annotations

import pytest

from assistant.engines.scripted import ScriptedEngine
from assistant.loop import Conversation, LoopOptions, UserInput
from assistant.toolcall import CALL_END, CALL_START
from assistant.tools import Registry
from evalkit import metrics
from evalkit.items import ExpectedCall, Item
from evalkit.runner import Unit, record
from finetune.evaluate import EVALKIT_NAMES, judge, score

TIMER = (ExpectedCall("set_timer", {"seconds": (300,)}),)
DOSE = (ExpectedCall("log_dose", {"drug": ("metformin",), "amount": (500,), "unit": ("mg",)}),)


def item(n: int, expected: tuple[ExpectedCall, ...], terms: tuple[str, ...] = ()) -> Item:
    return Item(f"dev:t/{n}", f"request {n}", expected, "call" if expected else "chit-chat",
                expected[0].name if expected else None, "t", "dev", terms)


def block(body: str) -> str:
    return f"{CALL_START}{body}{CALL_END}"


PREDICTIONS: list[tuple[Item, str]] = [
    (item(0, TIMER), block("[set_timer(seconds=300)]")),  # right
    (item(1, TIMER), block("[set_timer(seconds=30)]")),  # wrong argument
    (item(2, TIMER), "Sure, five minutes."),  # missed call
    (item(3, TIMER), block("[set_timer(seconds=five)]")),  # malformed on a call item
    (item(4, DOSE, ("metformin",)), block('[log_dose(drug="metformin", amount=500, unit="mg")]')),
    (item(5, DOSE, ("metformin",)), block('[log_dose(drug="metoprolol", amount=500, unit="mg")]')),
    (item(6, DOSE, ("metformin",)), '{"name": "log_dose", "arguments": {"drug": "metformin"}}'),
    (item(7, ()), "Hello! How can I help?"),  # right abstention
    (item(8, ()), block('[get_weather(location="Paris")]')),  # false alarm
    (item(9, ()), block("[ ]")),  # malformed on a no-call item: a false alarm too
    (item(10, ()), f"{CALL_START}[get_weather(location="),  # unterminated: a false alarm
    (item(11, ()), f"fine thanks{CALL_END}"),  # a stray end marker: an attempt
    (item(12, ()), "It is sunny."),
]


def evalkit_records(predictions: list[tuple[Item, str]]) -> list[dict[str, object]]:
    """Each output as the model's first generation in a real turn (no retry, so the turn sees
    exactly this output), recorded as evalkit records it."""
    out = []
    for it, output in predictions:
        registry = Registry([])
        bot = Conversation(ScriptedEngine.from_outputs([output]), registry,
                           options=LoopOptions(speak=False, malformed_retries=0))
        events = list(bot.turn(UserInput(text=it.text)))
        out.append(record(Unit(it), events, registry).to_dict())
    return out


def test_finetune_and_evalkit_give_identical_numbers() -> None:
    rows = [judge(it, output) for it, output in PREDICTIONS]
    ours = score(rows).to_dict()
    records = evalkit_records(PREDICTIONS)
    theirs = metrics.compute(records, EVALKIT_NAMES.values(), n_boot=0)
    for name, evalkit_name in EVALKIT_NAMES.items():
        value = theirs[evalkit_name].value
        assert ours[name] == (None if value is None else round(value, 4)), name
    terms = [r for r in records if r["terms"]]
    assert ours["terms_n"] == len(terms) == 3
    assert ours["terms_acc"] == round(metrics.compute(terms, ["item_accuracy"], n_boot=0)
                                      ["item_accuracy"].value or 0.0, 4)
    # Item by item, the same verdicts.
    for row, rec in zip(rows, records, strict=True):
        assert (row.passed, row.called, row.should_call, row.malformed) == \
            (rec["passed"], rec["called"], rec["should_call"], rec["malformed"]), row.id


def test_malformed_calls_on_no_call_items_are_false_alarms() -> None:
    m = score([judge(it, output) for it, output in PREDICTIONS])
    # no-call items 7..12: a call (8), three malformed attempts (9, 10, 11), two abstentions.
    assert m.false_alarm == pytest.approx(4 / 6)
    assert m.malformed == pytest.approx(4 / 13)  # 3, 9, 10, 11 (6 parsed: a wrong call)
    assert m.call_recall == pytest.approx(6 / 7)  # a malformed attempt is a decision to call
    assert m.exact_args == pytest.approx(2 / 7) and m.accuracy == pytest.approx(4 / 13)
