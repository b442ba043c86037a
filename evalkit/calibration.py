"""The "call or not" decision as a curve: precision, recall and false alarms over thresholds.

A chat brain emits `CallDecision(p_call, threshold)` before it writes (P(its next token opens a
call)). Over a run's records this gives, for every threshold t, what the decision alone would
do: call when p_call >= t. This measures *whether* to call, not *which* call (that is the
headline table's job), and it is what the brain's threshold is chosen on (dev split only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Record = Mapping[str, Any]
MAX_FALSE_ALARM = 0.03  # the product's target: at most 3% of no-tool requests acted on


@dataclass(frozen=True)
class Point:
    threshold: float
    precision: float | None  # of the decision to call: share of calls where one was wanted
    recall: float  # share of requests needing a tool that the brain would act on
    false_alarm: float  # share of requests needing no tool that it would act on


def p_call(record: Record) -> float | None:
    """The first decision of the record's turn (None for engines that emit none)."""
    for event in record.get("events") or ():
        if event.get("kind") == "call-decision":
            return float(event["p_call"])
    return None


def scored(records: Sequence[Record]) -> list[tuple[float, bool]]:
    """(p_call, should call) for the records that carry a decision."""
    out = []
    for r in records:
        p = p_call(r)
        if p is not None:
            out.append((p, bool(r.get("should_call"))))
    return out


def curve(records: Sequence[Record], grid: Sequence[float] | None = None) -> list[Point]:
    pairs = scored(records)
    positives = sum(1 for _, y in pairs if y)
    negatives = len(pairs) - positives
    if not pairs or not positives or not negatives:
        return []
    thresholds = sorted(set(grid or ()) | {p for p, _ in pairs})
    points = []
    for t in thresholds:
        tp = sum(1 for p, y in pairs if y and p >= t)
        fp = sum(1 for p, y in pairs if not y and p >= t)
        points.append(Point(t, tp / (tp + fp) if tp + fp else None, tp / positives,
                            fp / negatives))
    return points


def p_call_threshold(records: Sequence[Record]) -> float | None:
    """The threshold the run's brain used (from its decisions)."""
    for r in records:
        for event in r.get("events") or ():
            if event.get("kind") == "call-decision":
                return float(event["threshold"])
    return None


def at(records: Sequence[Record], threshold: float) -> Point | None:
    """The curve's point at one threshold."""
    points = curve(records, grid=[threshold])
    return next((p for p in points if p.threshold == threshold), None)


def choose(records: Sequence[Record], max_false_alarm: float = MAX_FALSE_ALARM) -> Point | None:
    """The threshold with the most recall whose false-alarm rate is within the target (the
    lowest such threshold, so ties keep recall); None when no record has a decision."""
    points = curve(records)
    within = [p for p in points if p.false_alarm <= max_false_alarm]
    if not within:
        return None
    return max(within, key=lambda p: (p.recall, -p.false_alarm, -p.threshold))


def plot(per_variant: Mapping[str, Sequence[Record]]) -> bytes | None:
    """Recall and false alarms against the threshold, one colour per variant with decisions."""
    curves = {n: curve(rs) for n, rs in per_variant.items()}
    curves = {n: c for n, c in curves.items() if c}
    if not curves:
        return None
    from evalkit.plots import _fig, _png

    fig, ax = _fig(8, 4.5)
    for i, (name, points) in enumerate(curves.items()):
        colour = f"C{i}"
        t = [p.threshold for p in points]
        ax.plot(t, [p.recall for p in points], color=colour, label=f"{name}: recall")
        ax.plot(t, [p.false_alarm for p in points], color=colour, linestyle="--",
                label=f"{name}: false alarms")
        ax.plot(t, [p.precision if p.precision is not None else float("nan") for p in points],
                color=colour, linestyle=":", label=f"{name}: precision")
        used = next((e["threshold"] for r in per_variant[name] for e in r.get("events") or ()
                     if e.get("kind") == "call-decision"), None)
        if used is not None:
            ax.axvline(float(used), color=colour, alpha=0.4, linewidth=1)
    ax.axhline(MAX_FALSE_ALARM, color="grey", linewidth=0.8, linestyle="-.",
               label=f"false-alarm target {MAX_FALSE_ALARM:.0%}")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("threshold on P(call)  (vertical line: the threshold the run used)")
    ax.set_title("Call decision vs threshold (whether to call, not which call)")
    ax.legend(fontsize=7, loc="lower left")
    return _png(fig)


__all__ = ["MAX_FALSE_ALARM", "Point", "at", "choose", "curve", "p_call", "p_call_threshold", "plot",
           "scored"]
