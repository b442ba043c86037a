"""Loading Gemma 3n: where the weights are, which device and dtype.

`--model google/gemma-3n-E2B-it` (the default) needs the model hub, checked with one quick
request first; `--model-dir DIR` (or `--model DIR`) loads a downloaded copy with
`from_pretrained(DIR)`, the same route the tests take with a tiny random checkpoint.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.speech import BackendUnavailable

DEFAULT_MODEL = "google/gemma-3n-E2B-it"


@dataclass(frozen=True)
class Loaded:
    model: Any  # Gemma3nForConditionalGeneration, eval mode
    processor: Any  # Gemma3nProcessor
    device: Any  # torch.device
    dtype: Any  # torch.dtype


def source(model: str | None, model_dir: Path | None) -> str | Path:
    """What to pass to `from_pretrained`: a checked local directory, or a hub id when the hub
    answers. Raises `BackendUnavailable` saying how to get the weights otherwise."""
    if model_dir is None and model is not None and Path(model).is_dir():
        model_dir = Path(model)
    if model_dir is not None:
        model_dir = Path(model_dir)
        if not (model_dir / "config.json").is_file():
            raise BackendUnavailable(
                f"gemma3n: no config.json in {model_dir}. Download the model with "
                f"`huggingface-cli download {DEFAULT_MODEL} --local-dir {model_dir}`")
        return model_dir
    hub_id = model or DEFAULT_MODEL
    from assistant.weights import hub_reachable

    if not hub_reachable():
        raise BackendUnavailable(
            f"gemma3n: {hub_id} needs the model hub, which is unreachable from here. On a machine "
            f"with the hub (Gemma is gated: accept its licence on huggingface.co and run "
            f"`huggingface-cli login`), run `huggingface-cli download {hub_id} --local-dir DIR`, "
            f"copy DIR here and pass --model-dir DIR")
    return hub_id


def load(model: str | None = None, model_dir: Path | None = None, *, device: str | None = None,
         threads: int | None = None, keep_vision: bool = False) -> Loaded:
    """Gemma 3n and its processor. CPU runs fp32 (no native bf16 on the CPUs measured here);
    CUDA runs bf16. The vision tower is dropped after loading unless `keep_vision`: the engine
    never shows the model an image, and MobileNetV5 is ~0.3 B parameters of memory (of 7.8 B
    stored in transformers' default E4B layout, counted on the meta device; most of the rest
    is the per-layer embedding table; E2B is smaller but, by that count, still wants roughly
    20 GB of RAM in fp32 — an estimate, not measured here)."""
    src = source(model, model_dir)
    if importlib.util.find_spec("timm") is None:
        raise BackendUnavailable(
            "gemma3n: transformers builds Gemma 3n's vision tower with timm, which is not "
            "installed. Install the `ml` extra (`pip install -e '.[ml]'`, or `pip install timm`)")
    import torch
    from transformers import AutoProcessor, Gemma3nForConditionalGeneration

    if threads:
        torch.set_num_threads(threads)
    dev = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    dtype = torch.float32 if dev.type == "cpu" else torch.bfloat16
    processor = AutoProcessor.from_pretrained(src)
    net: Any = Gemma3nForConditionalGeneration.from_pretrained(src, dtype=dtype)
    net = net.to(dev).eval()
    if not keep_vision:
        net.model.vision_tower = None  # only read when pixel_values are given
    return Loaded(net, processor, dev, dtype)


__all__ = ["DEFAULT_MODEL", "Loaded", "load", "source"]
