"""Liquid's sequential pipeline: LFM2-Audio hears, a text brain decides and calls, LFM2-Audio speaks.

The vanilla LFM2-Audio model calls no tools (0 of 225 requests in a public test, 0% in Liquid's
own cookbook baseline), so end to end it cannot serve a tool-calling assistant until fine-tuned.
Liquid's own voice-with-tools demo is sequential instead, and so is this engine:

1. LFM2-Audio transcribes the user's audio (`Perform ASR.`, greedy, text mode);
2. a text brain with native tool calling reads the conversation: LFM2.5-1.2B-Instruct through its
   own chat template with `tools=` (Pythonic calls), or any other chat brain by name
   (`assistant.engines.chat`: the offline Qwen2.5 brains, a directory, a hub id);
3. the loop runs the tools and the brain writes the answer;
4. LFM2-Audio speaks the answer in one of its own voices (TTS mode), from the same weights that
   did the ASR; with `native_speech=False` the loop's TTS (Piper, Kokoro) speaks it instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.audio import Audio
from assistant.engine import Cancelled, Engine, Request
from assistant.engines.cascade import CascadeEngine
from assistant.events import AudioChunk, Event, Reply
from assistant.speech import Synthesizer, Transcriber

if TYPE_CHECKING:
    from assistant.engines.lfm2 import Options


class SequentialEngine(CascadeEngine):
    """A cascade whose ears (and, with `voice`, mouth) are LFM2-Audio."""

    def __init__(self, asr: Transcriber, brain: Engine, voice: Synthesizer | None = None) -> None:
        super().__init__(asr, brain)
        self.voice = voice
        self.native_audio = voice is not None
        self.name = f"lfm2-sequential({asr.name} -> {brain.name} -> {voice.name if voice else 'tts'})"

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        for event in super().respond(request, cancel):
            if isinstance(event, Reply) and request.speak and self.voice is not None \
                    and event.text.strip():
                if cancel.is_set():
                    raise Cancelled()
                audio = self.voice.synthesize(event.text)
                if cancel.is_set():
                    raise Cancelled()
                if audio.samples.size:
                    yield AudioChunk(audio=audio)
                    event = replace(event, spoken=True)
            yield event

    def transcribe(self, audio: Audio) -> str:
        return self.asr.transcribe(audio)


def build(options: Options) -> SequentialEngine:
    """`create_engine("lfm2", EngineOptions(variant="sequential", model=<LFM2-Audio hub id> or
    model_dir=DIR, brain=<brain name, directory or hub id>, native_speech=True, quantize=...))`:
    one LFM2-Audio load serves both the ASR and the voice."""
    from assistant.engines import chat
    from assistant.engines.lfm2 import LFM2Engine, LFM2Settings
    from assistant.engines.lfm2.load import load
    from assistant.engines.lfm2.voice import LFM2Voice

    # A torch brain has int8 only (GGUF brains are 4-bit already).
    brain = chat.build(chat.Options(
        brain=options.brain, runtime=options.runtime, call_threshold=options.call_threshold,
        name_threshold=options.name_threshold,
        threads=options.threads, quantize="int8" if options.quantize else None))
    loaded = load(options.model, options.model_dir, adapter=options.adapter,
                  device=options.device, threads=options.threads)
    if options.quantize is not None:  # CPU: the audio model's int8 or int4 (lfm2.fast)
        from assistant.engines.lfm2.fast import quantize as quantize_model

        quantize_model(loaded.model, options.quantize)
    ears = LFM2Engine(loaded, LFM2Settings(variant="e2e"))
    ears.name = "lfm2-asr"
    voice = LFM2Voice(loaded, options.voice or "us-female") if options.native_speech else None
    return SequentialEngine(ears, brain, voice)


__all__ = ["SequentialEngine", "build"]
