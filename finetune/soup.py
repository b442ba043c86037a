"""A uniform soup of LoRA adapters trained on one base: the mean of their weight updates.

Seeds of one recipe differ more than recipes do (ft12, ft13: 6 to 14 false alarms of 37 on the
same set), so one run is a draw. Averaging fine-tunes of one base (Wortsman et al. 2022, "model
soups") keeps what the draws share. For LoRA the mean of the updates `B_i @ A_i * alpha / r` is
itself a LoRA of the summed rank, exactly: the A's stacked, the B's side by side times 1 / n, and
`lora_alpha` times n so `alpha / r` is unchanged. It is what peft's `add_weighted_adapter(...,
combination_type="cat")` builds, without loading the base model; llama.cpp serves it like any
adapter (rank n * r, so a little more work per token).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

# Options under which the mean is not a stack of the A's and B's (or that peft would read
# differently for the stacked rank): refused.
_REFUSED = ("use_dora", "use_rslora", "rank_pattern", "alpha_pattern", "modules_to_save")
# What the adapters must agree on for their updates to add up.
_SAME = ("base_model_name_or_path", "peft_type", "r", "lora_alpha", "bias", "fan_in_fan_out")


def soup(adapters: Sequence[Path], out: Path, *, scale: float | None = None) -> Path:
    """Write the uniform soup of `adapters` (peft directories from one base and recipe) to `out`:
    adapter_config.json, adapter_model.safetensors, run.json (the first's, with the sources)
    and, for chat runs, adapter.gguf. Each update is weighted by `scale` (default 1 / n, the
    mean; 1 is their sum, task arithmetic's "add"). Raises ValueError if they cannot be added
    exactly."""
    import torch
    from safetensors.torch import load_file, save_file

    dirs = [Path(a) for a in adapters]
    if len(dirs) < 2:
        raise ValueError("a soup needs at least two adapters")
    configs = [json.loads((d / "adapter_config.json").read_text("utf-8")) for d in dirs]
    for option in _REFUSED:
        if any(c.get(option) for c in configs):
            raise ValueError(f"an adapter uses {option}; its update is not B @ A * alpha / r")
    for key in _SAME:
        if len({json.dumps(c.get(key)) for c in configs}) > 1:
            raise ValueError(f"the adapters differ in {key}: {[c.get(key) for c in configs]}")
    if len({frozenset(c.get("target_modules") or ()) for c in configs}) > 1:
        raise ValueError("the adapters adapt different modules")
    runs = [json.loads((d / "run.json").read_text("utf-8")) if (d / "run.json").is_file() else {}
            for d in dirs]
    # The prompt head a chat adapter was trained behind must be the same one.
    for key in ("lora_tail_only",):
        if len({json.dumps(r.get(key)) for r in runs}) > 1:
            raise ValueError(f"the runs differ in {key}")
    if len({r.get("chat", {}).get("head_sha256") for r in runs}) > 1:
        raise ValueError("the chat adapters were trained behind different prompt heads")

    weights = [load_file(str(d / "adapter_model.safetensors")) for d in dirs]
    keys = set(weights[0])
    if any(set(w) != keys for w in weights[1:]):
        raise ValueError("the adapters hold different tensors")
    n = len(dirs)
    weight = 1 / n if scale is None else scale
    merged: dict[str, torch.Tensor] = {}
    for key in sorted(keys):
        if ".lora_A." in key:
            merged[key] = torch.cat([w[key] for w in weights], dim=0).contiguous()
        elif ".lora_B." in key:
            merged[key] = torch.cat([w[key] * weight for w in weights], dim=1).contiguous()
        else:
            raise ValueError(f"{key}: only lora_A / lora_B weights can be averaged")

    config = dict(configs[0], r=configs[0]["r"] * n, lora_alpha=configs[0]["lora_alpha"] * n)
    out = Path(out)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(merged, str(tmp / "adapter_model.safetensors"))
    (tmp / "adapter_config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    if runs[0]:
        run = dict(runs[0], soup=[str(d) for d in dirs], soup_scale=weight)
        (tmp / "run.json").write_text(json.dumps(run, indent=2) + "\n", "utf-8")
    if all((d / "adapter.gguf").is_file() for d in dirs):
        from finetune.gguf_lora import export_gguf_lora

        export_gguf_lora(tmp, tmp / "adapter.gguf", base_name=str(runs[0].get("base_model", "")))
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out
