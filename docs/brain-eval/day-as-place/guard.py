"""The committed typed items day-as-place can touch: the brain's recorded calls hold one with a
grounded place that is the day the request says, which `grounding.ground` now drops. Run when
the rule was judged, it wrote `records/guard-set.jsonl.gz`; records committed since add items.

python docs/brain-eval/day-as-place/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import ground
from assistant.tools.weather import TOOLS as WEATHER
from evalkit.values import REFERENCE_NOW

GROUNDED = {t.name: t.grounded for t in WEATHER if t.grounded}

if __name__ == "__main__":
    write_guard(sys.argv[1], lambda r, calls: any(
        c.name in GROUNDED and ground(c, GROUNDED[c.name], r["text"], REFERENCE_NOW)
        != ground(c, GROUNDED[c.name], r["text"]) for c in calls))
