"""Packaging a run's adapter for `assets/`: half-precision weights, the run's config and facts,
and SHA-256 sums. Evaluate the exported directory itself, so the card's numbers are the shipped
file's."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.speech.weights import sha256_file as sha256

SHIPPED = ("adapter_config.json", "config.toml", "run.json", "train_log.jsonl")


def export_adapter(run_dir: Path, out_dir: Path, dtype: str = "float16") -> Path:
    """Copy the adapter to `out_dir` with its weights cast to `dtype` (half the size; LoRA
    deltas lose nothing that matters at fp16, and the card reports the exported file's scores)."""
    import torch
    from safetensors.torch import load_file, save_file

    src = run_dir / "adapter_model.safetensors"
    if not src.is_file():
        raise FileNotFoundError(f"{run_dir} holds no adapter_model.safetensors")
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = load_file(str(src))
    cast = getattr(torch, dtype)
    save_file({k: v.to(cast).contiguous() for k, v in weights.items()},
              str(out_dir / "adapter_model.safetensors"), metadata={"format": "pt"})
    for name in SHIPPED:
        if (run_dir / name).is_file():
            shutil.copy2(run_dir / name, out_dir / name)
    return out_dir


def write_sums(directory: Path) -> Path:
    """`SHA256SUMS` (sha256sum format) of every file in `directory` except itself."""
    lines = [f"{sha256(p)}  {p.name}" for p in sorted(directory.iterdir())
             if p.is_file() and p.name != "SHA256SUMS"]
    out = directory / "SHA256SUMS"
    out.write_text("\n".join(lines) + "\n", "utf-8")
    return out
