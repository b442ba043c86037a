"""Speech recognition and synthesis protocols. Backends live in submodules and import their
heavy dependencies lazily, so importing this package is cheap."""

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


class BackendUnavailable(RuntimeError):
    """A speech or model backend cannot run here: missing package, weights or device.
    The message names the backend and says how to get it."""
