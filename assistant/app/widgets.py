"""Small controls: the input level meter, the state indicator and the push-to-talk button."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget


def named[O: QObject](obj: O, name: str) -> O:
    """Set the object name (the style sheet's handle) inline."""
    obj.setObjectName(name)
    return obj


class State(StrEnum):
    LOADING = "loading"
    IDLE = "idle"
    LISTENING = "listening"
    THINKING = "thinking"
    TOOL = "calling a tool"
    SPEAKING = "speaking"
    CONFIRM = "waiting for you"
    UNAVAILABLE = "not ready"


STATE_COLORS: dict[State, str] = {
    State.LOADING: "#94a3b8",
    State.IDLE: "#94a3b8",
    State.LISTENING: "#e11d48",
    State.THINKING: "#f59e0b",
    State.TOOL: "#2563eb",
    State.SPEAKING: "#059669",
    State.CONFIRM: "#7c3aed",
    State.UNAVAILABLE: "#dc2626",
}

STATE_TEXT: dict[State, str] = {
    State.LOADING: "Loading…",
    State.IDLE: "Ready",
    State.LISTENING: "Listening",
    State.THINKING: "Thinking",
    State.TOOL: "Calling a tool",
    State.SPEAKING: "Speaking",
    State.CONFIRM: "Waiting for your answer",
    State.UNAVAILABLE: "Not ready",
}


class LevelMeter(QWidget):
    """A horizontal bar: the live microphone level, with a short fall-off so speech reads well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = 0.0
        self.setMinimumSize(120, 8)
        self.setMaximumHeight(8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Input level")

    @property
    def level(self) -> float:
        return self._level

    def set_level(self, value: float) -> None:
        value = min(1.0, max(0.0, value))
        # Rise at once, fall gently: a meter that jumps to zero between syllables is hard to read.
        self._level = value if value >= self._level else max(value, self._level - 0.06)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        radius = rect.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e2e8f0"))
        painter.drawRoundedRect(rect, radius, radius)
        if self._level > 0.005:
            gradient = QLinearGradient(rect.topLeft(), rect.topRight())
            gradient.setColorAt(0.0, QColor("#10b981"))
            gradient.setColorAt(0.7, QColor("#f59e0b"))
            gradient.setColorAt(1.0, QColor("#e11d48"))
            painter.setBrush(gradient)
            filled = QRectF(rect.x(), rect.y(), max(rect.height(), rect.width() * self._level),
                            rect.height())
            painter.drawRoundedRect(filled, radius, radius)
        painter.end()


class _Dot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color = QColor(STATE_COLORS[State.IDLE])
        self.pulse = 1.0
        self.setFixedSize(14, 14)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        halo = QColor(self.color)
        halo.setAlphaF(0.25 * self.pulse)
        painter.setBrush(halo)
        painter.drawEllipse(QRectF(0, 0, 14, 14))
        painter.setBrush(self.color)
        painter.drawEllipse(QRectF(3, 3, 8, 8))
        painter.end()


class StateIndicator(QWidget):
    """A coloured dot and a word. Active states pulse so the window looks alive, not frozen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dot = _Dot(self)
        self._label = QLabel(self)
        self._label.setObjectName("stateLabel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self._dot)
        layout.addWidget(self._label)
        self._phase = 0
        self._timer = QTimer(self)
        self._timer.setInterval(80)
        self._timer.timeout.connect(self._tick)
        self.state = State.LOADING
        self.set_state(State.LOADING)

    def set_state(self, state: State, detail: str = "") -> None:
        self.state = state
        self._dot.color = QColor(STATE_COLORS[state])
        text = STATE_TEXT[state] + (f" · {detail}" if detail else "")
        self._label.setText(text)
        self.setAccessibleName(f"State: {text}")
        active = state in (State.LISTENING, State.THINKING, State.TOOL, State.SPEAKING,
                           State.LOADING)
        if active and not self._timer.isActive():
            self._timer.start()
        elif not active:
            self._timer.stop()
            self._dot.pulse = 1.0
        self._dot.update()

    def text(self) -> str:
        return self._label.text()

    def _tick(self) -> None:
        self._phase = (self._phase + 1) % 20
        self._dot.pulse = 0.4 + 0.6 * abs(10 - self._phase) / 10
        self._dot.update()


class TalkButton(QPushButton):
    """Hold to talk. Emits `held` on press and `let_go` on release (mouse or touch)."""

    held = Signal()
    let_go = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("talkButton")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space must reach the window, not "click"
        self.setMinimumHeight(48)
        self.pressed.connect(self.held)
        self.released.connect(self.let_go)
        self.show_mode("talk")

    def show_mode(self, mode: str) -> None:
        """talk | recording | interrupt: the label says what a press will do now."""
        labels = {
            "talk": "Hold to talk  ·  Space",
            "recording": "Listening… release to send",
            "interrupt": "Press to interrupt  ·  Space",
        }
        self.setText(labels[mode])
        self.setProperty("mode", mode)
        self.style().unpolish(self)
        self.style().polish(self)
