"""The brain's recorded calls replayed through this checkout's loop: for the newest typed record
of each committed text, the calls the brain wrote (`records.brain_calls`) given to a scripted
engine, and what the loop runs of them now, with real tools on a fresh store. An estimate of
what a change to the loop's rules does, not a run: the brain is not asked again, and records
whose calls the engine split by clauses are left out.

python docs/brain-eval/replay.py [--none] [--ran TOOL]
    --none: only the texts that need no call; --ran TOOL: only those where TOOL runs now.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from records import typed

from assistant.engines.scripted import ScriptedEngine
from assistant.events import ToolStarted
from assistant.loop import Conversation, LoopOptions, UserInput
from assistant.toolcall import render_lfm2
from assistant.tools import default_registry
from assistant.tools.context import ToolContext
from assistant.tools.store import Store


def _offline(url: str, params: dict[str, Any]) -> Any:
    raise OSError("replayed offline")  # the call ran: what it answers does not matter here


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--none", action="store_true")
    parser.add_argument("--ran", default="")
    args = parser.parse_args()
    newest: dict[str, tuple[dict[str, Any], list[Any]]] = {}
    for r, calls in typed():
        if calls and not any(e["kind"] == "clause-calls" for e in r["events"]):
            newest[r["text"]] = (r, calls)
    counts: Counter[tuple[str, ...]] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        for i, (text, (r, calls)) in enumerate(sorted(newest.items())):
            if args.none and r["expected"]:
                continue
            data = Path(folder) / str(i)
            data.mkdir()
            ctx = ToolContext(store=Store(data / "assistant.sqlite3"), data_dir=data,
                              http_get=_offline)
            registry = default_registry(ctx)
            try:
                bot = Conversation(ScriptedEngine.from_outputs([render_lfm2(calls), "Done."] * 2),
                                   registry, options=LoopOptions(speak=False))
                ran = tuple(e.call.name for e in bot.turn(UserInput(text=text))
                            if isinstance(e, ToolStarted))
            finally:
                registry.close()
            counts[ran] += 1
            if not args.ran or args.ran in ran:
                print(f"{','.join(ran) or '-':30} {text}")
    print(f"\n{sum(counts.values())} texts; runs now: " +
          ", ".join(f"{','.join(k) or 'nothing'} {n}" for k, n in counts.most_common(12)))


if __name__ == "__main__":
    main()
