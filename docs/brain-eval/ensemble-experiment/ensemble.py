"""Three seeds' decisions combined offline from their evalkit records: call iff the mean P(call)
>= the threshold (BAR.md: 0.54; BAR-2.md: 0.60, chosen on dev); the call is that of the seed with
the highest P(call).

python docs/brain-eval/ensemble-experiment/ensemble.py [--threshold T] [PREFIX ...]
(default 0.60, ft12s0 ft12s1 ft12s2)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from evalkit.calibration import p_call  # noqa: E402
from evalkit.compare import load  # noqa: E402

RECORDS = ROOT / "docs" / "brain-eval" / "ft11-experiment" / "records"
SETS = ("everyday-6", "everyday-5", "everyday-4", "holdout-phrasings", "dev", "everyday-3", "everyday-2",
        "everyday", "timer-durations")


def right(rows: list[dict], threshold: float) -> tuple[bool, bool]:
    """(right, called) for one item from its rows, one per seed."""
    ps = [p_call(r) or 0.0 for r in rows]
    if sum(ps) / len(ps) < threshold:
        return not rows[0]["should_call"], False
    best = rows[max(range(len(rows)), key=lambda i: ps[i])]
    # The most confident seed made a call (its P(call) >= the mean >= the threshold).
    return bool(best["passed"]), True


def summary(name: str, prefixes: list[str], threshold: float) -> str:
    runs = [{r["unit_id"]: r for r in load(str(RECORDS / f"{p}-{name}.jsonl.gz"))[1]}
            for p in prefixes]
    ids = sorted(set.intersection(*(set(run) for run in runs)))
    n_right = fa = none = 0
    for unit in ids:
        rows = [run[unit] for run in runs]
        ok, called = right(rows, threshold)
        n_right += ok
        if not rows[0]["should_call"]:
            none += 1
            fa += called
    return f"{name}: {n_right}/{len(ids)} right, FA {fa}/{none}"


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=0.60)
    parser.add_argument("prefixes", nargs="*", default=["ft12s0", "ft12s1", "ft12s2"])
    args = parser.parse_args()
    for name in SETS:
        if all((RECORDS / f"{p}-{name}.jsonl.gz").is_file() for p in args.prefixes):
            print(summary(name, args.prefixes, args.threshold))
