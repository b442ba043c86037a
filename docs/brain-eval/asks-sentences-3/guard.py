"""The committed typed items asks-sentences-3 can touch: a request the engine now reads as clauses
(`assistant.engines.chat.engine.clauses`) otherwise than before the change (a greeting before the
first ask, a second ask in a sentence of its own), whatever its gold. Each clause's call is the
engine's for that clause alone; the brain's calls are greedy, so the rest are as they were.

python docs/brain-eval/asks-sentences-3/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.engines.chat.engine import _ASKS, _BARE_AND, _FILLER, _LOOKS, _OPENS_AS_ASK, clauses
from assistant.toolcall import ToolCall

# The joining words before the change (asks-joined's): no sentence's end alone, no greeting.
_OLD_JOIN = re.compile(r"(?:[,;.!?]|\s+-+)?\s+(?:oh,?\s+)?(?:and|also|plus|then)(?:\s+(?:also|then))?"
                       rf"{_FILLER}(?=(?:{_ASKS})\b(?![,.!?]))", re.IGNORECASE)


def _before(text: str) -> list[str]:
    cuts, at = [], 0
    for join in _OLD_JOIN.finditer(text):
        if _BARE_AND.fullmatch(join[0]) and _LOOKS.match(text, join.end()):
            continue
        cuts.append(text[at:join.start()])
        at = join.end()
    parts = [c.strip() for c in (*cuts, text[at:]) if c.strip(" ,.;!?-")]
    return parts if len(parts) > 1 and _OPENS_AS_ASK.match(parts[0]) else [text]


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return clauses(r["text"]) != _before(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
