"""Synthesizers by backend name: "piper" (offline default), "espeak", "kokoro".

LFM2-Audio's own voices are a model's, not a speech backend's: `assistant.engines.
create_synthesizer` adds "lfm2" on top of these.
"""

from __future__ import annotations

from pathlib import Path

from assistant.speech import Synthesizer

BACKENDS = ("piper", "espeak", "kokoro")
DEFAULT = "piper"


def create_synthesizer(backend: str = DEFAULT, voice: str | None = None, *,
                       model_dir: Path | None = None) -> Synthesizer:
    """`voice`: piper "joe" or an .onnx path; espeak "en-gb+f3"; kokoro "af_heart".
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
    raise ValueError(f"unknown TTS backend {backend!r}; choose one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "DEFAULT", "create_synthesizer"]
