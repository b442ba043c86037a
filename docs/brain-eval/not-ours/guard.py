"""The committed typed items not-ours can touch: a cancel (`cancel_timer`) or a reminder
(`set_reminder`), as the brain wrote it or as it ran, for a request that the reason it now
declares reads: "a thing no tool keeps" for the cancel, "a change to a reminder" for the
reminder (`asking.unasked`, as the loop asks it of each tool).

python docs/brain-eval/not-ours/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools import timers
from assistant.tools.asking import unasked

WHY = {"cancel_timer": "a thing no tool keeps", "set_reminder": "a change to a reminder"}
TOOLS = {t.name: t for t in timers.TOOLS if t.name in WHY}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(unasked(r["text"], (WHY[c.name],), TOOLS[c.name].action) is not None
               for c in (*calls, *ran) if c.name in WHY)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
