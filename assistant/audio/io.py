"""Audio files in and out, resampling, and the checks every spoken request goes through.

Conversions (documented, silent):
- multichannel -> mono by averaging the channels (a phase-inverted stereo pair would cancel; no
  microphone produces one, and picking one channel loses a speaker on the other);
- any sample rate -> 16 kHz for speech input (soxr, high quality), e.g. 8 kHz telephone audio;
- float samples beyond [-1, 1] (float WAV/FLAC may hold them) -> scaled down to peak 1.0.

Errors (an `AudioError` with a stable `code`, counted by evalkit): `not-found`, `not-audio`,
`unsupported-format`, `empty`, `too-short`, `silent`, `nan`, `clipped` (a heavily clipped recording: too much
of it sits at full scale to be trusted), `too-long` (> 60 s by default; push-to-talk requests
are seconds long and Whisper works in 30 s windows).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.clip import Audio

SPEECH_RATE = 16_000
WRITE_FORMATS = {".wav": "WAV", ".flac": "FLAC"}

log = logging.getLogger(__name__)


class AudioError(ValueError):
    """Bad or unreadable audio. `code` is stable; the message says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SpeechChecks:
    """Limits for a spoken request."""

    max_seconds: float = 60.0
    min_peak: float = 1e-3  # about -60 dBFS: below it nothing audible was recorded
    clip_level: float = 0.999
    max_clipped_fraction: float = 0.05  # mild clipping is common and harmless to ASR
    min_seconds: float = 0.1


def resample(audio: Audio, rate: int) -> Audio:
    """Resample with soxr (high quality). Returns `audio` itself when the rate already matches."""
    if audio.sample_rate == rate:
        return audio
    if len(audio.samples) == 0:
        return Audio(np.zeros(0, np.float32), rate)
    import soxr

    out = soxr.resample(audio.samples, audio.sample_rate, rate, quality="HQ")
    return Audio(np.ascontiguousarray(out, dtype=np.float32), rate)


def to_mono(samples: np.ndarray) -> np.ndarray:
    """(frames,) or (frames, channels) -> (frames,) float32, averaging the channels."""
    if samples.ndim == 1:
        return samples.astype(np.float32, copy=False)
    if samples.ndim != 2:
        raise AudioError("not-audio", f"expected 1 or 2 dimensions of samples, got {samples.shape}")
    return samples.mean(axis=1, dtype=np.float64).astype(np.float32)


def _decode(source: Path | bytes, name: str) -> tuple[np.ndarray, int]:
    import soundfile as sf

    try:
        data, rate = sf.read(io.BytesIO(source) if isinstance(source, bytes) else str(source),
                             dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioError(
            "not-audio",
            f"{name} is not an audio file soundfile can read (WAV, FLAC, OGG, MP3): {exc}",
        ) from None
    return data, int(rate)


def read_audio(path: str | Path, *, rate: int | None = None) -> Audio:
    """Read any file libsndfile knows as mono float32; resample when `rate` is given.
    No speech checks: see `load_speech` for that."""
    p = Path(path)
    if not p.is_file():
        raise AudioError("not-found", f"no such audio file: {p}")
    data, sr = _decode(p, str(p))
    audio = Audio(to_mono(data), sr)
    return resample(audio, rate) if rate else audio


def decode_audio(data: bytes, *, rate: int | None = None) -> Audio:
    """Like `read_audio`, from the bytes of an encoded file."""
    if not data:
        raise AudioError("empty", "the audio data is empty (0 bytes)")
    samples, sr = _decode(data, "the data")
    audio = Audio(to_mono(samples), sr)
    return resample(audio, rate) if rate else audio


def write_audio(path: str | Path, audio: Audio, *, subtype: str = "PCM_16") -> Path:
    """Write WAV or FLAC (by suffix). Samples are clipped to [-1, 1] for integer formats."""
    import soundfile as sf

    p = Path(path)
    fmt = WRITE_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise AudioError("unsupported-format",
                         f"cannot write {p.suffix or 'a file without suffix'}: use .wav or .flac")
    samples = audio.samples
    if subtype.startswith("PCM"):
        samples = np.clip(samples, -1.0, 1.0)
    p.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(p), samples, audio.sample_rate, format=fmt, subtype=subtype)
    return p


def encode_wav(audio: Audio) -> bytes:
    """16-bit PCM WAV bytes (for subprocesses, HTTP and tests)."""
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, np.clip(audio.samples, -1.0, 1.0), audio.sample_rate, format="WAV",
             subtype="PCM_16")
    return buf.getvalue()


def check_speech(audio: Audio, checks: SpeechChecks | None = None) -> Audio:
    """Validate a spoken request and return it as 16 kHz mono float32 in [-1, 1].

    Raises `AudioError` for audio that cannot be a request; converts what can be converted."""
    c = checks or SpeechChecks()
    x = audio.samples
    if len(x) == 0:
        raise AudioError("empty", "the recording is empty: nothing was captured")
    if not np.all(np.isfinite(x)):
        bad = int(np.count_nonzero(~np.isfinite(x)))
        raise AudioError("nan", f"the audio holds {bad} NaN or infinite samples: the recording "
                                "or decoder is broken")
    if audio.duration_s > c.max_seconds:
        raise AudioError("too-long", f"the recording is {audio.duration_s:.1f} s long; a request "
                                     f"may be at most {c.max_seconds:.0f} s")
    if audio.duration_s < c.min_seconds:
        raise AudioError("too-short", f"the recording is only {audio.duration_s * 1000:.0f} ms long")
    peak = float(np.max(np.abs(x)))
    if peak < c.min_peak:
        raise AudioError("silent", f"the recording is silent (peak {_dbfs(peak)}): check the "
                                   "microphone and its input level")
    if peak > 1.0:  # float files may exceed full scale: scale, do not clip
        x = x / peak
        audio = Audio(x.astype(np.float32), audio.sample_rate)
    clipped = float(np.mean(np.abs(x) >= c.clip_level))
    if clipped > c.max_clipped_fraction:
        raise AudioError("clipped", f"{clipped:.0%} of the recording is at full scale (clipped): "
                                    "lower the microphone gain and try again")
    if clipped > 0.001:
        log.warning("%.1f%% of the samples are clipped", 100 * clipped)
    return resample(audio, SPEECH_RATE)


def load_speech(path: str | Path, checks: SpeechChecks | None = None) -> Audio:
    """Read a spoken request from a file: mono, 16 kHz, checked."""
    return check_speech(read_audio(path), checks)


def _dbfs(peak: float) -> str:
    return "-inf dBFS" if peak <= 0 else f"{20 * np.log10(peak):.0f} dBFS"


__all__ = ["SPEECH_RATE", "AudioError", "SpeechChecks", "check_speech", "decode_audio",
           "encode_wav", "load_speech", "read_audio", "resample", "to_mono", "write_audio"]
