"""The committed typed items asks-shared-2 can touch: a request the engine now reads as clauses
(`assistant.engines.chat.engine.clauses`) otherwise than at fe3be92, the commit before the
change ("or", each thing with its own words, a day's possessive, a search after a list),
whatever its gold. Each clause's call is the engine's for that clause alone; the brain's calls
are greedy, so the rest are as they were.

python docs/brain-eval/asks-shared-2/guard.py OUT.jsonl
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

_OLD = module_at("fe3be92", "assistant/engines/chat/engine.py")


def _before(text: str) -> list[str]:
    """`clauses` as asks-shared left it (the engine at the commit before the change)."""
    return _OLD.clauses(text)


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return engine.clauses(r["text"]) != _before(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
