"""The committed typed items dose-counted can touch: the brain's recorded calls give a dose an
amount that only a word of count could have said, and not that count ("a dose" for 500 mg), or
go to a tool that advice holds back for a request that asks advice in the passive ("should
levothyroxine be taken on an empty stomach?"). Run at 81d4fdb, where `grounding.made_up` had the
rule, it wrote `records/guard-set.jsonl.gz`; since the revert it finds no amount made up.

python docs/brain-eval/dose-counted/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import made_up, said_numbers
from assistant.toolcall import ToolCall
from assistant.tools import medication, notes, timers

COUNT = re.compile(r"\b(?:a|an|one|half|single|couple|pair|both|double|another)\b")
PASSIVE = re.compile(r"\b(?:can|could|should|must|may)\s+(?:\w+\s+){1,3}?be\s+(?:taken|used|given|"
                     r"crushed|split|cut|chewed|mixed|stored|kept|halved|swallowed)\b")
TOOLS = {t.name: t for t in (*medication.TOOLS, *notes.TOOLS, *timers.TOOLS)}


def touches(text: str, calls: list[ToolCall]) -> bool:
    said = text.lower()
    for call in calls:
        tool = TOOLS.get(call.name)
        if tool is None:
            continue
        # Made up now; before, any word of count said it.
        if COUNT.search(said) and not said_numbers(text) and \
                set(tool.amounts) & set(made_up(call, tool, text)):
            return True
        if "advice" in tool.held_back_by and PASSIVE.search(said):
            return True
    return False


if __name__ == "__main__":
    write_guard(sys.argv[1], lambda r, calls: touches(r["text"], calls))
