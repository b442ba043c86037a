"""Paired comparison of evalkit variants on the units they share, with the terminology subset.

    python scripts/compare_runs.py RUN_DIR VARIANT [VARIANT ...] [--n-boot N]

Prints a Markdown table (bootstrap 95% intervals): every variant scored on exactly the same
units, so a variant run on an evenly spread subset is compared like for like. Used for the
finetune numbers (adapter vs base) in finetune/README.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from evalkit import metrics

COLUMNS = ("item_accuracy", "call_f1", "false_alarm_rate", "function_name_accuracy",
           "exact_argument_accuracy")


def load(run_dir: Path, variant: str) -> dict[str, dict]:
    path = run_dir / f"{variant}.jsonl"
    return {r["unit_id"]: r for r in map(json.loads, path.read_text("utf-8").splitlines())}


def cell(e: metrics.Estimate) -> str:
    if e.value is None:
        return "–"
    return f"{e.value:.3f} [{e.low:.2f}, {e.high:.2f}]" if e.low is not None else f"{e.value:.3f}"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("run_dir", type=Path)
    p.add_argument("variants", nargs="+")
    p.add_argument("--n-boot", type=int, default=1000)
    args = p.parse_args()
    runs = {v: load(args.run_dir, v) for v in args.variants}
    shared = sorted(set.intersection(*(set(r) for r in runs.values())))
    print(f"{len(shared)} shared units in {args.run_dir}\n")
    print("| variant | subset | n | " + " | ".join(COLUMNS) + " |")
    print("|---|---|---|" + "---|" * len(COLUMNS))
    for v, recs in runs.items():
        for subset, keep in (("all", lambda r: True),
                             ("drug-name items", lambda r: bool(r["terms"]) and r["should_call"])):
            rows = [recs[u] for u in shared if keep(recs[u])]
            est = metrics.compute(rows, COLUMNS, n_boot=args.n_boot)
            print(f"| {v} | {subset} | {len(rows)} | "
                  + " | ".join(cell(est[c]) for c in COLUMNS) + " |")


if __name__ == "__main__":
    main()
