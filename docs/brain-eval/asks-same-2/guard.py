"""The committed typed items asks-same-2 can touch: a request `clauses` reads otherwise than at
f532726, the commit before the change (two conversions or two sums of one shape, one verb),
whatever its gold.

python docs/brain-eval/asks-same-2/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import module_at, write_guard

from assistant.engines.chat.engine import clauses
from assistant.toolcall import ToolCall

_OLD = module_at("f532726", "assistant/engines/chat/engine.py")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return bool(clauses(r["text"]) != _OLD.clauses(r["text"]))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
