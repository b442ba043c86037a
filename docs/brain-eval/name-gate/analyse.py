"""What the name check did on a run: the calls it held back and whether they were right.

python docs/brain-eval/name-gate/analyse.py GATED_RUN[:VARIANT] [BASE_RECORDS]

GATED_RUN is an evalkit run with the check on; BASE_RECORDS (optional) the same brain's records
on the same items from before the check existed. Decoding is greedy, so a call the check let
through is the one the base run wrote (counted below as a sanity check), and a call it held back
is the base run's call: the base record's verdict says whether holding it back lost a right call.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from evalkit.compare import load  # noqa: E402


def first_name_decision(record: dict) -> dict | None:
    return next((e for e in record.get("events") or () if e.get("kind") == "name-decision"), None)


def auc(right: list[float], wrong: list[float]) -> float | None:
    """P(a right call's p_name > a wrong call's), ties half."""
    if not right or not wrong:
        return None
    wins = sum((r > w) + 0.5 * (r == w) for r in right for w in wrong)
    return wins / (len(right) * len(wrong))


def main(gated: str, base: str | None = None) -> None:
    records = load(gated)[1]
    before = {r["unit_id"]: r for r in load(base)[1]} if base else {}
    held, right_p, wrong_p, same, differ = [], [], [], 0, 0
    for r in records:
        d = first_name_decision(r)
        if d is None:
            continue
        b = before.get(r["unit_id"])
        if d["p_name"] < d["threshold"]:
            held.append((r, d, b))
        elif b is not None:
            same += b["calls"] == r["calls"]
            differ += b["calls"] != r["calls"]
        if b is not None:  # the call as written, judged in the base run
            (right_p if b["passed"] else wrong_p).append(d["p_name"])
    n = len(records)
    print(f"{gated}: {n} items, {sum(r['passed'] for r in records)} right; "
          f"{sum(1 for r in records if first_name_decision(r))} calls named, {len(held)} held back")
    if before:
        print(f"  base: {sum(r['passed'] for r in before.values())} right; calls let through that "
              f"equal the base run's: {same} of {same + differ}")
        a = auc(right_p, wrong_p)
        print(f"  p_name, right vs wrong calls (as judged in the base run): {len(right_p)} vs "
              f"{len(wrong_p)}, AUC {a:.2f}" if a is not None else "  AUC: n/a")
    for r, d, b in held:
        gold = r.get("tool") or "no tool"
        verdict = "" if b is None else (" (base: right)" if b["passed"] else " (base: wrong)")
        print(f"  held back {d['name']} at {d['p_name']:.2f} for {r['text']!r}: gold {gold}"
              f"{verdict}; now {'right' if r['passed'] else 'wrong'}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
