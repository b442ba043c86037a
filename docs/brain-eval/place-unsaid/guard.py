"""The committed typed items place-unsaid can touch: a call, as the brain wrote it or as it ran,
with a value its tool holds to what was said that the request does not say (`grounding.unsaid`:
the clock's place). It ran at d2cf856, where `grounding` had the test, and wrote
`records/guard-set.jsonl.gz`; since the rule was reverted it stops with that said.

python docs/brain-eval/place-unsaid/guard.py OUT.jsonl
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
from assistant.tools import clock

TOOLS = {t.name: t for t in clock.TOOLS}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any((tool := TOOLS.get(c.name)) is not None and
               grounding.unsaid(c, tool, r["text"])  # type: ignore[attr-defined]
               for c in (*calls, *ran))


if __name__ == "__main__":
    if not hasattr(grounding, "unsaid"):
        sys.exit("place-unsaid was reverted: run this at d2cf856 (see the docstring)")
    write_guard(sys.argv[1], touches)
