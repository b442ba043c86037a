"""The speech backends evalkit uses, looked up by name in one place.

TTS goes through `assistant.engines.create_synthesizer(backend, voice)` (the speech backends,
and LFM2-Audio's voices). A backend that cannot run here raises `BackendUnavailable`; callers
record it as skipped and never fake its audio.
"""

from __future__ import annotations

from assistant.engines import TTS_BACKENDS
from assistant.speech import BackendUnavailable, Synthesizer, Transcriber


def synthesizer(backend: str, voice: str | None = None) -> Synthesizer:
    if backend not in TTS_BACKENDS:
        raise ValueError(f"unknown TTS backend {backend!r}; choose one of {', '.join(TTS_BACKENDS)}")
    from assistant.engines import create_synthesizer

    return create_synthesizer(backend, voice)


def transcriber(model: str = "base", biasing: str = "off") -> Transcriber:
    """Whisper through the project's ASR (assistant.speech.whisper); biasing "off", "static"
    (all domain words as hotwords) or "targeted" (a second pass with the drug names closest to
    what the first pass heard)."""
    try:
        from assistant.speech.whisper import WhisperOptions, WhisperTranscriber
    except ImportError as exc:
        raise BackendUnavailable(f"ASR: assistant.speech.whisper cannot be imported ({exc})") \
            from None
    from assistant.tools import formulary

    return WhisperTranscriber(WhisperOptions(model=model, biasing=biasing,  # type: ignore[arg-type]
                                             lexicon=formulary.core()))
