"""The committed typed items place-asked can touch, whatever their gold: a recorded weather or
time call whose place `grounding.ground_asked` sets otherwise (the place asked, for the one
the user is in or sets out from).

python docs/brain-eval/place-asked/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import declared, write_guard

from assistant.grounding import ground_asked
from assistant.toolcall import ToolCall

TOOLS = declared()


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return any((tool := TOOLS.get(c.name)) is not None and tool.there and
               ground_asked(c, tool.there, r["text"]) != c for c in calls)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
