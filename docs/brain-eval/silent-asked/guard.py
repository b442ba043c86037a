"""The committed typed items silent-asked can touch: the brain called nothing (no call proposed,
none asked in its place) and one tool plainly answers the request (`Tool.plainly_asked`) that
can be called without the brain's arguments: the clock, or the list of timers (a cancel needs
the brain's own label).

python docs/brain-eval/silent-asked/guard.py OUT.jsonl
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
from assistant.tools.timers import asks_time_left, asks_to_cancel


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    if calls or any(e["kind"] in ("call-asked", "calls-proposed") for e in r["events"]):
        return False
    plain = [asks(r["text"]) for asks in (asks_the_clock, asks_time_left, asks_to_cancel)]
    return sum(plain) == 1 and not plain[2]


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
