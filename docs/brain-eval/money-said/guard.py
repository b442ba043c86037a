"""The committed typed items money-said can touch: a dose or a schedule (the brain's, one that
ran, or one the item expects) that `medication.bought_not_taken` reads as money or goods, and a
request that leads with "cashapp" or "reorder", which "an action no tool does" reads now and did
not before.

python docs/brain-eval/money-said/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import arguments, write_guard

from assistant.toolcall import ToolCall
from assistant.tools import asking
from assistant.tools.medication import bought_not_taken

DOSES = ("log_dose", "add_medication_schedule")
NEW = asking._WHY["an action no tool does"]
OLD = re.compile(NEW.pattern.replace("|re-?order", "").replace(r'cash\s*app|', ""))


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    doses = arguments(r, calls, DOSES, ("drug", "amount"))
    s = asking.plain(r["text"])
    return any(bought_not_taken(str(a.get("drug", "")), a.get("amount"), r["text"]) for a in doses) \
        or bool(NEW.search(s)) != bool(OLD.search(s))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
