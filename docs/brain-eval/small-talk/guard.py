"""The committed typed items small-talk can touch: a request that "small talk" or "thanks" reads
(`asking.small_talk`), as the loop asks it of a call the brain wrote, one that ran, or one the
item expects, and that no reason read before it holds back already.

python docs/brain-eval/small-talk/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import declared, names, write_guard

from assistant.toolcall import ToolCall
from assistant.tools.asking import ANY_TOOL, unasked
from assistant.tools.base import SideEffect

TOOLS = declared()


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return any(unasked(r["text"], (*TOOLS[n].held_back_by, *ANY_TOOL), TOOLS[n].action,
                       TOOLS[n].side_effect == SideEffect.READ) in ("small talk", "thanks")
               for n in names(r, calls) if n in TOOLS)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
