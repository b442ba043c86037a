"""Re-judge recorded calls with the moment grounding applied (offline): each record's calls are
grounded with `assistant.grounding.ground_moment` against its own text and judged again by
evalkit's checker at its reference time. `unlike the record` counts rows whose calls, judged
again unchanged, do not get the record's verdict (a name check that held a call back).

python docs/brain-eval/moments/regrade.py 'docs/brain-eval/ft11-experiment/records/shipped-*.jsonl.gz'
"""

from __future__ import annotations

import glob
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from assistant.grounding import ground_moment
from assistant.toolcall import ToolCall
from evalkit.checker import check
from evalkit.compare import load
from evalkit.items import ExpectedCall
from evalkit.values import REFERENCE_NOW

MOMENTS = {"set_reminder": {"when": "future"}, "log_dose": {"time": "past"}}


def expected(e: dict[str, Any]) -> ExpectedCall:
    args = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in e["args"].items()}
    return ExpectedCall(e["name"], args, frozenset(e.get("optional", ())))


def regrade(path: str, totals: dict[str, int]) -> None:
    counts = dict.fromkeys(("items", "changed", "fixed", "broken", "unlike the record"), 0)
    for r in load(path)[1]:
        counts["items"] += 1
        calls = [ToolCall(c["name"], c["arguments"]) for c in r["calls"]]
        gold = [expected(e) for e in r["expected"]]
        malformed = bool(r.get("malformed"))
        before = check(gold, calls, malformed=malformed and not calls).passed
        counts["unlike the record"] += before != r["passed"]
        grounded = [ground_moment(c, MOMENTS.get(c.name, {}), r["text"], REFERENCE_NOW)
                    for c in calls]
        if grounded == calls:
            continue
        after = check(gold, grounded, malformed=malformed and not grounded).passed
        counts["changed"] += 1
        counts["fixed"] += after and not before
        counts["broken"] += before and not after
        mark = {(False, True): "FIX  ", (True, False): "BREAK", (True, True): "ok   "}.get(
            (before, after), "bad  ")
        print(f"  {mark} {r['text'][:70]!r}: {calls[0].arguments} -> {grounded[0].arguments}")
    print(f"{Path(path).name}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    for k, v in counts.items():
        totals[k] = totals.get(k, 0) + v


if __name__ == "__main__":
    totals: dict[str, int] = {}
    for path in sorted(glob.glob(sys.argv[1])):
        regrade(path, totals)
    print("all: " + ", ".join(f"{v} {k}" for k, v in totals.items()))
