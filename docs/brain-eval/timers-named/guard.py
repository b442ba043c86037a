"""The committed typed items timers-named can touch: a list of the timers (the brain's, one that
ran, or one the item expects) for a request that `timers.speaks_of_timers` reads as speaking of
no timer.

python docs/brain-eval/timers-named/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools.timers import speaks_of_timers


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    names = {c.name for c in calls} | {c["name"] for c in r.get("calls") or []} | \
        {e["name"] for e in r["expected"]}
    return "list_timers" in names and not speaks_of_timers(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
