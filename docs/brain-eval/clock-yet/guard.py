"""The committed typed items clock-yet can touch: the brain opened a call, its name check held
the call back (a `name-decision` under its threshold), and the request is one the clock plainly
answers (`clock.asks_the_clock`), so the loop now reads the clock.

python docs/brain-eval/clock-yet/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools.clock import asks_the_clock


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    held = any(e["kind"] == "name-decision" and e["p_name"] < e["threshold"] for e in r["events"])
    return held and asks_the_clock(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
