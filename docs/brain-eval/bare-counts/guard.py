"""The committed typed items bare-counts can touch: a dose call, as the brain wrote it or as it
ran, whose unit `ground_count` sets to the count's (a mass or volume for a bare count of at most
4: "Took two Tylenol" logged as 2 mg).

python docs/brain-eval/bare-counts/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import ground_count
from assistant.toolcall import ToolCall
from assistant.tools import medication

TOOLS = {t.name: t for t in medication.TOOLS}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    for call in (*calls, *ran):
        tool = TOOLS.get(call.name)
        if tool is not None and tool.count_units and ground_count(
                call, tool.units, tool.count_units, tool.amounts, r["text"]) != call:
            return True
    return False


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
