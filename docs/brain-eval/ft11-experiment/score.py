"""An adapter (ft11, ft12) against the shipped one, set by set, from evalkit records: items
right, false alarms, calls right; the same with the name check at its default cut (a call whose
`name-decision` P is below it is held back: right only where no call was wanted); and, for dev,
items right at each call threshold (a row's first `call-decision` P(call), recorded whatever
the threshold), which is how a threshold is chosen: exact from the run's own threshold (0.54)
up, since a row below it made no call to judge.

python docs/brain-eval/ft11-experiment/score.py [SHIPPED_PREFIX ADAPTER_PREFIX]
    reads records/<prefix>-<set>.jsonl.gz (default: shipped ft11s0; ft12s0) for every set both have.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from evalkit.calibration import p_call  # noqa: E402
from evalkit.compare import load  # noqa: E402

SETS = ("everyday-5", "everyday-4", "holdout-phrasings", "timer-durations", "everyday-2", "everyday",
        "everyday-3", "dev")
NAME_CUT = 0.3  # ChatSettings.name_threshold's default


RECORDS = Path(__file__).resolve().parent / "records"


def right_gated(r: dict, cut: float) -> bool:
    named = next((e for e in r["events"] if e["kind"] == "name-decision"), None)
    if r["called"] and named is not None and named["p_name"] < cut:
        return not r["should_call"]
    return bool(r["passed"])


def summary(rs: list[dict]) -> str:
    none = [r for r in rs if not r["should_call"]]
    calls = [r for r in rs if r["should_call"]]
    fa = sum(bool(r["called"]) for r in none)
    gated_fa = sum(bool(r["called"]) and right_gated(r, NAME_CUT) is False for r in none)
    return (f"{sum(r['passed'] for r in rs)}/{len(rs)} right, FA {fa}/{len(none)}, calls "
            f"{sum(r['passed'] for r in calls)}/{len(calls)} | name cut {NAME_CUT}: "
            f"{sum(right_gated(r, NAME_CUT) for r in rs)} right, FA {gated_fa}")


def sweep(rs: list[dict]) -> str:
    """Items right had the call threshold been t: below it the row makes no call."""
    out = []
    for t in (0.54, 0.6, 0.7, 0.8, 0.9, 0.93, 0.95):
        n = 0
        for r in rs:
            p = p_call(r)
            acts = p is not None and p >= t
            n += bool(r["passed"]) if acts or not r["called"] else not r["should_call"]
        out.append(f"{t}:{n}")
    return " ".join(out)


def main(shipped: str, ft11: str) -> None:
    for name in SETS:
        a, b = RECORDS / f"{shipped}-{name}.jsonl.gz", RECORDS / f"{ft11}-{name}.jsonl.gz"
        if not (a.is_file() and b.is_file()):
            continue
        ra, rb = load(str(a))[1], load(str(b))[1]
        print(f"{name}\n  {shipped:8} {summary(ra)}\n  {ft11:8} {summary(rb)}")
        if name == "dev":
            print(f"  {shipped:8} by threshold {sweep(ra)}\n  {ft11:8} by threshold {sweep(rb)}")
        fa = [r["text"] + " -> " + r["calls"][0]["name"] for r in rb
              if not r["should_call"] and r["called"]]
        print(f"  {ft11} false alarms: " + "; ".join(fa))


if __name__ == "__main__":
    main(*(sys.argv[1:3] or ("shipped", "ft11s0")))
