"""The committed typed items doses-prescribed can touch: a request whose reason for holding back
a medicine record, a reminder or a note (`RECORD`, `WRITTEN`) `unasked` reads otherwise than at
3057985, the commit before the change, whatever its gold.

python docs/brain-eval/doses-prescribed/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import reasons_changed, write_guard

if __name__ == "__main__":
    write_guard(sys.argv[1], reasons_changed("3057985"))
