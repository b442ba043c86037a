"""The committed typed items climate-asked-2 can touch: the brain's recorded calls hold one to
a tool held back by the climate (`Tool.held_back_by`: the weather's) for a request that asks of
it and says no day ahead (`asking.unasked`). Run when the rule was judged, it wrote
`records/guard-set.jsonl.gz`; records committed since add items.

python docs/brain-eval/climate-asked-2/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.tools.asking import unasked
from assistant.tools.weather import TOOLS as WEATHER
from evalkit.values import REFERENCE_NOW

HELD = {t.name: t.held_back_by for t in WEATHER if "the climate" in t.held_back_by}

if __name__ == "__main__":
    write_guard(sys.argv[1], lambda r, calls: any(
        c.name in HELD and unasked(r["text"], ("the climate",), now=REFERENCE_NOW)
        for c in calls))
