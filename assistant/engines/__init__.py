"""Engines by name: a registry of `register_engine(name, "module:build", summary)` entries.
An engine module defines a frozen `Options` dataclass and `build(options: Options) -> Engine`,
and is imported only when chosen, so `import assistant` never pulls in torch. The CLI's choices
and the app's engine list read the registry; adding an engine is its module plus one
`register_engine` line.

`EngineOptions` is every setting the CLI, the app and evalkit can give; `create_engine` hands
an engine the ones its `Options` has (unset ones keep the engine's defaults; the others are not
that engine's business).
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from assistant.engine import Engine
from assistant.speech import Synthesizer


@dataclass(frozen=True)
class EngineEntry:
    name: str
    target: str  # "package.module:function" building the engine from `EngineOptions`
    summary: str  # one line, for help texts and the app's settings
    hears: bool = True  # takes spoken requests itself (the app needs an engine that does)


_REGISTRY: dict[str, EngineEntry] = {}
ENGINES: Mapping[str, EngineEntry] = MappingProxyType(_REGISTRY)  # read-only view, in order
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def register_engine(name: str, target: str, summary: str, *, hears: bool = True) -> EngineEntry:
    """Add an engine by name. `target` is "module:function" (imported when the engine is
    created, not now). Names are unique lower-case words."""
    if not _NAME.match(name):
        raise ValueError(f"engine name {name!r}: use lower-case letters, digits and dashes")
    if not _TARGET.match(target):
        raise ValueError(f"engine {name}: target {target!r} must be 'package.module:function'")
    if name in _REGISTRY:
        raise ValueError(f"engine {name} is already registered ({_REGISTRY[name].target})")
    entry = EngineEntry(name, target, summary, hears)
    _REGISTRY[name] = entry
    return entry


register_engine("cascade", "assistant.engines.cascade:build",
                "Offline: Whisper hears, a text brain picks the tool, a TTS voice answers.")
register_engine("lfm2", "assistant.engines.lfm2:build",
                "LFM2-Audio: one model hears, calls tools and can speak itself; with the "
                "sequential variant it hears and speaks and a text brain calls the tools.")
register_engine("gemma3n", "assistant.engines.gemma3n:build",
                "Gemma 3n: one model hears and calls tools; a TTS voice answers.")
register_engine("chat", "assistant.engines.chat:build",
                "A text brain alone (typed requests): it decides and writes the call.",
                hears=False)
register_engine("scripted", "assistant.engines.scripted:build",
                "A rule-based demo engine for trying the app without any model.")


@dataclass(frozen=True)
class EngineOptions:
    model: str | None = None  # hub id (LFM2: LiquidAI/LFM2.5-Audio-1.5B) or a text model name
    model_dir: Path | None = None  # a local checkpoint directory; wins over `model`
    adapter: Path | None = None  # a peft LoRA adapter directory
    default_adapter: bool = True  # cascade: Gemma loads the shipped adapter when `adapter` is None
    variant: str | None = None  # lfm2: "e2e" | "two-step" | "sequential"
    device: str | None = None  # None: CUDA when available, else CPU
    asr: str | None = None  # cascade: ASR backend/model, e.g. "whisper-base"
    asr_biasing: bool = True  # cascade: Whisper hotwords from the domain vocabulary
    # cascade: no call on a transcript Whisper was less sure of (None: the cascade's default)
    asr_min_confidence: float | None = None
    threads: int | None = None  # torch CPU threads (default: torch's own choice)
    # CPU: lfm2 "int8" | "int4" | "int4-g64" | "int4-g128" weight-only linear layers; a torch
    # brain "int8" (lfm2 sequential gives its brain int8 for any of them)
    quantize: str | None = None
    # The text brain (chat engine, and the cascade's): qwen-0.5b-tools-merged | qwen-0.5b-tools |
    # qwen-0.5b | qwen-1.5b | gemma-270m | a hub id | a model directory. None: the default brain
    # (assistant.engines.chat.brains).
    brain: str | None = None
    runtime: str | None = None  # chat brain: "llama" (llama.cpp) | "torch"; None: by brain
    call_threshold: float | None = None  # chat brain: P(call) to act on; None: the brain's own
    name_threshold: float | None = None  # chat brain: P(the tool name) to run a call; None: 0.3
    native_speech: bool = True  # lfm2 sequential: LFM2-Audio speaks the answers (else the TTS)
    voice: str | None = None  # lfm2 sequential: its voice (us-female, us-male, uk-female, uk-male)


# Answer voices: the speech backends, and LFM2-Audio's own voices (a model's, so here).
TTS_BACKENDS = ("piper", "espeak", "kokoro", "lfm2")


def create_synthesizer(backend: str, voice: str | None = None, *,
                       options: Any = None) -> Synthesizer:
    """A TTS by name. "lfm2" loads the LFM2-Audio checkpoint that `options` name (its voices:
    us-female, us-male, uk-female, uk-male); the rest are `assistant.speech.tts` backends."""
    if backend == "lfm2":
        from assistant.engines.lfm2 import Options
        from assistant.engines.lfm2 import voice as lfm2_voice

        return lfm2_voice.build(engine_options(Options, options), voice=voice or "us-female")
    if backend not in TTS_BACKENDS:
        raise ValueError(f"unknown TTS backend {backend!r}; choose one of {', '.join(TTS_BACKENDS)}")
    from assistant.speech.tts import create_synthesizer as speech_synthesizer

    return speech_synthesizer(backend, voice)


def create_engine(name: str, options: Any = None) -> Engine:
    """The engine `name`, built from `options`: `EngineOptions` (every setting the CLI, the app
    and evalkit know), the engine's own `Options`, a mapping, or None (its defaults)."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    module_name, function = ENGINES[name].target.split(":")
    module = importlib.import_module(module_name)
    engine: Engine = getattr(module, function)(engine_options(module.Options, options))
    return engine


def engine_options(cls: type[Any], given: Any = None) -> Any:
    """`given` (None, a `cls`, `EngineOptions` or a mapping) as the engine's frozen `cls`: the
    fields `cls` has, unset (None) values left at `cls`'s defaults."""
    if isinstance(given, cls):
        return given
    if given is None:
        values: Mapping[str, Any] = {}
    elif isinstance(given, Mapping):
        values = given
    else:
        values = {f.name: getattr(given, f.name) for f in dataclasses.fields(given)}
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names and v is not None})
