"""The committed typed items note-dictated can touch: a request that opens with a note's label
as `notes.dictated_note` reads it, whatever its gold and the brain's calls.

python docs/brain-eval/note-dictated/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.engines.chat.engine import clauses
from assistant.toolcall import ToolCall
from assistant.tools.notes import dictated_note


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return any(dictated_note(ask) for ask in {r["text"], *clauses(r["text"])})


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
