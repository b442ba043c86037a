"""Packaging a run's adapter for `assets/`: half-precision weights, the run's config and facts,
and SHA-256 sums. Evaluate the exported directory itself, so the card's numbers are the shipped
file's."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.weights import sha256_file as sha256

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


def export_chat_adapter(run_dir: Path, out_dir: Path, dtype: str = "float16") -> Path:
    """A chat-brain run (finetune/chat.py) as llama.cpp serves it: the GGUF LoRA in `dtype`
    and the run's config and facts (`run.json` says the adapter is for the tail only). No
    peft weights: the chat brain runs on llama.cpp."""
    import json

    from finetune.gguf_lora import export_gguf_lora

    if dtype not in ("float16", "float32"):
        raise ValueError(f"a GGUF LoRA is written in float16 or float32, not {dtype}")
    run = json.loads((run_dir / "run.json").read_text("utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    export_gguf_lora(run_dir, out_dir / "adapter.gguf", base_name=run["base_model"],
                     outtype="f16" if dtype == "float16" else "f32")
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


CARD = """\
# {name}: LoRA adapter for Gemma 3 270M (the cascade's offline text model)

Teaches Gemma 3 270M (`google/gemma-3-270m`, here the Q4_K_M GGUF from PyPI dequantised to
fp32, SHA-256 `{gguf}`) this assistant's {n_tools} tools: when to call one, which, with which
arguments (LFM2's Pythonic call syntax between `<|tool_call_start|>` and `<|tool_call_end|>`),
when to answer without a tool, the formulary's drug names, and a short spoken answer after a
tool result. The cascade engine (`assistant/engines/gemma/`) loads it by default and checks
`SHA256SUMS` first.

## Data
evalkit's train split (`python -m evalkit synth --split train`, seed {items_seed}): template
families disjoint from dev and test. {examples} examples: request -> call (first acceptable
value of each required argument), negative -> a short answer without a call (all negatives
kept, `negatives = {negatives}`), and for {answers:.0%} of the calls request -> call -> tool
result -> answer. Prompt: Gemma's turn format with {tool_list_words} (`data.tool_list =
"{tool_list}"`); {mean_tokens:.0f} tokens per example on average. Loss on the target tokens only.

## Training
LoRA r = {r}, alpha = {alpha}, dropout = {dropout}, targets {targets} (every layer);
{trainable:,} trainable parameters ({share:.1%} of {total:,}). AdamW, lr {lr}, {warmup} warm-up
steps then cosine to 10%, batch {batch}, {steps} steps ({seen:,} examples, {epochs:.2f} epochs),
fp32 on CPU, torch threads: {threads}, {minutes:.0f} minutes. Loss {first_loss:.2f} -> {last_loss:.3f}.
Weights shipped in float16 (`python -m finetune export`); the scores below are the shipped
file's.

## Metrics
{metrics}

## Limits
- English only; the tools and drug names of this project only. A tool added later is unknown
  to it until it is retrained (the prompt carries no tool list).
- Dates and times are copied as said ("tomorrow at 7"); the tools parse them.
- It does not give medical advice and was not trained to; the medication tools log and look up,
  and ambiguous drug names are confirmed with the user by the tool, not the model.
- Greedy decoding; a wrong call is still validated against the tool's JSON Schema before it runs.

## Reproduce
```
python -m finetune run finetune/configs/gemma-270m.toml {overrides}
python -m finetune export runs/{run} assets/adapters/{name}
```
"""


def write_card(run_dir: Path, out_dir: Path, metrics: str, overrides: str = "") -> Path:
    """The model card (`README.md`) of an exported adapter, from its run's config and facts."""
    import json
    import tomllib

    from assistant.engines.gemma import GGUF_SHA256
    from finetune.tools import catalogue

    cfg = tomllib.loads((run_dir / "config.toml").read_text("utf-8"))
    run = json.loads((run_dir / "run.json").read_text("utf-8"))
    st, data, lora, train = run["stats"], cfg["data"], cfg["lora"], cfg["train"]
    n_tools = len(catalogue())
    seen = train["steps"] * train["batch_size"] * train.get("grad_accum", 1)
    words = {"none": "no tool list (the model has learnt the tools)",
             "compact": "a one-line-per-tool list", "full": "the full JSON tool list"}
    text = CARD.format(
        name=out_dir.name, gguf=GGUF_SHA256, n_tools=n_tools, items_seed=data["items_seed"],
        examples=st["examples"], negatives=data["negatives"], answers=data["answers"],
        tool_list=data["tool_list"], tool_list_words=words.get(data["tool_list"], "?"),
        mean_tokens=run.get("mean_tokens", 0), r=lora["r"], alpha=lora["alpha"],
        dropout=lora["dropout"], targets=" + ".join(lora["targets"]),
        trainable=st["trainable_params"], total=st["total_params"],
        share=st["trainable_params"] / st["total_params"], lr=train["lr"],
        warmup=train["warmup"], batch=train["batch_size"], steps=st["steps"], seen=seen,
        epochs=seen / st["examples"], threads=cfg["model"].get("threads", "?"),
        minutes=st["seconds"] / 60, first_loss=st["first_loss"], last_loss=st["last_loss"],
        metrics=metrics, overrides=overrides, run=run_dir.name)
    out = out_dir / "README.md"
    out.write_text(text, "utf-8")
    return out
