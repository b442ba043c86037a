"""The committed typed items asks-joined can touch: a request the engine now reads as clauses
(`assistant.engines.chat.engine.clauses`) otherwise than before the change, whatever its gold.
Each clause's call is the engine's for that clause alone; the brain's calls are greedy, so the
rest are as they were.

python docs/brain-eval/asks-joined/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.engines.chat.engine import _OPENS_AS_ASK, clauses
from assistant.toolcall import ToolCall

# The joining words before the change.
_OLD_ASKS = (r"what|what's|whats|how|how's|when|when's|where|which|who|is|are|was|were|did|do|does"
             r"|can|could|would|will|should|set|start|add|log|record|remind|cancel|delete|remove"
             r"|clear|convert|calculate|work\s+out|show|list|read|check|note|jot|save|schedule"
             r"|make\s+a\s+note|tell\s+me")
_OLD_JOIN = re.compile(r"[,;.!?]?\s+(?:oh\s+)?(?:and|also|plus|then)(?:\s+(?:also|then))?\s+"
                       rf"(?=(?:{_OLD_ASKS})\b(?![,.!?]))", re.IGNORECASE)


def _before(text: str) -> list[str]:
    parts = [c.strip() for c in _OLD_JOIN.split(text) if c.strip(" ,.;!?-")]
    return parts if len(parts) > 1 and _OPENS_AS_ASK.match(parts[0]) else [text]


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return clauses(r["text"]) != _before(r["text"])


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
