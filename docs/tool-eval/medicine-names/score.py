"""Score the formulary on a list of medicine names as people say them (`names.jsonl`): each
name resolved as `MedicationLog.resolve` does (an exact name, else `Formulary.resolve`), and
counted right (no question, an entry one of whose names is acceptable), wrong (no question,
another entry) or asked. Run from a checkout's root: `python docs/tool-eval/medicine-names/
score.py SET [--rows OUT.jsonl]`; the formulary is that checkout's."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from assistant.tools.formulary import Status, load, normalise


def verdict(said: str, acceptable: list[str]) -> tuple[str, str]:
    formulary = load()
    drug = formulary.exact(said)
    if drug is None:
        match = formulary.resolve(said)
        drug = match.drug if match.status in (Status.EXACT, Status.CLOSE) else None
    if drug is None:
        return "asked", ""
    names = {normalise(n) for n in (drug.generic, *drug.aliases)}
    ok = any(normalise(a) in names for a in acceptable)
    return ("right" if ok else "wrong"), drug.generic


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("set")
    p.add_argument("--rows", help="write each name's verdict here")
    a = p.parse_args()
    rows = [json.loads(line) for line in Path(a.set).read_text().splitlines() if line.strip()]
    counts: Counter[tuple[str, str]] = Counter()
    out = []
    for r in rows:
        v, generic = verdict(r["said"], r["generic"])
        kind = "non-medicine" if not r["generic"] else "medicine"
        counts[kind, v] += 1
        out.append({**r, "verdict": v, "resolved": generic})
    for kind in ("medicine", "non-medicine"):
        total = sum(n for (k, _), n in counts.items() if k == kind)
        print(f"{kind}: {total} | " + ", ".join(f"{v} {counts[kind, v]}"
                                               for v in ("right", "wrong", "asked")))
    if a.rows:
        Path(a.rows).write_text("".join(json.dumps(r) + "\n" for r in out))


if __name__ == "__main__":
    main()
