"""Fakes for the app tests: a microphone, a speaker and a voice that need no sound card."""

from __future__ import annotations

import numpy as np

from assistant.app.portaudio import DeviceError
from assistant.audio import Audio


class FakeRecorder:
    """Returns the next queued clip on stop; the scripted engine's `asr` maps clips to text."""

    def __init__(self, fail: str | None = None) -> None:
        self.clips: list[Audio] = []
        self.fail = fail
        self.recording = False

    def start(self) -> None:
        if self.fail:
            raise DeviceError(self.fail)
        self.recording = True

    def stop(self) -> Audio:
        self.recording = False
        return self.clips.pop(0)

    def level(self) -> float:
        return 0.6 if self.recording else 0.0


class FakePlayer:
    """Plays until `stop()` or `finish()`: lets a test press talk while it is still speaking."""

    def __init__(self) -> None:
        self.played: list[Audio] = []
        self.stops = 0
        self._playing = False

    def play(self, audio: Audio) -> None:
        self.played.append(audio)
        self._playing = True

    def stop(self) -> None:
        self.stops += 1
        self._playing = False

    def finish(self) -> None:
        self._playing = False

    @property
    def playing(self) -> bool:
        return self._playing

    def close(self) -> None:
        self._playing = False


class FakeVoice:
    name = "fake-tts"

    def __init__(self) -> None:
        self.said: list[str] = []

    def synthesize(self, text: str) -> Audio:
        self.said.append(text)
        return Audio(np.full(8000, 0.1, np.float32), 16_000)
