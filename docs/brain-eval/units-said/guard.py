"""The committed typed items units-said can touch: a request the brain wrote a conversion for
whose units the change holds to others (`grounding.ground_measure`), whatever its gold. The
brain's calls are greedy, so the rest are as they were.

python docs/brain-eval/units-said/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import ground_measure
from assistant.toolcall import ToolCall
from assistant.tools.units import unit_of


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return any(c.name == "convert_units" and c != ground_measure(
        c, ("from_unit", "to_unit"), "value", unit_of, r["text"]) for c in calls)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
