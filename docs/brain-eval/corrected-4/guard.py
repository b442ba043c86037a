"""The committed typed items corrected-4 can touch: a request whose text `settled` reads
otherwise than at 3fc1ac8, the commit before the change ("not X, Y" after X, "Y not X", "um"
with words between, a sum or a unit said again), whatever its gold.

python docs/brain-eval/corrected-4/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import settled_changed, write_guard

if __name__ == "__main__":
    write_guard(sys.argv[1], settled_changed("3fc1ac8"))
