"""The cascade engine: ASR -> text model, with fakes; the Gemma prompt; the events it ends with."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator

import numpy as np
import pytest

from assistant.audio import Audio
from assistant.engine import Cancelled, Engine, Message, Request, ToolSpec
from assistant.engines.cascade import NOTHING_HEARD, UNSURE, CascadeEngine
from assistant.engines.gemma import render_head, render_prompt
from assistant.events import CallMalformed, CallsProposed, CallWithheld, Event, Heard, Reply
from assistant.outcome import outcome
from assistant.speech.whisper import Transcript

AUDIO = Audio(np.zeros(1600, np.float32), 16_000)
TIMER = ToolSpec("set_timer", "Start a countdown.",
                 {"type": "object", "properties": {"seconds": {"type": "integer"}},
                  "required": ["seconds"]})


class FakeASR:
    name = "fake-asr"

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls = 0

    def transcribe(self, audio: Audio) -> str:
        self.calls += 1
        return self.text


class EchoBrain:
    """Records what it was asked and answers with a fixed reply."""

    name = "echo"
    native_audio = False

    def __init__(self) -> None:
        self.requests: list[Request] = []

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        self.requests.append(request)
        yield Reply(text="ok")

    def transcribe(self, audio: Audio) -> str:
        raise NotImplementedError


def run(engine: Engine, history: tuple[Message, ...], cancel: threading.Event | None = None
        ) -> list[Event]:
    return list(engine.respond(Request(history, (TIMER,), speak=True),
                               cancel or threading.Event()))


def test_audio_is_transcribed_once_and_the_brain_reads_text() -> None:
    asr, brain = FakeASR("set a timer for ten minutes"), EchoBrain()
    engine = CascadeEngine(asr, brain)
    assert isinstance(engine, Engine) and not engine.native_audio
    events = run(engine, (Message("user", audio=AUDIO),))
    assert [type(e) for e in events] == [Heard, Reply]
    assert events[0].text == "set a timer for ten minutes"  # type: ignore[attr-defined]
    sent = brain.requests[0]
    assert sent.history[0].text == "set a timer for ten minutes" and sent.history[0].audio is None
    assert not sent.speak
    # A later round (tool results in the history) keeps the transcript the loop attached.
    run(engine, (Message("user", text="set a timer for ten minutes", audio=AUDIO),
                 Message("tool", text="[]")))
    assert asr.calls == 1


def test_nothing_heard_is_answered_without_the_brain() -> None:
    brain = EchoBrain()
    events = run(CascadeEngine(FakeASR("  "), brain), (Message("user", audio=AUDIO),))
    assert isinstance(events[-1], Reply) and events[-1].text == NOTHING_HEARD
    assert not brain.requests


def test_cancel_before_asr() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run(CascadeEngine(FakeASR("x"), EchoBrain()), (Message("user", audio=AUDIO),), cancel)


def test_outcome_events() -> None:
    call = outcome("<|tool_call_start|>[set_timer(seconds=600)]<|tool_call_end|>")
    assert isinstance(call, CallsProposed) and call.calls[0].arguments == {"seconds": 600}
    bad = outcome("<|tool_call_start|>[set_timer(seconds=six hundred)]<|tool_call_end|>")
    assert isinstance(bad, CallMalformed)
    cut = outcome("<|tool_call_start|>[set_timer(seconds=600")
    assert isinstance(cut, CallMalformed) and cut.errors[0].code == "unterminated-call"
    reply = outcome("Madrid is the capital of Spain.")
    assert isinstance(reply, Reply) and reply.text.startswith("Madrid")


def test_prompt_shape() -> None:
    history = (Message("user", text="set a timer\nfor ten minutes"),
               Message("assistant", text="<|tool_call_start|>[set_timer(seconds=600)]"
                                         "<|tool_call_end|>"),
               Message("tool", text='[{"name": "set_timer", "ok": true}]'))
    prompt = render_prompt(Request(history, (TIMER,)))
    assert prompt.endswith('Tool: [{"name": "set_timer", "ok": true}]\nAssistant:')
    assert "User: set a timer for ten minutes\n" in prompt  # one line per message
    assert "<|tool_list_start|>" in prompt
    head = render_head((TIMER,))
    assert "set_timer(seconds=300)" in head  # its example is kept ...
    assert "log_dose" not in head and "get_weather" not in head  # ... others' dropped
    assert "tell me a joke" in head  # the no-tool example always stays
    assert "User:" not in render_head((TIMER,), few_shot=False)


def test_lfm2_in_text_mode_as_the_brain() -> None:
    """`EngineOptions(model="lfm2")`: the LFM2 engine reads the transcript as text. On a tiny
    random checkpoint its words are noise; the events must still end the generation."""
    from lfm2_tiny_fixture import tiny_checkpoint

    from assistant.engines.cascade import Options, build_brain

    brain = build_brain(Options(model="lfm2", model_dir=tiny_checkpoint(), threads=1))
    assert brain.name.startswith("lfm2")
    engine = CascadeEngine(FakeASR("set a timer for ten minutes"), brain)
    events = run(engine, (Message("user", audio=AUDIO),))
    assert isinstance(events[0], Heard)
    assert isinstance(events[-1], (Reply, CallsProposed, CallMalformed))
    assert not any(e.kind == "audio" for e in events)  # text mode: speak=False


def test_unknown_brain() -> None:
    from assistant.engines.cascade import Options, build_brain

    with pytest.raises(ValueError, match="unknown brain 'gpt-5'"):
        build_brain(Options(brain="gpt-5"))


@pytest.mark.parametrize(("text", "rest"), [
    (" <|", "tool_call_start|"),  # the model writes ">[" itself, as it tokenizes it
    (" <|tool_call_start|", ""),
    ("hello <|", ""),  # not at the start of the line: not a call
    ("<|tool_call_start|>[set_timer(seconds=1)]<|", "tool_call_end|>"),
    ("<|tool_call_start|>[set_timer(", ""),
])
def test_call_markers_are_completed(text: str, rest: str) -> None:
    from assistant.engines.gemma import _marker_rest

    assert _marker_rest(text) == rest


class ListASR:
    """Hears each clip by its length in samples; counts batch calls."""

    name = "list-asr"

    def __init__(self, words: dict[int, str]) -> None:
        self.words = words
        self.batches: list[int] = []

    def transcribe(self, audio: Audio) -> str:
        return self.words[len(audio.samples)]

    def run_batch(self, audios: list[Audio]) -> list[Transcript]:
        self.batches.append(len(audios))
        return [Transcript(self.transcribe(a), self.transcribe(a), "") for a in audios]


def test_respond_batch_gives_each_request_what_respond_gives() -> None:
    words = {1600: "set a timer for ten minutes", 3200: " ", 4800: "what time is it"}
    clips = {n: Audio(np.zeros(n, np.float32), 16_000) for n in words}
    requests = [Request((Message("user", audio=clips[n]),), (TIMER,)) for n in (1600, 3200, 4800)]
    requests.append(Request((Message("user", text="typed", audio=clips[1600]),
                             Message("tool", text="[]")), (TIMER,)))
    asr, brain = ListASR(words), EchoBrain()
    batched = CascadeEngine(asr, brain).respond_batch(requests)
    assert asr.batches == [3]  # the typed turn needs no ASR
    single = [list(CascadeEngine(ListASR(words), EchoBrain()).respond(r, threading.Event()))
              for r in requests]
    strip = [[(type(e).__name__, getattr(e, "text", None)) for e in events] for events in batched]
    assert strip == [[(type(e).__name__, getattr(e, "text", None)) for e in events]
                     for events in single]
    assert strip[1] == [("Heard", " "), ("Reply", NOTHING_HEARD)]
    assert [r.history[0].text for r in brain.requests] == ["set a timer for ten minutes",
                                                          "what time is it", "typed"]
    assert all(m.audio is None for r in brain.requests for m in r.history)


class SureASR:
    """Hears one text, with a given confidence (as Whisper's `run` reports it)."""

    name = "sure-asr"

    def __init__(self, text: str, confidence: float) -> None:
        self.heard = Transcript(text, text, "", math.log(confidence))

    def transcribe(self, audio: Audio) -> str:
        return self.heard.text

    def run(self, audio: Audio) -> Transcript:
        return self.heard

    def run_batch(self, audios: list[Audio]) -> list[Transcript]:
        return [self.heard for _ in audios]


class CallingBrain(EchoBrain):
    """Calls set_timer when the request says "timer", else chats."""

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        self.requests.append(request)
        if "timer" in request.history[-1].text:
            yield outcome("<|tool_call_start|>[set_timer(seconds=600)]<|tool_call_end|>")
        else:
            yield Reply(text="Hello.")


@pytest.mark.parametrize("batched", [False, True])
def test_a_call_on_an_unsure_transcript_is_asked_again_not_run(batched: bool) -> None:
    def events(text: str, confidence: float, gate: float) -> list[Event]:
        engine = CascadeEngine(SureASR(text, confidence), CallingBrain(), min_confidence=gate)
        request = Request((Message("user", audio=AUDIO),), (TIMER,))
        if batched:
            return engine.respond_batch([request, request])[1]
        return list(engine.respond(request, threading.Event()))

    unsure = events("set a timer for ten minutes", 0.4, gate=0.5)
    assert [type(e) for e in unsure] == [Heard, CallWithheld, Reply]
    assert unsure[0].confidence == pytest.approx(0.4)  # type: ignore[attr-defined]
    withheld, reply = unsure[1:]
    assert isinstance(withheld, CallWithheld) and isinstance(reply, Reply)
    assert withheld.calls[0].name == "set_timer" and withheld.min_confidence == 0.5
    assert reply.text == UNSURE
    sure = events("set a timer for ten minutes", 0.6, gate=0.5)
    assert isinstance(sure[-1], CallsProposed)
    chat = events("hello there", 0.1, gate=0.5)  # an answer without a call goes through
    assert isinstance(chat[-1], Reply) and chat[-1].text == "Hello."
    assert isinstance(events("set a timer for ten minutes", 0.4, gate=0.0)[-1], CallsProposed)
