"""The committed typed items corrected-4 can touch: a request whose text `settled` reads
otherwise than at 3fc1ac8, the commit before the change ("not X, Y" after X, "Y not X", "um"
with words between, a sum or a unit said again), whatever its gold.

python docs/brain-eval/corrected-4/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import module_at, write_guard

from assistant.corrections import settled
from assistant.toolcall import ToolCall

_OLD = module_at("3fc1ac8", "assistant/corrections.py")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return bool(settled(r["text"]) != _OLD.settled(r["text"]))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
