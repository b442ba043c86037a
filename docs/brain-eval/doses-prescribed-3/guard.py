"""The committed typed items doses-prescribed-3 can touch: a request whose reason for holding back
a medicine record, a reminder or a note (`RECORD`, `WRITTEN`) `unasked` reads otherwise than at
2502cc8, the commit before the change, whatever its gold.

python docs/brain-eval/doses-prescribed-3/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import module_at, write_guard

from assistant.toolcall import ToolCall
from assistant.tools import asking

_OLD = module_at("2502cc8", "assistant/tools/asking.py")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return any(asking.unasked(r["text"], new) != _OLD.unasked(r["text"], old)
               for new, old in ((asking.RECORD, _OLD.RECORD), (asking.WRITTEN, _OLD.WRITTEN)))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
