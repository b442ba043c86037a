"""The committed typed items dose-unnamed-3 can touch: the brain's recorded calls hold one to a
tool that declares what its requests name (`Tool.about`: the dose log's, a medicine or the
user) for a request that names none, which the loop now holds back. Run when the rule was
judged, it wrote `records/guard-set.jsonl.gz`; records committed since add items.

python docs/brain-eval/dose-unnamed-3/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.tools.medication import TOOLS as MEDICATION

ABOUT = {t.name: t.about for t in MEDICATION if t.about is not None}

if __name__ == "__main__":
    write_guard(sys.argv[1], lambda r, calls: any(
        (about := ABOUT.get(c.name)) is not None and not about(r["text"]) for c in calls))
