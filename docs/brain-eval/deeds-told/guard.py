"""The committed typed items deeds-told can touch: a request that "the user's own plan" reads
now, with the user's own deeds, and did not before (plans-told's pattern), as the loop asks it of
a call the brain wrote, one that ran, or one the item expects.

python docs/brain-eval/deeds-told/guard.py OUT.jsonl
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools import FAMILIES, asking
from assistant.tools.base import SideEffect

TOOLS = {t.name: t for family in FAMILIES
         for t in importlib.import_module(f"assistant.tools.{family}").TOOLS}
NEW = asking._OWN_PLAN
# plans-told's pattern: the deed's group kept, never matching.
OLD = re.compile(NEW.pattern[:NEW.pattern.index("|(?P<deed>")] + "|(?P<deed>(?!)))")


def _reads(text: str, names: set[str], pattern: re.Pattern[str]) -> bool:
    asking._OWN_PLAN = pattern
    try:
        return any(asking.unasked(text, (*TOOLS[n].held_back_by, *asking.ANY_TOOL),
                                  TOOLS[n].action, TOOLS[n].side_effect == SideEffect.READ)
                   == "the user's own plan" for n in names if n in TOOLS)
    finally:
        asking._OWN_PLAN = NEW


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    names = {c.name for c in calls} | {c["name"] for c in r.get("calls") or []} | \
        {e["name"] for e in r["expected"]}
    return _reads(r["text"], names, NEW) != _reads(r["text"], names, OLD)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
