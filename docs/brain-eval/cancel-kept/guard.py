"""The committed typed items cancel-kept can touch: a request that `timers.asks_to_cancel` reads
with the change and did not read before it (another thing kept in another clause).

python docs/brain-eval/cancel-kept/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools import timers

# asks_to_cancel before the change: no "leave", "keep" or "hold off" anywhere.
_BEFORE_KEPT = re.compile(r"\b(?:leave|keep|hold\s+off)\b")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    s = r["text"].lower().replace("\u2019", "'")
    return timers.asks_to_cancel(r["text"]) and bool(_BEFORE_KEPT.search(s))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
