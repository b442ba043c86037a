"""The speech backends evalkit uses, looked up by name in one place.

TTS goes through `assistant.speech.tts.create_synthesizer(backend, voice)` when that factory is
there, else through the backend module's `build(voice)`. A backend that cannot run here raises
`BackendUnavailable`; callers record it as skipped and never fake its audio.
"""

from __future__ import annotations

import importlib

from assistant.speech import BackendUnavailable, Synthesizer, Transcriber

TTS_BACKENDS = ("piper", "espeak", "kokoro", "lfm2")


def synthesizer(backend: str, voice: str | None = None) -> Synthesizer:
    if backend not in TTS_BACKENDS:
        raise ValueError(f"unknown TTS backend {backend!r}; choose one of {', '.join(TTS_BACKENDS)}")
    try:
        tts = importlib.import_module("assistant.speech.tts")
    except ImportError:
        tts = None
    if tts is not None and hasattr(tts, "create_synthesizer"):
        synth: Synthesizer = tts.create_synthesizer(backend, voice)
        return synth
    module = {"lfm2": "lfm2_voice"}.get(backend, backend)
    try:
        mod = importlib.import_module(f"assistant.speech.{module}")
    except ImportError as exc:
        raise BackendUnavailable(f"{backend} TTS: module assistant.speech.{module} is missing "
                                 f"({exc})") from None
    if not hasattr(mod, "build"):
        raise BackendUnavailable(f"{backend} TTS: assistant.speech.{module} has no build(voice); "
                                 "use assistant.speech.tts.create_synthesizer")
    built: Synthesizer = mod.build(voice)
    return built


def transcriber(model: str = "base", biasing: str = "off") -> Transcriber:
    """Whisper through the project's ASR (assistant.speech.whisper); biasing "off", "static"
    (all domain words as hotwords) or "targeted" (a second pass with the drug names closest to
    what the first pass heard)."""
    try:
        from assistant.speech.whisper import WhisperOptions, WhisperTranscriber
    except ImportError as exc:
        raise BackendUnavailable(f"ASR: assistant.speech.whisper cannot be imported ({exc})") \
            from None
    return WhisperTranscriber(WhisperOptions(model=model, biasing=biasing))  # type: ignore[arg-type]
