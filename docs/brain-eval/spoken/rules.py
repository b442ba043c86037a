"""What the loop's rules (`assistant.tools.asking`'s hold-backs, `assistant.grounding`) do to
the brain's calls, typed and spoken, from one evalkit run's records: each item judged as run
(the rules applied) and judged on the brain's own calls (the last `calls-proposed` event: the
calls before any was held back or held to what was said). Items group by their id's prefix
(one set each).

python docs/brain-eval/spoken/rules.py runs/eval/spoken-4
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import brain_calls

from evalkit.checker import check
from evalkit.compare import load, mcnemar_exact, variants_in
from evalkit.items import ExpectedCall


def main(run: str) -> None:
    print("| set | variant | items | right, brain alone | right, with the rules | fixed | "
          "made wrong | McNemar p | false alarms, brain alone | with the rules |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for variant in variants_in(Path(run)):
        groups: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
        for r in load(f"{run}:{variant}")[1]:
            gold = [ExpectedCall.from_dict(e) for e in r["expected"]]
            alone = check(gold, brain_calls(r), malformed=bool(r.get("malformed"))).passed
            groups[r["item_id"].split("-")[0]].append((alone, bool(r["passed"]), not gold))
        for prefix, rows in sorted(groups.items()):
            fixed = sum(1 for a, w, _ in rows if w and not a)
            broken = sum(1 for a, w, _ in rows if a and not w)
            negatives = [(a, w) for a, w, neg in rows if neg]
            print(f"| {prefix} | {variant} | {len(rows)} | {sum(a for a, _, _ in rows)} | "
                  f"{sum(w for _, w, _ in rows)} | {fixed} | {broken} | "
                  f"{mcnemar_exact(fixed, broken):.3f} | "
                  f"{sum(not a for a, _ in negatives)} of {len(negatives)} | "
                  f"{sum(not w for _, w in negatives)} |")


if __name__ == "__main__":
    main(sys.argv[1])
