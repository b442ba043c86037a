"""The committed typed items time-left can touch: a lone clock read, as the brain wrote it, that
`grounding.as_time_left` turns into the timer list for its request. It ran at 43c57dd, where
`grounding` had the function, and wrote `records/guard-set.jsonl.gz`; since the rule was
reverted it stops with that said.

python docs/brain-eval/time-left/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant import grounding
from assistant.toolcall import ToolCall
from assistant.tools import clock, timers

CLOCK = clock.TOOLS[0]


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    listing = next(t for t in timers.TOOLS if t.name == "list_timers")
    return len(calls) == 1 and calls[0].name == CLOCK.name and \
        grounding.as_time_left(calls[0], CLOCK, listing, r["text"]) != calls[0]  # type: ignore[attr-defined]


if __name__ == "__main__":
    if not hasattr(grounding, "as_time_left"):
        sys.exit("time-left was reverted: run this at 43c57dd (see the docstring)")
    write_guard(sys.argv[1], touches)
