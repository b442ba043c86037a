"""The committed items the twice change can touch, as one BYO set: every typed item of the
committed sets (`evalkit/sets/*.jsonl`) but the one judging it, that several-asks splits into
clauses, or whose text any committed record (`docs/brain-eval/**/records/*.jsonl.gz`, any brain
or rule) shows a call for whose listed value is followed by another item
(`assistant.listing.next_item`), or whose value holds a list it splits (`split_value`, from
twice-7). Run it with the change and without it (`../with-without.sh`)
to see that none is made wrong. evalkit's own items: none is touched (checked).

With `--lists` (twice-5 to twice-7, the list alone), only the items with a list after a
recorded call's value, and the three that twice-3's guard made wrong (`ALSO`).

python docs/brain-eval/twice/guard.py runs/twice-guard.jsonl twice-2
python docs/brain-eval/twice/guard.py runs/twice-guard.jsonl twice-6 --lists
"""

from __future__ import annotations

import glob
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from assistant.engines.chat.engine import clauses
from assistant.listing import next_item, split_value
from assistant.toolcall import ToolCall
from evalkit.runner import build_registry

SETS = Path("evalkit/sets")
ALSO = ("e10-103", "sb-016", "tw-054")  # made wrong by twice-3's guard (../twice-3/)


def listed_texts(registry: object) -> set[str]:
    """Texts some record has a call for whose listed value a list follows."""
    listed = {t.name: t.listed for t in registry if t.listed}  # type: ignore[attr-defined]
    out: set[str] = set()
    for path in glob.glob("docs/brain-eval/**/records/*.jsonl.gz", recursive=True):
        with gzip.open(path, "rt") as f:
            for line in f:
                row = json.loads(line)
                text = row.get("text") or ""
                for c in row.get("calls") or []:
                    call = ToolCall(c["name"], c.get("arguments") or {})
                    if call.name in listed and (next_item(call, listed[call.name], text)
                                                or split_value(call, listed[call.name], text)):
                        out.add(text)
    return out


def main(out: Path, judged: str, lists_only: bool) -> None:
    registry = build_registry(Path("runs/twice-guard-data"))
    try:
        texts = listed_texts(registry)
    finally:
        registry.close()
    rows, split, listed = [], 0, 0
    for path in sorted(SETS.glob("*.jsonl")):
        if path.stem == judged:
            continue
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("audio") or not row.get("text"):
                continue
            parts = len(clauses(row["text"])) > 1 and not lists_only
            if parts or row["text"] in texts or (lists_only and row["id"] in ALSO):
                split += parts
                listed += row["text"] in texts
                rows.append(row)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"{len(rows)} items ({split} split into clauses, {listed} with a list after a "
          f"recorded call's value) -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], "--lists" in sys.argv[3:])
