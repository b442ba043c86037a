"""The committed typed items plainly-asked can touch: a request one tool plainly answers
(`Tool.plainly_asked`: the clock's `asks_the_clock`, the timer list's `asks_time_left`), where
the brain's call was held back by the name check (a `name-decision` under its threshold), or held
back by the loop as not about the request or for a number nobody said, or was one read with no
argument of another tool.

python docs/brain-eval/plainly-asked/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools import FAMILIES
from assistant.tools.asking import NOT_ABOUT, NOT_SAID
from assistant.tools.base import SideEffect

TOOLS = {t.name: t for f in FAMILIES for t in import_module(f"assistant.tools.{f}").TOOLS}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    text = r["text"]
    plain = [t.name for t in TOOLS.values() if t.plainly_asked and t.plainly_asked(text)]
    if len(plain) != 1:
        return False
    events = r["events"]
    unsure = any(e["kind"] == "name-decision" and e["p_name"] < e["threshold"] for e in events)
    held = any(e["kind"] == "calls-held-back" and e["why"] in (NOT_ABOUT, NOT_SAID) for e in events)
    empty = len(calls) == 1 and not calls[0].arguments and calls[0].name != plain[0] and \
        (tool := TOOLS.get(calls[0].name)) is not None and tool.side_effect == SideEffect.READ
    return unsure or held or empty


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
