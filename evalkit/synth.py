"""Render items to speech: TTS voice per split, one or more conditions per clip, hash-keyed cache.

Backends without weights or programs raise `BackendUnavailable`; they are recorded as skipped
in the dataset card and never replaced by something else under their name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.audio import Audio
from assistant.speech import BackendUnavailable, Synthesizer
from evalkit import augment, voices
from evalkit.augment import Augmentation
from evalkit.items import Item
from evalkit.manifest import AudioRow

SAMPLE_RATE = 16_000
CACHE_VERSION = 1


@dataclass(frozen=True)
class SynthResult:
    rows: tuple[AudioRow, ...]
    skipped: dict[str, str] = field(default_factory=dict)  # backend or voice -> why


def clip_key(text: str, voice: str, aug: str) -> str:
    blob = json.dumps([CACHE_VERSION, text, voice, aug, SAMPLE_RATE])
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _seed(key: str) -> int:
    return int(key[:8], 16)


class _Synths:
    """Synthesizers built on first use; a backend that fails to build is skipped once."""

    def __init__(self, factory: Callable[[str, str], Synthesizer]) -> None:
        self.factory = factory
        self.cache: dict[str, Synthesizer] = {}
        self.skipped: dict[str, str] = {}

    def get(self, v: voices.Voice) -> Synthesizer | None:
        if v.backend in self.skipped or v.id in self.skipped:
            return None
        if v.id not in self.cache:
            try:
                self.cache[v.id] = self.factory(v.backend, v.voice)
            except BackendUnavailable as exc:
                self.skipped[v.backend] = str(exc)
                return None
        return self.cache[v.id]


def _default_factory(backend: str, voice: str) -> Synthesizer:
    from evalkit.backends import synthesizer

    return synthesizer(backend, voice)


def synthesize_items(
    items: Sequence[Item],
    data_dir: Path,
    *,
    backends: Sequence[str] = ("piper", "espeak"),
    conditions: Sequence[Augmentation] = augment.QUICK,
    conditions_per_clip: int = 1,
    factory: Callable[[str, str], Synthesizer] = _default_factory,
    progress: bool = True,
) -> SynthResult:
    """One voice per item (from its split's pool), rendered under `conditions_per_clip` of the
    conditions (chosen by hash, so conditions are spread evenly and stably over items)."""
    from assistant.audio.io import read_audio, resample, write_audio

    synths = _Synths(factory)
    rows: list[AudioRow] = []
    clean_by_split: dict[str, list[Audio]] = {}
    pools = {s: voices.split_voices(s, backends) for s in {it.split for it in items}}
    try:
        from tqdm import tqdm

        iterator = tqdm(items, desc="synth", unit="item", disable=not progress)
    except ImportError:
        iterator = items
    for it in iterator:
        pool = [v for v in pools[it.split] if v.backend not in synths.skipped]
        clip: tuple[voices.Voice, Audio] | None = None
        while pool and clip is None:
            v = voices.pick(it.id, pool)[0]
            synth = synths.get(v)
            if synth is None:
                pool = [p for p in pool if p.backend not in synths.skipped]
                continue
            key = clip_key(it.text, v.id, "clean")
            path = data_dir / "audio" / key[:2] / f"{key}.wav"
            if path.is_file():
                clip = (v, read_audio(path))
            else:
                try:
                    audio = resample(synth.synthesize(it.text), SAMPLE_RATE)
                except BackendUnavailable as exc:
                    synths.skipped[v.backend] = str(exc)
                    pool = [p for p in pool if p.backend != v.backend]
                    continue
                write_audio(path, audio)
                clip = (v, audio)
        if clip is None:
            continue  # no backend can speak here: the card says why
        v, clean = clip
        start = _seed(clip_key(it.id, "", ""))
        chosen = [conditions[(start + i) % len(conditions)]
                  for i in range(min(conditions_per_clip, len(conditions)))]
        babble_pool = clean_by_split.setdefault(it.split, [])
        for aug in chosen:
            key = clip_key(it.text, v.id, aug.key)
            rel = Path("audio") / key[:2] / f"{key}.wav"
            path = data_dir / rel
            if aug == augment.CLEAN:
                audio = clean
            elif path.is_file():
                audio = read_audio(path)
            else:
                if aug.noise == "babble" and len(babble_pool) < 3:
                    aug = Augmentation(speed=aug.speed, noise="pink", snr_db=aug.snr_db,
                                       reverb_rt60=aug.reverb_rt60)  # too early for babble
                    key = clip_key(it.text, v.id, aug.key)
                    rel = Path("audio") / key[:2] / f"{key}.wav"
                    path = data_dir / rel
                n = len(babble_pool)
                others = [babble_pool[(_seed(key) + 31 * j) % n] for j in range(min(4, n))] \
                    if n else []
                audio = augment.apply(clean, aug, seed=_seed(key), babble_sources=others)
                write_audio(path, audio)
            rows.append(AudioRow(key, it.id, it.split, it.text, v.id, aug.key, aug.snr_db,
                                 str(rel), audio.sample_rate, round(audio.duration_s, 3)))
        babble_pool.append(clean)
        if len(babble_pool) > 64:
            babble_pool.pop(0)
    return SynthResult(tuple(rows), dict(synths.skipped))
