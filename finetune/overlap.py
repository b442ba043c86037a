"""Judging sets kept apart from what the brain trains on: equal and nearly equal texts.

A hand-written set (`evalkit/sets/*.jsonl`) measures wordings that are not ours only while none
of its texts is, or nearly is, one the brain trained on or evalkit generates. "Nearly" is a
rapidfuzz ratio of 90 or more between the two texts' `text_key` forms: "set a 17 minute timer"
against the template's "set a 10 minute timer" scores 95. everyday-3 and everyday-4 were cut by
this rule before any brain ran on them (`evalkit/README.md`); `python -m finetune overlap SET`
applies it to a new set, and the tests keep the committed sets clean as the training data grows.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from evalkit.items import generate_items, text_key
from finetune.phrasings import SETS as SETS  # the hand-written sets' folder, named once

CUTOFF = 90.0
HEARD = Path(__file__).resolve().parent / "data" / "heard-train.jsonl"


@dataclass(frozen=True)
class Overlap:
    text: str      # the judged set's text
    match: str     # the nearest reference text (its text_key form)
    source: str    # where that text comes from: "evalkit train", "training phrasings", ...
    ratio: float   # 100 is equal after text_key


def set_texts(path: Path) -> list[str]:
    """The typed texts of a BYO set file, read (and checked) as `evalkit run --byo` reads it."""
    from evalkit.byo import load_byo

    return [u.item.text for u in load_byo(path) if u.clip is None and u.item.text]


def reference(items_seed: int = 0, *, heard: Path | None = HEARD,
              sets: Iterable[Path] = (), judged: Path | None = None) -> dict[str, str]:
    """text_key -> source, for every text the brain trains on (evalkit's train split, the
    training-only phrasings, Whisper transcripts of train audio), evalkit's dev and test texts,
    and the texts of `sets`. The first source a text is seen in names it.

    The training phrasings leave out any text of a hand-written set, so a `judged` set already
    in `SETS` would hide its own copies of them: they are drawn as if it were not there."""
    from finetune import heard as heard_
    from finetune.phrasings import extra_items, holdout_texts

    out: dict[str, str] = {}
    for item in generate_items(items_seed):
        out.setdefault(text_key(item.text), f"evalkit {item.split}")
    for item in extra_items(items_seed, holdout=holdout_texts(skip=judged)):
        out.setdefault(text_key(item.text), "training phrasings")
    if heard is not None and heard.exists():
        for item in heard_.load(heard):
            out.setdefault(text_key(item.text), "heard-train")
    for path in sets:
        for text in set_texts(path):
            out.setdefault(text_key(text), path.stem)
    return out


def overlaps(texts: Iterable[str], against: Mapping[str, str], *,
             cutoff: float = CUTOFF) -> list[Overlap]:
    """Each text within `cutoff` (rapidfuzz ratio of text_key forms) of a text in `against`."""
    keys = list(against)
    found = []
    for text in texts:
        best = process.extractOne(text_key(text), keys, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is not None:
            match, ratio, _ = best
            found.append(Overlap(text, match, against[match], float(ratio)))
    return found
