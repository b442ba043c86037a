"""LoRA training: peft adapters on a causal LM, one loop for the text and the LFM2-Audio paths.

- Loss only on supervised positions: the text path runs the decoder, picks the hidden states
  whose next token is supervised and applies the (262k-wide, for Gemma) output head to those
  alone, which is most of a CPU step's saving.
- `accelerate` runs the loop: `accelerate launch -m finetune train ...` spreads it over GPUs with
  no code change (the loss is computed inside the wrapped module's `forward`, so DDP's gradient
  hooks see it). bf16 autocast on CUDA, plain fp32 on CPU.
- Output: the adapter in peft format (`adapter_config.json`, `adapter_model.safetensors`) plus
  `config.toml` (the resolved run config), `train_log.jsonl` and `run.json` (base, data, time).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from finetune import config as config_mod
from finetune.config import LoraOptions, RunConfig


@dataclass(frozen=True)
class TrainStats:
    steps: int
    examples: int
    dropped: int  # examples longer than data.max_len
    first_loss: float
    last_loss: float  # mean of the last log window
    seconds: float
    trainable_params: int
    total_params: int


def pick_device(name: str) -> tuple[torch.device, torch.dtype, str]:
    """(device, weights dtype, accelerate mixed precision). CPU: fp32 with no autocast, since
    bf16 is several times slower on CPUs without native bf16 (FACTS.md)."""
    if name == "auto":
        from accelerate import PartialState

        # Under `accelerate launch` each process gets its own GPU (cuda:<local rank>).
        device = PartialState().device
    else:
        device = torch.device(name)
    if device.type == "cuda":
        return device, torch.bfloat16, "bf16"
    return device, torch.float32, "no"


def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (Linux /proc/cpuinfo; empty elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def native_bf16(device: str) -> bool:
    """Whether bf16 matrix products run natively: CUDA, or a CPU with AMX or AVX512-BF16."""
    return device == "cuda" or bool({"amx_bf16", "avx512_bf16"} & cpu_flags())


def use_bf16(mixed_precision: str, device: str) -> bool:
    """The chat path's autocast: "bf16" always, "auto" where bf16 is native (a CPU without it,
    such as a Zen 3 EPYC, runs bf16 several times slower than fp32)."""
    return mixed_precision == "bf16" or (mixed_precision == "auto" and native_bf16(device))


def target_spec(opts: LoraOptions) -> list[str] | str:
    """peft's `target_modules`: a list of name suffixes, or, when `lora.layers` restricts where,
    one regex that peft full-matches against each module's path."""
    names = opts.target_modules()
    if not opts.layers:
        return list(names)
    alts = "|".join(re.escape(n) for n in names)
    return rf"(?:{opts.layers}).*\.(?:{alts})"


def lora_config(opts: LoraOptions, *, modules_to_save: Sequence[str] = (),
                task_type: str | None = "CAUSAL_LM") -> Any:
    from peft import LoraConfig

    save = list(dict.fromkeys([*opts.modules_to_save, *modules_to_save])) or None
    return LoraConfig(r=opts.r, lora_alpha=opts.alpha, lora_dropout=opts.dropout,
                      target_modules=target_spec(opts), modules_to_save=save,
                      bias="none", task_type=task_type)


def count_params(model: nn.Module) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())


class SupervisedLM(nn.Module):
    """Wraps a (peft) causal LM so `forward` returns the mean cross-entropy over the
    supervised positions only: the output head runs on those rows, not on every position."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def _causal_lm(self) -> Any:
        m: Any = self.model
        return m.get_base_model() if hasattr(m, "get_base_model") else m

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        lm = self._causal_lm()
        hidden = lm.get_decoder()(input_ids=input_ids, attention_mask=attention_mask,
                                  use_cache=False).last_hidden_state
        targets = labels[:, 1:]
        keep = targets != -100
        rows = hidden[:, :-1][keep]
        logits = lm.get_output_embeddings()(rows).float()
        cap = getattr(lm.config, "final_logit_softcapping", None)
        if cap:
            logits = torch.tanh(logits / cap) * cap
        return nn.functional.cross_entropy(logits, targets[keep])


def collate_text(batch: Sequence[tuple[Sequence[int], Sequence[int]]],
                 pad_id: int) -> dict[str, torch.Tensor]:
    """Right padding: with causal attention, pads after the tokens change nothing before them."""
    width = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for i, (x, y) in enumerate(batch):
        ids[i, : len(x)] = torch.tensor(x)
        labels[i, : len(y)] = torch.tensor(y)
        mask[i, : len(x)] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def time_left(seconds: float, step: int, steps: int) -> str:
    """", ~N min left" at the run's mean step time so far (CPU runs take hours); "" at the end."""
    if step >= steps or step <= 0:
        return ""
    left = seconds / step * (steps - step)
    return f", ~{left / 60:.0f} min left" if left >= 60 else f", ~{left:.0f} s left"


def _schedule(step: int, warmup: int, total: int) -> float:
    """Linear warm-up, then cosine down to 10% (upstream liquid-audio's trainer shape)."""
    if step < warmup:
        return (step + 1) / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def fit(module: nn.Module, dataset: Sequence[Any], collate: Callable[[list[Any]], Any],
        cfg: RunConfig, *, log_path: Path | None = None,
        accelerator: Any = None) -> tuple[nn.Module, list[dict[str, float]], float]:
    """Train `module` (whose forward(**batch) or forward(batch) returns a loss) for
    `cfg.train.steps` optimiser steps. Returns the unwrapped module, the log and the seconds."""
    from accelerate import Accelerator
    from torch.utils.data import DataLoader

    t = cfg.train
    if accelerator is None:
        _, _, precision = pick_device(cfg.model.device)
        if t.mixed_precision != "auto":
            precision = t.mixed_precision
        accelerator = Accelerator(mixed_precision=precision, gradient_accumulation_steps=t.grad_accum,
                                  cpu=cfg.model.device == "cpu")
    generator = torch.Generator().manual_seed(cfg.run.seed)
    loader: Any = DataLoader(list(dataset), batch_size=t.batch_size, shuffle=True,  # type: ignore[arg-type]
                        collate_fn=collate, generator=generator, drop_last=len(dataset) > t.batch_size)
    params = [p for p in module.parameters() if p.requires_grad]
    if not params:
        raise ValueError("nothing to train: no parameter requires grad (check lora.targets)")
    optimizer = torch.optim.AdamW(params, lr=t.lr, weight_decay=t.weight_decay, betas=(0.9, 0.95))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: _schedule(s, t.warmup, t.steps))
    module, optimizer, loader, scheduler = accelerator.prepare(module, optimizer, loader, scheduler)
    module.train()
    log: list[dict[str, float]] = []
    window: list[float] = []
    step, start = 0, time.monotonic()
    out = None
    if log_path is not None and accelerator.is_main_process:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        out = log_path.open("w")
    try:
        while step < t.steps:
            for batch in loader:
                with accelerator.accumulate(module):
                    loss = module(**batch) if isinstance(batch, dict) else module(batch)
                    loss = loss.loss if hasattr(loss, "loss") else loss
                    accelerator.backward(loss)
                    if accelerator.sync_gradients and t.max_grad_norm > 0:
                        accelerator.clip_grad_norm_(params, t.max_grad_norm)
                    optimizer.step()
                    scheduler.step()
                    optimizer.zero_grad()
                window.append(float(loss.detach()))
                if not accelerator.sync_gradients:
                    continue
                step += 1
                if step % t.log_every == 0 or step == t.steps or step == 1:
                    row = {"step": step, "loss": sum(window) / len(window),
                           "lr": scheduler.get_last_lr()[0], "s": time.monotonic() - start}
                    log.append(row)
                    window = []
                    if out is not None:
                        out.write(json.dumps(row) + "\n")
                        out.flush()
                    accelerator.print(
                        f"step {step}/{t.steps} loss {row['loss']:.4f} lr {row['lr']:.2e} "
                        f"{row['s']:.0f}s{time_left(row['s'], step, t.steps)}")
                if step >= t.steps:
                    break
    finally:
        if out is not None:
            out.close()
    accelerator.wait_for_everyone()
    return accelerator.unwrap_model(module), log, time.monotonic() - start


def save_run(cfg: RunConfig, peft_model: Any, stats: TrainStats, base_name: str,
             extra: dict[str, Any] | None = None) -> Path:
    """The adapter in peft format, the resolved config and the run facts, in one directory."""
    out = cfg.out_dir
    out.mkdir(parents=True, exist_ok=True)
    # The registry name (e.g. gemma-270m), not a cache path: `finetune` resolves it again.
    for pc in peft_model.peft_config.values():
        pc.base_model_name_or_path = base_name
    # We never resize the vocabulary; peft's "auto" would look the registry name up on the hub
    # (a network call per save, unreachable offline) to find that out.
    peft_model.save_pretrained(str(out), save_embedding_layers=False)
    config_mod.save(cfg, out)
    run = {"base_model": base_name, "stats": asdict(stats), **(extra or {})}
    (out / "run.json").write_text(json.dumps(run, indent=2), "utf-8")
    return out


def train_text(cfg: RunConfig, items: Sequence[Any] | None = None,
               tools: Sequence[Any] | None = None) -> tuple[Path, TrainStats]:
    """The text path: items (default: evalkit's train split) -> LoRA on an HF causal LM ->
    adapter directory. `tools` defaults to the registry's catalogue where the prompt needs it."""
    from peft import get_peft_model

    from finetune import base as base_mod
    from finetune.data import build_examples, encode_example
    from finetune.tools import tools_for

    if cfg.model.threads:
        torch.set_num_threads(cfg.model.threads)
    torch.manual_seed(cfg.run.seed)
    device, dtype, _ = pick_device(cfg.model.device)
    base = base_mod.resolve(cfg.model.base)
    model, tok = base_mod.load(base, device=device, dtype=dtype)
    if tools is None:
        tools = tools_for(cfg.data.tool_list)
    examples = build_examples(train_items(cfg) if items is None else items, cfg.data,
                              seed=cfg.run.seed)
    encoded, dropped = [], 0
    for ex in examples:
        enc = encode_example(tok, ex, tools, cfg.data.tool_list)
        if len(enc.input_ids) > cfg.data.max_len:
            dropped += 1
            continue
        encoded.append((enc.input_ids, enc.labels))
    if not encoded:
        raise ValueError(f"every example is longer than data.max_len={cfg.data.max_len}")
    peft_model = get_peft_model(model, lora_config(cfg.lora))
    if hasattr(model, "config"):
        model.config.use_cache = False
    trainable, total = count_params(peft_model)
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    wrapped, log, seconds = fit(SupervisedLM(peft_model), encoded,
                                lambda b: collate_text(b, pad), cfg,
                                log_path=cfg.out_dir / "train_log.jsonl")
    stats = TrainStats(cfg.train.steps, len(encoded), dropped, log[0]["loss"] if log else math.nan,
                       log[-1]["loss"] if log else math.nan, seconds, trainable, total)
    assert isinstance(wrapped, SupervisedLM)
    mean_len = sum(len(e[0]) for e in encoded) / len(encoded)
    out = save_run(cfg, wrapped.model, stats, cfg.model.base,
                   {"mean_tokens": mean_len, "tool_list": cfg.data.tool_list})
    return out, stats


def train_items(cfg: RunConfig) -> list[Any]:
    from evalkit.items import generate_items, split_items

    return split_items(generate_items(cfg.data.items_seed, scale=cfg.data.scale), "train")
