"""The committed typed items weather-asked-2 can touch: the brain's recorded calls (the last
`calls-proposed` event) hold one that `grounding.as_topic` turns into another tool's call.
Written as a BYO set (`id`, `text`, `expected`), one per text, the newest record's.

python docs/brain-eval/weather-asked-2/guard.py OUT.jsonl   (at f868bba: `as_topic` was reverted after)
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from assistant.grounding import as_topic
from assistant.toolcall import ToolCall
from assistant.tools import default_registry
from assistant.tools.context import ToolContext

ROOT = Path(__file__).resolve().parents[3]


def main(out: str) -> None:
    rows: dict[str, dict[str, Any]] = {}
    with default_registry(ToolContext.default(Path(tempfile.mkdtemp()))) as registry:
        tools = list(registry)
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
                if any((tool := registry.get(c.name)) is not None
                       and as_topic(c, tool, tools, r["text"]) != c for c in calls):
                    rows[r["text"]] = {"id": r["item_id"], "text": r["text"],
                                       "expected": r["expected"]}
    Path(out).write_text("".join(json.dumps(v) + "\n" for v in rows.values()))
    print(f"{len(rows)} items -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
