"""Engines are plug-ins: a module with `build(options)` and one `register_engine` line make an
engine the CLI offers, the app lists and `create_engine` builds."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from assistant import engines
from assistant.engine import Message, Request
from assistant.engines import EngineOptions, create_engine, register_engine
from assistant.events import Reply

TOY = '''"""A toy engine: it answers every request with the same sentence."""

from dataclasses import dataclass

from assistant.events import Reply


@dataclass(frozen=True)
class Options:
    greeting: str = "Toy here."


class Toy:
    name = "toy"
    native_audio = False

    def __init__(self, greeting):
        self.greeting = greeting

    def respond(self, request, cancel):
        yield Reply(text=self.greeting)

    def transcribe(self, audio):
        return ""


def build(options: Options):
    return Toy(options.greeting)
'''


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "toy_engine").mkdir()
    (tmp_path / "toy_engine" / "__init__.py").write_text(TOY)  # the new folder
    monkeypatch.syspath_prepend(str(tmp_path))
    register_engine("toy", "toy_engine:build", "A toy that always says the same.")  # one line
    yield "toy"
    engines._REGISTRY.pop("toy")
    sys.modules.pop("toy_engine", None)


def test_a_registered_engine_is_built_offered_and_listed(toy: str) -> None:
    from assistant.app.settings import Settings, engine_names
    from assistant.cli import parser

    engine = create_engine(toy, EngineOptions())
    events = list(engine.respond(Request((Message("user", text="hi"),), ()), threading.Event()))
    assert events == [Reply(text="Toy here.", t=events[0].t)]
    # its own options, typed; the shared settings' other fields are not its business
    assert create_engine(toy, {"greeting": "Hi.", "variant": "e2e"}).greeting == "Hi."
    assert parser().parse_args(["--engine", toy, "--text", "hi"]).engine == toy
    assert toy in engine_names() and Settings(engine=toy).validated().engine == toy


def test_registration_is_checked() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_engine("lfm2", "assistant.engines.lfm2:build", "again")
    with pytest.raises(ValueError, match="lower-case"):
        register_engine("My Engine", "x:build", "bad name")
    with pytest.raises(ValueError, match=r"package\.module:function"):
        register_engine("nofunc", "assistant.engines.lfm2", "no function")
    with pytest.raises(ValueError, match="unknown engine"):
        create_engine("nope")


def test_every_registered_engine_has_its_builder_and_frozen_options() -> None:
    import dataclasses
    import importlib

    for entry in engines.ENGINES.values():
        module, function = entry.target.split(":")
        imported = importlib.import_module(module)
        assert callable(getattr(imported, function)), entry
        options = imported.Options()
        with pytest.raises(dataclasses.FrozenInstanceError):
            options.threads = 1  # type: ignore[misc]


def test_settings_become_each_engines_own_options() -> None:
    from pathlib import Path

    from assistant.engines import engine_options
    from assistant.engines.cascade import Options as CascadeOptions
    from assistant.engines.lfm2 import Options as LFM2Options

    settings = EngineOptions(model_dir=Path("/m"), variant="two-step", asr="whisper-base",
                             brain="qwen-0.5b", threads=2)
    assert engine_options(LFM2Options, settings) == LFM2Options(
        model_dir=Path("/m"), variant="two-step", brain="qwen-0.5b", threads=2)
    assert engine_options(CascadeOptions, settings) == CascadeOptions(
        asr="whisper-base", brain="qwen-0.5b", threads=2, model_dir=Path("/m"))
    assert engine_options(LFM2Options, EngineOptions()).variant == "e2e"  # unset: its default
