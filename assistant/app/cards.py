"""The conversation view: speech bubbles, tool-call cards, confirmation cards and notices."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.events import Failed, Stage
from assistant.toolcall import ToolCall


def _label(text: str, name: str, *, wrap: bool = True, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


MAX_BUBBLE = 520


class Bubble(QFrame):
    """What the user said (right, tinted) or the assistant's answer (left, white)."""

    def __init__(self, who: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.who = who
        self.setObjectName("userBubble" if who == "user" else "assistantBubble")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.caption = _label("You" if who == "user" else "Assistant", "caption", wrap=False)
        self.body = _label(text, "bubbleText")
        layout.addWidget(self.caption)
        layout.addWidget(self.body)
        self.setMaximumWidth(MAX_BUBBLE)
        self._fit()

    def _fit(self) -> None:
        # A wrapping QLabel asks for a narrow width; give it its one-line width up to the cap.
        self.body.ensurePolished()  # measure with the style sheet's font, not the default
        width = self.body.fontMetrics().horizontalAdvance(self.body.text()) + 4
        self.body.setMinimumWidth(min(width, MAX_BUBBLE - 30))

    def set_text(self, text: str) -> None:
        self.body.setText(text)
        self._fit()

    def text(self) -> str:
        return self.body.text()

    def mark(self, note: str) -> None:
        self.caption.setText(f"{self.caption.text()}  ·  {note}")


class ToolCard(QFrame):
    """One tool call: function, arguments, then result or error and how long it took."""

    def __init__(self, call: ToolCall, side_effect: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call = call
        self.setObjectName("toolCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(_label(call.name, "toolName", wrap=False))
        chip = _label(side_effect, "chip", wrap=False)
        chip.setProperty("effect", side_effect)
        head.addWidget(chip)
        head.addStretch(1)
        self.timing = _label("running…", "timing", wrap=False)
        head.addWidget(self.timing)
        layout.addLayout(head)
        if call.arguments:
            rows = "".join(
                f"<tr><td style='color:#64748b;padding-right:10px'>{_esc(k)}</td>"
                f"<td>{_esc(_value(v))}</td></tr>" for k, v in call.arguments.items())
            layout.addWidget(_label(f"<table>{rows}</table>", "toolArgs", rich=True))
        else:
            layout.addWidget(_label("no arguments", "toolArgs"))
        self.result = _label("", "toolResult")
        self.result.hide()
        layout.addWidget(self.result)
        self.ok: bool | None = None

    def finish(self, ok: bool, data: Any, error_code: str | None, message: str,
               seconds: float) -> None:
        self.ok = ok
        self.timing.setText(f"{'✓' if ok else '✗'}  {seconds * 1000:.0f} ms" if seconds < 1
                            else f"{'✓' if ok else '✗'}  {seconds:.1f} s")
        if ok:
            summary = data.get("summary") if isinstance(data, Mapping) else None
            self.result.setText(str(summary) if summary else _value(data))
        else:
            self.result.setText(f"{error_code}: {message}" if error_code else message)
        self.result.setProperty("ok", ok)
        self.setProperty("ok", ok)
        self.result.setToolTip(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        self.result.show()
        for w in (self, self.result, self.timing):
            w.style().unpolish(w)
            w.style().polish(w)


class ConfirmationCard(QFrame):
    """The question, one button per candidate (or yes/no), and Cancel. Emits the answer text,
    which the loop reads exactly as it reads a spoken answer."""

    answered = Signal(str)

    def __init__(self, call: ToolCall, prompt: str, options: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call = call
        self.setObjectName("confirmCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(_label("Needs your OK", "caption", wrap=False))
        layout.addWidget(_label(prompt, "confirmPrompt"))
        hint = "Click one, or hold Space and say it (“the first one”, “cancel”)." if options \
            else "Click, or hold Space and say “yes” or “no”."
        layout.addWidget(_label(hint, "hint"))
        row = QHBoxLayout()
        row.setSpacing(8)
        self.buttons: dict[str, QPushButton] = {}
        choices = [(o, o) for o in options] if options else [("Yes", "yes")]
        for text, answer in choices:
            self._add(row, text, answer, "primary")
        self._add(row, "Cancel" if options else "No", "cancel" if options else "no", "secondary")
        row.addStretch(1)
        layout.addLayout(row)
        self.outcome = _label("", "hint")
        self.outcome.hide()
        layout.addWidget(self.outcome)

    def _add(self, row: QHBoxLayout, text: str, answer: str, kind: str) -> None:
        button = QPushButton(text)
        button.setObjectName("choice")
        button.setProperty("kind", kind)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda: self._choose(text, answer))
        row.addWidget(button)
        self.buttons[text] = button

    def _choose(self, text: str, answer: str) -> None:
        self.close_with(f"You chose: {text}")
        self.answered.emit(answer)

    def close_with(self, outcome: str) -> None:
        """Disable the choices and say how the question was answered (click, voice, text)."""
        for button in self.buttons.values():
            button.setEnabled(False)
        self.outcome.setText(outcome)
        self.outcome.show()

    @property
    def open(self) -> bool:
        return any(b.isEnabled() for b in self.buttons.values())


class Notice(QFrame):
    """A timer/reminder that rang (kind "alarm"), an error with what to do ("error"), or a
    status line ("info")."""

    def __init__(self, kind: str, title: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("notice")
        self.setProperty("kind", kind)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        # No emoji: many Linux desktops lack a colour emoji font; the coloured edge says the kind.
        self.title = _label(title, "noticeTitle")
        self.message = _label(message, "noticeText")
        layout.addWidget(self.title)
        if message:
            layout.addWidget(self.message)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ConversationView(QScrollArea):
    """A column of items, newest at the bottom, scrolled into view as they arrive."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("conversationInner")
        self._column = QVBoxLayout(inner)
        self._column.setContentsMargins(20, 16, 20, 16)
        self._column.setSpacing(10)
        self._column.addStretch(1)  # on top: a short conversation sits by the input, like a chat
        self.setWidget(inner)
        self.items: list[QWidget] = []
        self.verticalScrollBar().rangeChanged.connect(self._follow)

    def add[W: QWidget](self, widget: W, align: str = "left") -> W:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if align == "right":
            row.addStretch(1)
        widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        row.addWidget(widget, 0 if align != "full" else 1)
        if align == "left":
            row.addStretch(1)
        self._column.addLayout(row)
        self.items.append(widget)
        return widget

    def of_type[T](self, cls: type[T]) -> list[T]:
        return [w for w in self.items if isinstance(w, cls)]

    def clear(self) -> None:
        while self._column.count() > 1:
            item = self._column.takeAt(1)
            layout = item.layout() if item is not None else None
            while layout is not None and layout.count():
                child = layout.takeAt(0)
                w = child.widget() if child is not None else None
                if w is not None:
                    w.deleteLater()
        self.items.clear()

    def _follow(self, _low: int, high: int) -> None:
        bar = self.verticalScrollBar()
        # With the bar as context, Qt drops the call if the view is destroyed before it runs.
        QTimer.singleShot(0, bar, lambda: bar.setValue(high))


def failure_title(event: Failed) -> str:
    """A short heading for a failed stage; the event's message says the rest."""
    titles: dict[str, str] = {
        Stage.ASR: "Didn't catch that",
        Stage.ENGINE: "The model failed",
        Stage.TTS: "Couldn't speak the answer",
        Stage.PARSE: "The tool call could not be read",
        Stage.VALIDATE: "The tool call was not valid",
        Stage.APP: "Problem",
    }
    return titles.get(event.stage, f"Problem ({event.stage})")
