"""The committed typed items corrected can touch: a request whose words `settled` reads otherwise
than as said (`assistant.corrections`), whatever its gold.

python docs/brain-eval/corrected/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.corrections import settled
from assistant.toolcall import ToolCall


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return settled(r["text"]) != r["text"]


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
