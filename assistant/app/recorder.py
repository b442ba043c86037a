"""Push-to-talk capture for the window, through assistant/audio/devices.py.

The window talks to the small `Microphone` protocol; tests inject a fake. The device is opened only
while the key is held, so a missing microphone is reported when the user presses talk (and once
at start), never as a failed start; plugging one in later just works.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol, runtime_checkable

from assistant.app.portaudio import DeviceError
from assistant.audio import Audio


@runtime_checkable
class Microphone(Protocol):
    """What the window records with (`DeviceRecorder`, or a fake in tests)."""

    def start(self) -> None:
        """Open the microphone and start collecting; raise DeviceError with a readable message."""
        ...

    def stop(self) -> Audio:
        """Stop and return what was captured (16 kHz mono)."""
        ...

    def level(self) -> float:
        """The current input level in 0..1, for the meter (any thread)."""
        ...


def meter_level(dbfs: float) -> float:
    """-60 dBFS -> 0, 0 dBFS -> 1: a log scale is how level meters look right to people."""
    return min(1.0, max(0.0, (dbfs + 60.0) / 60.0))


class DeviceRecorder:
    """`assistant.audio.devices.Recorder` plus the latest level for the meter."""

    def __init__(self, device: str = "") -> None:
        self._device = device or None
        self._level = 0.0
        self._lock = threading.Lock()
        self._recorder: Any = None

    def _on_level(self, dbfs: float) -> None:  # called on the audio thread
        with self._lock:
            self._level = meter_level(dbfs)

    def start(self) -> None:
        from assistant.audio import devices

        self._recorder = devices.Recorder(self._device, on_level=self._on_level)
        try:
            self._recorder.start()
        except Exception as exc:  # AudioError, or PortAudio's own for an odd device
            self._recorder = None
            raise DeviceError.from_audio_error(exc, "input") from exc

    def stop(self) -> Audio:
        recorder, self._recorder = self._recorder, None
        with self._lock:
            self._level = 0.0
        if recorder is None:
            return Audio.silence(0.0)
        audio: Audio = recorder.stop()
        return audio

    def level(self) -> float:
        with self._lock:
            return self._level
