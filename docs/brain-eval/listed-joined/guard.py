"""The committed typed items listed-joined can touch: a request whose brain call has a listed
argument (`Tool.listed`) that the change reads as followed by a next item where the joining words
before it did not (a slash, a plus, "also", "along with", "#"), or no longer does (an item that
opens with "note" or "jot" is a clause), whatever its gold. The brain's
calls are greedy, so the rest are as they were.

python docs/brain-eval/listed-joined/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant import listing
from assistant.listing import next_item
from assistant.toolcall import ToolCall
from assistant.tools import ToolContext, default_registry
from assistant.tools.store import Store

_HOME = Path(tempfile.mkdtemp())
_REGISTRY = default_registry(ToolContext(store=Store(_HOME / "guard.sqlite3"), data_dir=_HOME))
# The joining words before the change (listed-next's).
_OLD_JOINER = re.compile(
    r"\s*[,.?!]?\s*(?:and(?:\s+then)?|or|&|then|n|vs\.?|versus|plus|as\s+well\s+as)\s+"
    r"|\s*,\s+(?=[^.?!;]*?(?:\b(?:and|or)|\s&)\s)", re.IGNORECASE)
_OLD_NUMBER_JOINER = re.compile(r"\s*,\s*(?=\d)")


def _next_before(call: ToolCall, listed: Any, words: str) -> listing.Next | None:
    joiner, number, verbs = listing._JOINER, listing._NUMBER_JOINER, listing._OPENING_VERBS
    listing._JOINER, listing._NUMBER_JOINER = _OLD_JOINER, _OLD_NUMBER_JOINER
    listing._OPENING_VERBS = verbs - {"note", "jot"}
    try:
        return next_item(call, listed, words)
    finally:
        listing._JOINER, listing._NUMBER_JOINER, listing._OPENING_VERBS = joiner, number, verbs


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    for c in calls:
        tool = _REGISTRY.get(c.name)
        if tool is not None and tool.listed and \
                next_item(c, tool.listed, r["text"]) != _next_before(c, tool.listed, r["text"]):
            return True
    return False


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
