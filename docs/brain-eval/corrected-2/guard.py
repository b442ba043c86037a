"""The committed typed items corrected-2 can touch: a request whose text `settled` reads
otherwise than at 279d032, the commit before the change (a duration in words or a place taken
back and said again), whatever its gold.

python docs/brain-eval/corrected-2/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import settled_changed, write_guard

if __name__ == "__main__":
    write_guard(sys.argv[1], settled_changed("279d032"))
