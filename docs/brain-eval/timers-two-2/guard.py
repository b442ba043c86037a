"""The committed typed items timers-two-2 can touch: a request `clauses` reads otherwise than at
b58a3f5, the commit before the change, or whose clauses have another shape there (which decides
whether two calls of one tool are used), whatever its gold.

python docs/brain-eval/timers-two-2/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import module_at, write_guard

from assistant.engines.chat import engine
from assistant.toolcall import ToolCall

_OLD = module_at("b58a3f5", "assistant/engines/chat/engine.py")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    parts = engine.clauses(r["text"])
    if parts != _OLD.clauses(r["text"]):
        return True
    return len(parts) > 1 and [engine._shape(p) for p in parts] != [_OLD._shape(p) for p in parts]


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
