"""The committed typed items cancel-asked can touch: the name check held back the brain's
`cancel_timer` call (a `name-decision` under its threshold) for a request that asks to cancel a
reminder, an alarm or a timer (`timers.asks_to_cancel`), so the loop now runs it as written.

python docs/brain-eval/cancel-asked/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools.timers import asks_to_cancel


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    held = any(e["kind"] == "name-decision" and e["p_name"] < e["threshold"]
               and e["name"] == "cancel_timer" for e in r["events"])
    return held and asks_to_cancel(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
