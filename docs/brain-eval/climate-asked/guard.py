"""The committed typed items a climate rule could touch: the brain's recorded calls hold one to
a tool held back by the climate (`Tool.held_back_by`: the weather's) for a request that asks of
it (`asking.unasked`). It runs at e41a68d, climate-asked's change, where it wrote
`records/guard-set.jsonl.gz`; at ed2f665, climate-asked-2's, the same call with `now` (the
reason lifted by a day ahead said) wrote `../climate-asked-2/records/guard-set.jsonl.gz`. The
reason was reverted after both (README.md).

python docs/brain-eval/climate-asked/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.tools.asking import unasked
from assistant.tools.weather import TOOLS as WEATHER  # at e41a68d only

HELD = {t.name: t.held_back_by for t in WEATHER if "the climate" in t.held_back_by}

if __name__ == "__main__":
    write_guard(sys.argv[1], lambda r, calls: any(
        c.name in HELD and unasked(r["text"], ("the climate",)) for c in calls))
