"""The committed typed items advice-counted can touch: a request that asks advice about a
medicine (the loop's `_asks_advice`, unchanged) where the brain wrote, the loop ran or the item
expects a sum or a conversion, whatever its gold.

python docs/brain-eval/advice-counted/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import declared, names, write_guard

from assistant.toolcall import ToolCall
from assistant.tools.asking import COUNTS, of_the_past, unasked, unmeasured

_TOOLS = declared()
_COUNTED = {name for name, tool in _TOOLS.items() if tool.action in COUNTS}
_NO_ADVICE = {t.no_advice_on for t in _TOOLS.values() if t.no_advice_on is not None}


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    text = r["text"]
    return bool(names(r, calls) & _COUNTED) and unasked(text, ("advice",)) is not None and \
        not of_the_past(text) and any(test(unmeasured(text)) for test in _NO_ADVICE)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
