"""The committed typed items sums-said can touch: a request the brain wrote a sum for whose
expression the change reads otherwise (`grounding.ground_sum`, or the calculator's reading of a
currency sign or a thing counted), whatever its gold. The brain's calls are greedy, so the rest
are as they were.

python docs/brain-eval/sums-said/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import ground_sum
from assistant.toolcall import ToolCall

# What the calculator now reads otherwise: a currency sign, a word after a number.
_READ = re.compile(r"[£$€¥₹]|\d\s*(?!(?:sqrt|abs|round|floor|ceil|pi|of|x|e)\b)[a-z]+")


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    for c in calls:
        written = c.arguments.get("expression")
        if c.name == "calculate" and isinstance(written, str) and (
                c != ground_sum(c, ("expression",), r["text"])
                or _READ.search(written.lower())):
            return True
    return False


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
