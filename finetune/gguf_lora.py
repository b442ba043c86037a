"""A peft LoRA adapter as a GGUF LoRA adapter for llama.cpp (`--lora`, `Llama(lora_path=...)`).

Writes what llama.cpp's `convert_lora_to_gguf.py` writes (read in the llama.cpp vendored by
llama-cpp-python 0.3.36), without needing the base model's HF config or a llama.cpp checkout:

* KV: `general.architecture`, `general.type = "adapter"`, `adapter.type = "lora"`,
  `general.name`, `adapter.lora.alpha` (f32), `general.quantization_version`.
* per adapted weight `W` (`blk.N.attn_q.weight`, ...): `W.lora_a` = peft's `lora_A.weight`
  (numpy `(r, n_in)`, ggml `ne = [n_in, r]`) and `W.lora_b` = `lora_B.weight` (numpy
  `(n_out, r)`, ggml `ne = [r, n_out]`), unchanged: `src/llama-adapter.cpp` checks
  `W.ne[0] == a.ne[0]`, `W.ne[1] == b.ne[1]`, `a.ne[1] == b.ne[0]`.
* llama.cpp adds `scale * B @ (A @ x)` with `scale = user_scale * alpha / rank`, `rank =
  b.ne[0]` per tensor (`llama_adapter_lora_weight::get_scale`), so a per-module rank
  (`rank_pattern`) needs nothing; peft scalings that differ from `lora_alpha / r_module`
  (`alpha_pattern`, rsLoRA) are folded into `lora_b`.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import torch

# Archs whose llama.cpp converter maps these weights by name only; e.g. "llama" permutes the
# rows of q/k (undo_permute), which would have to be applied to lora_b as well.
SUPPORTED_ARCHS = ("qwen2", "qwen3")

# HF module (under `model.layers.N.`) -> llama.cpp tensor name (under `blk.N.`)
MODULES = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_ORDER = {name: i for i, name in enumerate(MODULES.values())}
_KEY = re.compile(r"^(?:base_model\.model\.)?(?P<module>.+)\.lora_(?P<ab>[AB])\.weight$")
_LAYER = re.compile(r"^model\.layers\.(?P<bid>\d+)\.(?P<rest>.+)$")

# adapter_config.json options that change what the weights mean beyond B @ A * scaling; a
# GGUF LoRA cannot express them, so refuse rather than export a different model.
_REFUSED = ("use_dora", "fan_in_fan_out", "lora_bias", "alora_invocation_tokens",
            "layer_replication", "modules_to_save", "trainable_token_indices",
            "target_parameters", "use_qalora")


def export_gguf_lora(model_or_adapter_dir: Any, out: Path, *, arch: str = "qwen2",
                     base_name: str = "", outtype: Literal["f32", "f16"] = "f32") -> Path:
    """Write the adapter of a peft `PeftModel` (its active adapter) or of a saved adapter
    directory (`adapter_config.json` + `adapter_model.safetensors`) to `out` as a GGUF LoRA
    for a llama.cpp model of `arch`; return `out`. Raises ValueError for anything it cannot
    express exactly (an unmappable module, DoRA, biases, ...)."""
    import gguf
    import numpy as np

    if arch not in SUPPORTED_ARCHS:
        raise ValueError(f"arch {arch!r} is not supported (supported: {', '.join(SUPPORTED_ARCHS)})")
    if outtype not in ("f32", "f16"):
        raise ValueError(f"outtype must be 'f32' or 'f16', not {outtype!r}")
    config, weights = _load(model_or_adapter_dir)
    tensors, alpha = _lora_tensors(config, weights, arch)
    name = base_name or Path(str(config.get("base_model_name_or_path") or "")).name or "adapter"
    dtype = np.float32 if outtype == "f32" else np.float16

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    try:
        # same KV order as convert_lora_to_gguf.py (the writer adds general.architecture)
        w = gguf.GGUFWriter(str(tmp), arch)
        w.add_type(gguf.GGUFType.ADAPTER)
        w.add_string(gguf.Keys.Adapter.TYPE, "lora")
        w.add_name(name)
        w.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
        w.add_quantization_version(gguf.GGML_QUANT_VERSION)
        for tensor_name, a, b in tensors:
            w.add_tensor(f"{tensor_name}.lora_a", np.ascontiguousarray(a.astype(dtype)))
            w.add_tensor(f"{tensor_name}.lora_b", np.ascontiguousarray(b.astype(dtype)))
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _load(source: Any) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """The adapter's config (as in adapter_config.json) and its peft state dict."""
    if isinstance(source, (str, os.PathLike)):
        from safetensors.torch import load_file

        directory = Path(source)
        weights_file = directory / "adapter_model.safetensors"
        if not (directory / "adapter_config.json").is_file() or not weights_file.is_file():
            raise FileNotFoundError(
                f"{directory} holds no adapter_config.json + adapter_model.safetensors")
        config = json.loads((directory / "adapter_config.json").read_text("utf-8"))
        return config, load_file(str(weights_file))
    if not hasattr(source, "peft_config"):
        raise TypeError(f"expected a peft PeftModel or an adapter directory, got {type(source).__name__}")
    from peft import get_peft_model_state_dict

    adapter = source.active_adapter
    if not isinstance(adapter, str):
        raise ValueError(f"one active adapter expected, got {adapter!r}")
    # the same dict and tensors save_pretrained writes, so both inputs give the same file
    config = source.peft_config[adapter].to_dict()
    return config, get_peft_model_state_dict(source, adapter_name=adapter)


def _lora_tensors(config: dict[str, Any], weights: dict[str, torch.Tensor],
                  arch: str) -> tuple[list[tuple[str, Any, Any]], float]:
    """[(llama.cpp weight name, A (r, n_in), B (n_out, r) as float32 numpy)], lora_alpha."""
    import torch
    from peft.utils.other import get_pattern_key

    peft_type = config.get("peft_type", "LORA")
    if getattr(peft_type, "value", peft_type) != "LORA":  # a PeftType in memory, a str in json
        raise ValueError(f"not a LoRA adapter (peft_type {config.get('peft_type')!r})")
    for option in _REFUSED:
        if config.get(option):
            raise ValueError(f"adapter uses {option}={config[option]!r}, which a GGUF LoRA cannot express")
    if config.get("bias", "none") != "none":
        raise ValueError(f"adapter trains biases (bias={config['bias']!r}), which a GGUF LoRA cannot express")
    alpha = float(config["lora_alpha"])
    r = int(config["r"])
    if alpha == 0:
        # llama.cpp reads alpha 0 as "no scaling" (scale 1), peft as scale 0
        raise ValueError("lora_alpha is 0")
    rank_pattern: dict[str, int] = config.get("rank_pattern") or {}
    alpha_pattern: dict[str, float] = config.get("alpha_pattern") or {}
    rslora = bool(config.get("use_rslora"))

    pairs: dict[str, dict[str, torch.Tensor]] = {}
    for key, tensor in weights.items():
        match = _KEY.match(key)
        if match is None:
            raise ValueError(f"cannot map {key!r} to a llama.cpp LoRA tensor (only lora_A/lora_B weights of "
                             f"{', '.join(MODULES)} in model.layers.N)")
        pairs.setdefault(match["module"], {})[match["ab"]] = tensor

    arch_tensors = _block_tensors(arch)
    out: list[tuple[int, int, str, Any, Any]] = []
    for module, ab in pairs.items():
        layer = _LAYER.match(module)
        target = MODULES.get(layer["rest"]) if layer else None
        if layer is None or target is None or target not in arch_tensors:
            raise ValueError(f"cannot map module {module!r} to a llama.cpp {arch} tensor (mappable: "
                             f"{', '.join(MODULES)} in model.layers.N)")
        if set(ab) != {"A", "B"}:
            raise ValueError(f"module {module!r} has lora_{''.join(ab)} only")
        a, b = ab["A"].detach().to("cpu", torch.float32), ab["B"].detach().to("cpu", torch.float32)
        rank = int(rank_pattern.get(get_pattern_key(list(rank_pattern), module), r))
        if a.ndim != 2 or b.ndim != 2 or a.shape[0] != rank or b.shape[1] != rank:
            raise ValueError(f"module {module!r}: lora_A {tuple(a.shape)} / lora_B {tuple(b.shape)} "
                             f"do not match rank {rank}")
        module_alpha = float(alpha_pattern.get(get_pattern_key(list(alpha_pattern), module), alpha))
        # llama.cpp scales by alpha / rank; fold peft's own scaling's difference into B
        fold = (module_alpha / alpha) * (math.sqrt(rank) if rslora else 1.0)
        if fold != 1.0:
            b = b * fold
        bid = int(layer["bid"])
        out.append((bid, _ORDER[target], f"blk.{bid}.{target}.weight", a.numpy(), b.numpy()))
    if not out:
        raise ValueError("adapter holds no LoRA weights")
    out.sort(key=lambda t: (t[0], t[1]))
    return [(name, a, b) for _, _, name, a, b in out], alpha


def _block_tensors(arch: str) -> set[str]:
    """The per-block tensor names (`attn_q`, ...) llama.cpp's `arch` has."""
    import gguf

    kind = next(k for k, name in gguf.MODEL_ARCH_NAMES.items() if name == arch)
    return {gguf.TENSOR_NAMES[t].format(bid=0).removeprefix("blk.0.") for t in gguf.MODEL_TENSORS[kind]}
