"""The committed typed items doses-advice can touch: a dose-log read (`last_dose`,
`list_doses`), as the brain wrote it or as it ran, for a request the reads are held back for by
"advice" (`asking.unasked(..., reads=True)`). It ran at 70fa54a, where the dose log's reads
declared the reason, and wrote `records/guard-set.jsonl.gz`; since the rule was reverted it
stops with that said.

python docs/brain-eval/doses-advice/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools.asking import unasked

READS = ("last_dose", "list_doses")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(c.name in READS for c in (*calls, *ran)) and \
        unasked(r["text"], ("advice",), "dose", reads=True) is not None


if __name__ == "__main__":
    from assistant.tools.medication import TOOLS

    if "advice" not in next(t for t in TOOLS if t.name == "list_doses").held_back_by:
        sys.exit("doses-advice was reverted: run this at 70fa54a (see the docstring)")
    write_guard(sys.argv[1], touches)
