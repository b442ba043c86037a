"""The committed typed items countdown-words can touch: a call the countdown reason holds back,
as the brain wrote it or as it ran (a `set_timer` or `list_timers` call, or a clock read in a
place the request does not name: `grounding.place_unsaid`), for a request that the countdown
words read (`asking.unasked(..., ("a countdown",))`, as the loop asks it of each tool).

python docs/brain-eval/countdown-words/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import place_unsaid
from assistant.toolcall import ToolCall
from assistant.tools import clock, timers
from assistant.tools.asking import unasked
from assistant.tools.base import SideEffect

HELD = {t.name: t for t in (*timers.TOOLS, *clock.TOOLS) if "a countdown" in t.held_back_by}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    text = r["text"]
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(unasked(text, ("a countdown",), tool.action, tool.side_effect == SideEffect.READ)
               is not None and (not tool.places or place_unsaid(c, tool, text))
               for c in (*calls, *ran) if (tool := HELD.get(c.name)) is not None)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
