"""The committed typed items day-as-place can touch: the brain's recorded calls (the last
`calls-proposed` event) hold one with a grounded place that is the day the request says, which
`grounding.ground` now drops. Written as a BYO set (`id`, `text`, `expected`), one per text, the
newest record's.

python docs/brain-eval/day-as-place/guard.py OUT.jsonl
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from assistant.grounding import ground
from assistant.toolcall import ToolCall
from assistant.tools.weather import TOOLS as WEATHER
from evalkit.values import REFERENCE_NOW

ROOT = Path(__file__).resolve().parents[3]


def main(out: str) -> None:
    grounded = {t.name: t.grounded for t in WEATHER if t.grounded}
    rows: dict[str, dict[str, Any]] = {}
    for path in sorted(ROOT.glob("docs/brain-eval/*/records/*.jsonl.gz")):
        if "manifest" in path.name:
            continue
        with gzip.open(path, "rt") as f:
            records = [json.loads(line) for line in f]
        for r in records:
            if r.get("audio_path") or r.get("heard") or "events" not in r:
                continue
            proposed = [e for e in r["events"] if e["kind"] == "calls-proposed"]
            calls = [ToolCall(c["name"], c["arguments"]) for c in
                     (proposed[-1]["calls"] if proposed else [])]
            if any(c.name in grounded and ground(c, grounded[c.name], r["text"], REFERENCE_NOW)
                   != ground(c, grounded[c.name], r["text"]) for c in calls):
                rows[r["text"]] = {"id": r["item_id"], "text": r["text"],
                                   "expected": r["expected"]}
    Path(out).write_text("".join(json.dumps(v) + "\n" for v in rows.values()))
    print(f"{len(rows)} items -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
