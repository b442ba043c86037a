"""Re-judge recorded calls with the loop's rules applied (offline): each record's calls are
held to what its own text says and judged again by evalkit's checker at its reference time. A
flag applies the rules up to it, in the order they were judged: none, the moments alone
(`assistant.grounding.as_said`: durations and moments); `--doses` a dose's unit and amount too;
`--times` a schedule's times of day; `--routine` a lone dose said as a daily routine made a
schedule; `--asked` a medicine record the request did not ask for held back
(`assistant.tools.asking`); `--events` the clock held back for a thing's time; `--actions` any
call for an action no tool does held back; `--notes` a reminder or note nobody asked for held
back; `--said` a call the request says not to make held back (below it, no level holds
back for "said not to": the pattern stop 40 judged is gone); `--places` the clock's place
filled in from the request, unless it asks the time here; `--values` a conversion's value held
to the one number said (`../values-said/`; doses read the parts and signs of numbers said as
`grounding.said_numbers` now does at every level); `--made-up` a timer whose duration nobody said,
or a call whose only argument is a note's or timer's number nobody said, held back, and such a
number beside a label dropped (`../made-up/`); `--made-up-times` a reminder's time nobody said
held back and a dose's dropped (`../made-up-2/`); `--made-up-amounts` a dose whose amount nobody
said held back (`../made-up-3/`). Holds are read as the loop reads them now,
at every level that has them: said-not-to's and no-tool-does' lifted by a later request
(`../held-off-2/`, `../asked-after/`). Every level, and the checker, read a
day of the month said without its month as the mended parser does (`../month-days/`): there is
no flag for it. `unlike the record` counts rows whose calls, judged again unchanged, do not get
the record's verdict (a name check that held a call back, or a time read anew).

python docs/brain-eval/moments/regrade.py 'docs/brain-eval/ft11-experiment/records/shipped-*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --doses 'docs/brain-eval/moments/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --times 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --routine 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --asked 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --events 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --actions 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --notes 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --said 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --places 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --values 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --made-up 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --made-up-times 'docs/brain-eval/**/records/*.jsonl.gz'
python docs/brain-eval/moments/regrade.py --made-up-amounts 'docs/brain-eval/**/records/*.jsonl.gz'
"""

from __future__ import annotations

import glob
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from assistant.grounding import as_routine, as_said, cannot_do_without, made_up
from assistant.toolcall import ToolCall
from assistant.tools import clock, medication, notes, timers, units
from assistant.tools.asking import ANY_TOOL, RECORD, unasked
from evalkit.checker import check
from evalkit.compare import load
from evalkit.items import ExpectedCall
from evalkit.values import REFERENCE_NOW

# Each flag applies the rules up to it, in the order they were judged; none, the moments alone.
LEVELS = ("--moments", "--doses", "--times", "--routine", "--asked", "--events", "--actions",
          "--notes", "--said", "--places", "--values", "--made-up",
          "--made-up-times", "--made-up-amounts")
LEVEL = max((LEVELS.index(a) for a in sys.argv if a in LEVELS), default=0)
sys.argv = [a for a in sys.argv if a not in LEVELS]


def applies(flag: str) -> bool:
    return LEVELS.index(flag) <= LEVEL


TOOLS = {t.name: replace(
    t, units=t.units if applies("--doses") else {},
    amounts=t.amounts if applies("--values" if t.name == "convert_units" else "--doses") else (),
    times_of_day=t.times_of_day if applies("--times") else (),
    routine=t.routine if applies("--routine") else "",
    places=t.places if applies("--places") else {},
    ids=t.ids if applies("--made-up") else (),
    held_back_by=tuple(r for r in t.held_back_by if applies(
        "--said" if r == "said not to" else "--notes" if t.name in ("set_reminder", "add_note") else
        "--asked" if r in RECORD else "--events")))
    for t in (*timers.TOOLS, *medication.TOOLS, *clock.TOOLS, *notes.TOOLS, *units.TOOLS)}
ANY = ANY_TOOL if applies("--actions") else ()  # reasons that hold back a call to any tool


def expected(e: dict[str, Any]) -> ExpectedCall:
    args = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in e["args"].items()}
    return ExpectedCall(e["name"], args, frozenset(e.get("optional", ())))


def made_up_here(call: ToolCall, tool: Any, text: str) -> tuple[str, ...]:
    """`grounding.made_up` with what the level judges of it: durations and ids from
    `--made-up`, moments from `--made-up-times`, amounts from `--made-up-amounts`."""
    return made_up(call, replace(
        tool, duration=tool.duration if applies("--made-up") else {},
        moments=tool.moments if applies("--made-up-times") else {},
        amounts=tool.amounts if applies("--made-up-amounts") else ()), text)


def ground(call: ToolCall, text: str, *, alone: bool, said: str = "") -> ToolCall:
    """`call` as the loop runs it: made its tool's routine when it is the only call, then held
    to what `text` says (its own clause's words, where it was written from one); made-up
    numbers are judged by all that was `said` (default: `text`)."""
    tool = TOOLS.get(call.name)
    if tool is None:
        return call
    if alone and tool.routine:
        meant = as_routine(call, tool, TOOLS[tool.routine], text)
        call, tool = meant, TOOLS[meant.name]
    if made := made_up_here(call, tool, said or text):  # what the call can do without, by now
        call = ToolCall(call.name, {k: v for k, v in call.arguments.items() if k not in made})
    return as_said(call, tool, text, REFERENCE_NOW)


def asked_for(call: ToolCall, text: str, said: str = "") -> bool:
    """Whether the loop runs `call` for `text`: no reason its tool (or any tool) declares holds
    it back, nor a number it cannot do without made up of all that was `said`."""
    tool = TOOLS.get(call.name)
    if tool and cannot_do_without(call, tool, made_up_here(call, tool, said or text)):
        return False
    return not unasked(text, (*(tool.held_back_by if tool else ()), *ANY),
                       tool.action if tool else "", bool(tool) and tool.side_effect == "read-only")


def words_of(r: dict[str, Any], calls: list[ToolCall]) -> list[str]:
    """The words each call is held to, as the loop holds it: its own clause's where the brain
    read the request one clause at a time (`clause-calls`, `../several-asks/`), else the
    request's."""
    split = next((e for e in r.get("events", ()) if e["kind"] == "clause-calls" and e["used"]),
                 None)
    if split is not None and [c.name for c in calls] == list(split["names"]):
        return list(split["clauses"])
    return [r["text"]] * len(calls)


def regrade(path: str, totals: dict[str, int]) -> None:
    counts = dict.fromkeys(("items", "changed", "fixed", "broken", "unlike the record"), 0)
    for r in load(path)[1]:
        if "calls" not in r or "expected" not in r:  # not a record of calls judged
            continue
        counts["items"] += 1
        calls = [ToolCall(c["name"], c["arguments"]) for c in r["calls"]]
        gold = [expected(e) for e in r["expected"]]
        malformed = bool(r.get("malformed"))
        before = check(gold, calls, malformed=malformed and not calls).passed
        counts["unlike the record"] += before != r["passed"]
        asked = [(c, words) for c, words in zip(calls, words_of(r, calls), strict=True)
                 if asked_for(c, words, r["text"])]
        grounded = [ground(c, words, alone=len(asked) == 1, said=r["text"]) for c, words in asked]
        if grounded == calls:
            continue
        after = check(gold, grounded, malformed=malformed and not grounded).passed
        counts["changed"] += 1
        counts["fixed"] += after and not before
        counts["broken"] += before and not after
        mark = {(False, True): "FIX  ", (True, False): "BREAK", (True, True): "ok   "}.get(
            (before, after), "bad  ")
        print(f"  {mark} {r['text'][:70]!r}: {calls[0]} -> {grounded[0] if grounded else 'no call'}")
    print(f"{Path(path).name}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    for k, v in counts.items():
        totals[k] = totals.get(k, 0) + v


if __name__ == "__main__":
    totals: dict[str, int] = {}
    for path in sorted(glob.glob(sys.argv[1], recursive=True)):
        regrade(path, totals)
    print("all: " + ", ".join(f"{v} {k}" for k, v in totals.items()))
