"""What every backend is, whatever layer it lives in: the speech protocols the loop and the
engines are written against, and the error any backend (speech, model, runtime) raises when it
cannot run here. Cheap to import; backends themselves live in `assistant.speech` and
`assistant.engines`."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from assistant.audio import Audio


@runtime_checkable
class Transcriber(Protocol):
    """Speech to text."""

    name: str

    def transcribe(self, audio: Audio) -> str: ...


@runtime_checkable
class Synthesizer(Protocol):
    """Text to speech: float32 mono audio at the backend's own sample rate."""

    name: str

    def synthesize(self, text: str) -> Audio: ...


class TranscriptCache:
    """What was heard in recent clips (by `Audio.fingerprint`), the `size` newest kept: ASR by
    an audio model is a whole generation, and a turn can ask twice for the same clip."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._texts: dict[str, str] = {}

    def get(self, audio: Audio) -> str | None:
        return self._texts.get(audio.fingerprint())

    def put(self, audio: Audio, text: str) -> None:
        self._texts[audio.fingerprint()] = text
        while len(self._texts) > self.size:
            self._texts.pop(next(iter(self._texts)))


class BackendUnavailable(RuntimeError):
    """A speech or model backend cannot run here: missing package, weights or device.
    The message names the backend and says how to get it."""


__all__ = ["BackendUnavailable", "Synthesizer", "Transcriber", "TranscriptCache"]
