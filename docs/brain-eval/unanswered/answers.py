"""unanswered's judgement from its records: whether every item's calls and verdict are the same
with and without, how many no-call items each side answered with the apology, which items that
need a call got an answer of the change, and every answer that differs (read by hand).

python docs/brain-eval/unanswered/answers.py WITHOUT.jsonl[.gz] WITH.jsonl[.gz] > answers.md
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from assistant.loop import APOLOGY
from assistant.talk import unanswered


def load(path: str) -> dict[str, dict[str, Any]]:
    with (gzip.open if path.endswith(".gz") else open)(path, "rt") as f:
        return {r["item_id"]: r for r in map(json.loads, f)}


def calls(r: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(c["name"], c["arguments"]) for c in r["calls"]]


def changed(r: dict[str, Any]) -> bool:
    """Whether `r` was answered with the change's answer."""
    said = unanswered(r["text"])
    return said is not None and r["answer"] == said


def main(without: dict[str, dict[str, Any]], with_: dict[str, dict[str, Any]]) -> None:
    same = sum(calls(with_[i]) == calls(without[i]) and with_[i]["passed"] == without[i]["passed"]
               for i in with_)
    print(f"Items: {len(with_)}; the same calls and verdict with and without: {same}.\n")
    for tag, records in (("without", without), ("with", with_)):
        none = [r for r in records.values() if not r["expected"]]
        print(f"- {tag}: {len(none)} items that need no call; the apology answered "
              f"{sum(r['answer'] == APOLOGY for r in none)}, the change "
              f"{sum(changed(r) for r in none)}")
    need = [r for r in with_.values() if r["expected"] and changed(r)]
    print(f"- items that need a call answered by the change: {len(need)}"
          + "".join(f"\n  - {r['item_id']} {r['text']}" for r in need))
    print("\n| id | request | with | without |\n|---|---|---|---|")
    for i in sorted(with_):
        if with_[i]["answer"] != without[i]["answer"]:
            print(f"| {i} | {with_[i]['text']} | {with_[i]['answer']} | {without[i]['answer']} |")


if __name__ == "__main__":
    main(load(sys.argv[1]), load(sys.argv[2]))
