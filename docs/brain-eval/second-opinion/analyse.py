"""Tables of verify.py's and names.py's outputs: how well each score tells the shipped brain's
wrong calls (false alarms, wrong tool) from its right ones.

python docs/brain-eval/second-opinion/analyse.py verify-qwen-0.5b.jsonl p_yes
python docs/brain-eval/second-opinion/analyse.py names.jsonl p_name
"""

import json
import sys
from pathlib import Path

from sklearn.metrics import roc_auc_score


def main(path: str, key: str) -> None:
    rows = [json.loads(line) for line in Path(path).read_text("utf-8").splitlines() if line]
    if key in ("p_name", "p_call"):  # names.py: the calls the brain made, and how sure it was
        rows = [r for r in rows if r["called"]]
        for r in rows:
            r["good"], r["fa"] = r["should"] and r["name_ok"], not r["should"]
            r["p_name"] = r["pn"].get(r["called"], 0.0)
    print(f"{path}, score {key}")
    print("| set | right calls | wrong calls (false alarms) | AUC |\n|---|---|---|---|")
    for s in [*sorted({r["set"] for r in rows}), "all"]:
        rr = [r for r in rows if s in ("all", r["set"])]
        y, p = [int(r["good"]) for r in rr], [r[key] for r in rr]
        auc = f"{roc_auc_score(y, p):.2f}" if 0 < sum(y) < len(y) else "-"
        print(f"| {s} | {sum(y)} | {len(y) - sum(y)} ({sum(r['fa'] for r in rr)}) | {auc} |")
    good = [r[key] for r in rows if r["good"]]
    bad = [r for r in rows if not r["good"]]
    print("\n| withhold below | right calls kept | wrong calls withheld | false alarms withheld |")
    print("|---|---|---|---|")
    for t in (0.3, 0.5, 0.6, 0.7, 0.8, 0.9):
        print(f"| {t} | {sum(x >= t for x in good)} / {len(good)} | "
              f"{sum(r[key] < t for r in bad)} / {len(bad)} | "
              f"{sum(r[key] < t and r['fa'] for r in bad)} / {sum(r['fa'] for r in bad)} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
