"""Push-to-talk keys. Space works whenever the window has focus (handled by the window); this
module adds an optional system-wide hold-to-talk key through `pynput`, where the platform allows:

- Windows, and X11 desktops on Linux: works.
- macOS: works once the app is allowed under Privacy → Accessibility / Input Monitoring.
- Wayland sessions: global key capture is not allowed for ordinary apps; pynput only sees keys
  typed into X11 (XWayland) windows. The app says so and Space in the window still works.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

# Single keys only: hold-to-talk needs a clean press and release, which chords make ambiguous.
SUGGESTED_KEYS = ("f9", "f8", "f10", "pause", "scroll_lock", "ctrl_r", "alt_r")


def platform_note() -> str | None:
    """Why a global hotkey will not work here (None when it should)."""
    if sys.platform.startswith("linux"):
        session = os.environ.get("XDG_SESSION_TYPE", "").lower()
        if not os.environ.get("DISPLAY"):
            return ("A global hotkey needs an X11 display; this session has none (Wayland without "
                    "XWayland, or no desktop). Use Space in the window.")
        if session == "wayland" or os.environ.get("WAYLAND_DISPLAY"):
            return ("Wayland does not let apps watch keys system-wide: the global hotkey only "
                    "works while an X11 app has focus. Space in the window always works.")
    return None


def parse_key(name: str) -> Any:
    """A pynput key from a name: "f9", "ctrl_r", "pause" or a single character."""
    from pynput import keyboard

    name = name.strip().lower()
    if not name:
        raise ValueError("no key given")
    if len(name) == 1:
        return keyboard.KeyCode.from_char(name)
    try:
        return keyboard.Key[name]
    except KeyError:
        raise ValueError(f"unknown key {name!r}; try one of {', '.join(SUGGESTED_KEYS)}") from None


class GlobalHotkey(QObject):
    """Emits `pressed` / `released` on the GUI thread for one held key, from pynput's thread."""

    pressed = Signal()
    released = Signal()

    def __init__(self, key_name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key_name = key_name
        self._listener: Any = None
        self._down = False

    def start(self) -> str | None:
        """Start listening. Returns None on success, else a message saying why it cannot."""
        try:
            from pynput import keyboard
        except ImportError as exc:  # also raised by pynput when no backend can start
            reason = str(exc).splitlines()[0] if str(exc) else "pynput is not installed"
            return (f"Global hotkey unavailable ({reason}). Install it with "
                    "`pip install pynput`; Space in the window works regardless.")
        try:
            target = parse_key(self.key_name)
        except ValueError as exc:
            return f"Global hotkey: {exc}."

        def on_press(key: Any) -> None:
            if key == target and not self._down:  # ignore auto-repeat
                self._down = True
                self.pressed.emit()

        def on_release(key: Any) -> None:
            if key == target and self._down:
                self._down = False
                self.released.emit()

        try:
            self._listener = keyboard.Listener(on_press=on_press, on_release=on_release)
            self._listener.start()
            self._listener.wait()  # raises here, not silently in its thread, if it cannot run
        except Exception as exc:
            self._listener = None
            return f"Global hotkey could not start: {exc}. Space in the window works regardless."
        return platform_note()

    @property
    def running(self) -> bool:
        return self._listener is not None and self._listener.running

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
