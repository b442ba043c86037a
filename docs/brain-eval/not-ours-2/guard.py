"""The committed typed items not-ours-2 can touch: a request that the cancel's reasons
(`cancel_timer`'s `held_back_by`, `asking.unasked`) now read, "asked if cancelled" or "a thing
no tool keeps" as widened, whatever the call.

python docs/brain-eval/not-ours-2/guard.py OUT.jsonl
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

CANCEL = next(t for t in timers.TOOLS if t.name == "cancel_timer")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return unasked(r["text"], ("asked if cancelled", "a thing no tool keeps"),
                   CANCEL.action) is not None


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
