"""The committed typed items listed-next can touch: a request whose brain call has a listed
argument (`Tool.listed`) whatever its gold, where the loop as recorded dropped the engine's call
for an item it asked about, or where the change reads a next item that the joining words before
it did not ("then", "n", "vs", a comma between numbers). The brain's calls are greedy, so the
rest are as they were.

python docs/brain-eval/listed-next/guard.py OUT.jsonl
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


# The joining words before the change.
_OLD_JOINER = re.compile(r"\s*[,.?!]?\s*(?:and|or|&)\s+|\s*,\s+(?=[^.?!;]*?(?:\b(?:and|or)|\s&)\s)",
                         re.IGNORECASE)
_NEVER = re.compile(r"(?!)")


def _next_before(call: ToolCall, listed: Any, words: str) -> listing.Next | None:
    joiner, number = listing._JOINER, listing._NUMBER_JOINER
    listing._JOINER, listing._NUMBER_JOINER = _OLD_JOINER, _NEVER
    try:
        return next_item(call, listed, words)
    finally:
        listing._JOINER, listing._NUMBER_JOINER = joiner, number


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    listed = [e for e in r["events"] if e["kind"] == "calls-listed"]
    if listed and not listed[-1].get("split") and \
            len(listed[-1]["calls"]) < len(listed[-1]["asked"]) + len(calls):
        return True  # an item asked about was dropped
    for c in calls:
        tool = _REGISTRY.get(c.name)
        if tool is not None and tool.listed and next_item(c, tool.listed, r["text"]) and \
                _next_before(c, tool.listed, r["text"]) is None:
            return True
    return False


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
