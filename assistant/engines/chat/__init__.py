"""The chat brain: an instruct model with a native tool-calling chat template (Qwen2.5 offline,
LFM2.5-1.2B-Instruct or any such model from the hub), deciding "call or not" by a calibrated
probability and writing calls constrained to the tool schemas.

Layout: `template` (the model's chat template with `tools=`), `runtime` (what a runtime offers),
`llama` / `hf` (llama.cpp and transformers runtimes), `brains` (names -> weights and
thresholds), `engine` (the turn).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.engines.chat.brains import BRAINS, DEFAULT, FALLBACK, load_runtime, tuned
from assistant.engines.chat.engine import ChatEngine, ChatSettings


@dataclass(frozen=True)
class Options:
    # A named brain (brains.NAMES: qwen-0.5b-tools-merged, qwen-1.5b, gemma-270m...), a .gguf file,
    # a model directory or a hub id; None: the default brain.
    brain: str | None = None
    runtime: str | None = None  # "llama" | "torch"; None: by brain
    call_threshold: float | None = None  # P(call) to act on; None: the brain's calibrated one
    name_threshold: float | None = None  # P(the tool name it wrote) to run a call; None: 0.3
    adapter: Path | None = None  # a peft LoRA adapter
    quantize: str | None = None  # "int8": a torch brain's linear layers on CPU
    threads: int | None = None
    # gemma-270m only: its weights directory, and whether it loads the shipped adapter
    model_dir: Path | None = None
    default_adapter: bool = True


def build(options: Options) -> Any:
    """An engine for `options.brain`; `gemma-270m` is the old Gemma engine, kept as a
    fallback."""
    name = options.brain or DEFAULT
    if name == FALLBACK:
        from assistant.engines import gemma

        return gemma.build(options)
    runtime = load_runtime(name, runtime=options.runtime, threads=options.threads,
                           adapter=options.adapter, quantize=options.quantize)
    threshold = options.call_threshold
    if threshold is None:
        threshold = BRAINS[name].call_threshold if name in BRAINS else ChatSettings.call_threshold
    settings = ChatSettings(call_threshold=threshold, words=not tuned(name, options.adapter))
    if options.name_threshold is not None:
        settings = replace(settings, name_threshold=options.name_threshold)
    return ChatEngine(runtime, settings, name=f"{name}/{runtime.name}")


__all__ = ["ChatEngine", "ChatSettings", "Options", "build"]
