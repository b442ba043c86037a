"""The committed typed items corrected-3 can touch: a request whose text `settled` reads
otherwise than at 9638575, the commit before the change (a value corrected with "nah", "um",
"10 I mean", "10*", "not 8, 10", a place with no "in", a unit left out), whatever its gold.

python docs/brain-eval/corrected-3/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import settled_changed, write_guard

if __name__ == "__main__":
    write_guard(sys.argv[1], settled_changed("9638575"))
