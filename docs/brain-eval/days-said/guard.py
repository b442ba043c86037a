"""The committed typed items days-said can touch: the brain's recorded calls (the last
`calls-proposed` event) hold one whose day `grounding.ground_day` changes, or the request types
"tomorrow" short or says "day after tomorrow" without "the" (which the parser now reads, for a
reminder's or a dose's moment too). Written as a BYO set (`id`, `text`, `expected`), one per
text, the newest record's.

python docs/brain-eval/days-said/guard.py OUT.jsonl
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from assistant.grounding import ground_day
from assistant.toolcall import ToolCall
from assistant.tools import catalogue
from assistant.tools.medication import TOOLS as MEDICATION
from assistant.tools.weather import TOOLS as WEATHER
from evalkit.values import REFERENCE_NOW

ROOT = Path(__file__).resolve().parents[3]
NEW_WORDS = re.compile(r"\b(?:tmrw|tmr|tmrow|tmw|tmoz|tomoz|2moro|2morrow|2mrw|tomorow|tommorow|"
                       r"tommorrow|tomorrrow)\b|(?<!the )day after tomorrow", re.IGNORECASE)


def main(out: str) -> None:
    assert catalogue()  # the tool families load
    days = {t.name: t.days for t in (*WEATHER, *MEDICATION) if t.days}
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
            if NEW_WORDS.search(r["text"]) or any(
                    c.name in days and ground_day(c, days[c.name], r["text"], REFERENCE_NOW) != c
                    for c in calls):
                rows[r["text"]] = {"id": r["item_id"], "text": r["text"],
                                   "expected": r["expected"]}
    Path(out).write_text("".join(json.dumps(v) + "\n" for v in rows.values()))
    print(f"{len(rows)} items -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
