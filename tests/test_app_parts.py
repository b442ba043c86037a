"""The app's non-window parts: settings persistence, the player queue over the device layer,
the recorder adapter, device messages, the global hotkey's honesty, the real runtime builder
(scripted engine + the real tool catalogue, whose scheduler rings a timer into the window), and
the conversation view's scrolling."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6", reason="the app extra is not installed")

from assistant.app import _overrides
from assistant.app import settings as store
from assistant.app.player import DevicePlayer, chime
from assistant.app.portaudio import DeviceError
from assistant.app.recorder import DeviceRecorder, meter_level
from assistant.audio import Audio
from assistant.audio.io import AudioError

# --- settings ---------------------------------------------------------------------------------


def test_settings_round_trip_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.json"
    assert store.load(path).settings == store.Settings()  # no file: defaults, no warning
    chosen = store.Settings(engine="lfm2", variant="two-step", model_dir="/models/lfm",
                            tts="espeak", voice="en-us", input_device="USB Mic", speak=False,
                            home="Leeds")
    store.save(chosen, path)
    loaded = store.load(path)
    assert loaded.settings == chosen and loaded.warning is None
    namespace = type("Args", (), {"engine": "scripted", "model_dir": Path("/x"), "tts": None,
                                  "home": "Paris, Texas"})()
    assert chosen.with_overrides(**_overrides(namespace)) == store.Settings(
        engine="scripted", variant="two-step", model_dir="/x", tts="espeak", voice="en-us",
        input_device="USB Mic", speak=False, home="Paris, Texas")
    with pytest.raises(ValueError, match="engine must be one of"):
        store.Settings(engine="gpt").validated()


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"engine": "gpt"}', '{"speak": "yes"}'])
def test_bad_settings_file_is_kept_and_defaults_used(tmp_path: Path, content: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content)
    loaded = store.load(path)
    assert loaded.settings == store.Settings()
    assert loaded.warning is not None and "could not be read" in loaded.warning
    assert (tmp_path / "settings.json.bad").read_text() == content  # nothing lost


def test_unknown_keys_from_newer_versions_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"engine": "lfm2", "theme": "dark"}))
    assert store.load(path).settings.engine == "lfm2"


# --- player -----------------------------------------------------------------------------------


class FakeOutput:
    """Stands in for assistant.audio.devices.Player: one clip at a time, `wait`, `stop`."""

    def __init__(self, clip_s: float = 0.3) -> None:
        self.clips: list[Audio] = []
        self.stops = 0
        self._done = threading.Event()
        self._done.set()
        self.clip_s = clip_s

    def play(self, audio: Audio) -> None:
        self.clips.append(audio)
        self._done.clear()
        threading.Timer(self.clip_s, self._done.set).start()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def stop(self) -> None:
        self.stops += 1
        self._done.set()


def tone(seconds: float, rate: int = 24_000) -> Audio:
    return Audio(np.full(int(seconds * rate), 0.1, np.float32), rate)


def wait_for(condition: Any, timeout: float = 3.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_player_joins_chunks_that_arrive_while_speaking() -> None:
    out = FakeOutput(clip_s=0.3)
    player = DevicePlayer(output=out)
    try:
        player.play(tone(0.1))
        wait_for(lambda: len(out.clips) == 1)
        for _ in range(3):  # streamed chunks arrive while the first plays
            player.play(tone(0.1))
        player.play(Audio(np.full(1600, 0.1, np.float32), 16_000))  # another rate: resampled
        assert player.playing
        wait_for(lambda: len(out.clips) == 2)
        assert out.clips[1].sample_rate == 24_000
        assert abs(out.clips[1].duration_s - 0.4) < 0.01  # four chunks, one seam
        wait_for(lambda: not player.playing)
    finally:
        player.close()


def test_player_stop_is_immediate_and_drops_the_queue() -> None:
    out = FakeOutput(clip_s=5.0)
    player = DevicePlayer(output=out)
    try:
        player.play(tone(0.2))
        wait_for(lambda: len(out.clips) == 1)
        player.play(tone(0.2))
        start = time.monotonic()
        player.stop()
        assert time.monotonic() - start < 0.05 and out.stops == 1 and not player.playing
        time.sleep(0.2)
        assert len(out.clips) == 1  # the queued chunk never played
        player.play(tone(0.1))  # and the player still works afterwards
        wait_for(lambda: len(out.clips) == 2)
    finally:
        player.close()


def test_chime_is_audible_and_short() -> None:
    bell = chime()
    assert 0.5 < bell.duration_s < 1.0 and 0.05 < float(np.abs(bell.samples).max()) <= 0.4


# --- recorder and device messages -------------------------------------------------------------


def test_recorder_reports_no_microphone_readably(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.audio import devices

    class NoMic:
        def __init__(self, device: Any, on_level: Any) -> None:
            self.on_level = on_level

        def start(self) -> None:
            raise AudioError("no-input-device", "no audio input device found")

    monkeypatch.setattr(devices, "Recorder", NoMic)
    with pytest.raises(DeviceError, match=r"No microphone found.*Settings"):
        DeviceRecorder().start()


def test_recorder_level_and_audio_come_from_the_device_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.audio import devices

    class Mic:
        def __init__(self, device: Any, on_level: Any) -> None:
            self.device, self.on_level = device, on_level

        def start(self) -> None:
            self.on_level(-12.0)

        def stop(self) -> Audio:
            return Audio.silence(0.5)

    monkeypatch.setattr(devices, "Recorder", Mic)
    rec = DeviceRecorder("USB Mic")
    rec.start()
    assert rec.level() == pytest.approx(meter_level(-12.0)) == pytest.approx(0.8)
    assert rec.stop().duration_s == 0.5 and rec.level() == 0.0


def test_busy_device_message_names_the_fix() -> None:
    class PortAudioError(Exception):
        pass

    try:
        try:
            raise PortAudioError("Error opening InputStream: Device unavailable", -9985)
        except PortAudioError:
            raise AudioError("device-error", "cannot open the microphone") from None
    except AudioError as exc:
        message = str(DeviceError.from_audio_error(exc, "input"))
    assert "busy" in message and "another program" in message
    missing = str(DeviceError.from_audio_error(AudioError("portaudio-missing", "x"), "output"))
    assert "libportaudio2" in missing


def test_startup_check_without_any_sound_device_says_so() -> None:
    from assistant.app.portaudio import check

    # This machine (and CI) has no sound card: the check must say so, not raise.
    problem = check("input")
    if problem is None:
        pytest.skip("this machine has a microphone")
    assert "microphone" in problem.lower() or "PortAudio" in problem


# --- global hotkey ----------------------------------------------------------------------------


def test_global_hotkey_explains_itself_without_a_display(monkeypatch: pytest.MonkeyPatch,
                                                         qtbot: Any) -> None:
    from assistant.app.hotkey import GlobalHotkey, platform_note

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    note = platform_note()
    assert note is not None and "Space" in note
    hotkey = GlobalHotkey("f9")
    message = hotkey.start()  # no X display here: a message, never an exception
    assert message is not None and "Space" in message and not hotkey.running
    hotkey.stop()


# --- the real runtime: scripted engine + the real tool catalogue ------------------------------


def test_real_runtime_rings_a_timer_in_the_window(tmp_path: Path, qtbot: Any) -> None:
    from functools import partial

    from app_fakes import FakePlayer

    from assistant.app.audio_io import AudioIO
    from assistant.app.bridge import Bridge
    from assistant.app.cards import Notice, ToolCard
    from assistant.app.runtime import Extras, build_runtime
    from assistant.app.settings import Settings
    from assistant.app.widgets import State
    from assistant.app.window import MainWindow

    player, bell = FakePlayer(), FakePlayer()
    bridge = Bridge(partial(build_runtime, extras=Extras(data_dir=tmp_path)))
    window = MainWindow(bridge, Settings(engine="scripted", tts="none"),
                        AudioIO(None, player, bell, input_problem="No microphone found."))
    qtbot.addWidget(window)
    window.load()
    qtbot.waitUntil(lambda: window.indicator.state is State.IDLE, timeout=20_000)
    assert window.subtitle.text() == "scripted engine · text only"
    window.entry.setText("set a tea timer for 1 second")
    window.send_text()
    qtbot.waitUntil(lambda: any(n.kind == "alarm" for n in window.conversation.of_type(Notice)),
                    timeout=8000)
    [card] = window.conversation.of_type(ToolCard)
    assert card.call.name == "set_timer" and card.ok
    assert len(bell.played) == 1
    window.close()
    assert bridge.runtime is None  # closed: the scheduler thread is stopped


# --- the settings dialog and applying settings ------------------------------------------------


def test_settings_dialog_saves_what_was_chosen(qtbot: Any) -> None:
    from assistant.app.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store.Settings(), None)
    qtbot.addWidget(dialog)
    assert not dialog.variant.isEnabled()  # variants are an LFM2 choice
    dialog.engine.setCurrentIndex(dialog.engine.findData("lfm2"))
    assert dialog.variant.isEnabled()
    dialog.variant.setCurrentIndex(dialog.variant.findData("sequential"))
    dialog.tts.setCurrentIndex(dialog.tts.findData("none"))
    dialog.model_dir.setText("  /models/lfm  ")
    dialog.brain.setText(" /models/lfm2.5-1.2b ")
    dialog.hotkey.setCurrentText("F9")
    dialog.home.setText(" Portland, Oregon ")
    dialog._save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_settings == store.Settings(
        engine="lfm2", variant="sequential", tts="none", model_dir="/models/lfm",
        brain="/models/lfm2.5-1.2b", global_hotkey="f9", home="Portland, Oregon")


def test_applying_settings_saves_them_and_reloads_the_engine(tmp_path: Path, qtbot: Any) -> None:
    from app_fakes import FakePlayer

    from assistant.app.audio_io import AudioIO
    from assistant.app.bridge import Bridge
    from assistant.app.runtime import Runtime
    from assistant.app.widgets import State
    from assistant.app.window import MainWindow

    built: list[store.Settings] = []

    def build(settings: store.Settings, notify: Any, progress: Any) -> Runtime:
        built.append(settings)
        return Runtime(object(), f"{settings.engine} engine")

    path = tmp_path / "settings.json"
    window = MainWindow(Bridge(build), store.Settings(engine="scripted"),
                        AudioIO(None, FakePlayer()), settings_path=path)
    qtbot.addWidget(window)
    window.load()
    qtbot.waitUntil(lambda: window.subtitle.text() == "scripted engine")
    window.apply_settings(store.Settings(engine="lfm2", variant="e2e"))
    qtbot.waitUntil(lambda: window.subtitle.text() == "lfm2 engine")
    assert [s.engine for s in built] == ["scripted", "lfm2"]
    assert store.load(path).settings == store.Settings(engine="lfm2", variant="e2e")
    assert window.indicator.state is State.IDLE
    window.apply_settings(store.Settings(engine="lfm2", variant="e2e", input_device="USB Mic"))
    assert len(built) == 2  # a device change alone does not reload the model
    window.close()


def test_run_app_without_a_display_says_what_to_do(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from assistant.app import run_app

    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert run_app(None) == 2
    assert "--text / --wav" in capsys.readouterr().err


# --- the conversation view --------------------------------------------------------------------


def test_conversation_follows_the_newest_item(qtbot: Any) -> None:
    from assistant.app.cards import Bubble, ConversationView

    view = ConversationView()
    qtbot.addWidget(view)
    view.resize(300, 200)
    view.show()
    for i in range(30):
        view.add(Bubble("assistant", f"answer {i}"))
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())


def test_conversation_deleted_before_it_scrolls_is_no_error(qtbot: Any) -> None:
    # Regression: the deferred scroll ran on the deleted view (pytest-qt fails the test on an
    # exception raised in the Qt event loop).
    from PySide6.QtCore import QCoreApplication, QEvent

    from assistant.app.cards import Bubble, ConversationView

    view = ConversationView()
    view.resize(300, 200)
    view.show()
    for i in range(30):
        view.add(Bubble("assistant", f"answer {i}"))
    QCoreApplication.processEvents()  # lays out: the range grows, a scroll is scheduled
    view.add(Bubble("assistant", "one more"))
    QCoreApplication.processEvents()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(50)
