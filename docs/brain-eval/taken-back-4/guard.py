"""The committed typed items taken-back-4 can touch: a request `asking.taken_back` reads otherwise
than at 9638575, the commit before taken-back-2 (the user's reason after the take-back, no stop
before or after it, other words of taking back; "jk", "it" and asides mended), whatever its
gold and the brain's calls. The loop reads the settled words (`corrections.settled`), as at
9638575 for its "before".

python docs/brain-eval/taken-back-4/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import module_at, write_guard

from assistant.corrections import settled
from assistant.toolcall import ToolCall
from assistant.tools.asking import plain, taken_back

_OLD = module_at("9638575", "assistant/tools/asking.py")
_OLD_SETTLED = module_at("9638575", "assistant/corrections.py").settled


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return bool(taken_back(plain(settled(r["text"]))) !=
                _OLD.taken_back(plain(_OLD_SETTLED(r["text"]))))


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
