"""The committed typed items strength-said can touch: a dose or a schedule the brain wrote, or one
that ran, whose unit `grounding.ground_strength` sets for the request.

python docs/brain-eval/strength-said/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import calls_of, write_guard

from assistant.grounding import ground_strength
from assistant.toolcall import ToolCall
from assistant.tools.medication import _STRENGTH, _UNIT_OF

DOSES = ("log_dose", "add_medication_schedule")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    doses = calls_of(r, calls, DOSES)
    return any(ground_strength(c, {"unit": _UNIT_OF}, _STRENGTH, r["text"]) != c for c in doses)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
