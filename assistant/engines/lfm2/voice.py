"""LFM2-Audio's own voices: audio frames -> 24 kHz waveform, and a `Synthesizer` on top.

`FrameDecoder` turns the model's audio frames (8 codes each, 80 ms of speech) into `Audio`
chunks as they are generated, on whatever device the model runs on:
- LFM2.5-Audio checkpoints ship an LFM-based detokenizer (`audio_detokenizer/`). It is not
  streaming, so each chunk is decoded with a few frames of left context and only the new
  samples are kept (its attention window is 30 steps = 5 frames; we keep 8).
- LFM2-Audio-1.5B checkpoints ship Mimi weights instead; Mimi decodes frame by frame in
  streaming mode, as upstream's demo does.

`LFM2Voice` is text-to-speech with the model's built-in voices (TTS mode), usable wherever a
`Synthesizer` is, e.g. for answers from the cascade engine.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.audio import Audio
from assistant.speech import BackendUnavailable

if TYPE_CHECKING:
    from assistant.engines.lfm2 import Options

SAMPLE_RATE = 24_000
SAMPLES_PER_FRAME = 1920  # 80 ms at 24 kHz
AUDIO_EOS = 2048

VOICES: dict[str, str] = {
    "us-female": "Perform TTS. Use the US female voice.",
    "us-male": "Perform TTS. Use the US male voice.",
    "uk-female": "Perform TTS. Use the UK female voice.",
    "uk-male": "Perform TTS. Use the UK male voice.",
}


class FrameDecoder:
    """Feed frames with `push`; get `Audio` chunks back every `chunk_frames`; `flush` at the end."""

    def __init__(self, processor: Any, *, chunk_frames: int = 12, context_frames: int = 8) -> None:
        if chunk_frames < 1 or context_frames < 0:
            raise ValueError("chunk_frames must be >= 1 and context_frames >= 0")
        self.processor = processor
        self.chunk_frames = chunk_frames
        self.context_frames = context_frames
        self._frames: list[Any] = []  # every frame so far (context comes from here)
        self._pending = 0  # frames not yet decoded
        self._mimi_stream: contextlib.ExitStack | None = None
        if getattr(processor, "detokenizer_path", None):
            self.backend = "lfm2-detokenizer"
        elif getattr(processor, "mimi_weights_path", None):
            self.backend = "mimi"
        else:
            raise BackendUnavailable(
                "this LFM2-Audio checkpoint has no audio decoder (neither audio_detokenizer/ nor "
                "the Mimi tokenizer weights): it cannot speak; use an external TTS (--tts)"
            )

    def push(self, frame: Any) -> Audio | None:
        """One frame of 8 codes; the end-of-audio frame (2048) is ignored."""
        if bool((frame >= AUDIO_EOS).any()):
            return None
        self._frames.append(frame.reshape(-1).to(self.processor.device))
        self._pending += 1
        if self.backend == "mimi":
            return self._decode_mimi()
        if self._pending >= self.chunk_frames:
            return self._decode_detok()
        return None

    def flush(self) -> Audio | None:
        out = self._decode_detok() if self.backend != "mimi" and self._pending else None
        if self._mimi_stream is not None:
            self._mimi_stream.close()
            self._mimi_stream = None
        return out

    def _decode_detok(self) -> Audio:
        import torch

        new = self._pending
        start = max(0, len(self._frames) - new - self.context_frames)
        codes = torch.stack(self._frames[start:], 1)[None]  # (1, 8, T)
        with torch.no_grad():
            wave = self.processor.decode(codes)[0]
        self._pending = 0
        samples = wave[-new * SAMPLES_PER_FRAME :].float().cpu().numpy()
        return Audio(np.clip(samples, -1.0, 1.0).astype(np.float32), SAMPLE_RATE)

    def _decode_mimi(self) -> Audio:
        import torch

        mimi = self.processor.mimi
        if self._mimi_stream is None:
            self._mimi_stream = contextlib.ExitStack()
            self._mimi_stream.enter_context(mimi.streaming(1))
        with torch.no_grad():
            wave = mimi.decode(self._frames[-1][None, :, None])[0]
        self._pending = 0
        samples = wave.reshape(-1).float().cpu().numpy()
        return Audio(np.clip(samples, -1.0, 1.0).astype(np.float32), SAMPLE_RATE)


class LFM2Voice:
    """Text to speech with LFM2-Audio's built-in voices (`VOICES`)."""

    def __init__(self, loaded: Any, voice: str = "us-female", *, max_frames: int = 1500,
                 temperature: float = 0.8, top_k: int = 64) -> None:
        if voice not in VOICES:
            raise ValueError(f"unknown LFM2 voice {voice!r}; choose one of {', '.join(VOICES)}")
        self.loaded = loaded
        self.voice = voice
        self.name = f"lfm2-{voice}"
        self.max_frames = max_frames
        self.temperature = temperature
        self.top_k = top_k
        self._lock = threading.Lock()  # one generation at a time on one model

    def synthesize(self, text: str) -> Audio:
        from assistant.engines.lfm2.chat import tts_chat
        from assistant.engines.lfm2.generate import Sampling, generate

        if not text.strip():
            return Audio(np.zeros(0, dtype=np.float32), SAMPLE_RATE)
        chat = tts_chat(self.loaded.processor, self.loaded.dtype, text, VOICES[self.voice])
        decoder = FrameDecoder(self.loaded.processor, chunk_frames=25)
        parts: list[Audio] = []
        sampling = Sampling(audio_temperature=self.temperature, audio_top_k=self.top_k)
        with self._lock:
            for token in generate(self.loaded.model, chat, mode="sequential",
                                  max_new_tokens=self.max_frames, sampling=sampling):
                if token.numel() > 1:
                    if bool((token == AUDIO_EOS).all()):
                        break
                    chunk = decoder.push(token)
                    if chunk is not None:
                        parts.append(chunk)
            tail = decoder.flush()
        if tail is not None:
            parts.append(tail)
        if not parts:
            return Audio(np.zeros(0, dtype=np.float32), SAMPLE_RATE)
        return Audio.concat(parts)


def build(options: Options, voice: str = "us-female") -> LFM2Voice:
    """An `LFM2Voice` for the checkpoint the LFM2 engine's options name."""
    from assistant.engines.lfm2.load import load

    loaded = load(options.model, options.model_dir, device=options.device,
                  threads=options.threads)
    return LFM2Voice(loaded, voice)
