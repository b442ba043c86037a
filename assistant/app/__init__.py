"""The PySide6 desktop app. `run_app(options)` opens the window; `python -m assistant` with no
arguments calls it. Qt is imported only inside `run_app`, so `import assistant.app` is cheap."""

from __future__ import annotations

import os
import sys
from typing import Any

OVERRIDES = ("engine", "variant", "model", "model_dir", "adapter", "brain", "tts", "voice", "home")


def _getter(argv_options: Any) -> Any:
    if isinstance(argv_options, dict):
        return argv_options.get
    return lambda key, default=None: getattr(argv_options, key, default)


def _overrides(argv_options: Any) -> dict[str, Any]:
    """Command-line values (an argparse Namespace or a mapping) that override saved settings."""
    if argv_options is None:
        return {}
    get = _getter(argv_options)
    return {key: get(key) for key in OVERRIDES if get(key) not in (None, "")}


def _cannot_open_window() -> str | None:
    """Why no window can open here (checked first: Qt aborts the process instead of raising)."""
    try:
        import PySide6  # noqa: F401
    except ImportError:
        return ("the desktop app needs PySide6: pip install 'lfm-voice-assistant[app]' "
                "(or use --text / --wav for the headless mode)")
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        return ("no display to open the window on: run it in a desktop session, or use --text / "
                "--wav for the headless mode")
    return None


def run_app(argv_options: Any = None) -> int:
    """Open the window and run until it closes; returns the exit status.

    `argv_options` is the CLI's argparse Namespace (or a dict): engine, model, model_dir,
    adapter, variant, tts and voice override the saved settings; data_dir and device apply to
    this run only.
    """
    from functools import partial

    problem = _cannot_open_window()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from assistant.app import settings as store
    from assistant.app.audio_io import open_audio
    from assistant.app.bridge import Bridge
    from assistant.app.cards import Notice
    from assistant.app.runtime import Extras, build_runtime
    from assistant.app.style import FONT_FAMILIES, STYLE
    from assistant.app.window import MainWindow

    loaded = store.load()
    try:
        settings = loaded.settings.with_overrides(**_overrides(argv_options)).validated()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    get = _getter(argv_options or {})
    extras = Extras(data_dir=get("data_dir"), device=get("device"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Voice Assistant")
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(10.5)
    app.setFont(font)
    app.setStyleSheet(STYLE)
    bridge = Bridge(partial(build_runtime, extras=extras))
    window = MainWindow(bridge, settings, open_audio(settings), open_audio=open_audio)
    if loaded.warning:
        window.conversation.add(Notice("error", "Settings", loaded.warning), "full")
    window.show()
    window.setFocus()
    window.load()
    return int(app.exec())
