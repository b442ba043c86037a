"""The committed typed items deeds-said can touch: a request that "the user's own plan" reads
now, with a deed of the user's own (`asking._deed`), and did not before, as the loop asks it of a
call the brain wrote, one that ran, or one the item expects.

python docs/brain-eval/deeds-said/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import declared, names, write_guard

from assistant.toolcall import ToolCall
from assistant.tools import asking
from assistant.tools.base import SideEffect

TOOLS = declared()
NEW = asking._deed


def _reads(text: str, calls: set[str], deed: Callable[[str], int | None]) -> bool:
    asking._deed = deed
    try:
        return any(asking.unasked(text, (*TOOLS[n].held_back_by, *asking.ANY_TOOL),
                                  TOOLS[n].action, TOOLS[n].side_effect == SideEffect.READ)
                   == "the user's own plan" for n in calls if n in TOOLS)
    finally:
        asking._deed = NEW


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    called = set(names(r, calls))
    return _reads(r["text"], called, NEW) != _reads(r["text"], called, lambda s: None)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
