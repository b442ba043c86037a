"""The committed typed items items-said can touch, whatever their gold: a recorded weather or
time call whose list's next item (`listing.next_item`) is now taken as said (`listing.as_said`),
with no engine pass; or a place the clock reads otherwise than at 9ab1450, the commit before the
change (a call's place, or the one place the request names: `grounding.said_place`), since
the clock now knows zones by their abbreviations and some cities by their short names.

python docs/brain-eval/items-said/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import declared, module_at, write_guard

from assistant import listing
from assistant.grounding import said_place
from assistant.toolcall import ToolCall
from assistant.tools.clock import offline_zone

TOOLS = declared()
OLD = module_at("9ab1450", "assistant/tools/clock.py").offline_zone


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    for call in calls:
        tool = TOOLS.get(call.name)
        if tool is None or not tool.as_said:
            continue
        item = listing.next_item(call, tool.listed, r["text"])
        if item is not None and item.argument in tool.as_said and \
                listing.as_said(call, item, tool.listed[item.argument]) is not None:
            return True
        place = call.arguments.get("location")
        if isinstance(place, str) and offline_zone(place) != OLD(place):
            return True
    return said_place(r["text"], offline_zone) != said_place(r["text"], OLD)


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
