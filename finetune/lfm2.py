"""The LFM2-Audio path: audio in -> a text tool call (sequential mode); tool result -> answer.

Train/serve agreement by construction: every example's prompt is built by the engine's own
renderer (`assistant.engines.lfm2.chat.render`: system turn with the tool list, the user's audio,
the tool turn LFM2's way, an open assistant turn), and the target's tokens (the call block or
the answer, then `<|im_end|>`) are appended with the supervision mask on them alone. The loss is
upstream's own `LFM2AudioModel.forward` (text logits on supervised positions only; no audio out).

What trains (the rest stays frozen):
- LoRA on the LFM2 backbone (`lora.layers = "lfm\\."`), on any of attention q/k/v/out
  (`lfm2-attn`), the short-conv in/out projections (`lfm2-conv`), the feed-forward w1/w2/w3
  (`lfm2-ff`), or all of them (`lfm2-all`);
- optionally the audio adapter MLP in full (`lfm2.train_audio_adapter`), saved in the adapter;
- the conformer encoder (ASR) and the depthformer/audio heads (voice) stay frozen, and in eval
  mode (the encoder's batch-norm statistics do not drift), unless their `freeze_*` is false.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from assistant.engine import Message, ToolSpec
from finetune.config import RunConfig
from finetune.data import Example
from finetune.train import TrainStats, count_params, fit, lora_config, pick_device, save_run

if TYPE_CHECKING:
    from assistant.audio import Audio

IM_END = "<|im_end|>"
DEPTHFORMER_PARTS = ("depthformer", "depth_linear", "depth_embeddings", "audio_embedding")
BACKBONE = r"lfm\."


@dataclass(frozen=True)
class Sample:
    """One example as LFM2-Audio inputs (batch of one), with its supervision mask."""

    text: torch.Tensor  # (1, T) long
    audio_in: torch.Tensor  # (128, F) float32 mel
    audio_in_lens: torch.Tensor  # (clips,)
    modality_flag: torch.Tensor  # (1, L)
    supervision_mask: torch.Tensor  # (1, L) bool

    @property
    def length(self) -> int:
        return int(self.modality_flag.shape[1])


def encode(processor: Any, example: Example, tools: Sequence[ToolSpec]) -> Sample:
    """The engine's prompt for `example.history`, then the supervised target."""
    from liquid_audio.utils import LFMModality

    from assistant.engines.lfm2.chat import render

    chat, _ = render(processor, torch.float32, example.history, tools)
    target = processor.text.encode(example.target + IM_END, add_special_tokens=False,
                                   return_tensors="pt").to(chat.text.device)
    n = int(target.shape[1])
    modality = torch.cat([chat.modality_flag,
                          torch.full((1, n), int(LFMModality.TEXT), dtype=torch.long,
                                     device=chat.modality_flag.device)], 1)
    supervision = torch.zeros_like(modality, dtype=torch.bool)
    supervision[0, -n:] = True
    return Sample(torch.cat([chat.text, target], 1).cpu(), chat.audio_in.float().cpu(),
                  chat.audio_in_lens.cpu(), modality.cpu(), supervision.cpu())


def collate(samples: Sequence[Sample], codebooks: int = 8) -> Any:
    """Pad rows to the longest with text pads (right padding: causal attention leaves earlier
    positions untouched); texts and mels are concatenated in row order, as `_prefill` expects."""
    from liquid_audio.data.types import LFM2AudioModelInput
    from liquid_audio.utils import LFMModality

    width = max(s.length for s in samples)
    texts, modality, supervision = [], [], []
    for s in samples:
        pad = width - s.length
        texts.append(nn.functional.pad(s.text, (0, pad)))
        modality.append(nn.functional.pad(s.modality_flag, (0, pad), value=int(LFMModality.TEXT)))
        supervision.append(nn.functional.pad(s.supervision_mask, (0, pad), value=False))
    return LFM2AudioModelInput(
        text=torch.cat(texts, 1),
        audio_in=torch.cat([s.audio_in for s in samples], 1),
        audio_in_lens=torch.cat([s.audio_in_lens for s in samples]),
        audio_out=torch.empty((codebooks, 0), dtype=torch.long),
        modality_flag=torch.cat(modality, 0),
        supervision_mask=torch.cat(supervision, 0),
    )


class Trainable(nn.Module):
    """The peft-wrapped LFM2-Audio model; `forward(batch)` is upstream's loss. `train()` keeps
    the frozen encoder and depthformer in eval mode."""

    def __init__(self, peft_model: nn.Module, frozen: Sequence[str]) -> None:
        super().__init__()
        self.model: Any = peft_model
        self.frozen = tuple(frozen)

    def forward(self, batch: Any) -> torch.Tensor:
        loss: torch.Tensor = self.model(batch).loss
        return loss

    def train(self, mode: bool = True) -> Trainable:
        super().train(mode)
        base: Any = self.model.get_base_model() if hasattr(self.model, "get_base_model") else None
        for name in self.frozen:
            part = getattr(base, name, None)
            if isinstance(part, nn.Module):
                part.eval()
        return self


def trainable_parts(cfg: RunConfig) -> tuple[list[str], list[str]]:
    """(modules trained in full and saved with the adapter, modules kept frozen)."""
    full: list[str] = []
    frozen: list[str] = []
    if cfg.lfm2.train_audio_adapter:
        full.append("audio_adapter")
    (frozen if cfg.lfm2.freeze_encoder else full).append("conformer")
    (frozen if cfg.lfm2.freeze_depthformer else full).extend(DEPTHFORMER_PARTS)
    return full, frozen


def wrap(model: nn.Module, cfg: RunConfig) -> Trainable:
    from dataclasses import replace

    from peft import get_peft_model

    lora = cfg.lora if cfg.lora.layers else replace(cfg.lora, layers=BACKBONE)
    full, frozen = trainable_parts(cfg)
    peft_model = get_peft_model(model, lora_config(lora, modules_to_save=full, task_type=None))
    # Freeze everything peft did not mark (it already does; this documents the contract).
    names = [n for n, _ in peft_model.named_modules()]
    if not any(re.fullmatch(r".*lora_A.*", n) for n in names):
        raise ValueError(f"lora.targets {lora.targets} matched no module under {lora.layers!r}")
    return Trainable(peft_model, frozen)


def train_lfm2(model_dir: Path, examples: Sequence[Example], tools: Sequence[ToolSpec],
               cfg: RunConfig) -> tuple[Path, TrainStats]:
    """LoRA-tune the LFM2-Audio checkpoint in `model_dir` on `examples`; write the adapter to
    `cfg.run.out_dir` (peft format, loadable by `create_engine("lfm2", ... adapter=...)`)."""
    from assistant.engines.lfm2.load import load

    torch.manual_seed(cfg.run.seed)
    device, _, _ = pick_device(cfg.model.device)  # cuda:<local rank> under accelerate launch
    loaded = load(model_dir=Path(model_dir), device=str(device),
                  threads=cfg.model.threads or None)
    samples = [encode(loaded.processor, ex, tools) for ex in examples]
    kept = [s for s in samples if s.length <= cfg.data.max_len]
    if not kept:
        raise ValueError(f"every example is longer than data.max_len={cfg.data.max_len}")
    module = wrap(loaded.model, cfg)
    trainable, total = count_params(module)
    codebooks = int(loaded.model.codebooks)
    wrapped, log, seconds = fit(module, kept, lambda b: collate(b, codebooks), cfg,
                                log_path=cfg.out_dir / "train_log.jsonl")
    assert isinstance(wrapped, Trainable)
    stats = TrainStats(cfg.train.steps, len(kept), len(samples) - len(kept),
                       log[0]["loss"] if log else math.nan, log[-1]["loss"] if log else math.nan,
                       seconds, trainable, total)
    out = save_run(cfg, wrapped.model, stats, str(model_dir),
                   {"path": "lfm2", "trained_in_full": trainable_parts(cfg)[0],
                    "frozen": trainable_parts(cfg)[1]})
    return out, stats


# --- the evalkit recipe ---------------------------------------------------------------------


def audio_examples(examples: Sequence[Example], clips: Mapping[str, Sequence[Audio]]
                   ) -> list[Example]:
    """One example per recording of its item (`clips[item_id]`: several voices and noise
    conditions are several examples), the user's text replaced by the audio. Examples whose
    item has no recording are dropped."""
    out = []
    for ex in examples:
        for n, clip in enumerate(clips.get(ex.item_id, ())):
            history = tuple(Message("user", audio=clip) if m.role == "user" else m
                            for m in ex.history)
            out.append(Example(f"{ex.id}@{n}", history, ex.target, ex.kind, ex.item_id))
    return out


def _safe(item_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", item_id)


def read_clips(clips_dir: Path, ids: Sequence[str]) -> dict[str, list[Audio]]:
    """Recordings by item id. With `manifest.jsonl` (evalkit's `python -m evalkit synth`
    writes one: rows with `item_id` and `path` relative to the folder) every listed clip is
    used; without one, `<id with unsafe characters as _>.wav`."""
    import soundfile as sf

    from assistant.audio import Audio

    wanted = set(ids)
    paths: dict[str, list[Path]] = {}
    manifest = clips_dir / "manifest.jsonl"
    if manifest.is_file():
        for n, line in enumerate(manifest.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                item_id, rel = str(row.get("item_id", row.get("id"))), str(row["path"])
            except (json.JSONDecodeError, KeyError, AttributeError) as exc:
                raise ValueError(f"{manifest}:{n}: not a manifest row ({exc})") from None
            if item_id in wanted:
                paths.setdefault(item_id, []).append(clips_dir / rel)
    else:
        paths = {i: [clips_dir / f"{_safe(i)}.wav"] for i in ids}
    out: dict[str, list[Audio]] = {}
    for item_id, files in paths.items():
        for p in files:
            if p.is_file():
                samples, rate = sf.read(str(p), dtype="float32", always_2d=True)
                out.setdefault(item_id, []).append(Audio(samples.mean(axis=1), int(rate)))
    return out


def train_lfm2_from_config(cfg: RunConfig) -> Path:
    """evalkit's train split, spoken (`lfm2.clips_dir`), -> an LFM2-Audio adapter."""
    from finetune.data import build_examples
    from finetune.tools import catalogue
    from finetune.train import train_items

    if not cfg.lfm2.clips_dir:
        raise ValueError(
            "the LFM2-Audio path trains on recordings: set lfm2.clips_dir to a folder of "
            "<item id>.wav files (or a manifest.jsonl), e.g. made with `python -m evalkit synth`")
    items = train_items(cfg)
    examples = build_examples(items, cfg.data, seed=cfg.run.seed)
    clips = read_clips(Path(cfg.lfm2.clips_dir), sorted({e.item_id for e in examples}))
    spoken = audio_examples(examples, clips)
    if not spoken:
        raise ValueError(f"no recording in {cfg.lfm2.clips_dir} matches a train item id")
    from assistant.engines.lfm2.load import resolve_checkpoint

    model_dir = resolve_checkpoint(None, Path(cfg.model.base)) \
        if Path(cfg.model.base).expanduser().is_dir() else resolve_checkpoint(cfg.model.base, None)
    out, stats = train_lfm2(model_dir, spoken, catalogue(), cfg)
    print(json.dumps(stats.__dict__))
    return out
