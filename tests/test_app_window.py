"""The desktop window, driven offscreen with pytest-qt: the scripted engine, the real turn loop,
small real tools, and fake microphone / speaker. Checks what the user would see and hear."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6", reason="the app extra is not installed")
pytest.importorskip("pytestqt")

from app_fakes import FakePlayer, FakeRecorder, FakeVoice
from PySide6.QtCore import Qt

from assistant.app.audio_io import AudioIO
from assistant.app.bridge import Bridge
from assistant.app.cards import Bubble, ConfirmationCard, Notice, ToolCard
from assistant.app.portaudio import DeviceError
from assistant.app.runtime import LoadError, Runtime
from assistant.app.settings import Settings
from assistant.app.widgets import State
from assistant.app.window import MainWindow
from assistant.audio import Audio
from assistant.engine import Request
from assistant.engines.scripted import ScriptedEngine
from assistant.events import Event, Notification
from assistant.loop import Conversation, LoopOptions
from assistant.tools.base import NeedsConfirmation, SideEffect, Tool
from assistant.tools.registry import Registry

OBJ = {"type": "object", "additionalProperties": False}


# --- fakes ------------------------------------------------------------------------------------


class SlowEngine(ScriptedEngine):
    """Thinks 'forever' about stories: only barge-in (the cancel event) ends the generation."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.cancelled_after: float | None = None

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        last = request.history[-1]
        if last.role == "user" and "story" in last.text:
            start = time.monotonic()
            cancel.wait(20)
            self.cancelled_after = time.monotonic() - start
            return
        yield from super().respond(request, cancel)


def tools(notify: Any, done: list[tuple[str, dict[str, Any]]]) -> Registry:
    def get_weather(location: str, day: str = "today") -> dict[str, Any]:
        return {"summary": f"It's 18 degrees and sunny in {location}.", "temperature_c": 18}

    def delete_note(note_id: int) -> dict[str, Any]:
        done.append(("delete_note", {"note_id": note_id}))
        return {"summary": f"Deleted note {note_id}."}

    def log_dose(drug: str, amount: float, unit: str, confirmed: bool = False) -> dict[str, Any]:
        if drug not in ("metformin", "metoprolol"):
            raise NeedsConfirmation("Did you mean metformin or metoprolol?", "drug",
                                    ["metformin", "metoprolol"])
        done.append(("log_dose", {"drug": drug, "amount": amount, "unit": unit}))
        return {"summary": f"Logged {amount:g} {unit} of {drug}."}

    def set_timer(seconds: int, label: str = "") -> dict[str, Any]:
        name = label or "timer"
        threading.Timer(seconds, lambda: notify(Notification(
            title=f"{name.capitalize()} done", message=f"Your {seconds} s {name} is up."))).start()
        return {"summary": f"Timer set for {seconds} seconds."}

    s = {"type": "string"}
    return Registry([
        Tool("get_weather", "Weather.", {**OBJ, "properties": {"location": s, "day": s},
                                         "required": ["location"]}, get_weather),
        Tool("delete_note", "Delete a note.", {**OBJ, "properties": {"note_id": {"type": "integer"}},
                                               "required": ["note_id"]},
             delete_note, SideEffect.DESTRUCTIVE),
        Tool("log_dose", "Log a dose.", {**OBJ, "properties": {"drug": s, "amount": {"type": "number"},
                                                               "unit": s},
                                         "required": ["drug", "amount", "unit"]},
             log_dose, SideEffect.WRITE, accepts_confirmation=True),
        Tool("set_timer", "Set a timer.", {**OBJ, "properties": {"seconds": {"type": "integer",
                                                                             "minimum": 1},
                                                                 "label": s},
                                           "required": ["seconds"]}, set_timer, SideEffect.WRITE),
    ])


class Harness:
    def __init__(self, qtbot: Any, *, recorder: FakeRecorder | None = None,
                 fail_load: str | None = None) -> None:
        self.qtbot = qtbot
        self.heard: dict[int, str] = {}  # id(audio) -> what the fake ASR "hears"
        self.done: list[tuple[str, dict[str, Any]]] = []
        self.voice = FakeVoice()
        self.engine = SlowEngine(asr=lambda audio: self.heard[id(audio)])
        self.recorder = recorder if recorder is not None else FakeRecorder()
        self.player, self.chime = FakePlayer(), FakePlayer()

        def build(settings: Settings, notify: Any, progress: Any) -> Runtime:
            progress("Loading the scripted engine…")
            if fail_load:
                raise LoadError(fail_load)
            assistant = Conversation(self.engine, tools(notify, self.done), tts=self.voice,
                                     options=LoopOptions(speak=True))
            return Runtime(assistant, "scripted · fake voice")

        self.bridge = Bridge(build)
        self.window = MainWindow(self.bridge, Settings(engine="scripted"),
                                 AudioIO(self.recorder, self.player, self.chime))
        qtbot.addWidget(self.window)
        self.window.show()
        self.window.load()
        if fail_load is None:
            qtbot.waitUntil(lambda: self.bridge.ready and self.window.indicator.state is State.IDLE)

    def say(self, text: str) -> None:
        """Hold Space, 'speak' `text`, let go."""
        clip = Audio(np.full(16_000, 0.2, np.float32), 16_000)
        self.heard[id(clip)] = text
        self.recorder.clips.append(clip)
        self.qtbot.keyPress(self.window, Qt.Key.Key_Space)
        self.qtbot.keyRelease(self.window, Qt.Key.Key_Space)

    def write(self, text: str) -> None:
        self.window.entry.setText(text)
        self.window.send_text()

    def items[T](self, cls: type[T]) -> list[T]:
        return self.window.conversation.of_type(cls)

    def answers(self) -> list[str]:
        return [b.text() for b in self.items(Bubble) if b.who == "assistant"]

    def idle(self) -> bool:
        return self.window.current is None

    def close(self) -> None:
        self.window.close()


@pytest.fixture
def app(qtbot: Any) -> Iterator[Harness]:
    h = Harness(qtbot)
    yield h
    h.close()


# --- tests ------------------------------------------------------------------------------------


def test_push_to_talk_turn_shows_transcript_tool_card_answer_and_speaks(app: Harness,
                                                                        qtbot: Any) -> None:
    clip = Audio(np.full(16_000, 0.2, np.float32), 16_000)
    app.heard[id(clip)] = "what's the weather in Paris"
    app.recorder.clips.append(clip)
    qtbot.keyPress(app.window, Qt.Key.Key_Space)
    assert app.window.indicator.state is State.LISTENING and app.recorder.recording
    qtbot.waitUntil(lambda: app.window.meter.level > 0.3)  # the live meter follows the mic
    qtbot.keyRelease(app.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(app.answers() and app.player.played))

    user = [b for b in app.items(Bubble) if b.who == "user"]
    assert [b.text() for b in user] == ["what's the weather in Paris"]  # the Heard transcript
    [card] = app.items(ToolCard)
    assert card.call.name == "get_weather" and card.call.arguments == {"location": "Paris"}
    assert card.ok is True and "18 degrees" in card.result.text()
    assert "ms" in card.timing.text() or " s" in card.timing.text()
    assert app.answers() == ["It's 18 degrees and sunny in Paris."]
    assert app.voice.said == ["It's 18 degrees and sunny in Paris."]
    assert app.window.indicator.state is State.SPEAKING
    app.player.finish()
    qtbot.waitUntil(lambda: app.window.indicator.state is State.IDLE)
    assert app.window.talk.text().startswith("Hold to talk")


def test_destructive_call_confirmed_by_click(app: Harness, qtbot: Any) -> None:
    app.write("delete note 3")
    qtbot.waitUntil(lambda: bool(app.items(ConfirmationCard)) and app.idle())
    [card] = app.items(ConfirmationCard)
    prompt = card.findChild(type(card.outcome), "confirmPrompt")
    assert prompt is not None and "delete note" in prompt.text().lower()
    assert set(card.buttons) == {"Yes", "No"} and app.done == []
    assert app.window.indicator.state in (State.CONFIRM, State.SPEAKING)
    qtbot.mouseClick(card.buttons["Yes"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.done == [("delete_note", {"note_id": 3})])
    qtbot.waitUntil(lambda: "Deleted note 3." in app.answers())
    assert not card.open and "Yes" in card.outcome.text()


def test_ambiguous_drug_candidates_answered_by_click(app: Harness, qtbot: Any) -> None:
    app.write("log 500 mg of metformn")
    qtbot.waitUntil(lambda: bool(app.items(ConfirmationCard)) and app.idle())
    [card] = app.items(ConfirmationCard)
    assert list(card.buttons) == ["metformin", "metoprolol", "Cancel"]
    qtbot.mouseClick(card.buttons["metoprolol"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(app.done))
    assert app.done == [("log_dose", {"drug": "metoprolol", "amount": 500, "unit": "mg"})]
    qtbot.waitUntil(lambda: "Logged 500 mg of metoprolol." in app.answers())


def test_confirmation_answered_by_voice(app: Harness, qtbot: Any) -> None:
    app.write("log 500 mg of metformn")
    qtbot.waitUntil(lambda: bool(app.items(ConfirmationCard)) and app.idle())
    app.say("the first one")
    qtbot.waitUntil(lambda: bool(app.done))
    assert app.done[0][1]["drug"] == "metformin"
    [card] = app.items(ConfirmationCard)
    assert not card.open
    qtbot.waitUntil(lambda: card.outcome.text() == "You replied: “the first one”")


def test_barge_in_stops_playback_at_once(app: Harness, qtbot: Any) -> None:
    app.write("what's the weather in Rome")
    qtbot.waitUntil(lambda: app.player.playing)
    stops = app.player.stops
    qtbot.keyPress(app.window, Qt.Key.Key_Space)  # talk while it speaks
    assert app.player.stops == stops + 1 and not app.player.playing  # synchronously, no wait
    assert app.window.indicator.state is State.LISTENING and app.recorder.recording
    app.recorder.clips.append(Audio(np.zeros(160, np.float32), 16_000))  # a tap, too short
    qtbot.keyRelease(app.window, Qt.Key.Key_Space)
    assert app.items(Notice)[-1].title.text().endswith("Too short")


def test_barge_in_cancels_generation_and_drops_its_audio(app: Harness, qtbot: Any) -> None:
    app.write("tell me a long story")
    qtbot.waitUntil(lambda: app.window.indicator.state is State.THINKING)
    time.sleep(0.1)
    token = app.window.current
    assert token is not None
    app.say("what's the weather in Oslo")  # barge in with a new request
    qtbot.waitUntil(lambda: app.engine.cancelled_after is not None)
    # Generation stopped on the cancel, not at its 20 s limit.
    assert app.engine.cancelled_after is not None and app.engine.cancelled_after < 2.0
    qtbot.waitUntil(lambda: "It's 18 degrees and sunny in Oslo." in app.answers())
    story = next(b for b in app.items(Bubble) if b.who == "user")
    qtbot.waitUntil(lambda: "interrupted" in story.caption.text())
    assert len(app.player.played) == 1  # only the Oslo answer was spoken


def test_closing_the_window_destroys_it_and_its_bridge_on_the_gui_thread(qtbot: Any) -> None:
    # Regression: the bridge had no parent, so Python's cyclic collector destroyed it (and the
    # window) on whichever thread it ran, often the next model thread; Qt then crashed.
    from PySide6.QtCore import QCoreApplication, QEvent

    bridge = Bridge(lambda settings, notify, progress: Runtime(
        Conversation(ScriptedEngine(), Registry([])), "scripted"))
    window = MainWindow(bridge, Settings(engine="scripted"),
                        AudioIO(FakeRecorder(), FakePlayer(), FakePlayer()))
    where: list[str] = []
    for obj in (window, bridge):
        obj.destroyed.connect(lambda *_: where.append(threading.current_thread().name),
                              Qt.ConnectionType.DirectConnection)
    window.load()
    qtbot.waitUntil(lambda: bridge.ready)
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert where == [threading.main_thread().name] * 2


def test_timer_rings_while_another_turn_runs(app: Harness, qtbot: Any) -> None:
    app.write("set a timer for 1 second")
    qtbot.waitUntil(lambda: "Timer set for 1 seconds." in app.answers())
    app.player.finish()
    app.write("tell me a long story")  # keeps the worker busy while the timer fires
    qtbot.waitUntil(lambda: any(n.kind == "alarm" for n in app.items(Notice)), timeout=5000)
    [alarm] = [n for n in app.items(Notice) if n.kind == "alarm"]
    assert "Timer done" in alarm.title.text() and "1 s timer is up" in alarm.message.text()
    assert app.window.current is not None  # the story turn was still running
    assert len(app.chime.played) == 1 and app.chime.played[0].duration_s > 0.3
    app.window.interrupt()


def test_starts_without_microphone_and_says_so(qtbot: Any) -> None:
    h = Harness(qtbot, recorder=FakeRecorder(fail=str(DeviceError.no_device("input"))))
    try:
        qtbot.keyPress(h.window, Qt.Key.Key_Space)
        qtbot.keyRelease(h.window, Qt.Key.Key_Space)
        [notice] = [n for n in h.items(Notice) if n.kind == "error"]
        assert "No microphone found" in notice.message.text()
        assert "Settings" in notice.message.text()
        h.write("what's the weather in Lima")  # typing still works
        qtbot.waitUntil(lambda: "It's 18 degrees and sunny in Lima." in h.answers())
    finally:
        h.close()


def test_load_failure_is_a_readable_message(qtbot: Any) -> None:
    h = Harness(qtbot, fail_load="Missing weights: run `make weights` or choose a model directory.")
    try:
        qtbot.waitUntil(lambda: h.window.indicator.state is State.UNAVAILABLE)
        [notice] = [n for n in h.items(Notice) if n.kind == "error"]
        assert "Could not load" in notice.title.text() and "make weights" in notice.message.text()
        assert h.window.load_bar.isHidden()
        qtbot.keyPress(h.window, Qt.Key.Key_Space)
        assert h.items(Notice)[-1].title.text().endswith("Not ready yet")
    finally:
        h.close()


def test_talk_button_returns_to_talk_when_nothing_is_audible(app: Harness, qtbot: Any) -> None:
    app.player.play = lambda audio: None  # type: ignore[method-assign]  # a speaker that finished
    app.write("what's the weather in Quito")
    qtbot.waitUntil(lambda: "It's 18 degrees and sunny in Quito." in app.answers())
    qtbot.waitUntil(app.idle)
    assert app.window.indicator.state is State.IDLE
    assert app.window.talk.text().startswith("Hold to talk")
