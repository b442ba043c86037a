"""The committed typed items left-alone can touch: a request that "left as it is" reads, as the
loop asks it of a call the brain wrote, one that ran, or one the item expects
(`asking.unasked`).

python docs/brain-eval/left-alone/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import declared, write_guard

from assistant.toolcall import ToolCall
from assistant.tools.asking import unasked
from assistant.tools.base import SideEffect

TOOLS = declared()


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    names = {c.name for c in calls} | {c["name"] for c in r.get("calls") or []} | \
        {e["name"] for e in r["expected"]}
    return any(unasked(r["text"], ("left as it is",), TOOLS[n].action,
                       TOOLS[n].side_effect == SideEffect.READ) is not None
               for n in names if n in TOOLS)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
