"""The committed typed items taken-back can touch: a request `asking.taken_back` reads as taken
back as it is said, whatever its gold and the brain's calls.

python docs/brain-eval/taken-back/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools.asking import plain, taken_back


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return taken_back(plain(r["text"]))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
