"""talk-answered's judge (`BAR.md`): each typed item's final answer, with the change and without
it, classed by the loop's answers in kind (`assistant.talk`: a greeting, a welcome, a goodbye;
one answer may be a welcome and a goodbye) or other, against the answer the set's writer said
would fit it on its own (`reply`); and the items right and false alarms on both sides.

python docs/brain-eval/talk-answered/judge.py SET.jsonl runs/eval/NAME-without runs/eval/NAME-with
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from assistant.talk import GOODBYE, GREETING, WELCOME

SOCIAL = ("greeting", "thanks", "goodbye")


def classes(text: str) -> set[str]:
    """The answers in kind `text` holds."""
    found = {"greeting"} if text.startswith(GREETING) else set()
    found |= {"thanks"} if text.startswith(WELCOME) else set()
    return found | ({"goodbye"} if GOODBYE in text else set())


def final_answer(r: dict[str, Any]) -> str:
    return next((e["text"] for e in reversed(r["events"]) if e["kind"] == "answer"), "")


def load(run: str) -> dict[str, dict[str, Any]]:
    lines = (Path(run) / "cascade-text.jsonl").read_text().splitlines()
    rows = (json.loads(line) for line in lines)
    return {r["item_id"]: r for r in rows if not r.get("audio_path")}


def main(set_path: str, without: str, with_: str) -> None:
    items = map(json.loads, Path(set_path).read_text().splitlines())
    reply = {d["id"]: d["reply"] for d in items if d.get("reply")}
    sides = {"without": load(without), "with": load(with_)}
    print("| side | social items, no call, answered in kind (of those) | other items answered in "
          "kind | items right | false alarms |")
    print("|---|---|---|---|---|")
    for side, records in sides.items():
        social = [r for i, r in records.items() if reply.get(i) in SOCIAL and not r["calls"]]
        fit = [r for r in social if reply[r["item_id"]] in classes(final_answer(r))]
        wrong = [r for i, r in records.items() if reply.get(i) == "other" and
                 classes(final_answer(r))]
        negatives = [r for r in records.values() if not r["expected"]]
        print(f"| {side} | {len(fit)} of {len(social)} | {len(wrong)} | "
              f"{sum(r['passed'] for r in records.values())} of {len(records)} | "
              f"{sum(not r['passed'] for r in negatives)} of {len(negatives)} |")
    w, wo = sides["with"], sides["without"]
    print("\nItems labelled social, not answered in kind with the change:")
    for i, r in w.items():
        if reply.get(i) in SOCIAL and reply[i] not in classes(final_answer(r)):
            print(f"- {i} ({reply[i]}{', a call ran' if r['calls'] else ''}): {r['text']!r} -> "
                  f"{final_answer(r)[:70]!r}")
    print("\nItems labelled other, answered in kind with the change:")
    for i, r in w.items():
        if reply.get(i) == "other" and classes(final_answer(r)):
            print(f"- {i}: {r['text']!r} -> {final_answer(r)[:70]!r}")
    print("\nItems whose calls differ, with against without:")
    for i in w:
        if [(c["name"], c["arguments"]) for c in w[i]["calls"]] != \
                [(c["name"], c["arguments"]) for c in wo[i]["calls"]]:
            print(f"- {i}: {w[i]['text']!r}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
