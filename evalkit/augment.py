"""Audio augmentations for robustness: speed change, additive noise at a chosen SNR (white, pink,
or babble made from other utterances) and simple reverberation (an exponentially decaying noise
impulse response). numpy/scipy only; every random draw comes from a seeded generator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.audio import Audio


@dataclass(frozen=True)
class Augmentation:
    speed: float = 1.0  # 1.1 = 10% faster (pitch moves with it, as in `sox speed`)
    noise: str | None = None  # "white" | "pink" | "babble"
    snr_db: float | None = None
    reverb_rt60: float | None = None  # seconds

    @property
    def key(self) -> str:
        parts = []
        if self.speed != 1.0:
            parts.append(f"speed{self.speed:g}")
        if self.reverb_rt60:
            parts.append(f"rev{self.reverb_rt60:g}")
        if self.noise:
            parts.append(f"{self.noise}{self.snr_db:g}dB")
        return "+".join(parts) or "clean"

    def __post_init__(self) -> None:
        if self.speed <= 0:
            raise ValueError(f"speed must be positive, got {self.speed}")
        if self.noise is not None and self.noise not in ("white", "pink", "babble"):
            raise ValueError(f"unknown noise {self.noise!r}: white, pink or babble")
        if self.noise is not None and self.snr_db is None:
            raise ValueError("noise needs snr_db")


CLEAN = Augmentation()
# The quick suite's conditions: clean, three SNRs of noise (one of them babble), reverb, speed.
QUICK = (CLEAN, Augmentation(noise="white", snr_db=20), Augmentation(noise="pink", snr_db=10),
         Augmentation(noise="babble", snr_db=5), Augmentation(reverb_rt60=0.5),
         Augmentation(speed=1.15))
FULL = (*QUICK, Augmentation(noise="white", snr_db=0), Augmentation(noise="babble", snr_db=15),
        Augmentation(speed=0.9), Augmentation(speed=1.1, noise="pink", snr_db=15))


def change_speed(audio: Audio, factor: float) -> Audio:
    """Play `factor` times faster: resample and keep the nominal rate."""
    if factor == 1.0:
        return audio
    import soxr

    out = soxr.resample(audio.samples, audio.sample_rate * factor, audio.sample_rate)
    return Audio(np.asarray(out, dtype=np.float32), audio.sample_rate)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """1/f noise by shaping white noise in the frequency domain."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spec.size, dtype=np.float64)
    f[0] = 1.0
    return np.fft.irfft(spec / np.sqrt(f), n).astype(np.float32)


def babble(n: int, others: Sequence[Audio], rng: np.random.Generator) -> np.ndarray:
    """Several other utterances overlaid at random offsets, each at unit RMS."""
    if not others:
        raise ValueError("babble noise needs other utterances")
    out = np.zeros(n, dtype=np.float32)
    for o in others:
        x = o.samples
        if x.size == 0 or _rms(x) == 0:
            continue
        x = np.tile(x, int(np.ceil(n / x.size)))  # loop short ones to cover the whole clip
        start = int(rng.integers(0, max(1, x.size - n + 1)))
        out += x[start:start + n] / _rms(x)
    return out


def add_noise(audio: Audio, snr_db: float, noise: np.ndarray) -> Audio:
    """Mix `noise` (same length) at `snr_db` relative to the speech RMS; rescale if it clips."""
    x = audio.samples
    if noise.size != x.size:
        raise ValueError(f"noise has {noise.size} samples, audio {x.size}")
    speech, nrms = _rms(x), _rms(noise)
    if speech == 0 or nrms == 0:
        return audio
    mixed = x + noise * (speech / nrms) / (10 ** (snr_db / 20))
    peak = float(np.max(np.abs(mixed)))
    if peak > 0.99:
        mixed = mixed * (0.99 / peak)
    return Audio(mixed.astype(np.float32), audio.sample_rate)


def reverb(audio: Audio, rt60: float, rng: np.random.Generator) -> Audio:
    """Convolve with exponentially decaying noise (-60 dB at rt60) plus the direct path."""
    from scipy.signal import fftconvolve

    sr = audio.sample_rate
    n = max(1, int(rt60 * sr))
    t = np.arange(n) / sr
    ir = rng.standard_normal(n) * np.exp(-6.9078 * t / rt60) * 0.3
    ir[0] = 1.0
    wet = fftconvolve(audio.samples, ir)[: audio.samples.size]
    peak = float(np.max(np.abs(wet))) or 1.0
    target = float(np.max(np.abs(audio.samples))) or 1.0
    return Audio((wet * (target / peak)).astype(np.float32), sr)


def apply(audio: Audio, aug: Augmentation, *, seed: int,
          babble_sources: Sequence[Audio] = ()) -> Audio:
    rng = np.random.default_rng(seed)
    out = change_speed(audio, aug.speed)
    if aug.reverb_rt60:
        out = reverb(out, aug.reverb_rt60, rng)
    if aug.noise is not None and aug.snr_db is not None:
        n = out.samples.size
        if aug.noise == "white":
            noise = rng.standard_normal(n).astype(np.float32)
        elif aug.noise == "pink":
            noise = pink_noise(n, rng)
        else:
            noise = babble(n, babble_sources, rng)
        out = add_noise(out, aug.snr_db, noise)
    return out
