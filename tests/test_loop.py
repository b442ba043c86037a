"""The turn loop with the scripted engine and toy tools: whole event sequences and real effects."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toys import Ledger, kinds, toy_registry

from assistant.audio import Audio
from assistant.engine import Request
from assistant.engines.scripted import ScriptedEngine
from assistant.events import (
    Answer,
    AudioChunk,
    CallMalformed,
    CallsProposed,
    ConfirmationRequested,
    Done,
    Event,
    Failed,
    Heard,
    Reply,
    ToolFinished,
)
from assistant.loop import APOLOGY, CRASHED, Conversation, LoopOptions, UserInput
from assistant.toolcall import ToolCall, render_lfm2


def call(name: str, **args: object) -> str:
    return render_lfm2([ToolCall(name, args)])


def bot(*outputs: str, ledger: Ledger | None = None, **kw: object) -> Conversation:
    return Conversation(ScriptedEngine.from_outputs(outputs), toy_registry(ledger),
                        options=LoopOptions(speak=False), **kw)  # type: ignore[arg-type]


def run(b: Conversation, text: str) -> list[Event]:
    return list(b.turn(UserInput(text=text)))


def answer(events: list[Event]) -> str:
    return next(e.text for e in events if isinstance(e, Answer))


def test_call_then_answer() -> None:
    ledger = Ledger()
    b = bot(call("add_note", text="buy milk"), "Saved your note.", ledger=ledger)
    events = run(b, "note buy milk")
    assert kinds(events) == ["turn-started", "calls-proposed", "tool-call", "tool-result",
                             "reply", "answer", "done"]
    assert ledger.done == [("add_note", {"text": "buy milk"})]
    assert answer(events) == "Saved your note."
    roles = [m.role for m in b.history]
    assert roles == ["user", "assistant", "tool", "assistant"]
    assert json.loads(b.history[2].text)[0] == {"name": "add_note", "ok": True,
                                                "result": {"summary": "add_note done."}}


def test_timestamps_are_monotonic() -> None:
    events = run(bot(call("get_time"), "Noon."), "time?")
    ts = [e.t for e in events]
    assert ts == sorted(ts)


def test_destructive_call_waits_for_yes() -> None:
    ledger = Ledger()
    b = bot(call("delete_note", note_id=3), "Deleted.", ledger=ledger)
    events = run(b, "delete note 3")
    assert kinds(events)[-2:] == ["confirm", "done"]
    assert next(e for e in events if isinstance(e, Done)).status == "needs-confirmation"
    assert ledger.done == [] and b.pending is not None
    events = list(b.confirm("yes please"))
    assert ledger.done == [("delete_note", {"note_id": 3})]
    assert answer(events) == "Deleted." and b.pending is None


def test_destructive_call_declined_does_nothing() -> None:
    ledger = Ledger()
    b = bot(call("delete_note", note_id=3), ledger=ledger)
    run(b, "delete note 3")
    events = list(b.confirm("no, cancel"))
    assert ledger.done == [] and b.pending is None
    assert answer(events) == "Okay, I won't do that."
    assert json.loads(b.history[-2].text)[0]["error"] == "declined"


def test_a_list_of_deletes_is_one_question_and_one_yes_runs_them_all() -> None:
    """"remove notes 3 and 7": one question for both, not one after the other."""
    batch = render_lfm2([ToolCall("delete_note", {"note_id": 3}),
                         ToolCall("delete_note", {"note_id": 7}),
                         ToolCall("add_note", {"text": "eggs"})])
    ledger = Ledger()
    b = bot(batch, " ", ledger=ledger)
    asked = [e for e in run(b, "remove notes 3 and 7, and note eggs")
             if isinstance(e, ConfirmationRequested)]
    assert [e.prompt for e in asked] == [
        "Should I delete note with note id 3 and with note id 7? Say yes or no."]
    events = list(b.confirm("yes"))
    assert not any(isinstance(e, ConfirmationRequested) for e in events)
    assert ledger.done == [("delete_note", {"note_id": 3}), ("delete_note", {"note_id": 7}),
                           ("add_note", {"text": "eggs"})]
    b = bot(batch, " ", ledger=(ledger := Ledger()))
    run(b, "remove notes 3 and 7, and note eggs")
    events = list(b.confirm("no"))
    assert ledger.done == [] and answer(events) == "Okay, I won't do that."
    assert [r["error"] for r in json.loads(b.history[-2].text)] == ["declined", "declined"]


def test_a_call_asked_about_with_others_that_needs_a_choice_asks_it_after_the_yes() -> None:
    batch = render_lfm2([ToolCall("log_dose", {"drug": "metformin", "amount": 500, "unit": "mg"}),
                         ToolCall("log_dose", {"drug": "hydr", "amount": 25, "unit": "mg"})])
    ledger = Ledger()
    b = bot(call("read_notes"), batch, "Logged both.", ledger=ledger)
    asked = [e for e in run(b, "read my notes, then log them") if isinstance(e, ConfirmationRequested)]
    assert len(asked) == 1 and "and with drug hydr" in asked[0].prompt  # after untrusted text
    events = list(b.confirm("yes"))
    metformin = [("log_dose", {"drug": "metformin", "amount": 500, "unit": "mg"})]
    assert ledger.done == metformin
    # The toy's name question after a yes (the real formulary offers its candidates)
    assert [e.call.arguments["drug"] for e in events if isinstance(e, ConfirmationRequested)] == [
        "hydr"]
    events = list(b.confirm("no"))
    assert ledger.done == metformin and answer(events) == "log_dose done. Okay, I won't do that."


def test_spoken_yes_confirms_and_new_request_drops_question() -> None:
    ledger = Ledger()
    b = bot(call("delete_note", note_id=1), "Deleted.", ledger=ledger)
    run(b, "delete note 1")
    run(b, "yes")
    assert ledger.done == [("delete_note", {"note_id": 1})]

    b = bot(call("delete_note", note_id=1), "It is noon.", ledger=ledger)
    run(b, "delete note 1")
    events = run(b, "what time is it")
    assert b.pending is None and answer(events) == "It is noon."
    assert ledger.done == [("delete_note", {"note_id": 1})]  # still only the first one


def test_ambiguous_drug_asks_with_candidates_and_runs_the_choice() -> None:
    ledger = Ledger()
    b = bot(call("log_dose", drug="hydr", amount=25, unit="mg"), "Logged.", ledger=ledger)
    events = run(b, "log 25 mg of hydr...")
    ask = next(e for e in events if isinstance(e, ConfirmationRequested))
    assert ask.options == ("hydroxyzine", "hydralazine")
    assert ledger.done == []
    list(b.confirm("yes"))  # a bare yes does not pick one of two
    assert ledger.done == [] and b.pending is not None
    events = list(b.confirm("the second one"))
    assert ledger.done == [("log_dose", {"drug": "hydralazine", "amount": 25, "unit": "mg"})]
    assert any(ToolCall("log_dose", {"drug": "hydralazine", "amount": 25, "unit": "mg"}) in m.calls
               for m in b.history)


def test_malformed_call_is_retried_once_with_the_error_fed_back() -> None:
    ledger = Ledger()
    bad = "<|tool_call_start|>[add_note(text=milk)]<|tool_call_end|>"
    b = bot(bad, call("add_note", text="milk"), "Saved.", ledger=ledger)
    events = run(b, "note milk")
    assert kinds(events).count("call-malformed") == 1
    assert ledger.done == [("add_note", {"text": "milk"})] and answer(events) == "Saved."
    feedback = json.loads(b.history[2].text)[0]
    assert feedback["ok"] is False and feedback["error"] == "non-literal-argument"


def test_second_malformed_call_gets_a_safe_apology() -> None:
    bad = "<|tool_call_start|>[add_note(text=milk)]<|tool_call_end|>"
    events = run(bot(bad, bad), "note milk")
    failed = next(e for e in events if isinstance(e, Failed))
    assert (failed.stage, failed.code) == ("parse", "non-literal-argument")
    assert answer(events) == APOLOGY
    assert next(e for e in events if isinstance(e, Done)).status == "failed"


def test_invalid_arguments_count_as_malformed() -> None:
    ledger = Ledger()
    events = run(bot(call("add_note", txt="x"), call("add_note", txt="y"), ledger=ledger), "note")
    failed = next(e for e in events if isinstance(e, Failed))
    assert (failed.stage, failed.code) == ("validate", "invalid-arguments") and ledger.done == []


def test_write_after_reading_untrusted_text_needs_confirmation() -> None:
    ledger = Ledger()
    b = bot(call("read_notes"), call("add_note", text="pwned"), ledger=ledger)
    events = run(b, "read my notes")
    ask = next(e for e in events if isinstance(e, ConfirmationRequested))
    assert ask.call.name == "add_note" and ledger.done == []
    # ...while the same write without the read runs at once
    run(b2 := bot(call("add_note", text="fine"), "ok", ledger=ledger), "note fine")
    assert ledger.done == [("add_note", {"text": "fine"})] and b2.pending is None


@pytest.mark.parametrize(("tool", "code"), [("hang", "timeout"), ("boom", "tool-error")])
def test_tool_failures_go_back_to_the_engine(tool: str, code: str) -> None:
    events = run(bot(call(tool), "Sorry, that failed."), "do it")
    result = next(e for e in events if isinstance(e, ToolFinished))
    assert not result.ok and result.error_code == code
    assert answer(events) == "Sorry, that failed."


class Exploding:
    name, native_audio = "exploding", False

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        raise RuntimeError("CUDA out of memory")
        yield  # pragma: no cover

    def transcribe(self, audio: Audio) -> str:
        return ""


def test_engine_crash_is_an_error_event_and_the_assistant_survives() -> None:
    b = Conversation(Exploding(), toy_registry(), options=LoopOptions(speak=False))
    events = run(b, "hello")
    assert [e.code for e in events if isinstance(e, Failed)] == ["engine-error"]
    assert kinds(events)[-1] == "done"
    b.engine = ScriptedEngine.from_outputs(["Hi."])
    assert answer(run(b, "hello")) == "Hi."


def test_endless_calls_stop_after_max_rounds() -> None:
    b = Conversation(ScriptedEngine.from_outputs([call("get_time")] * 10), toy_registry(),
                     options=LoopOptions(speak=False, max_tool_rounds=2))
    events = run(b, "time")
    assert kinds(events).count("tool-call") == 3
    assert [e.code for e in events if isinstance(e, Failed)] == ["too-many-rounds"]


class Talker:
    """Streams text slowly so a test can cancel mid-generation."""

    name, native_audio = "talker", False

    def __init__(self) -> None:
        self.stopped_at: int | None = None

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        from assistant.events import TextDelta

        for i in range(1000):
            if cancel.is_set():
                self.stopped_at = i
                return
            yield TextDelta("word ")
        yield Reply("never")

    def transcribe(self, audio: Audio) -> str:
        return ""


def test_cancel_stops_generation_at_once() -> None:
    engine, cancel = Talker(), threading.Event()
    b = Conversation(engine, toy_registry(), options=LoopOptions(speak=False))
    seen = []
    for event in b.turn(UserInput(text="talk"), cancel):
        seen.append(event)
        if len(seen) == 5:
            cancel.set()
    assert seen[-1] == Done(turn=1, status="cancelled", t=seen[-1].t)
    assert engine.stopped_at is not None and engine.stopped_at < 10
    assert not any(isinstance(e, Answer) for e in seen)


class Voice:
    name = "toy-tts"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def synthesize(self, text: str) -> Audio:
        if self.fail:
            raise OSError("no voice")
        return Audio(np.zeros(1600, dtype=np.float32), 16_000)


def test_tts_speaks_the_answer_and_a_tts_failure_keeps_the_text() -> None:
    b = Conversation(ScriptedEngine.from_outputs(["Hello."]), toy_registry(), tts=Voice())
    events = run(b, "hi")
    assert kinds(events) == ["turn-started", "reply", "answer", "speaking", "audio", "done"]
    b = Conversation(ScriptedEngine.from_outputs(["Hello."]), toy_registry(), tts=Voice(fail=True))
    events = run(b, "hi")
    assert answer(events) == "Hello." and [e.code for e in events if isinstance(e, Failed)] == ["tts-failed"]
    assert next(e for e in events if isinstance(e, Done)).status == "answered"


def test_audio_turn_transcript_is_kept_beside_the_audio() -> None:
    engine = ScriptedEngine(asr=lambda audio: "what time is it")
    b = Conversation(engine, toy_registry(), options=LoopOptions(speak=False))
    tone = 0.1 * np.sin(2 * np.pi * 220 * np.arange(16_000) / 16_000)  # audible: not rejected
    clip = Audio(tone.astype(np.float32), 16_000)
    events = list(b.turn(UserInput(audio=clip)))
    assert [e.text for e in events if isinstance(e, Heard)] == ["what time is it"]
    assert b.history[0].text == "what time is it" and b.history[0].audio is clip
    assert any(isinstance(e, AudioChunk) for e in events) is False
    assert answer(events) == "It is noon."


def test_history_is_bounded_and_starts_with_a_user_turn() -> None:
    b = Conversation(ScriptedEngine.from_outputs(["ok"] * 30), toy_registry(),
                     options=LoopOptions(speak=False, max_history_messages=6))
    for i in range(15):
        run(b, f"hello {i}")
    assert len(b.history) <= 6 and b.history[0].role == "user"
    assert b.history[-2].text == "hello 14"


def test_events_serialise_to_json() -> None:
    b = Conversation(ScriptedEngine.from_outputs([call("get_time"), "Noon."]), toy_registry(), tts=Voice())
    for event in run(b, "time"):
        json.dumps(event.to_dict())


def test_empty_model_answer_becomes_an_apology() -> None:
    events = run(bot("   "), "the kettle")  # no small talk, which is answered in kind (test_talk)
    assert [e.code for e in events if isinstance(e, Failed)] == ["empty-reply"]
    assert answer(events) == APOLOGY  # "say it another way": the model did not know what to do
    assert next(e for e in events if isinstance(e, Done)).status == "failed"


def test_nothing_said_after_a_tool_result_speaks_the_tools_own_summary() -> None:
    """Small brains often end the turn after a tool result without a word; the tool's summary
    is then the answer (not an apology for a turn that worked)."""
    ledger = Ledger()
    events = run(bot(call("add_note", text="buy milk"), " ", ledger=ledger), "note buy milk")
    assert ledger.done == [("add_note", {"text": "buy milk"})]
    assert answer(events) == "add_note done."
    assert not [e for e in events if isinstance(e, Failed)]
    assert next(e for e in events if isinstance(e, Done)).status == "answered"


def test_nothing_said_after_a_confirmed_call_speaks_what_the_tool_said() -> None:
    """Also after a yes, and a tool's failure is said as the tool put it (not an apology)."""
    ledger = Ledger()
    b = bot(call("delete_note", note_id=3), " ", ledger=ledger)
    run(b, "delete note 3")
    events = list(b.confirm("yes"))
    assert ledger.done == [("delete_note", {"note_id": 3})]
    assert answer(events) == "delete_note done."
    assert next(e for e in events if isinstance(e, Done)).status == "answered"
    events = run(bot(call("boom"), ""), "boom")
    finished = next(e for e in events if isinstance(e, ToolFinished))
    assert not finished.ok and "disk on fire" in finished.message  # the log has the details
    assert answer(events) == CRASHED  # the user hears that it failed, not a traceback



def test_a_batch_goes_on_after_a_yes_and_stops_after_a_no() -> None:
    """"Note milk, delete note 3 and note eggs": the delete is confirmed first; the call after it
    in the batch runs after a yes (it used to be lost), not after a no, and what the first call
    said is told with the answer either way."""
    batch = render_lfm2([ToolCall("add_note", {"text": "milk"}),
                         ToolCall("delete_note", {"note_id": 3}),
                         ToolCall("add_note", {"text": "eggs"})])
    ledger = Ledger()
    b = bot(batch, " ", ledger=ledger)
    asked = run(b, "note milk, delete note 3 and note eggs")
    assert any(isinstance(e, ConfirmationRequested) for e in asked)
    assert ledger.done == [("add_note", {"text": "milk"})]
    events = list(b.confirm("yes"))
    assert ledger.done == [("add_note", {"text": "milk"}), ("delete_note", {"note_id": 3}),
                           ("add_note", {"text": "eggs"})]
    # The toys say "add_note done." for each note: the same words are said once.
    assert answer(events) == "add_note done. delete_note done."
    ledger = Ledger()
    b = bot(batch, " ", ledger=ledger)
    run(b, "note milk, delete note 3 and note eggs")
    events = list(b.confirm("no"))
    assert ledger.done == [("add_note", {"text": "milk"})]
    assert answer(events) == "add_note done. Okay, I won't do that."

# --- any engine output: the turn never raises ---------------------------------------------------

_FRAGMENTS = st.sampled_from([
    "<|tool_call_start|>", "<|tool_call_end|>", "[", "]", "(", ")", "{", "}", ", ", " ", "\n",
    '"name": ', '"arguments": ', '"get_time"', "{}", "null", "true", "1e999", "get_time()",
    "add_note(text=", "'milk'", "5", "delete_note(note_id=", "log_dose(drug=", "x=", "**", "=",
])
_PIECES = st.one_of(
    _FRAGMENTS,
    st.text(max_size=8),
    st.binary(max_size=8).map(lambda b: b.decode("utf-8", errors="replace")),
)
_OUTPUTS = st.lists(st.lists(_PIECES, max_size=10).map("".join), min_size=1, max_size=4)


def _turn_ends_cleanly(events: list[Event]) -> None:
    assert isinstance(events[-1], Done) and sum(isinstance(e, Done) for e in events) == 1
    assert all(e.errors for e in events if isinstance(e, CallMalformed))


@settings(max_examples=200, deadline=None)
@given(_OUTPUTS)
def test_no_engine_output_makes_the_turn_raise(outputs: list[str]) -> None:
    b = bot(*outputs)
    _turn_ends_cleanly(run(b, "do something"))
    if b.pending is not None:  # a fuzzed destructive call waits for the user: answering works too
        _turn_ends_cleanly(list(b.confirm("no")))
    b.engine = ScriptedEngine.from_outputs(["Hi."])
    b.pending = None
    assert answer(run(b, "hello")) == "Hi."  # and the assistant keeps working


def test_empty_call_block_is_retried_then_apologised_for() -> None:
    # Once CallMalformed(errors=()) and an IndexError in the loop.
    b = bot("<|tool_call_start|>[ ]<|tool_call_end|>", "<|tool_call_start|>[ ]<|tool_call_end|>")
    events = run(b, "hello")
    failed = next(e for e in events if isinstance(e, Failed))
    assert (failed.stage, failed.code) == ("parse", "empty-call") and answer(events) == APOLOGY
    assert kinds(events).count("call-malformed") == 2


class Errorless:
    """An engine of its own that reports a malformed call without saying why."""

    name, native_audio = "errorless", False

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        yield CallMalformed(errors=(), raw="<|tool_call_start|>?")

    def transcribe(self, audio: Audio) -> str:
        return ""


def test_malformed_call_without_errors_is_handled() -> None:
    events = run(Conversation(Errorless(), toy_registry(), options=LoopOptions(speak=False)), "hi")
    failed = next(e for e in events if isinstance(e, Failed))
    assert (failed.stage, failed.code) == ("parse", "malformed-call")
    assert next(e for e in events if isinstance(e, Done)).status == "failed"


class Sloppy:
    """A custom engine whose events break their types at run time."""

    name, native_audio = "sloppy", False

    def __init__(self, event: Event) -> None:
        self.event = event

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        yield self.event

    def transcribe(self, audio: Audio) -> str:
        return ""


@pytest.mark.parametrize("event", [
    Reply(text=None),  # type: ignore[arg-type]
    CallsProposed(calls=(ToolCall("get_time", None),), raw=""),  # type: ignore[arg-type]
])
def test_an_engine_event_of_the_wrong_shape_costs_one_turn(event: Event) -> None:
    b = Conversation(Sloppy(event), toy_registry(), options=LoopOptions(speak=False))
    events = run(b, "hi")
    assert [(e.stage, e.code) for e in events if isinstance(e, Failed)] == [("loop", "internal-error")]
    assert answer(events) == APOLOGY and kinds(events)[-1] == "done"
    b.engine = ScriptedEngine.from_outputs(["Hi."])
    assert answer(run(b, "hello")) == "Hi."
