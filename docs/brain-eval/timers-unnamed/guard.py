"""The committed typed items timers-unnamed can touch: a `list_timers` call, as the brain wrote
it or as it ran, for a request whose words name no timer or time left (`names_a_timer`).

python docs/brain-eval/timers-unnamed/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools.timers import names_a_timer


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(c.name == "list_timers" for c in (*calls, *ran)) and not names_a_timer(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
