"""Synthesizers by backend name: "piper" (offline default), "espeak", "kokoro", "lfm2"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.speech import Synthesizer

BACKENDS = ("piper", "espeak", "kokoro", "lfm2")
DEFAULT = "piper"


def create_synthesizer(backend: str = DEFAULT, voice: str | None = None, *,
                       options: Any = None, model_dir: Path | None = None) -> Synthesizer:
    """`voice`: piper "joe" or an .onnx path; espeak "en-gb+f3"; kokoro "af_heart"; lfm2
    "us-female". `options` (EngineOptions) tells the lfm2 backend which checkpoint to load;
    `model_dir` gives kokoro local weights. Raises `BackendUnavailable` with what to install."""
    if backend == "piper":
        from assistant.speech import piper

        return piper.build(voice)
    if backend == "espeak":
        from assistant.speech import espeak

        return espeak.build(voice)
    if backend == "kokoro":
        from assistant.speech import kokoro

        return kokoro.build(voice, model_dir=model_dir)
    if backend == "lfm2":
        from assistant.speech import lfm2_voice

        return lfm2_voice.build(options, voice=voice or "us-female")
    raise ValueError(f"unknown TTS backend {backend!r}; choose one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "DEFAULT", "create_synthesizer"]
