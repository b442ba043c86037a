"""The committed typed items timers-unnamed can touch: a `list_timers` call, as the brain wrote
it or as it ran, for a request whose words name no timer or time left (`names_a_timer`). It ran
at 2adfda9, where `timers` had the test, and wrote `records/guard-set.jsonl.gz`; since the rule
was reverted it stops with that said.

python docs/brain-eval/timers-unnamed/guard.py OUT.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from records import write_guard

from assistant.toolcall import ToolCall
from assistant.tools import timers


def touches(r: dict[str, Any], calls: list[ToolCall]) -> bool:
    ran = [ToolCall(c["name"], c["arguments"]) for c in r.get("calls") or []]
    return any(c.name == "list_timers" for c in (*calls, *ran)) and \
        not timers.names_a_timer(r["text"])  # type: ignore[attr-defined]


if __name__ == "__main__":
    if not hasattr(timers, "names_a_timer"):
        sys.exit("timers-unnamed was reverted: run this at 2adfda9 (see the docstring)")
    write_guard(sys.argv[1], touches)
