"""The committed typed items there-said-2 can touch: a request that speaks of a place as "there"
(`grounding.says_there`) and that the brain wrote a call of the clock or the weather for,
whatever its gold.

python docs/brain-eval/there-said-2/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import says_there
from assistant.toolcall import ToolCall


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    return says_there(r["text"]) and any(c.name in ("get_time", "get_weather") for c in calls)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
