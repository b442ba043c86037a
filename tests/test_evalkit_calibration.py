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
