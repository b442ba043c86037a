"""Who answered each request that needs no tool, with the change and without: the loop's
apology ("say it another way"), one of the loop's own answers (`asking.NOT_ASKED`, and
`assistant.replies` where it exists), or the model's words; with each answer, and the median
turn time. The table is then read by hand.

python docs/brain-eval/answers-in-words/answers.py WITHOUT.jsonl[.gz] WITH.jsonl[.gz] > answers.md
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
from collections import Counter
from typing import Any

from assistant.loop import APOLOGY
from assistant.tools.asking import NOT_ASKED

LOOPS = {text: why for why, text in NOT_ASKED.items()}
try:  # the loop's replies where the brain says nothing (no-tool-answers; absent before it)
    from assistant import replies

    LOOPS |= {reply: "no tool" if reply == replies.NO_TOOL else "abilities"
              if reply == replies.ABILITIES else "small talk"
              for reply in (replies.NO_TOOL, replies.ABILITIES, getattr(replies, "HEARD", ""),
                            *(r for _, r in replies.SMALL_TALK)) if reply}
except ImportError:
    pass


def records(path: str) -> dict[str, dict[str, Any]]:
    opener: Any = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return {r["item_id"]: r for r in map(json.loads, f)}


def kind(answer: str) -> str:
    if answer == APOLOGY:
        return "apology"
    return f"loop: {LOOPS[answer]}" if answer in LOOPS else "words"


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "/")


def main(without_path: str, with_path: str) -> None:
    without, with_ = records(without_path), records(with_path)
    same = [i for i in without if without[i]["passed"] == with_[i]["passed"]
            and without[i]["calls"] == with_[i]["calls"]]
    print(f"Items: {len(without)}; the same calls and verdict with and without: {len(same)}.\n")
    none = [i for i in without if not without[i]["should_call"] and not without[i]["called"]
            and not with_[i]["called"]]
    for tag, recs in (("without", without), ("with", with_)):
        kinds = Counter(kind(recs[i]["answer"]).split(":")[0] for i in none)
        turn = statistics.median(recs[i]["turn_s"] for i in none)
        print(f"- {tag}: {len(none)} no-tool items answered without a call: "
              f"{kinds['apology']} apologies, {kinds['loop']} the loop's own answers, "
              f"{kinds['words']} the model's words; median turn {turn:.2f} s")
    print("\n| id | request | without | with |\n|---|---|---|---|")
    for i in none:
        a, b = without[i]["answer"], with_[i]["answer"]
        print(f"| {i} | {cell(without[i]['text'])} | {kind(a)}: {cell(a)} | {kind(b)}: "
              f"{cell(b)} |")


if __name__ == "__main__":
    main(*sys.argv[1:3])
