"""The committed typed items class-units can touch: a dose or a schedule the brain wrote, or one
that ran, whose unit `grounding.ground_strength` sets otherwise than strength-said did (a number
above 4 after a tablet's name in milligrams, nothing for an insulin, an inhaler or an eye drop).

python docs/brain-eval/class-units/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import calls_of, write_guard

from assistant.grounding import COUNTED_AT_MOST, ground_strength
from assistant.toolcall import ToolCall
from assistant.tools.base import Strength
from assistant.tools.formulary import load
from assistant.tools.medication import _STRENGTH, _UNIT_OF

DOSES = ("log_dose", "add_medication_schedule")
_BEFORE_NOT_MG = {"insulin", "bronchodilator", "inhaled corticosteroid and bronchodilator",
                  "glaucoma eye drop", "vitamin", "thyroid hormone", "supplement",
                  "iron supplement"}


def _before(drug: str, amount: float) -> str | None:
    match = load().resolve(drug)
    kind = match.drug.drug_class if match.drug is not None else ""
    return "mg" if amount > COUNTED_AT_MOST and kind not in _BEFORE_NOT_MG else None


BEFORE = Strength("drug", "amount", _before)


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    doses = calls_of(r, calls, DOSES)
    return any(ground_strength(c, {"unit": _UNIT_OF}, _STRENGTH, r["text"]) !=
               ground_strength(c, {"unit": _UNIT_OF}, BEFORE, r["text"]) for c in doses)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
