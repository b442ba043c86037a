"""The committed typed items listed-kind can touch: a request whose brain call has a listed
value that `listing.next_item` now finds by its kind, not as written, and reads a next item
after, whatever its gold.

python docs/brain-eval/listed-kind/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.listing import next_item
from assistant.toolcall import ToolCall
from assistant.tools import clock, medication, notes, timers, units, weather

LISTED = {t.name: t.listed for family in (clock, medication, notes, timers, units, weather)
          for t in family.TOOLS if t.listed}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return any(c.name in LISTED and next_item(c, LISTED[c.name], r["text"]) is not None
               and next_item(c, tuple(LISTED[c.name]), r["text"]) is None for c in calls)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
