"""The committed typed items medicine-advice can touch: a call of a tool that is no sum or
conversion (`asking.COUNTS`), as the brain wrote it or as it ran, for a request that asks for
advice about a medicine, not of the past and asking for no record (`Conversation._asks_advice`:
`asking.unasked(..., ("advice",))`, `asking.of_the_past`, `medication.names_a_medicine` of its
words but units, the dose log's `Tool.no_advice_on`).

python docs/brain-eval/medicine-advice/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools import clock, medication, notes, timers, units, weather
from assistant.tools.asking import COUNTS, of_the_past, unasked, unmeasured

ACTION = {t.name: t.action for t in (*clock.TOOLS, *medication.TOOLS, *notes.TOOLS,
                                     *timers.TOOLS, *units.TOOLS, *weather.TOOLS)}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    text = r["text"]
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(ACTION.get(c.name) not in COUNTS for c in (*calls, *ran)) and \
        unasked(text, ("advice",)) is not None and not of_the_past(text) and \
        medication.names_a_medicine(unmeasured(text))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
