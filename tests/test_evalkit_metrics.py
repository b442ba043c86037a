"""Each metric on small known inputs, bootstrap intervals, breakdowns and the confusion matrix."""

from __future__ import annotations

from typing import Any

import pytest

from evalkit import metrics


def rec(should: bool, called: bool, passed: bool, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"should_call": should, "called": called, "passed": passed, "name_ok": passed,
            "arg_tp": 0, "arg_fp": 0, "arg_fn": 0, "calls_total": int(called),
            "calls_valid": int(called), "task_success": passed, "tool": None, "calls": []}
    return base | kw


# 3 call items (2 called: 1 right, 1 wrong args; 1 missed), 2 no-call items (1 false alarm).
RECORDS = [
    rec(True, True, True, arg_tp=2, tool="set_timer", calls=[{"name": "set_timer"}]),
    rec(True, True, False, arg_tp=1, arg_fp=1, arg_fn=1, tool="log_dose", name_ok=True,
        calls=[{"name": "log_dose"}], calls_valid=0),
    rec(True, False, False, arg_fn=2, tool="get_weather"),
    rec(False, True, False, calls=[{"name": "get_time"}]),
    rec(False, False, True),
]


@pytest.mark.parametrize(("name", "value"), [
    ("call_precision", 2 / 3),
    ("call_recall", 2 / 3),
    ("call_f1", 4 / 6),  # 2TP / (2TP + FP + FN) = 4 / (4 + 1 + 1)
    ("false_alarm_rate", 1 / 2),
    ("missed_call_rate", 1 / 3),
    ("function_name_accuracy", 2 / 3),
    ("exact_argument_accuracy", 1 / 3),
    ("argument_f1", 6 / (6 + 1 + 3)),
    ("schema_valid_rate", 2 / 3),
    ("item_accuracy", 2 / 5),
    ("task_success", 2 / 5),
])
def test_decision_metrics(name: str, value: float) -> None:
    e = metrics.estimate(metrics.METRICS[name], RECORDS, n_boot=300)
    assert e.value == pytest.approx(value)
    assert e.value is not None and e.low is not None and e.high is not None
    assert e.low <= e.value + 1e-9 and e.value - 1e-9 <= e.high


def test_directions() -> None:
    assert metrics.METRICS["call_f1"].higher_is_better
    assert not metrics.METRICS["false_alarm_rate"].higher_is_better
    assert not metrics.METRICS["wer"].higher_is_better
    assert not metrics.METRICS["latency_call_p95"].higher_is_better


def test_asr_and_latency_metrics() -> None:
    rs = [{"wer_errors": 1, "wer_words": 4, "cer_errors": 2, "cer_chars": 20, "terms_total": 1,
           "terms_heard": 1, "latency_call_s": 1.0, "turn_s": 2.0, "audio_s": 4.0,
           "answer_wer_errors": 0, "answer_wer_words": 5},
          {"wer_errors": 3, "wer_words": 6, "cer_errors": 0, "cer_chars": 30, "terms_total": 2,
           "terms_heard": 0, "latency_call_s": 3.0, "turn_s": 1.0, "audio_s": 1.0,
           "answer_wer_errors": 5, "answer_wer_words": 5}]
    got = metrics.compute(rs, n_boot=100)
    assert got["wer"].value == pytest.approx(4 / 10)  # corpus WER, not the mean of 1/4 and 1/2
    assert got["cer"].value == pytest.approx(2 / 50)
    assert got["domain_term_recall"].value == pytest.approx(1 / 3)
    assert got["answer_wer"].value == pytest.approx(5 / 10)
    assert got["latency_call_p50"].value == pytest.approx(2.0)
    assert got["rtf"].value == pytest.approx(3 / 5)
    assert got["call_precision"].value is None  # no decision fields: not measured, not zero


def test_empty_and_degenerate() -> None:
    e = metrics.estimate(metrics.METRICS["wer"], [], n_boot=10)
    assert e.value is None and e.n == 0
    one = metrics.estimate(metrics.METRICS["item_accuracy"], RECORDS[:1], n_boot=10)
    assert one.value == 1.0 and one.low is None


def test_bootstrap_interval_narrows_with_more_items() -> None:
    small = RECORDS * 2
    big = RECORDS * 50
    m = metrics.METRICS["item_accuracy"]
    a, b = metrics.estimate(m, small), metrics.estimate(m, big)
    assert a.value == pytest.approx(b.value)
    assert (b.high - b.low) < (a.high - a.low)  # type: ignore[operator]


def test_breakdown_and_confusion() -> None:
    by_tool = metrics.breakdown(RECORDS, "tool", ["item_accuracy"], n_boot=10)
    assert by_tool["set_timer"]["item_accuracy"].value == 1.0
    assert by_tool["(none)"]["item_accuracy"].value == 0.5
    labels, m = metrics.confusion(RECORDS)
    assert labels[-1] == "no call"
    assert m[labels.index("no call"), labels.index("get_time")] == 1
    assert m[labels.index("get_weather"), labels.index("no call")] == 1
    pr = metrics.per_function_pr(RECORDS)
    assert pr["set_timer"] == (1.0, 1.0)


def test_a_malformed_call_on_a_no_call_item_is_a_false_alarm() -> None:
    # The checker marks a malformed attempt as called (evalkit.checker.check(malformed=True)).
    rs = [rec(False, True, False, malformed=True, calls_total=1, calls_valid=0),
          rec(False, False, True, malformed=False), rec(True, True, True, malformed=False)]
    got = metrics.compute(rs, ["false_alarm_rate", "malformed_rate", "call_precision"], n_boot=0)
    assert got["false_alarm_rate"].value == pytest.approx(1 / 2)
    assert got["malformed_rate"].value == pytest.approx(1 / 3)
    assert got["call_precision"].value == pytest.approx(1 / 2)
    assert metrics.compute(RECORDS, ["malformed_rate"], n_boot=0)["malformed_rate"].value is None
