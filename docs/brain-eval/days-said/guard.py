"""The committed typed items days-said can touch: the brain's recorded calls hold one whose day
`grounding.ground_day` changes, or the request types "tomorrow" short or says "day after
tomorrow" without "the" (which the parser now reads, for a reminder's or a dose's moment too).
Run when the rule was judged, it wrote `records/guard-set.jsonl.gz`; records committed since
add items.

python docs/brain-eval/days-said/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import ground_day
from assistant.tools.medication import TOOLS as MEDICATION
from assistant.tools.weather import TOOLS as WEATHER
from evalkit.values import REFERENCE_NOW

NEW_WORDS = re.compile(r"\b(?:tmrw|tmr|tmrow|tmw|tmoz|tomoz|2moro|2morrow|2mrw|tomorow|tommorow|"
                       r"tommorrow|tomorrrow)\b|(?<!the )day after tomorrow", re.IGNORECASE)
DAYS = {t.name: t.days for t in (*WEATHER, *MEDICATION) if t.days}

if __name__ == "__main__":
    write_guard(sys.argv[1], lambda r, calls: bool(NEW_WORDS.search(r["text"])) or any(
        c.name in DAYS and ground_day(c, DAYS[c.name], r["text"], REFERENCE_NOW) != c
        for c in calls))
