"""The committed typed items sums-worded can touch: a request the brain wrote a sum for whose
expression the change reads otherwise (`grounding.ground_sum`, where the request adds a percent,
asks what is left or asks a difference), or whose expression says thousands with "k", whatever
its gold. The brain's calls are greedy, so the rest are as they were.

python docs/brain-eval/sums-worded/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import ground_sum, in_digits
from assistant.toolcall import ToolCall
from assistant.tools import sums

_CUES = (sums._ADDED, sums._LEFT, sums._DIFFERENCE)
_THOUSANDS = re.compile(r"\dk\b", re.IGNORECASE)


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    said = in_digits(r["text"])
    return any(c.name == "calculate" and isinstance(written := c.arguments.get("expression"), str)
               and ((c != ground_sum(c, ("expression",), r["text"])
                     and any(cue.search(said) for cue in _CUES))
                    or _THOUSANDS.search(written) is not None) for c in calls)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
