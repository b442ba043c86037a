"""Engines by name. Each engine module exposes `build(options) -> Engine` and is imported only
when chosen, so `import assistant` never pulls in torch."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from assistant.engine import Engine

ENGINES: dict[str, str] = {
    "scripted": "assistant.engines.scripted",
    "lfm2": "assistant.engines.lfm2",
    "cascade": "assistant.engines.cascade",
    "chat": "assistant.engines.chat",
    "gemma3n": "assistant.engines.gemma3n",
}


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
    threads: int | None = None  # torch CPU threads (default: torch's own choice)
    quantize: str | None = None  # lfm2 on CPU: "int8" weight-only linear layers
    # The text brain (chat engine, and the cascade's): qwen-0.5b | qwen-1.5b | gemma-270m |
    # a hub id | a model directory. None: the default brain (assistant.engines.chat.brains).
    brain: str | None = None
    runtime: str | None = None  # chat brain: "llama" (llama.cpp) | "torch"; None: by brain
    call_threshold: float | None = None  # chat brain: P(call) to act on; None: the brain's own
    native_speech: bool = True  # lfm2 sequential: LFM2-Audio speaks the answers (else the TTS)
    voice: str | None = None  # lfm2 sequential: its voice (us-female, us-male, uk-female, uk-male)


def create_engine(name: str, options: EngineOptions | None = None) -> Engine:
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    module = importlib.import_module(ENGINES[name])
    engine: Engine = module.build(options or EngineOptions())
    return engine
