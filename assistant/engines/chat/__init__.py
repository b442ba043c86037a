"""The chat brain: an instruct model with a native tool-calling chat template (Qwen2.5 offline,
LFM2.5-1.2B-Instruct or any such model from the hub), deciding "call or not" by a calibrated
probability and writing calls constrained to the tool schemas.

Layout: `template` (the model's chat template with `tools=`), `runtime` (what a runtime offers),
`llama` / `hf` (llama.cpp and transformers runtimes), `brains` (names -> weights and
thresholds), `engine` (the turn).
"""

from __future__ import annotations

from typing import Any

from assistant.engines.chat.brains import BRAINS, DEFAULT, FALLBACK, load_runtime
from assistant.engines.chat.engine import ChatEngine, ChatSettings


def build(options: Any = None) -> Any:
    """An engine for `options.brain` (or `options.model`): a named brain, a .gguf file, a model
    directory or a hub id; `gemma-270m` is the old Gemma engine, kept as a fallback."""
    name = getattr(options, "brain", None) or getattr(options, "model", None) or DEFAULT
    if name == FALLBACK:
        from assistant.engines import gemma

        return gemma.build(options)
    runtime = load_runtime(name, runtime=getattr(options, "runtime", None),
                           threads=getattr(options, "threads", None),
                           adapter=getattr(options, "adapter", None),
                           quantize=getattr(options, "quantize", None))
    threshold = getattr(options, "call_threshold", None)
    if threshold is None:
        threshold = BRAINS[name].call_threshold if name in BRAINS else ChatSettings.call_threshold
    return ChatEngine(runtime, ChatSettings(call_threshold=threshold), name=f"{name}/{runtime.name}")


__all__ = ["ChatEngine", "ChatSettings", "build"]
