"""The committed typed items not-taken can touch: a dose call, as the brain wrote it, for a
request that speaks of a dose not taken (`unasked(..., ("not taken",))`), or a call to any tool
that holds back a medicine record for a request that says "might need to" (the plan's new words).
It ran at 07a08ab, where `asking` had the reason, and wrote `records/guard-set.jsonl.gz`; since
the rule was reverted it stops with that said.

python docs/brain-eval/not-taken/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools import medication, notes, timers
from assistant.tools.asking import unasked

TOOLS = {t.name: t for t in (*medication.TOOLS, *notes.TOOLS, *timers.TOOLS)}
MIGHT = re.compile(r"\b(?:might|may)\s+(?:need|have)\s+to\b", re.IGNORECASE)


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    text = r["text"]
    for call in calls:
        tool = TOOLS.get(call.name)
        if tool is None:
            continue
        if "not taken" in tool.held_back_by and unasked(text, ("not taken",), tool.action):
            return True
        if "a plan" in tool.held_back_by and MIGHT.search(text):
            return True
    return False


if __name__ == "__main__":
    from assistant.tools.asking import REASONS

    if "not taken" not in REASONS:
        sys.exit("not-taken was reverted: run this at 07a08ab (see the docstring)")
    write_guard(sys.argv[1], touches)
