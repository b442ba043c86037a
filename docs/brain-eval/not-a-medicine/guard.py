"""The committed typed items not-a-medicine can touch: a `last_dose` call, as the brain wrote it
or as it ran, whose drug names no medicine for a request that names none or any taking
(`medication.reads_a_medicine`). It ran at 2cd191d, where `medication` had the test, and wrote
`records/guard-set.jsonl.gz`; since the rule was reverted it stops with that said.

python docs/brain-eval/not-a-medicine/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools import medication


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(c.name == "last_dose" and
               not medication.reads_a_medicine(c.arguments, r["text"])  # type: ignore[attr-defined]
               for c in (*calls, *ran))


if __name__ == "__main__":
    if not hasattr(medication, "reads_a_medicine"):
        sys.exit("not-a-medicine was reverted: run this at 2cd191d (see the docstring)")
    write_guard(sys.argv[1], touches)
