"""The committed typed items dose-things can touch: a dose or a schedule (the brain's, one that
ran, or one the item expects) of a drug `medication.an_everyday_thing` reads as no medicine, and
a request that leads with paying through an app, which "an action no tool does" reads now and did
not before.

python docs/brain-eval/dose-things/guard.py OUT.jsonl
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
from assistant.tools.medication import an_everyday_thing

DOSES = ("log_dose", "add_medication_schedule")
NEW = asking._WHY["an action no tool does"]
OLD = re.compile(NEW.pattern.replace("venmo|paypal|zelle|transfer|wire|", ""))


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    doses = arguments(r, calls, DOSES, ("drug",))
    s = asking.plain(r["text"])
    return any(an_everyday_thing(str(a.get("drug", "")), r["text"]) for a in doses) or \
        bool(NEW.search(s)) != bool(OLD.search(s))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
