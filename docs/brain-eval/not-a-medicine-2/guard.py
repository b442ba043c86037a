"""The committed typed items not-a-medicine-2 can touch: a `last_dose` call, as the brain wrote it
or as it ran, that `medication.reads_a_medicine` holds back: a drug that may not be one of the
user's medicines. It wrote not-a-medicine-2's `records/guard-set.jsonl.gz` at
795be9d and not-a-medicine-3's at c720075; run at another commit, it picks by that commit's test.

python docs/brain-eval/not-a-medicine-2/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools.medication import reads_a_medicine


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(c.name == "last_dose" and not reads_a_medicine(c.arguments, r["text"])
               for c in (*calls, *ran))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
