"""The committed typed items clock-guess could touch: the brain's recorded calls hold one with a
place the tool names (`Tool.places`: the clock's) that `grounding.guessed_place` reads as a
guess. It runs at a514302, the change; `guessed_place` was reverted after (README.md). Run
then, it wrote `records/guard-set.jsonl.gz`.

python docs/brain-eval/clock-guess/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import guessed_place  # at a514302 only
from assistant.tools.clock import TOOLS as CLOCK

PLACES = {t.name: t.places for t in CLOCK if t.places}

if __name__ == "__main__":
    write_guard(sys.argv[1], lambda r, calls: any(
        guessed_place(c.arguments.get(k), known, r["text"])
        for c in calls for k, known in PLACES.get(c.name, {}).items()))
