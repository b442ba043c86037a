"""The committed typed items no-forecast can touch: the brain's recorded calls hold one whose
day the tool reads ahead (`Tool.days` "future": the weather's) that is no day ahead
(`grounding.no_day_ahead`), which the loop now holds back. Run when the rule was judged, it
wrote `records/guard-set.jsonl.gz`; records committed since add items.

python docs/brain-eval/no-forecast/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import no_day_ahead
from assistant.tools.weather import TOOLS as WEATHER
from evalkit.values import REFERENCE_NOW

AHEAD = {t.name: t for t in WEATHER if "future" in t.days.values()}

if __name__ == "__main__":
    write_guard(sys.argv[1], lambda r, calls: any(
        c.name in AHEAD and no_day_ahead(c, AHEAD[c.name], r["text"], REFERENCE_NOW)
        for c in calls))
