"""The committed typed items countdown-clock can touch: a clock read, as the brain wrote it or as
it ran, in a place the request does not name (`grounding.place_unsaid`), for a request that asks
a countdown (`asking.unasked(..., ("a countdown",))`, as the loop asks it of the clock).

python docs/brain-eval/countdown-clock/guard.py OUT.jsonl
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
from assistant.tools import clock
from assistant.tools.asking import unasked

CLOCK = clock.TOOLS[0]


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    text = r["text"]
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(c.name == CLOCK.name and place_unsaid(c, CLOCK, text) for c in (*calls, *ran)) \
        and unasked(text, ("a countdown",), CLOCK.action, True) is not None


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
