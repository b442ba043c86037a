"""Train items as the brain hears them: Whisper's transcripts of the train split's audio.

The cascade's brain reads what Whisper wrote, not what was said: "metformin" may arrive as
"met for min", numbers as digits, with odd punctuation. Training on transcripts (same gold
calls) teaches the brain to map what is misheard to the formulary and the schema.

    python -m finetune heard finetune/data/heard-train.jsonl --items 400

Clips are made the way evalkit makes its test audio (the train split's own voices, the quick
suite's noise, reverb and speed conditions), in `--data` (a cache shared with evalkit), and
transcribed by the cascade's ASR (Whisper base with drug-name biasing). A transcript that lost
too much is dropped: WER above `max_wer`, or a number or drug name that can no longer be read
from it (`readable`); teaching the brain the gold call anyway would teach it to invent
arguments. A transcript equal to the text (after normalisation) adds nothing and is dropped.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from evalkit.items import Item

HEARD = "~heard"  # the suffix of a transcript item's id


@dataclass(frozen=True)
class Heard:
    """One transcript kept, with what was said and how far apart they are."""

    item: Item  # the train item with `text` replaced by the transcript
    said: str
    wer: float
    voice: str
    augment: str

    def to_dict(self) -> dict[str, object]:
        return {**self.item.to_dict(), "said": self.said, "wer": round(self.wer, 4),
                "voice": self.voice, "augment": self.augment}


def pick(items: Sequence[Item], n: int, seed: int = 0) -> list[Item]:
    """`n` train items to speak: half that name a drug (mishearing drug names is the point),
    half a stratified sample of the rest (every tool and every negative kind)."""
    from finetune.data import stratified_sample

    drugs = [it for it in items if it.terms]
    rest = [it for it in items if not it.terms]
    k = min(len(drugs), n // 2)
    picked = [*stratified_sample(drugs, k, seed), *stratified_sample(rest, n - k, seed)]
    return sorted(picked, key=lambda it: it.id)


def readable(item: Item, transcript: str, lexicon: Any) -> bool:
    """Can the gold call still be read from `transcript`? Every number said survives (as
    digits or words), and a drug said is still what the formulary hears in it (the name, a
    brand, or the closest-sounding name: "gig of sin" -> digoxin). Otherwise training on
    the gold call would teach the brain to invent arguments."""
    import re

    from assistant.speech.normalize import normalize
    from assistant.speech.whisper import drug_candidates

    def numbers(text: str) -> list[str]:
        return sorted(re.findall(r"\d+", normalize(text)))

    if numbers(transcript) != numbers(item.text):
        return False
    for term in item.terms:
        entry = lexicon.exact(term)  # a brand or alias said: its generic is what is heard
        generic = entry.generic if entry else term
        if generic not in drug_candidates(transcript, lexicon, limit=1)[0]:
            return False
    return True


def transcribe(items: Sequence[Item], data_dir: Path, *, asr: str = "whisper-base",
               biasing: bool = True, max_wer: float = 0.5, threads: int | None = None,
               transcriber: Any = None) -> tuple[list[Heard], dict[str, int]]:
    """(the transcripts kept, counts of what was dropped and why). `transcriber`: anything
    with `transcribe_batch` (default: `asr` as the cascade builds it)."""
    from assistant.audio.io import read_audio
    from assistant.speech import normalize
    from assistant.speech.asr import create_transcriber
    from assistant.tools import formulary
    from evalkit import augment
    from evalkit.synth import synthesize_items

    synth = synthesize_items(items, data_dir, conditions=augment.QUICK)
    if not synth.rows:
        raise RuntimeError(f"no clip could be made: {synth.skipped}")
    by_id = {it.id: it for it in items}
    lexicon = formulary.core()  # as the runtime biases Whisper
    # Whisper's transcriber, for its transcribe_batch
    asr_: Any = transcriber or create_transcriber(asr, biasing=biasing, threads=threads,
                                                  lexicon=lexicon)
    rows = list(synth.rows)
    texts: list[str] = []
    batch = 16
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        texts += asr_.transcribe_batch([read_audio(data_dir / r.path) for r in chunk])
        print(f"transcribed {len(texts)}/{len(rows)}", flush=True)
    kept: list[Heard] = []
    dropped = {"empty": 0, "same": 0, "too_far": 0, "unreadable": 0}
    for row, heard in zip(rows, texts, strict=True):
        item = by_id[row.item_id]
        if not heard.strip():
            dropped["empty"] += 1
            continue
        if normalize.normalize(heard) == normalize.normalize(item.text):
            dropped["same"] += 1
            continue
        err = normalize.wer(item.text, heard)
        if err > max_wer:
            dropped["too_far"] += 1
            continue
        if not readable(item, heard, lexicon):
            dropped["unreadable"] += 1
            continue
        kept.append(Heard(replace(item, id=item.id + HEARD, text=heard.strip()),
                          item.text, err, row.voice, row.augment))
    return kept, dropped


def write(heard: Sequence[Heard], path: Path) -> None:
    """JSON lines, written whole or not at all (a killed run leaves the old file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for h in heard:
            f.write(json.dumps(h.to_dict(), ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def load(path: Path) -> list[Item]:
    """The transcripts as train items (what `finetune/chat.py` adds to its data)."""
    with path.open(encoding="utf-8") as f:
        items = [Item.from_dict(json.loads(line)) for line in f if line.strip()]
    if any(it.split != "train" for it in items):
        raise ValueError(f"{path}: transcripts of items outside the train split")
    return items


def regold(heard: Sequence[Item], items: Sequence[Item]) -> list[Item]:
    """Transcripts with the gold calls of the items they were spoken from, as evalkit fills
    them now (a file keeps the gold it was written with: timers in seconds, before a timer
    took its duration in the units said)."""
    by_id = {it.id: it for it in items}
    return [replace(h, expected=by_id[h.id.removesuffix(HEARD)].expected)
            if h.id.removesuffix(HEARD) in by_id else h for h in heard]


__all__ = ["HEARD", "Heard", "load", "pick", "regold", "transcribe", "write"]
