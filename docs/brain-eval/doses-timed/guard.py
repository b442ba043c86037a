"""The committed typed items doses-timed can touch: a schedule the brain wrote, or one that ran,
for a request told as taken (`assistant.tools.daytimes.says_taken`), now a dose; or a dose or a
schedule whose request reads as a list past the first item's own time
(`assistant.listing.next_item`'s `before`) or after a count said in words ("two panadol & a
nurofen").

python docs/brain-eval/doses-timed/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import calls_of, write_guard

from assistant.listing import next_item
from assistant.toolcall import ToolCall
from assistant.tools.daytimes import says_taken
from assistant.tools.medication import _drug_named

DOSES = ("log_dose", "add_medication_schedule")
_COUNTED = re.compile(r"\b(?:a|an|one|two|three|four|five|six)\s+(?:(?:my|the)\s+)?$", re.IGNORECASE)


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    text = r["text"]
    doses = calls_of(r, calls, DOSES)
    if says_taken(text) and any(c.name == "add_medication_schedule" for c in doses):
        return True
    for call in doses:
        item = next_item(call, {"drug": _drug_named}, text)
        drug = str(call.arguments.get("drug", "")).lower()
        at = text.lower().find(drug) if drug else -1
        if item is not None and (item.before or (at > 0 and _COUNTED.search(text[:at]))):
            return True
    return False


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
