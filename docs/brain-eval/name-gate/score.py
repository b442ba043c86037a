"""The name check on the shipped brain's committed records: each call it made is written again
with the check off (`name_threshold=0`), P(name) read from its `name-decision` event, and the
item judged as the check at a cut would leave it: a call held back is "no call" (right only
where none was wanted); a call let through keeps its verdict. Decoding is greedy, yet where two
tokens nearly tie llama.cpp's batch sizes can tip it: a call written again that is not the
record's own (`same` false) is judged afresh by evalkit's checker (`passed_now`; the loop's
grounding of unsaid arguments is not applied to it).

python docs/brain-eval/name-gate/score.py OUT.jsonl RECORDS.jsonl.gz...   # writes OUT
python docs/brain-eval/name-gate/score.py OUT.jsonl                       # reads it, prints

The cut is chosen on every set but everyday-3 (TUNE): the one that holds back the most wrong
calls beyond the right ones it holds back, in the middle of its plateau; everyday-3 judges it.
"""

from __future__ import annotations

import gzip
import json
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from assistant.engine import Message, Request  # noqa: E402
from assistant.engines import chat  # noqa: E402
from assistant.events import CallsProposed, NameDecision  # noqa: E402
from assistant.tools import catalogue  # noqa: E402
from evalkit.checker import check  # noqa: E402
from evalkit.items import ExpectedCall  # noqa: E402

CUTS = (0.3, 0.5)  # the one chosen below, and the prior it replaced
TUNE = ("everyday-2", "everyday", "holdout-phrasings", "timer-durations")


def score(out: Path, paths: list[str]) -> None:
    engine = chat.build(chat.Options(threads=2, name_threshold=0.0))
    specs, rows, t0 = catalogue(), [], time.time()
    for path in paths:
        name = Path(path).name.removesuffix(".jsonl.gz")
        if name == "cascade-text-0.5b-tools-merged":  # everyday-2/3 keep one file per variant
            name = Path(path).parents[1].name
        with gzip.open(path, "rt") as f:
            records = [json.loads(line) for line in f]
        for r in records:
            row = {"set": name, "id": r["unit_id"], "text": r["text"], "should": r["should_call"],
                   "gold": r["tool"], "passed": r["passed"],
                   "called": r["calls"][0]["name"] if r["calls"] else None}
            if r["called"]:
                events = list(engine.respond(Request((Message("user", text=r["text"]),), specs),
                                             threading.Event()))
                named = next((e for e in events if isinstance(e, NameDecision)), None)
                written = next(e["text"] for e in r["events"] if e["kind"] == "text-delta")
                same = bool(named and named.raw == written)
                row.update(named=named and named.name, p_name=named and named.p_name, same=same,
                           passed_now=r["passed"] if same else judged(r, events))
            rows.append(row)
        print(f"{name}: {len(rows)} items so far, {time.time() - t0:.0f} s", file=sys.stderr)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))


def judged(record: dict, events: list) -> bool:
    proposed = next((e for e in events if isinstance(e, CallsProposed)), None)
    expected = [ExpectedCall.from_dict(e) for e in record["expected"]]
    return check(expected, proposed.calls if proposed else (), malformed=proposed is None).passed


def report(out: Path) -> None:
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    for r in rows:
        r["now"] = r.get("passed_now", r["passed"])
    calls = sorted((r for r in rows if r["set"] in TUNE and r.get("p_name") is not None),
                   key=lambda r: r["p_name"])
    print("Choosing the cut on " + ", ".join(TUNE) + ": wrong minus right calls held back")
    net = 0
    for r in calls:
        if r["p_name"] >= 0.5:
            break
        net += -1 if r["now"] else 1
        print(f"  below {r['p_name']:.3f} and up to the next: {net:+d}")
    for cut in CUTS:
        print(f"\nCut {cut}:")
        table(rows, cut)


def table(rows: list[dict], threshold: float) -> None:
    by_set: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_set[r["set"]].append(r)
    print("| set | items | right, check off | right, check on | false alarms off -> on | "
          "wrong calls run off -> on | right calls held back | same call written |")
    print("|---|---|---|---|---|---|---|---|")
    held_rows = []
    for name, rs in by_set.items():
        held = [r for r in rs if r.get("p_name") is not None and r["p_name"] < threshold]
        held_rows += held
        held_ids = {r["id"] for r in held}
        right_on = sum(r["now"] if r["id"] not in held_ids else not r["should"] for r in rs)
        fa = sum(1 for r in rs if not r["should"] and r["called"])
        fa_on = fa - sum(1 for r in held if not r["should"])
        wrong = sum(1 for r in rs if r["called"] and not r["now"])
        wrong_on = wrong - sum(1 for r in held if not r["now"])
        lost = sum(1 for r in held if r["now"])
        negatives = sum(1 for r in rs if not r["should"])
        calls = [r for r in rs if r.get("p_name") is not None]
        print(f"| {name} | {len(rs)} | {sum(r['now'] for r in rs)} | {right_on} | "
              f"{fa} -> {fa_on} of {negatives} | {wrong} -> {wrong_on} | {lost} | "
              f"{sum(r['same'] for r in calls)} of {len(calls)} |")
    print()
    for r in sorted(held_rows, key=lambda r: r["p_name"]):
        verdict = "a right call" if r["now"] else "a wrong call"
        print(f"- {r['set']}: {r['text']!r} -> {r['named']} at {r['p_name']:.2f} (gold "
              f"{r['gold'] or 'no tool'}): {verdict} held back")


if __name__ == "__main__":
    target = Path(sys.argv[1])
    if sys.argv[2:]:
        score(target, sys.argv[2:])
    report(target)
