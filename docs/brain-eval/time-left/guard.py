"""The committed typed items time-left can touch: a lone clock read, as the brain wrote it, that
`grounding.as_time_left` turns into the timer list for its request.

python docs/brain-eval/time-left/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import as_time_left
from assistant.toolcall import ToolCall
from assistant.tools import clock, timers

CLOCK = clock.TOOLS[0]
LISTING = next(t for t in timers.TOOLS if t.name == CLOCK.time_left)


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return len(calls) == 1 and calls[0].name == CLOCK.name and \
        as_time_left(calls[0], CLOCK, LISTING, r["text"]) != calls[0]


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
