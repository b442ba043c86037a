"""Offline check of several-asks over every committed set: the shipped brain, with the rule and
without it, on each item the rule splits (`clauses`), judged by evalkit's checker.

python docs/brain-eval/several-asks/split.py [SET ...]     # default: every evalkit/sets/*.jsonl

The brain's calls only (the engine, no loop): the loop's rules (held back, grounded) are the
same with and without, so they are left out. Prints each split item and the totals.
"""

import sys
import threading
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from assistant.engine import Message, Request  # noqa: E402
from assistant.engines import chat  # noqa: E402
from assistant.engines.chat.engine import ChatEngine, clauses  # noqa: E402
from assistant.events import CallsProposed, ClauseCalls  # noqa: E402
from assistant.tools import catalogue  # noqa: E402
from evalkit.byo import load_byo  # noqa: E402
from evalkit.checker import check  # noqa: E402


def main(names: list[str]) -> None:
    with_rule = chat.build(chat.Options())
    without = ChatEngine(with_rule.runtime, replace(with_rule.settings, by_clause=False))
    tools = catalogue()
    paths = [ROOT / "evalkit/sets" / f"{n}.jsonl" for n in names] or \
        sorted((ROOT / "evalkit/sets").glob("*.jsonl"))
    split = used = fixed = broken = right_before = 0
    for path in paths:
        for unit in load_byo(path):
            item = unit.item
            if len(clauses(item.text)) < 2:
                continue
            split += 1
            request = Request((Message("user", text=item.text),), tools)
            runs = [list(engine.respond(request, threading.Event()))
                    for engine in (without, with_rule)]
            was, now = (check(item.expected, events[-1].calls
                              if isinstance(events[-1], CallsProposed) else ()).passed
                        for events in runs)
            cut = next((e for e in runs[1] if isinstance(e, ClauseCalls)), None)
            used += bool(cut and cut.used)
            right_before += was
            fixed += now and not was
            broken += was and not now
            mark = "fixed" if now and not was else "MADE WRONG" if was and not now else \
                "right" if now else "wrong"
            print(f"{path.stem:>18} {item.id:>8} {mark:>10} used={bool(cut and cut.used)!s:5} "
                  f"{' | '.join(cut.names) if cut else '':40} {item.text[:70]}", flush=True)
    print(f"\n{split} items split, calls replaced in {used}; right without {right_before}, "
          f"fixed {fixed}, made wrong {broken}")


if __name__ == "__main__":
    main(sys.argv[1:])
