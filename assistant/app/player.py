"""Speech out with immediate stop (barge-in), and the notification chime.

The window talks to the small `Speaker` protocol; tests inject a fake. `open_player` builds the real
one through assistant/audio/devices.py. Chunks arrive while the engine still generates, so `play`
queues and returns at once; `stop` drops everything queued and aborts the stream (barge-in is
silent at once, not after the buffered speech).
"""

from __future__ import annotations

import threading
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assistant.app.portaudio import DeviceError, check
from assistant.audio import Audio


@runtime_checkable
class Speaker(Protocol):
    """What the window plays through (`DevicePlayer`, `SilentPlayer`, or a fake in tests)."""

    def play(self, audio: Audio) -> None:
        """Queue audio after whatever is playing; returns at once."""
        ...

    def stop(self) -> None:
        """Silence now and drop everything queued."""
        ...

    @property
    def playing(self) -> bool: ...

    def close(self) -> None: ...


class SilentPlayer:
    """Used when no output device can be opened: the app still works, answers are shown only."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def play(self, audio: Audio) -> None:
        pass

    def stop(self) -> None:
        pass

    @property
    def playing(self) -> bool:
        return False

    def close(self) -> None:
        pass


class DevicePlayer:
    """Queues clips for `assistant.audio.devices.Player`, which plays one clip at a time.

    Chunks that arrive while a clip plays are joined and played next, so streamed speech has one
    seam per catch-up, not per chunk. `stop` runs on the caller's thread and aborts the stream.
    """

    def __init__(self, device: str = "", output: Any = None) -> None:
        if output is None:
            from assistant.audio import devices

            output = devices.Player(device or None)
        self._out = output
        self._cond = threading.Condition()
        self._play_lock = threading.Lock()  # orders a starting clip against stop()
        self._pending: list[Audio] = []
        self._generation = 0
        self._busy = False
        self._closed = False
        self.error: str | None = None  # the last device failure, for the window to show
        self._thread = threading.Thread(target=self._run, name="app-player", daemon=True)
        self._thread.start()

    def play(self, audio: Audio) -> None:
        with self._cond:
            self._pending.append(audio)
            self._busy = True
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._pending.clear()
            self._generation += 1
            self._busy = False
        with self._play_lock:
            self._out.stop()

    @property
    def playing(self) -> bool:
        with self._cond:
            return self._busy

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self.stop()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._closed)
                if self._closed:
                    return
                clips, self._pending = self._pending, []
                generation = self._generation
            with self._play_lock:
                if generation != self._generation:
                    continue  # stopped while we were picking the clips up
                try:
                    self._out.play(_join(clips))
                except Exception as exc:
                    self.error = str(DeviceError.from_audio_error(exc, "output"))
                    with self._cond:
                        self._busy = bool(self._pending)
                    continue
            while not self._out.wait(0.05) and generation == self._generation:
                pass
            with self._cond:
                if generation == self._generation and not self._pending:
                    self._busy = False


def _join(clips: list[Audio]) -> Audio:
    if len(clips) == 1:
        return clips[0]
    from assistant.audio.io import resample

    rate = clips[0].sample_rate
    return Audio.concat([resample(c, rate) for c in clips])


def open_player(device: str = "") -> tuple[Speaker, str | None]:
    """The real player, or a silent one and the reason (shown to the user) when none opens."""
    problem = check("output", device)
    if problem is not None:
        return SilentPlayer(problem), problem
    return DevicePlayer(device), None


def chime(sample_rate: int = 24_000) -> Audio:
    """Two soft bell tones (E6 then A5) for timers and reminders: no asset file needed."""
    parts = []
    for freq, seconds in ((1318.5, 0.22), (880.0, 0.45)):
        t = np.arange(int(seconds * sample_rate), dtype=np.float32) / sample_rate
        tone = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(2 * np.pi * 2 * freq * t)
        envelope = np.minimum(1.0, t / 0.01) * np.exp(-t * 6.0)
        parts.append((0.25 * tone * envelope).astype(np.float32))
    gap = np.zeros(int(0.05 * sample_rate), dtype=np.float32)
    return Audio(np.concatenate([parts[0], gap, parts[1]]), sample_rate)
