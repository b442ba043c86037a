"""The committed typed items days-listed can touch: a recorded call of a tool that lists (the
weather, the clock, notes, timers, doses, conversions) whose list `listing.split_value` or
`listing.next_item` reads otherwise than at 9ab1450, the commit before the change, whatever its
gold.

python docs/brain-eval/days-listed/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import listing_changed, write_guard

if __name__ == "__main__":
    write_guard(sys.argv[1], listing_changed("9ab1450", ("clock", "weather", "notes", "timers",
                                                         "medication", "units")))
