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


# --- the cascade's ASR-confidence gate ------------------------------------------------------


@dataclass(frozen=True)
class GatePoint:
    """What a cascade would do with its gate at `gate`: calls below it are withheld (the user
    is asked again); replayed from the records, withheld calls included."""

    gate: float
    right: int  # calls run that passed
    wrong: int  # calls run on requests that needed one, that did not pass
    false_alarms: int  # calls run on requests that needed none
    asked_again: int  # calls withheld
    item_accuracy: float


def heard_confidence(record: Record) -> float | None:
    """The ASR's confidence in what it heard (records from before the field: the event's)."""
    if record.get("heard_confidence") is not None:
        return float(record["heard_confidence"])
    for event in record.get("events") or ():
        if event.get("kind") == "heard" and event.get("confidence") is not None:
            return float(event["confidence"])
    return None


def gate_curve(records: Sequence[Record], grid: Sequence[float] = ()) -> list[GatePoint]:
    """One point per gate (the grid and every heard confidence) over the records that carry
    an ASR confidence; [] when none does."""
    heard = [(r, c) for r in records if (c := heard_confidence(r)) is not None]
    if not heard:
        return []
    points = []
    for g in sorted(set(grid) | {c for _, c in heard}):
        right = wrong = false_alarms = asked = correct = 0
        for r, confidence in heard:
            withheld = r.get("withheld_calls") is not None
            tried, should = bool(r.get("called")) or withheld, bool(r.get("should_call"))
            ok = bool(r.get("withheld_passed")) if withheld else bool(r.get("passed"))
            if tried and confidence >= g:
                right += ok and should
                wrong += should and not ok
                false_alarms += not should
                correct += ok
            else:
                asked += tried
                correct += not should
        points.append(GatePoint(g, right, wrong, false_alarms, asked, correct / len(heard)))
    return points


def choose_gate(records: Sequence[Record]) -> GatePoint | None:
    """The gate with the best item accuracy (a call withheld costs the same as a wrong one);
    ties go to the lowest gate, which asks again least."""
    points = gate_curve(records)
    return max(points, key=lambda p: (round(p.item_accuracy, 9), -p.gate)) if points else None


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


__all__ = ["MAX_FALSE_ALARM", "GatePoint", "Point", "at", "choose", "choose_gate", "curve",
           "gate_curve", "heard_confidence", "p_call", "p_call_threshold", "plot", "scored"]
