"""The cascade engine: ASR -> a text model that decides and writes the call -> (the loop runs the
tools) -> the same text model writes the answer. Speech out is the loop's TTS, so
`native_audio` is False.

The text model ("brain") is any `Engine` given text-only requests: a chat brain by name
(`assistant.engines.chat`: Qwen2.5-Coder-0.5B-Instruct on llama.cpp offline by default, the old
Gemma 3 270M + LoRA as `gemma-270m`), or the LFM2 engine in text mode
(`EngineOptions(model="lfm2")` or `"lfm2:<hub id>"`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.audio import Audio
from assistant.batching import BatchCapable
from assistant.corrections import settled
from assistant.engine import Cancelled, Engine, Request
from assistant.events import CallMalformed, CallsProposed, CallWithheld, Event, Heard, Reply
from assistant.speech import Transcriber

NOTHING_HEARD = "Sorry, I didn't catch that. Could you say it again?"
UNSURE = "I'm not sure I heard that right. Could you say it again?"


class CascadeEngine:
    native_audio = False

    def __init__(self, asr: Transcriber, brain: Engine, min_confidence: float = 0.0) -> None:
        """`min_confidence`: below this ASR confidence (`Heard.confidence`) a call the brain
        proposes is not run; the user is asked to say it again. Answers without a call go
        through: a misheard chat costs a sentence, a misheard call acts on a guess."""
        self.asr = asr
        self.brain = brain
        self.min_confidence = min_confidence
        gate = f", asks again below {min_confidence:g}" if min_confidence > 0 else ""
        self.name = f"cascade({asr.name} -> {brain.name}{gate})"

    def transcribe(self, audio: Audio) -> str:
        return self.asr.transcribe(audio)

    def _listen(self, audios: Sequence[Audio]) -> list[Heard]:
        """What the ASR heard in each clip, with its confidence where the ASR gives one
        (Whisper's `run` / `run_batch`); many clips go as one batch where it can."""
        if len(audios) > 1 and callable(run_batch := getattr(self.asr, "run_batch", None)):
            return [Heard(text=t.text, confidence=t.confidence) for t in run_batch(audios)]
        if callable(run := getattr(self.asr, "run", None)):
            return [Heard(text=t.text, confidence=t.confidence) for t in map(run, audios)]
        return [Heard(text=self.asr.transcribe(a)) for a in audios]

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        if cancel.is_set():
            raise Cancelled()
        clips = _untranscribed(request)
        heard = dict(zip([i for i, _ in clips], self._listen([a for _, a in clips]), strict=True))
        for event in self._heard(request, heard):
            yield event
            if isinstance(event, Reply):
                return
        if cancel.is_set():
            raise Cancelled()
        yield from self._gated(heard.get(_last_user(request)),
                               self.brain.respond(_text_only(request, heard), cancel))

    def respond_batch(self, requests: Sequence[Request]) -> list[list[Event]]:
        """`respond` for many requests: one ASR batch for every clip, one text-model batch for
        every request that was heard (evalkit's throughput path)."""
        clips = [(r, i, audio) for r, request in enumerate(requests)
                 for i, audio in _untranscribed(request)]
        heard: list[dict[int, Heard]] = [{} for _ in requests]
        for (r, i, _audio), h in zip(clips, self._listen([a for _, _, a in clips]), strict=True):
            heard[r][i] = h
        out = [list(self._heard(request, h)) for request, h in zip(requests, heard, strict=True)]
        todo = [r for r, events in enumerate(out) if not any(isinstance(e, Reply) for e in events)]
        brain_requests = [_text_only(requests[r], heard[r]) for r in todo]
        if isinstance(self.brain, BatchCapable):
            answers = self.brain.respond_batch(brain_requests)
        else:
            answers = [list(self.brain.respond(q, threading.Event())) for q in brain_requests]
        for r, events in zip(todo, answers, strict=True):
            out[r] += self._gated(heard[r].get(_last_user(requests[r])), events)
        return out

    def _gated(self, heard: Heard | None, events: Iterable[Event]) -> Iterator[Event]:
        """The brain's events, with a call on a newest turn heard below `min_confidence`
        replaced by a request to say it again."""
        confidence = heard.confidence if heard is not None else None
        for event in events:
            if (confidence is not None and confidence < self.min_confidence
                    and isinstance(event, CallsProposed | CallMalformed)):
                calls = event.calls if isinstance(event, CallsProposed) else ()
                yield CallWithheld(calls=calls, raw=event.raw, confidence=confidence,
                                   min_confidence=self.min_confidence)
                yield Reply(text=UNSURE)
                return
            yield event

    @staticmethod
    def _heard(request: Request, heard: dict[int, Heard]) -> Iterator[Event]:
        """`Heard` for the newest user turn, and the apology when nothing was heard in it."""
        last_user = _last_user(request)
        if last_user in heard:
            yield heard[last_user]
            if not heard[last_user].text.strip():
                yield Reply(text=NOTHING_HEARD)


def _last_user(request: Request) -> int:
    return max((i for i, m in enumerate(request.history) if m.role == "user"), default=-1)


def _untranscribed(request: Request) -> list[tuple[int, Audio]]:
    """The user turns that carry audio and no text yet: what the ASR must hear."""
    return [(i, m.audio) for i, m in enumerate(request.history)
            if m.audio is not None and m.role == "user" and not m.text.strip()]


def _text_only(request: Request, heard: dict[int, Heard]) -> Request:
    """The request the brain reads: transcripts (as the user settled them, `corrections`) in
    place of audio, no audio anywhere."""
    history = tuple(replace(m, text=settled(heard[i].text) if i in heard else m.text, audio=None)
                    if m.audio is not None else m for i, m in enumerate(request.history))
    return replace(request, history=history, speak=False)


@dataclass(frozen=True)
class Options:
    asr: str | None = None  # None: whisper-base
    asr_biasing: bool = True  # Whisper hotwords from the formulary
    # See `CascadeEngine`. Chosen on the spoken dev split (`evalkit.calibration.choose_gate`:
    # best item accuracy; docs/brain-eval/ft7-dev-spoken-gate): 0.5 halved the calls run on
    # misheard requests (41 -> 20 wrong, 6 -> 3 false alarms of 140) for 2 of 16 right ones.
    asr_min_confidence: float = 0.5
    threads: int | None = None
    # The brain, as for the chat engine (`assistant.engines.chat.Options`)
    brain: str | None = None
    runtime: str | None = None
    call_threshold: float | None = None
    name_threshold: float | None = None
    adapter: Path | None = None
    default_adapter: bool = True
    quantize: str | None = None
    # `model="lfm2"` or `"lfm2:<hub id>"`: LFM2-Audio in text mode as the brain (its checkpoint
    # from `model_dir` or the hub); `"gemma"`: the old brain.
    model: str | None = None
    model_dir: Path | None = None
    device: str | None = None


def build_brain(options: Options) -> Engine:
    """The text model: a chat brain by name (`options.brain`: qwen-0.5b-tools-merged, the
    default; qwen-0.5b-tools, qwen-1.5b, qwen-0.5b; gemma-270m, the old fallback; a hub id or
    directory), or the LFM2-Audio engine in text mode (`model="lfm2"` or `"lfm2:<hub id>"`)."""
    model = options.model or ""
    if model == "lfm2" or model.startswith("lfm2:"):
        from assistant.engines import create_engine
        from assistant.engines.lfm2 import Options as LFM2Options

        hub_id = model.split(":", 1)[1] if ":" in model else None
        return create_engine("lfm2", LFM2Options(
            model=hub_id, model_dir=options.model_dir, adapter=options.adapter, variant="e2e",
            device=options.device, threads=options.threads))
    from assistant.engines import chat

    brain = "gemma-270m" if model in ("gemma", "gemma-3-270m") else (options.brain or model or None)
    engine: Engine = chat.build(chat.Options(
        brain=brain, runtime=options.runtime, call_threshold=options.call_threshold,
        name_threshold=options.name_threshold,
        adapter=options.adapter, quantize=options.quantize, threads=options.threads,
        model_dir=options.model_dir, default_adapter=options.default_adapter))
    return engine


def build(options: Options) -> CascadeEngine:
    from assistant.speech.asr import DEFAULT, create_transcriber
    from assistant.tools import formulary

    asr = create_transcriber(options.asr or DEFAULT, biasing=options.asr_biasing,
                             threads=options.threads, lexicon=formulary.core())
    return CascadeEngine(asr, build_brain(options), options.asr_min_confidence)


__all__ = ["NOTHING_HEARD", "UNSURE", "CascadeEngine", "Options", "build", "build_brain"]
