"""The committed typed items reminder-moved-2 can touch: a request that "a change to a
reminder", as widened, reads, as the loop asks it of every tool but an undoing one
(`asking.unasked`), whatever the call.

python docs/brain-eval/reminder-moved-2/guard.py OUT.jsonl
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


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return unasked(r["text"], ("a change to a reminder",), "reminder") is not None


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
