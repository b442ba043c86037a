"""The one audio type that crosses module boundaries: mono float32 samples and their rate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Audio:
    """Mono float32 audio in [-1, 1]. Immutable by convention: never write into `samples`."""

    samples: np.ndarray
    sample_rate: int

    def __post_init__(self) -> None:
        if self.sample_rate <= 0:
            raise ValueError(f"sample rate must be positive, got {self.sample_rate}")
        if self.samples.ndim != 1:
            raise ValueError(f"Audio is mono: expected 1-D samples, got shape {self.samples.shape}")
        if self.samples.dtype != np.float32:
            object.__setattr__(self, "samples", self.samples.astype(np.float32))

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate

    def fingerprint(self) -> str:
        """A key for caches of what was heard in this clip (same samples and rate, same key)."""
        import hashlib

        h = hashlib.sha1(self.samples.tobytes())
        h.update(str(self.sample_rate).encode())
        return h.hexdigest()

    @staticmethod
    def silence(seconds: float, sample_rate: int = 16_000) -> Audio:
        return Audio(np.zeros(int(seconds * sample_rate), dtype=np.float32), sample_rate)

    @staticmethod
    def concat(parts: list[Audio]) -> Audio:
        if not parts:
            raise ValueError("nothing to concatenate")
        rates = {p.sample_rate for p in parts}
        if len(rates) != 1:
            raise ValueError(f"cannot concatenate audio at different rates: {sorted(rates)}")
        return Audio(np.concatenate([p.samples for p in parts]), parts[0].sample_rate)
