"""The committed typed items asks-bare can touch: a request `clauses` reads otherwise than at
86b05aa, the commit before the change, or whose clauses have another shape there (which decides
whether two calls of one tool are used), whatever its gold.

python docs/brain-eval/asks-bare/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import clauses_changed, write_guard

if __name__ == "__main__":
    write_guard(sys.argv[1], clauses_changed("86b05aa"))
