"""The committed typed items the gazetteer can touch: the clock's or the weather's place read
otherwise with it than without it (`assistant.tools.gazetteer`): the place a request names
(`grounding.said_place`), a place the brain wrote for the clock, or a place a list's item names,
whatever its gold.

python docs/brain-eval/gazetteer/guard.py OUT.jsonl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.grounding import said_place
from assistant.toolcall import ToolCall
from assistant.tools import gazetteer
from assistant.tools.clock import asks_the_clock, offline_zone
from assistant.tools.weather import named_place

_LISTED = re.compile(r"\b(?:and|or|&|vs\.?|then)\s+((?:\S+\s*){1,3})", re.IGNORECASE)


def _reading(r: dict[str, Any], calls: list[ToolCall]) -> tuple[object, ...]:
    text = r["text"]
    places = [str(c.arguments.get("location", "")) for c in calls if c.name == "get_time"]
    items = [" ".join(m[1].split()[:n]) for m in _LISTED.finditer(text) for n in (1, 2, 3)]
    clock = places or any(e["name"] == "get_time" for e in r["expected"]) or asks_the_clock(text)
    return (said_place(text, offline_zone) if clock else None, [offline_zone(p) for p in places],
            [bool(named_place(i.strip(" ,.?!"))) for i in items])


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    with mock.patch.object(gazetteer, "city", lambda place: None):
        before = _reading(r, calls)
    return _reading(r, calls) != before


if __name__ == "__main__":
    write_guard(sys.argv[1], touches)
