"""The LFM2-Audio engine: speech in, a tool call or a (spoken) answer out.

Three variants:
- `e2e`: the user's audio goes straight into the model, which answers or calls a tool.
- `two-step`: the same model first transcribes the audio (`Perform ASR.`), emits `Heard`, then
  decides from the text.
- `sequential`: the model transcribes, a text brain with native tool calling decides and calls,
  the model speaks the answer (`assistant.engines.lfm2.sequential`; Liquid's own pipeline, and
  the one that calls tools with the vanilla weights).

Each `respond` is one generation. It starts like interleaved mode when an answer should be
spoken; if the first token opens a tool call it continues in sequential (text) mode, so calls
are always plain text. The moment `<|tool_call_end|>` is generated the call block is parsed and
`CallsProposed` (or `CallMalformed`) is emitted and generation stops. Text deltas and decoded
audio chunks are emitted as they come; the cancel token is checked before every token.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.audio import Audio
from assistant.backend import TranscriptCache
from assistant.engine import Engine, Request
from assistant.events import (
    AudioChunk,
    CallsProposed,
    Event,
    Heard,
    Reply,
    TextDelta,
)
from assistant.outcome import outcome
from assistant.toolcall import CALL_END, CALL_START

MODEL_VARIANTS = ("e2e", "two-step")  # the audio model decides itself
VARIANTS = (*MODEL_VARIANTS, "sequential")
_HIDDEN = ("<|text_end|>", "<|im_end|>", "<|audio_start|>", "<|endoftext|>")


@dataclass(frozen=True)
class LFM2Settings:
    variant: str = "e2e"
    max_new_tokens: int = 768  # text tokens + audio frames of one generation
    max_asr_tokens: int = 160
    text_temperature: float | None = None  # greedy text: tool calls want the likeliest tokens
    audio_temperature: float | None = 1.0  # upstream's defaults for speech
    audio_top_k: int | None = 4
    cache_prefix: bool = True  # reuse the system turn's state across turns
    chunk_frames: int = 12  # audio frames per AudioChunk (~1 s)


class LFM2Engine:
    name = "lfm2"
    native_audio = True

    def __init__(self, loaded: Any, settings: LFM2Settings | None = None, *,
                 text_hook: Any = None) -> None:
        from assistant.engines.lfm2.generate import PrefixCache

        self.loaded = loaded
        self.settings = settings or LFM2Settings()
        if self.settings.variant not in MODEL_VARIANTS:
            raise ValueError(f"unknown lfm2 variant {self.settings.variant!r}; "
                             f"choose one of {', '.join(MODEL_VARIANTS)}")
        # Only for tests and grammars: steers text logits; None in normal use.
        self.text_hook = text_hook
        self.prefix = PrefixCache() if self.settings.cache_prefix else None
        self._lock = threading.Lock()  # one generation at a time on one model
        self._transcripts = TranscriptCache()
        tok = loaded.processor.text
        self._call_start = tok.convert_tokens_to_ids(CALL_START)
        self._call_end = tok.convert_tokens_to_ids(CALL_END)

    # --- helpers ---------------------------------------------------------------------------

    def _sampling(self) -> Any:
        from assistant.engines.lfm2.generate import Sampling

        s = self.settings
        return Sampling(text_temperature=s.text_temperature, audio_temperature=s.audio_temperature,
                        audio_top_k=s.audio_top_k)

    def _decode(self, ids: list[int]) -> str:
        return str(self.loaded.processor.text.decode(ids, skip_special_tokens=False))

    def _shown(self, ids: list[int]) -> str:
        """What a person should see: no special tokens."""
        return str(self.loaded.processor.text.decode(ids, skip_special_tokens=True))

    @staticmethod
    def _visible(text: str) -> str:
        for marker in _HIDDEN:
            text = text.replace(marker, "")
        return text

    # --- Engine protocol -------------------------------------------------------------------

    def transcribe(self, audio: Audio, cancel: threading.Event | None = None) -> str:
        """ASR with the same model (`Perform ASR.`), text mode, greedy."""
        from assistant.engines.lfm2.chat import asr_chat
        from assistant.engines.lfm2.generate import GREEDY, generate

        cached = self._transcripts.get(audio)
        if cached is not None:
            return cached
        chat = asr_chat(self.loaded.processor, self.loaded.dtype, audio)
        ids: list[int] = []
        with self._lock:
            for token in generate(self.loaded.model, chat, mode="sequential",
                                  max_new_tokens=self.settings.max_asr_tokens, sampling=GREEDY,
                                  cancel=cancel):
                if token.numel() != 1:  # ASR wants text; audio would be a confused model
                    break
                ids.append(int(token))
        text = self._visible(self.loaded.processor.text.decode(ids, skip_special_tokens=True))
        text = text.strip()
        if cancel is None or not cancel.is_set():
            self._transcripts.put(audio, text)
        return text

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        from assistant.engines.lfm2.chat import render
        from assistant.engines.lfm2.generate import generate
        from assistant.engines.lfm2.voice import FrameDecoder

        transcript_of = None
        if self.settings.variant == "two-step":
            last = request.history[-1] if request.history else None
            if last is not None and last.role == "user" and last.audio is not None and not last.text:
                heard = self.transcribe(last.audio, cancel)
                if cancel.is_set():
                    return
                yield Heard(text=heard)
            transcript_of = self.transcribe

        chat, prefix_len = render(self.loaded.processor, self.loaded.dtype, request.history,
                                  request.tools, transcript_of=transcript_of)
        decoder = FrameDecoder(self.loaded.processor, chunk_frames=self.settings.chunk_frames) \
            if request.speak else None
        ids: list[int] = []
        shown = ""
        in_call = False
        spoken = False
        with self._lock:
            tokens: Generator[Any, None, None] = generate(
                self.loaded.model, chat,
                mode="interleaved" if request.speak else "sequential",
                first_token_sequential=(self._call_start,),
                max_new_tokens=self.settings.max_new_tokens,
                sampling=self._sampling(),
                prefix=self.prefix, prefix_len=prefix_len,
                cancel=cancel, text_hook=self.text_hook,
            )
            try:
                for token in tokens:
                    if token.numel() > 1:  # an audio frame
                        if decoder is not None:
                            chunk = decoder.push(token)
                            if chunk is not None:
                                spoken = True
                                yield AudioChunk(audio=chunk)
                        continue
                    tid = int(token)
                    ids.append(tid)
                    if tid == self._call_start:
                        in_call = True
                    if tid == self._call_end:
                        yield self._call_event(self._decode(ids))
                        return
                    if not in_call:
                        # held back: a character whose UTF-8 bytes are not all generated yet
                        text = self._shown(ids).rstrip("\ufffd")
                        if len(text) > len(shown) and text.startswith(shown):
                            yield TextDelta(text=text[len(shown):])
                            shown = text
            finally:
                tokens.close()
        if cancel.is_set():
            return
        if decoder is not None:
            tail = decoder.flush()
            if tail is not None:
                spoken = True
                yield AudioChunk(audio=tail)
        # The block never closed (token budget or end of turn), a bare JSON call, or an answer.
        event = self._call_event(self._decode(ids))
        if isinstance(event, Reply):  # what a person sees: no special tokens
            event = Reply(text=self._shown(ids).strip(), spoken=spoken)
        yield event

    @classmethod
    def _call_event(cls, raw: str) -> Event:
        # Markers such as <|text_end|> (interleaved mode) are not part of any call.
        raw = cls._visible(raw)
        event = outcome(raw)
        start = raw.find(CALL_START)
        if isinstance(event, CallsProposed) and start > 0:
            return replace(event, raw=raw[start:])  # the history keeps the call block alone
        return event


@dataclass(frozen=True)
class Options:
    model: str | None = None  # a hub id (LiquidAI/LFM2.5-Audio-1.5B); None: that one
    model_dir: Path | None = None  # a local checkpoint; wins over `model`
    adapter: Path | None = None  # a peft LoRA adapter
    variant: str = "e2e"  # e2e | two-step | sequential
    device: str | None = None  # None: CUDA when available, else CPU
    threads: int | None = None
    quantize: str | None = None  # CPU: int8 | int4 | int4-g64 | int4-g128 (assistant.engines.lfm2.fast)
    # sequential only: the text brain (as `assistant.engines.chat.Options`) and the voice
    brain: str | None = None
    runtime: str | None = None
    call_threshold: float | None = None
    name_threshold: float | None = None
    native_speech: bool = True  # LFM2-Audio speaks the answers; False: the loop's TTS does
    voice: str | None = None  # us-female (default), us-male, uk-female, uk-male


def build(options: Options) -> Engine:
    from assistant.engines.lfm2.load import load

    if options.variant not in VARIANTS:  # fail before loading 1.5 B parameters
        raise ValueError(f"unknown lfm2 variant {options.variant!r}; "
                         f"choose one of {', '.join(VARIANTS)}")
    if options.variant == "sequential":
        from assistant.engines.lfm2 import sequential

        return sequential.build(options)
    loaded = load(options.model, options.model_dir, adapter=options.adapter,
                  device=options.device, threads=options.threads)
    if options.quantize is not None:  # CPU: int8, or int4 (4-bit decode, int8 prompts)
        from assistant.engines.lfm2.fast import quantize as quantize_model

        quantize_model(loaded.model, options.quantize)
    return LFM2Engine(loaded, LFM2Settings(variant=options.variant))
