"""The committed typed items a dose-log rule can touch: the brain's recorded calls hold one to a
tool that declares what its requests name (`Tool.about`: the dose log's, a medicine or the
user) for a request that names none, which the loop holds back. Run when dose-unnamed-3 was
judged, it wrote `records/guard-set.jsonl.gz`; records committed since add items. The same
code, committed as `../dose-unnamed/guard.py` at 5cad9aa and `../dose-unnamed-2/guard.py` at
b7c60f2 and run there (where `Tool.about` was their rule's test), wrote their guard sets.

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
