"""The main window: push-to-talk, the conversation, confirmations, notifications, barge-in.

Everything here runs on the GUI thread and returns at once; model work goes through the `Bridge`.
A job's events carry its token: after barge-in the interrupted turn's remaining audio is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant import events as ev
from assistant.app import settings as settings_store
from assistant.app.audio_io import AudioIO
from assistant.app.bridge import Bridge
from assistant.app.cards import (
    Bubble,
    ConfirmationCard,
    ConversationView,
    Notice,
    ToolCard,
    failure_title,
)
from assistant.app.hotkey import GlobalHotkey
from assistant.app.player import DevicePlayer, SilentPlayer, chime
from assistant.app.portaudio import DeviceError
from assistant.app.runtime import Runtime
from assistant.app.settings import Settings
from assistant.app.widgets import LevelMeter, State, StateIndicator, TalkButton, named

MIN_SPEECH_S = 0.3  # shorter presses are accidental taps


class MainWindow(QMainWindow):
    def __init__(self, bridge: Bridge, settings: Settings, audio: AudioIO, *,
                 open_audio: Callable[[Settings], AudioIO] | None = None,
                 settings_path: Path | None = None) -> None:
        super().__init__()
        # The window owns its bridge, so both are destroyed together on the GUI thread. Left
        # parentless, the bridge would die whenever Python's cyclic collector happened to run:
        # often on the model thread, and a QObject destroyed off its thread crashes Qt later.
        bridge.setParent(self)
        self.bridge, self.settings, self.audio = bridge, settings, audio
        self._open_audio = open_audio
        self._settings_path = settings_path
        self.recording = False
        self.current: int | None = None  # token of the running turn/confirmation
        self.interrupted: set[int] = set()
        self.hotkey: GlobalHotkey | None = None
        self.hotkey_note: str | None = None
        self._asked: dict[int, Bubble] = {}  # token -> the user's bubble for that turn
        self._replied: dict[int, ConfirmationCard] = {}  # token -> the question it may answer
        self._tool_cards: list[ToolCard] = []
        self._build()
        bridge.turn_event.connect(self._on_event)
        bridge.finished.connect(self._on_finished)
        bridge.notification.connect(self._on_notification)
        bridge.load_progress.connect(self._on_progress)
        bridge.loaded.connect(self._on_loaded)
        bridge.load_failed.connect(self._on_load_failed)
        self._poll = QTimer(self)
        self._poll.setInterval(40)
        self._poll.timeout.connect(self._tick)
        self._poll.start()
        self._device_notices()
        self._start_hotkey()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setWindowTitle("Voice Assistant")
        self.resize(720, 760)
        central = named(QWidget(), "central")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)

        header = named(QFrame(), "header")
        row = QHBoxLayout(header)
        row.setContentsMargins(20, 14, 20, 14)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(named(QLabel("Voice Assistant"), "title"))
        self.subtitle = named(QLabel("Starting…"), "subtitle")
        titles.addWidget(self.subtitle)
        row.addLayout(titles)
        row.addStretch(1)
        self.indicator = StateIndicator()
        row.addWidget(self.indicator)
        row.addSpacing(16)
        self.settings_button = named(QPushButton("Settings"), "flat")
        self.settings_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.settings_button.clicked.connect(self.open_settings)
        row.addWidget(self.settings_button)
        column.addWidget(header)

        self.load_bar = named(QFrame(), "loadBar")
        load_row = QVBoxLayout(self.load_bar)
        load_row.setContentsMargins(20, 8, 20, 10)
        self.load_text = named(QLabel("Loading…"), "loadText")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: model loaders give no fractions
        self.progress.setTextVisible(False)
        load_row.addWidget(self.load_text)
        load_row.addWidget(self.progress)
        column.addWidget(self.load_bar)

        self.conversation = ConversationView()
        self.conversation.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        column.addWidget(self.conversation, 1)

        footer = named(QFrame(), "footer")
        foot = QVBoxLayout(footer)
        foot.setContentsMargins(20, 12, 20, 16)
        foot.setSpacing(10)
        meter_row = QHBoxLayout()
        self.mic_label = named(QLabel("Microphone"), "micLabel")
        meter_row.addWidget(self.mic_label)
        self.meter = LevelMeter()
        meter_row.addWidget(self.meter, 1)
        foot.addLayout(meter_row)
        self.talk = TalkButton()
        self.talk.held.connect(self.talk_pressed)
        self.talk.let_go.connect(self.talk_released)
        foot.addWidget(self.talk)
        entry_row = QHBoxLayout()
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("…or type a request and press Enter")
        self.entry.returnPressed.connect(self.send_text)
        entry_row.addWidget(self.entry, 1)
        send = named(QPushButton("Send"), "flat")
        send.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        send.clicked.connect(self.send_text)
        entry_row.addWidget(send)
        foot.addLayout(entry_row)
        column.addWidget(footer)
        self.setCentralWidget(central)
        self._update_mic_label()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _update_mic_label(self) -> None:
        name = self.settings.input_device or "system default"
        missing = self.audio.recorder is None or self.audio.input_problem is not None
        self.mic_label.setText("No microphone · type below" if missing else f"Microphone: {name}")
        self.mic_label.setProperty("problem", missing)
        self.mic_label.setToolTip(self.audio.input_problem or "")
        self.mic_label.style().unpolish(self.mic_label)
        self.mic_label.style().polish(self.mic_label)

    # --- push to talk -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.talk_pressed()
        elif event.key() == Qt.Key.Key_Escape:
            self.interrupt()
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.talk_released()
        else:
            super().keyReleaseEvent(event)

    def talk_pressed(self) -> None:
        if self.recording:
            return
        self.interrupt()  # barge-in: silence and cancel whatever is going on
        if not self.bridge.ready:
            self._notice("info", "Not ready yet", "The assistant is still loading or failed to "
                         "load; see the message above.")
            return
        if self.audio.recorder is None:
            self._notice("error", "No microphone", str(DeviceError.no_device("input")))
            return
        try:
            self.audio.recorder.start()
        except DeviceError as exc:
            self._notice("error", "Microphone problem", str(exc))
            return
        if self.audio.input_problem is not None:  # a microphone appeared since start
            self.audio.input_problem = None
            self._update_mic_label()
        self.recording = True
        self.talk.show_mode("recording")
        self.indicator.set_state(State.LISTENING)

    def talk_released(self) -> None:
        if not self.recording or self.audio.recorder is None:
            return
        self.recording = False
        audio = self.audio.recorder.stop()
        self.meter.set_level(0.0)
        self.talk.show_mode("talk")
        if audio.duration_s < MIN_SPEECH_S:
            self.indicator.set_state(State.IDLE)
            self._notice("info", "Too short", "Hold Space (or the button) while you speak, then "
                         "let go.")
            return
        from assistant.loop import UserInput

        self._submit(UserInput(audio=audio), f"Voice request · {audio.duration_s:.1f} s")

    def send_text(self) -> None:
        text = self.entry.text().strip()
        if not text:
            return
        self.interrupt()
        self.entry.clear()
        self.setFocus()  # so Space talks again
        from assistant.loop import UserInput

        self._submit(UserInput(text=text), text)

    def _submit(self, user_input: object, shown: str) -> None:
        bubble = self.conversation.add(Bubble("user", shown), "right")
        self.current = self.bridge.submit(user_input)
        self._asked[self.current] = bubble
        for card in self.conversation.of_type(ConfirmationCard):
            if card.open:  # the loop reads this turn as the answer, or as moving on
                card.close_with(f"You replied: “{shown}”")
                self._replied[self.current] = card
        self.indicator.set_state(State.THINKING)

    def interrupt(self) -> None:
        """Barge-in: stop playback at once and cancel the running turn's generation."""
        was_speaking = self.audio.player.playing
        self.audio.player.stop()
        if self.current is not None:
            self.interrupted.add(self.current)
            self.bridge.cancel(self.current)
            self.current = None
        if was_speaking or self.indicator.state in (State.SPEAKING, State.THINKING, State.TOOL):
            self.indicator.set_state(State.IDLE, "interrupted")
        self.talk.show_mode("talk")

    def answer_confirmation(self, text: str) -> None:
        self.interrupt()
        self.current = self.bridge.answer(text)
        self.indicator.set_state(State.THINKING)

    # --- events from the bridge ---------------------------------------------------------------

    def _on_event(self, token: int, event: ev.Event) -> None:
        stale = token in self.interrupted
        if isinstance(event, ev.Heard):
            if token in self._asked:
                self._asked[token].set_text(event.text)
            if token in self._replied:
                self._replied[token].close_with(f"You replied: “{event.text}”")
        elif isinstance(event, ev.ToolStarted):
            card = ToolCard(event.call, event.side_effect)
            self._tool_cards.append(card)
            self.conversation.add(card, "full")
            if not stale:
                self.indicator.set_state(State.TOOL, event.call.name)
        elif isinstance(event, ev.ToolFinished):
            for card in reversed(self._tool_cards):
                if card.ok is None and card.call == event.call:
                    card.finish(event.ok, event.data, event.error_code, event.message,
                                event.seconds)
                    break
            if not stale:
                self.indicator.set_state(State.THINKING)
        elif isinstance(event, ev.CallMalformed):
            self._notice("info", "Retrying", "The model's tool call could not be read; it was "
                         "asked to try again.")
        elif isinstance(event, ev.ConfirmationRequested):
            confirm = ConfirmationCard(event.call, event.prompt, event.options)
            confirm.answered.connect(self.answer_confirmation)
            self.conversation.add(confirm, "full")
        elif isinstance(event, ev.Answer):
            self.conversation.add(Bubble("assistant", event.text), "left")
        elif isinstance(event, (ev.Speaking, ev.AudioChunk)):
            if stale:
                return  # interrupted: never play what the cancelled turn still produced
            if isinstance(event, ev.AudioChunk) and self.settings.speak:
                self.audio.player.play(event.audio)
            self.indicator.set_state(State.SPEAKING)
            self.talk.show_mode("interrupt")
        elif isinstance(event, ev.Failed):
            self._notice("error", failure_title(event), event.message)
        elif isinstance(event, ev.Done):
            self._on_done(token, event)

    def _on_done(self, token: int, event: ev.Done) -> None:
        if event.status == ev.TurnStatus.CANCELLED and token in self._asked:
            self._asked[token].mark("interrupted")
        if token != self.current:
            return
        playing = self.audio.player.playing
        if event.status == ev.TurnStatus.NEEDS_CONFIRMATION:
            self.indicator.set_state(State.CONFIRM)
        elif not playing:
            self.indicator.set_state(State.IDLE)
        if not playing:
            self.talk.show_mode("talk")  # nothing left to interrupt

    def _on_finished(self, token: int) -> None:
        self.interrupted.discard(token)
        self._asked.pop(token, None)
        self._replied.pop(token, None)
        if token == self.current:
            self.current = None

    def _on_notification(self, event: ev.Event) -> None:
        title = getattr(event, "title", "Notification")
        self.conversation.add(Notice("alarm", title, getattr(event, "message", "")), "full")
        bell = self.audio.chime or self.audio.player
        if isinstance(bell, SilentPlayer):
            QApplication.beep()  # no sound device we can open: the system bell, if any
        else:
            bell.play(chime())
        QApplication.alert(self)  # flash the taskbar entry when the window is in the background

    def _on_progress(self, text: str) -> None:
        self.load_bar.show()
        self.load_text.setText(text)
        self.indicator.set_state(State.LOADING)

    def _on_loaded(self, runtime: Runtime) -> None:
        self.load_bar.hide()
        self.subtitle.setText(runtime.summary)
        for notice in runtime.notices:
            self._notice("info", "Note", notice)
        self.indicator.set_state(State.IDLE)

    def _on_load_failed(self, message: str) -> None:
        self.load_bar.hide()
        self.subtitle.setText("Not loaded: open Settings to fix, then Save to retry")
        self._notice("error", "Could not load the assistant", message)
        self.indicator.set_state(State.UNAVAILABLE)

    def _tick(self) -> None:
        for player in (self.audio.player, self.audio.chime):
            if isinstance(player, DevicePlayer) and player.error:
                # A playback failure on the player's thread (e.g. the device went busy).
                self._notice("error", "Speaker", player.error)
                player.error = None
        if self.recording and self.audio.recorder is not None:
            self.meter.set_level(self.audio.recorder.level())
        elif self.meter.level > 0:
            self.meter.set_level(0.0)
        if (self.indicator.state is State.SPEAKING and self.current is None
                and not self.audio.player.playing):
            self.indicator.set_state(State.CONFIRM if self.bridge.pending() else State.IDLE)
            self.talk.show_mode("talk")

    def _device_notices(self) -> None:
        if self.audio.input_problem:
            self._notice("error", "Microphone", self.audio.input_problem)
        if self.audio.output_problem:
            self._notice("error", "Speaker", self.audio.output_problem)

    def _notice(self, kind: str, title: str, message: str) -> None:
        self.conversation.add(Notice(kind, title, message), "full")

    # --- settings, hotkey, shutdown -----------------------------------------------------------

    def load(self) -> None:
        self.load_bar.show()
        self.indicator.set_state(State.LOADING)
        self.bridge.load(self.settings)

    def _start_hotkey(self) -> None:
        if self.hotkey is not None:
            self.hotkey.stop()
            self.hotkey = None
        self.hotkey_note = None
        if not self.settings.global_hotkey:
            return
        self.hotkey = GlobalHotkey(self.settings.global_hotkey, self)
        self.hotkey.pressed.connect(self.talk_pressed)
        self.hotkey.released.connect(self.talk_released)
        self.hotkey_note = self.hotkey.start()
        if self.hotkey_note:
            self._notice("info", "Global hotkey", self.hotkey_note)

    def open_settings(self) -> None:
        from assistant.app.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.hotkey_note, self)
        try:
            if dialog.exec() and dialog.result_settings is not None:
                self.apply_settings(dialog.result_settings)
        finally:
            dialog.deleteLater()  # a child of the window: it would otherwise live until quit

    def apply_settings(self, new: Settings) -> None:
        old, self.settings = self.settings, new
        try:
            settings_store.save(new, self._settings_path)
        except OSError as exc:
            self._notice("error", "Settings not saved", f"{exc}. They apply until you quit.")
        if (new.input_device, new.output_device) != (old.input_device, old.output_device) \
                and self._open_audio is not None:
            self.audio.player.close()
            self.audio = self._open_audio(new)
            self._device_notices()
            self._update_mic_label()
        if new.global_hotkey != old.global_hotkey:
            self._start_hotkey()
        engine_keys = ("engine", "variant", "model", "model_dir", "adapter", "tts", "voice",
                       "speak")
        if any(getattr(new, k) != getattr(old, k) for k in engine_keys) or not self.bridge.ready:
            self.interrupt()
            self.load()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._poll.stop()
        if self.hotkey is not None:
            self.hotkey.stop()
        if self.recording and self.audio.recorder is not None:
            self.audio.recorder.stop()
        self.interrupt()
        self.bridge.shutdown()
        for player in (self.audio.player, self.audio.chime):
            if player is not None and not isinstance(player, SilentPlayer):
                player.close()
        super().closeEvent(event)
