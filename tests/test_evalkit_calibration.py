"""The call-decision curve and the threshold chosen from it."""

from __future__ import annotations

from typing import Any

import pytest

from evalkit import calibration


def rec(p: float | None, should_call: bool) -> dict[str, Any]:
    events = [] if p is None else [{"kind": "call-decision", "p_call": p, "threshold": 0.5}]
    return {"should_call": should_call, "events": [{"kind": "turn-started"}, *events]}


RECORDS = [rec(p, True) for p in (0.9, 0.8, 0.7, 0.4)] + \
          [rec(p, False) for p in (0.6, 0.3, 0.2, 0.1, 0.05)] + [rec(None, True)]


def test_curve_counts_what_each_threshold_would_do() -> None:
    at = calibration.at(RECORDS, 0.5)
    assert at is not None
    assert at.recall == pytest.approx(3 / 4)  # 0.9, 0.8, 0.7 of the 4 with a decision
    assert at.false_alarm == pytest.approx(1 / 5)  # 0.6
    assert at.precision == pytest.approx(3 / 4)
    lowest = calibration.curve(RECORDS)[0]
    assert (lowest.recall, lowest.false_alarm) == (1.0, 1.0)


def test_choose_keeps_false_alarms_within_the_target() -> None:
    best = calibration.choose(RECORDS, max_false_alarm=0.0)
    assert best is not None
    assert best.threshold == pytest.approx(0.7)  # the lowest threshold above the 0.6 negative
    assert best.false_alarm == 0.0 and best.recall == pytest.approx(3 / 4)
    assert calibration.choose(RECORDS, max_false_alarm=0.2).threshold == pytest.approx(0.4)


def test_engines_without_decisions_have_no_curve() -> None:
    assert calibration.curve([rec(None, True), rec(None, False)]) == []
    assert calibration.choose([rec(None, True)]) is None
    assert calibration.plot({"scripted": [rec(None, True)]}) is None


def test_the_plot_is_a_png() -> None:
    png = calibration.plot({"brain": RECORDS})
    assert png is not None and png.startswith(b"\x89PNG")


def heard(confidence: float | None, should_call: bool, *, called: bool = False,
          passed: bool = False, withheld: bool | None = None) -> dict[str, Any]:
    """A spoken record: a call run (`called`, `passed`), or withheld (`withheld`: would it
    have passed), or none."""
    r: dict[str, Any] = {"should_call": should_call, "called": called, "passed": passed,
                         "heard_confidence": confidence, "events": []}
    if withheld is not None:
        r.update(withheld_calls=[{"name": "set_timer"}], withheld_passed=withheld)
    return r


SPOKEN = [
    heard(0.9, True, called=True, passed=True),  # clear and right
    heard(0.7, True, called=True, passed=False),  # clear but a wrong argument
    heard(0.35, True, withheld=False),  # misheard: the run's gate (0.4) withheld a wrong call
    heard(0.45, True, called=True, passed=True),  # unsure but right
    heard(0.3, False, withheld=False),  # misheard small talk the gate saved from a call
    heard(0.42, False, called=True),  # a false alarm above the run's gate
    heard(0.8, False, passed=True),  # small talk, no call
    heard(None, True, called=True, passed=True),  # typed: no ASR, not part of the curve
]


def test_the_gate_curve_replays_withheld_calls_at_lower_gates() -> None:
    points = {p.gate: p for p in calibration.gate_curve(SPOKEN, [0.0, 0.4, 0.5])}
    off, run, higher = points[0.0], points[0.4], points[0.5]
    assert (off.right, off.wrong, off.false_alarms, off.asked_again) == (2, 2, 2, 0)
    assert (run.right, run.wrong, run.false_alarms, run.asked_again) == (2, 1, 1, 2)
    assert (higher.right, higher.wrong, higher.false_alarms, higher.asked_again) == (1, 1, 0, 4)
    assert off.item_accuracy == pytest.approx(3 / 7)  # 2 right calls + 1 small talk left alone
    assert run.item_accuracy == pytest.approx(4 / 7)
    assert higher.item_accuracy == pytest.approx(4 / 7)
    best = calibration.choose_gate(SPOKEN)  # between the 0.42 false alarm and the 0.45 call
    assert best is not None and best.gate == pytest.approx(0.45)
    assert best.item_accuracy == pytest.approx(5 / 7)
    tie = calibration.choose_gate(SPOKEN[:3])  # every gate gets 1 of 3 right: the lowest
    assert tie is not None and tie.gate == pytest.approx(0.35)
    assert calibration.gate_curve([heard(None, True, called=True)]) == []
