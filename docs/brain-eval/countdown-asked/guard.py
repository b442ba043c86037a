"""The committed typed items countdown-asked can touch: a `set_timer` or `list_timers` call, as
the brain wrote it or as it ran, for a request that asks a countdown to a day, a date, a time or
an event (`asking.unasked(..., ("a countdown",))`, with what the tool does and whether it reads,
as the loop asks it).

python docs/brain-eval/countdown-asked/guard.py OUT.jsonl
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
from assistant.tools.base import SideEffect

HELD = {t.name: t for t in timers.TOOLS if "a countdown" in t.held_back_by}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(unasked(r["text"], ("a countdown",), tool.action,
                       tool.side_effect == SideEffect.READ) is not None
               for c in (*calls, *ran) if (tool := HELD.get(c.name)) is not None)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
