"""Loading LFM2-Audio: where the weights are, which device and dtype, upstream workarounds.

Two upstream bugs in liquid-audio 1.3.0 are worked around here at runtime, never by editing
site-packages (see `patch_upstream` and `CpuSafeProcessor`):
- `liquid_audio.model.conformer.encoder` uses `math.sqrt` without importing `math`
  (`xscaling=True` raises NameError): we give the module its missing `math`.
- `LFM2AudioProcessor.audio_detokenizer` builds the LFM2.5 detokenizer with a hard-coded
  `.cuda()`: our subclass builds it on the processor's own device.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.speech import BackendUnavailable

if TYPE_CHECKING:
    import torch
    from liquid_audio import LFM2AudioModel, LFM2AudioProcessor

DEFAULT_MODEL = "LiquidAI/LFM2.5-Audio-1.5B"


class WeightsMissing(BackendUnavailable):
    """The LFM2-Audio weights are not on this machine and could not be fetched."""


def download_hint(repo_id: str) -> str:
    local = f"~/models/{repo_id.rsplit('/', 1)[-1]}"
    return (
        f"Download them once on a machine with internet access:\n"
        f"    hf download {repo_id} --local-dir {local}\n"
        f"(or `huggingface-cli download {repo_id} --local-dir {local}`), then point the "
        f"assistant at that directory:\n"
        f"    python -m assistant --engine lfm2 --model-dir {local}\n"
        f"For a code check without real weights, build a tiny random checkpoint:\n"
        f"    python -m assistant.engines.lfm2.tiny /tmp/tiny-lfm2 && "
        f"python -m assistant --engine lfm2 --model-dir /tmp/tiny-lfm2"
    )


_PATCHED = False


def patch_upstream() -> None:
    """Runtime fixes for liquid-audio 1.3.0; idempotent."""
    global _PATCHED
    if _PATCHED:
        return
    from liquid_audio.model.conformer import encoder

    if not hasattr(encoder, "math"):  # upstream forgot `import math` (xscaling=True path)
        encoder.math = math  # type: ignore[attr-defined]
    _PATCHED = True


def _processor_class() -> type[LFM2AudioProcessor]:
    import torch
    from liquid_audio import LFM2AudioProcessor
    from liquid_audio.detokenizer import LFM2AudioDetokenizer
    from safetensors.torch import load_file
    from transformers import Lfm2Config

    class CpuSafeProcessor(LFM2AudioProcessor):
        """`LFM2AudioProcessor` whose LFM2.5 detokenizer lives on the processor's device
        (upstream calls `.cuda()` unconditionally). Same loading steps otherwise."""

        @property
        def audio_detokenizer(self) -> LFM2AudioDetokenizer:
            if self.detokenizer_path is None:
                raise AttributeError(f"model {self.name} has no LFM2 audio detokenizer; use .mimi")
            if self._audio_detokenizer is None:
                detok_config = Lfm2Config.from_pretrained(Path(self.detokenizer_path) / "config.json")
                # llama.cpp-style layer names -> transformers' (as upstream does)
                detok_config.layer_types = [
                    "full_attention" if t == "sliding_attention" else t
                    for t in (detok_config.layer_types or [])
                ]
                detok = LFM2AudioDetokenizer(detok_config)
                weights = load_file(str(Path(self.detokenizer_path) / "model.safetensors"))
                detok.load_state_dict(weights)
                self._audio_detokenizer = detok.to(self.device, torch.float32).eval()
            return self._audio_detokenizer

    return CpuSafeProcessor


def config_from_dict(config: dict[str, Any]) -> Any:
    """`LFM2AudioConfig` from a `config.json` dict, exactly as `from_pretrained` builds it."""
    from liquid_audio.model.conformer.encoder import ConformerEncoderConfig
    from liquid_audio.model.lfm2_audio import DepthformerConfig, LFM2AudioConfig
    from liquid_audio.processor import PreprocessorConfig
    from transformers import Lfm2Config

    config = dict(config)
    return LFM2AudioConfig(
        lfm=Lfm2Config(**config.pop("lfm")),
        encoder=ConformerEncoderConfig(**config.pop("encoder")),
        depthformer=DepthformerConfig(**config.pop("depthformer")),
        preprocessor=PreprocessorConfig(**config.pop("preprocessor")),
        **config,
    )


def resolve_checkpoint(model: str | None, model_dir: Path | None) -> Path:
    """A local directory holding `config.json`: `model_dir` if given, else the hub id's snapshot
    (the local cache first, then a download). Raises `WeightsMissing` with what to do."""
    if model_dir is not None:
        path = Path(model_dir).expanduser()
        if not (path / "config.json").is_file():
            raise WeightsMissing(
                f"{path} is not an LFM2-Audio checkpoint directory (no config.json there).\n"
                + download_hint(model or DEFAULT_MODEL)
            )
        return path
    repo_id = model or DEFAULT_MODEL
    if Path(repo_id).expanduser().is_dir():  # `--model ./dir` is a path too
        return resolve_checkpoint(None, Path(repo_id))
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # not cached: try the hub below
        pass
    if os.environ.get("HF_HUB_OFFLINE") not in (None, "", "0"):
        raise WeightsMissing(f"LFM2-Audio weights {repo_id!r} are not cached and HF_HUB_OFFLINE is "
                             f"set.\n" + download_hint(repo_id))
    try:
        return Path(snapshot_download(repo_id))
    except Exception as exc:  # network down, hub unreachable, gated repo...
        raise WeightsMissing(
            f"LFM2-Audio weights {repo_id!r} are not on this machine and the model hub could not "
            f"be reached ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}).\n"
            + download_hint(repo_id)
        ) from None


def choose_device(preference: str | None) -> tuple[torch.device, torch.dtype]:
    """CUDA in bf16 where available; CPU in fp32 (bf16 prefill was 7x slower on a CPU without
    native bf16, see FACTS.md)."""
    import torch

    name = preference or ("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise BackendUnavailable("--device cuda was asked for but torch sees no CUDA device")
    return device, (torch.bfloat16 if device.type == "cuda" else torch.float32)


@dataclass(frozen=True)
class Loaded:
    model: LFM2AudioModel
    processor: LFM2AudioProcessor
    path: Path
    device: torch.device
    dtype: torch.dtype
    adapter: Path | None = None


def apply_adapter(model: Any, adapter: Path) -> Any:
    """Apply a peft LoRA adapter and merge it into the weights (no per-token adapter cost)."""
    adapter = Path(adapter).expanduser()
    if not (adapter / "adapter_config.json").is_file():
        raise BackendUnavailable(
            f"{adapter} is not a peft adapter directory (no adapter_config.json); pass the folder "
            "that `finetune` wrote (adapter_config.json + adapter_model.safetensors)"
        )
    from peft import PeftModel

    peft_model = PeftModel.from_pretrained(model, str(adapter), is_trainable=False)
    return peft_model.merge_and_unload()


def load(
    model: str | None = None,
    model_dir: Path | None = None,
    *,
    adapter: Path | None = None,
    device: str | None = None,
    threads: int | None = None,
) -> Loaded:
    """Load model + processor through upstream's `from_pretrained` with a local `Path`."""
    try:
        import torch
        from liquid_audio import LFM2AudioModel
    except ImportError as exc:
        raise BackendUnavailable(
            f"the lfm2 engine needs torch and liquid-audio ({exc}); install with "
            "`pip install -e '.[ml]'` (Python >= 3.12)"
        ) from None
    patch_upstream()
    if threads:
        torch.set_num_threads(threads)
    path = resolve_checkpoint(model, model_dir)
    if not any(path.glob("*.safetensors")) and not any(path.glob("*.bin")):
        raise WeightsMissing(f"{path} has a config.json but no weights.\n" + download_hint(
            model or DEFAULT_MODEL))
    dev, dtype = choose_device(device)
    with (path / "config.json").open() as f:
        json.load(f)  # a broken config fails here with the file name, not deep inside upstream
    lfm = LFM2AudioModel.from_pretrained(path, device=dev, dtype=dtype)
    if adapter is not None:
        lfm = apply_adapter(lfm, adapter)
    lfm.eval()
    processor = _processor_class().from_pretrained(path, device=dev).eval()
    return Loaded(lfm, processor, path, dev, dtype, adapter)
