"""Microphone capture (16 kHz mono, with a level meter) and playback that stops at once (barge-in).

`sounddevice` is imported on first use: it needs the PortAudio library (Debian: libportaudio2),
and the app must start, and say why, on a machine without it or without a microphone.
The buffering logic (`_Capture`, `_Playback`) is plain Python so tests run it without a device.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from assistant.audio.clip import Audio
from assistant.audio.io import SPEECH_RATE, AudioError, resample

LevelCallback = Callable[[float], None]  # RMS level in dBFS, about 30 times a second


def _sounddevice() -> ModuleType:
    try:
        import sounddevice
    except OSError as exc:  # raised by sounddevice when libportaudio is absent
        raise AudioError(
            "portaudio-missing",
            f"audio devices need the PortAudio library ({exc}); install it with "
            "`apt-get install libportaudio2` (Debian/Ubuntu) or `brew install portaudio` (macOS)",
        ) from None
    except ImportError:
        raise AudioError("portaudio-missing",
                         "audio devices need `sounddevice`: pip install sounddevice") from None
    return sounddevice


def list_devices(kind: str = "input") -> list[dict[str, Any]]:
    """Devices with at least one `kind` ("input" or "output") channel."""
    sd = _sounddevice()
    key = f"max_{kind}_channels"
    return [dict(d) for d in sd.query_devices() if d.get(key, 0) > 0]


def default_device(kind: str) -> dict[str, Any]:
    """The default input/output device, or AudioError `no-input-device`/`no-output-device`."""
    sd = _sounddevice()
    try:
        info = sd.query_devices(kind=kind)
    except (ValueError, sd.PortAudioError):
        info = None
    if not info or info.get(f"max_{kind}_channels", 0) < 1:
        raise AudioError(f"no-{kind}-device",
                         f"no audio {kind} device found: connect a "
                         f"{'microphone' if kind == 'input' else 'speaker'} or pick a device; "
                         f"text input still works")
    return dict(info)


def rms_dbfs(block: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64)))) if block.size else 0.0
    return -120.0 if rms <= 1e-6 else 20.0 * float(np.log10(rms))


class _Capture:
    """Collects blocks from the audio thread; reports their level."""

    def __init__(self, on_level: LevelCallback | None) -> None:
        self.blocks: list[np.ndarray] = []
        self.on_level = on_level
        self.lock = threading.Lock()

    def feed(self, block: np.ndarray) -> None:
        mono = block[:, 0] if block.ndim == 2 else block
        with self.lock:
            self.blocks.append(mono.astype(np.float32, copy=True))
        if self.on_level is not None:
            self.on_level(rms_dbfs(mono))

    def audio(self, rate: int) -> Audio:
        with self.lock:
            samples = np.concatenate(self.blocks) if self.blocks else np.zeros(0, np.float32)
        return Audio(samples, rate)


class Recorder:
    """Push-to-talk capture: `start()` when the key goes down, `stop()` -> Audio when it goes up.

    Records at 16 kHz mono when the device accepts it, else at the device's own rate and
    resamples on `stop()`."""

    def __init__(self, device: int | str | None = None, on_level: LevelCallback | None = None):
        self.device = device
        self.on_level = on_level
        self._stream: Any = None
        self._capture: _Capture | None = None
        self._rate = SPEECH_RATE

    @property
    def recording(self) -> bool:
        return self._stream is not None

    def start(self) -> None:
        if self._stream is not None:
            return
        sd = _sounddevice()
        if self.device is None:
            default_device("input")
        capture = _Capture(self.on_level)

        def callback(indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
            capture.feed(indata)

        stream = None
        for rate in (SPEECH_RATE, None):  # None: the device's default rate
            try:
                stream = sd.InputStream(samplerate=rate, channels=1, dtype="float32",
                                        device=self.device, callback=callback,
                                        blocksize=int((rate or 48_000) / 30))
                break
            except sd.PortAudioError as exc:
                if rate is None:
                    raise AudioError("device-error", f"cannot open the microphone: {exc}") from None
        assert stream is not None
        self._rate = int(stream.samplerate)
        self._capture = capture
        stream.start()
        self._stream = stream

    def stop(self) -> Audio:
        """Stop and return what was recorded, at 16 kHz (may be empty: check it)."""
        stream, capture = self._stream, self._capture
        self._stream = self._capture = None
        if stream is None or capture is None:
            return Audio(np.zeros(0, np.float32), SPEECH_RATE)
        stream.stop()
        stream.close()
        return resample(capture.audio(self._rate), SPEECH_RATE)


class _Playback:
    """Hands out blocks of one clip to the audio thread; `cancel()` empties it at once."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples
        self.pos = 0
        self.cancelled = False
        self.finished = threading.Event()

    def fill(self, out: np.ndarray) -> bool:
        """Fill `out` (frames, 1); return False once the clip is over or cancelled."""
        n = len(out)
        chunk = np.zeros(0, np.float32) if self.cancelled else self.samples[self.pos : self.pos + n]
        out[: len(chunk), 0] = chunk
        out[len(chunk) :, 0] = 0.0
        self.pos += len(chunk)
        if len(chunk) < n:
            self.finished.set()
            return False
        return True

    def cancel(self) -> None:
        self.cancelled = True
        self.finished.set()


class Player:
    """Plays one clip at a time. `stop()` silences it at once (barge-in): the stream is aborted,
    not drained, so no buffered audio keeps playing."""

    def __init__(self, device: int | str | None = None) -> None:
        self.device = device
        self._stream: Any = None
        self._playback: _Playback | None = None
        self._lock = threading.Lock()

    @property
    def playing(self) -> bool:
        return self._playback is not None and not self._playback.finished.is_set()

    def play(self, audio: Audio) -> None:
        """Start playing (returns at once); a clip already playing is stopped first."""
        sd = _sounddevice()
        self.stop()
        if self.device is None:
            default_device("output")
        playback = _Playback(np.clip(audio.samples, -1.0, 1.0).astype(np.float32))

        def callback(outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
            if not playback.fill(outdata):
                raise sd.CallbackStop

        try:
            stream = sd.OutputStream(samplerate=audio.sample_rate, channels=1, dtype="float32",
                                     device=self.device, callback=callback,
                                     finished_callback=playback.finished.set)
        except sd.PortAudioError as exc:
            raise AudioError("device-error", f"cannot open the speaker: {exc}") from None
        with self._lock:
            self._stream, self._playback = stream, playback
        stream.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the clip ends or is stopped; True if it ended."""
        playback = self._playback
        return True if playback is None else playback.finished.wait(timeout)

    def stop(self) -> None:
        with self._lock:
            stream, playback = self._stream, self._playback
            self._stream = self._playback = None
        if playback is not None:
            playback.cancel()
        if stream is not None:
            stream.abort()  # drop what PortAudio has buffered
            stream.close()


__all__ = ["LevelCallback", "Player", "Recorder", "default_device", "list_devices", "rms_dbfs"]
