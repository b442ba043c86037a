"""TTS voices per split: a voice (backend + voice + variant) belongs to exactly one split, so a
model tuned on train audio is tested on voices it never heard.

espeak-ng variants are split by variant; the one real Piper voice (joe) is kept for test, where
realism matters most; Kokoro and LFM2 voices, where their weights exist, go mostly to train.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

ESPEAK_BASES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc")
_ESPEAK_VARIANTS = {
    "test": ("", "m3", "f2", "klatt", "Annie", "quincy"),
    "dev": ("m7", "f4"),
    "train": ("m1", "f1", "f3", "klatt4", "Alex", "Andy", "belinda", "iven3", "Michael", "steph"),
}
KOKORO_VOICES = {"train": ("af_bella", "am_adam", "bf_emma", "bm_george", "af_sarah"),
                 "dev": ("am_michael",), "test": ("af_heart", "bm_lewis")}
LFM2_VOICES = {"train": ("US male", "UK female"), "dev": (), "test": ("US female", "UK male")}


@dataclass(frozen=True)
class Voice:
    backend: str  # piper | espeak | kokoro | lfm2
    voice: str

    @property
    def id(self) -> str:
        return f"{self.backend}:{self.voice}"


def split_voices(split: str, backends: Sequence[str] = ("piper", "espeak")) -> list[Voice]:
    out: list[Voice] = []
    if "piper" in backends and split == "test":
        # The one natural-sounding voice: weighted to speak about a third of the test clips.
        out += [Voice("piper", "joe")] * (len(ESPEAK_BASES) * 3)
    if "espeak" in backends:
        for base in ESPEAK_BASES:
            for v in _ESPEAK_VARIANTS[split]:
                out.append(Voice("espeak", base + (f"+{v}" if v else "")))
    if "kokoro" in backends:
        out += [Voice("kokoro", v) for v in KOKORO_VOICES[split]]
    if "lfm2" in backends:
        out += [Voice("lfm2", v) for v in LFM2_VOICES[split]]
    return out


def pick(item_id: str, pool: Sequence[Voice], k: int = 1) -> list[Voice]:
    """k distinct voices for an item, chosen by a stable hash (no global RNG state)."""
    if not pool:
        return []
    start = int(hashlib.sha1(item_id.encode()).hexdigest()[:8], 16)
    return [pool[(start + i * 7919) % len(pool)] for i in range(min(k, len(pool)))]
