"""The committed typed items asks-shared can touch: a request the engine now reads as clauses
(`assistant.engines.chat.engine.clauses`) otherwise than before the change (two things asked
with one verb, a search after "and" where no reminder's or note's text is said), whatever its
gold. Each clause's call is the engine's for that clause alone; the brain's calls are greedy, so
the rest are as they were.

python docs/brain-eval/asks-shared/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.engines.chat import engine
from assistant.toolcall import ToolCall


def _before(text: str) -> list[str]:
    """`clauses` as it was: no shared verb, "and find ..." never a second ask."""
    with (mock.patch.object(engine, "_shared", lambda clause: [clause]),
          mock.patch.object(engine, "_holds_text", lambda clause: True)):
        return engine.clauses(text)


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return engine.clauses(r["text"]) != _before(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
