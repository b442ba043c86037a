"""The cascade engine: ASR -> a text model that decides and writes the call -> (the loop runs the
tools) -> the same text model writes the answer. Speech out is the loop's TTS, so
`native_audio` is False.

The text model ("brain") is any `Engine` given text-only requests: Gemma 3 270M offline (the
default, with the finetune adapter when present), or the LFM2 engine in text mode
(`EngineOptions(model="lfm2")` or `"lfm2:<hub id>"`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from assistant.audio import Audio
from assistant.engine import Cancelled, Engine, Request
from assistant.events import Event, Heard, Reply
from assistant.speech import Transcriber

NOTHING_HEARD = "Sorry, I didn't catch that. Could you say it again?"


class CascadeEngine:
    native_audio = False

    def __init__(self, asr: Transcriber, brain: Engine) -> None:
        self.asr = asr
        self.brain = brain
        self.name = f"cascade({asr.name} -> {brain.name})"

    def transcribe(self, audio: Audio) -> str:
        return self.asr.transcribe(audio)

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        history = list(request.history)
        last_user = max((i for i, m in enumerate(history) if m.role == "user"), default=-1)
        for i, message in enumerate(history):
            if message.audio is None:
                continue
            text = message.text
            if not text.strip() and message.role == "user":
                if cancel.is_set():
                    raise Cancelled()
                text = self.asr.transcribe(message.audio)
                if i == last_user:
                    yield Heard(text)
                    if not text.strip():
                        yield Reply(text=NOTHING_HEARD)
                        return
            history[i] = replace(message, text=text, audio=None)  # the brain reads text only
        if cancel.is_set():
            raise Cancelled()
        yield from self.brain.respond(replace(request, history=tuple(history), speak=False),
                                      cancel)


def build_brain(options: Any) -> Engine:
    model = getattr(options, "model", None) or "gemma"
    if model in ("gemma", "gemma-3-270m"):
        from assistant.engines import gemma

        return gemma.build(options)
    if model == "lfm2" or model.startswith("lfm2:"):
        from assistant.engines import EngineOptions, create_engine

        hub_id = model.split(":", 1)[1] if ":" in model else None
        return create_engine("lfm2", EngineOptions(
            model=hub_id, model_dir=getattr(options, "model_dir", None),
            adapter=getattr(options, "adapter", None), variant="e2e",
            device=getattr(options, "device", None), threads=getattr(options, "threads", None)))
    raise ValueError(f"unknown cascade text model {model!r}; use gemma, lfm2 or lfm2:<hub id>")


def build(options: Any) -> CascadeEngine:
    """`create_engine("cascade", EngineOptions(asr="whisper-base", asr_biasing=True,
    model="gemma" | "lfm2" | "lfm2:<hub id>", model_dir=..., adapter=..., threads=...))`."""
    from assistant.speech.asr import DEFAULT, create_transcriber

    asr = create_transcriber(getattr(options, "asr", None) or DEFAULT,
                             biasing=getattr(options, "asr_biasing", True),
                             threads=getattr(options, "threads", None))
    return CascadeEngine(asr, build_brain(options))


__all__ = ["NOTHING_HEARD", "CascadeEngine", "build", "build_brain"]
