"""Whisper transcripts as training data (finetune/heard.py): which items are spoken, which
transcripts are kept, and the file's round trip. The ASR here is a stand-in that mishears on
purpose; the clips are real (espeak)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from evalkit.items import Item, generate_items, split_items
from finetune import heard


@pytest.fixture(scope="module")
def train() -> list[Item]:
    return split_items(generate_items(0), "train")


def test_half_the_spoken_items_name_a_drug_and_every_tool_and_negative_kind_is_there(
        train: list[Item]) -> None:
    picked = heard.pick(train, 200)
    assert 190 <= len(picked) <= 210 and len({it.id for it in picked}) == len(picked)
    assert abs(sum(1 for it in picked if it.terms) - 100) <= 2
    kinds = Counter(it.tool or it.category for it in picked)
    assert set(kinds) == {it.tool or it.category for it in train}
    assert heard.pick(train, 200) == picked  # stable


class Mishears:
    """A transcriber with three behaviours in turn: the first word misheard, the request lost,
    or heard exactly."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self.calls = 0

    def transcribe_batch(self, audios: Sequence[Any]) -> list[str]:
        out = []
        for _ in audios:
            text = self.texts[self.calls]
            self.calls += 1
            rest = text.split(" ", 1)[1]
            out.append({0: f"mumble {rest}", 1: "uh", 2: text}[self.calls % 3])
        return out


def test_misheard_transcripts_are_kept_lost_or_unchanged_ones_are_dropped(
        train: list[Item], tmp_path: Path) -> None:
    items = [it for it in train if it.tool == "log_dose" and it.text.split()[0].isalpha()
             and it.text.split()[0] not in it.terms][:6]
    fake = Mishears([it.text for it in items])
    kept, dropped = heard.transcribe(items, tmp_path, transcriber=fake, max_wer=0.5)
    assert fake.calls == 6
    assert dropped == {"empty": 0, "same": 2, "too_far": 2, "unreadable": 0}
    assert len(kept) == 2
    for h in kept:
        assert h.item.id.endswith("~heard") and h.item.text.startswith("mumble ")
        original = next(it for it in items if it.text == h.said)
        assert h.item.expected == original.expected and h.item.split == "train"
        assert 0 < h.wer <= 0.5 and h.voice.startswith("espeak:")

    path = tmp_path / "heard.jsonl"
    heard.write(kept, path)
    assert [it.text for it in heard.load(path)] == [h.item.text for h in kept]
    row = json.loads(path.read_text().splitlines()[0])
    assert {"said", "wer", "voice", "augment"} <= set(row)


def test_transcripts_of_items_outside_the_train_split_are_refused(tmp_path: Path,
                                                                  train: list[Item]) -> None:
    path = tmp_path / "heard.jsonl"
    path.write_text(json.dumps({**train[0].to_dict(), "split": "test"}) + "\n")
    with pytest.raises(ValueError, match="outside the train split"):
        heard.load(path)


def test_a_transcript_that_lost_a_number_or_the_drug_is_not_readable(train: list[Item]) -> None:
    from assistant.tools import formulary

    lexicon = formulary.core()
    item = next(it for it in train if it.tool == "log_dose" and it.terms
                and re.search(r"\d+", it.text))
    drug, number = item.terms[0], re.search(r"\d+", item.text)[0]  # type: ignore[index]
    assert heard.readable(item, item.text, lexicon)
    assert not heard.readable(item, item.text.replace(drug, "the pills"), lexicon)
    assert not heard.readable(item, item.text.replace(number, "some"), lexicon)


def test_the_shipped_transcripts_take_their_gold_from_the_items_spoken(train: list[Item]) -> None:
    """The file keeps the gold it was written with (timers in seconds); training uses the
    spoken item's gold as evalkit fills it now (a timer's duration in the units said)."""
    path = Path(__file__).resolve().parents[1] / "finetune" / "data" / "heard-train.jsonl"
    shipped = heard.load(path)
    now = heard.regold(shipped, train)
    by_id = {it.id: it for it in train}
    assert [h.id for h in now] == [h.id for h in shipped] and [h.text for h in now] == [
        h.text for h in shipped]
    assert all(h.expected == by_id[h.id.removesuffix(heard.HEARD)].expected for h in now)
    timers = [h for h in now if h.tool == "set_timer"]
    assert timers and all({"hours", "minutes"} & set(h.expected[0].args) for h in timers)
