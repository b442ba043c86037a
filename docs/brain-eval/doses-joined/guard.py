"""The committed typed items doses-joined can touch: a dose or a schedule the brain wrote, or one
that ran, whose request reads as a list after its drug (`assistant.listing.next_item`, with the
amount said beside the drug its item's own): the loop now asks its engine again for the next.

python docs/brain-eval/doses-joined/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import calls_of, write_guard

from assistant.listing import next_item
from assistant.toolcall import ToolCall
from assistant.tools.medication import _drug_named

DOSES = ("log_dose", "add_medication_schedule")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    doses = calls_of(r, calls, DOSES)
    return any(next_item(c, {"drug": _drug_named}, r["text"]) is not None for c in doses)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
