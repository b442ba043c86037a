"""The committed typed items strength-named can touch: a call with amounts, as the brain wrote
it or as it ran, whose amount is a number said right after a name it writes, with a count said
before the name (`grounding._named_counts`: "1 ecosprin 75" logged as 75). It ran at c1ffc90,
where `grounding` had the rule, and wrote `records/guard-set.jsonl.gz`; since the rule was
reverted it stops with that said.

python docs/brain-eval/strength-named/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant import grounding
from assistant.toolcall import ToolCall
from assistant.tools import medication, units

TOOLS = {t.name: t for t in (*medication.TOOLS, *units.TOOLS)}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    for call in (*calls, *ran):
        tool = TOOLS.get(call.name)
        if tool is None or not tool.amounts:
            continue
        names = [v for k, v in call.arguments.items() if isinstance(v, str) and k not in tool.amounts]
        strengths = grounding._named_counts(r["text"], names)
        if any(isinstance(v := call.arguments.get(a), int | float) and float(v) in strengths
               for a in tool.amounts):
            return True
    return False


if __name__ == "__main__":
    if not hasattr(grounding, "_named_counts"):
        sys.exit("strength-named was reverted: run this at c1ffc90 (see the docstring)")
    write_guard(sys.argv[1], touches)
