"""The committed typed items latest-note can touch: a request the brain wrote a call of
`read_notes` for, whatever its gold.

python docs/brain-eval/latest-note/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return any(c.name == "read_notes" for c in calls)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
