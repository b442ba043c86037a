"""LoRA for the chat brain (Qwen2.5-Coder through its own tool-calling template), on a CPU or a GPU.

The prompt the brain sees is ~2,900 tokens of system text and tool list (the *head*, identical
for every request) followed by a few dozen tokens of conversation (the *tail*). Training the
whole prompt would cost ~50x more per step, so the head is a frozen prefix:
- its KV cache is computed once by the base model (no adapter, no gradient) and every batch
  attends to it;
- the adapter is trained on the tail only, and served the same way: llama.cpp evaluates the
  head without the adapter (the same saved head state the base brain uses) and switches the
  adapter on for the tail (`LlamaRuntime(lora=..., lora_tail_only=True)`).

What is learnt, per example (`Target`):
- a call: cross-entropy on the native call block the engine decodes
  (`<tool_call>\\n{"name": ..., "arguments": ...}\\n</tool_call><|im_end|>`);
- the decision, on every example: P(call) as the engine computes it (the probability mass of
  every token that opens a call, marked or bare) pushed up for calls and down for requests no
  tool fits and for the turn after a tool result. No answer text is taught (the adapter
  moves the decision and the calls; answers in words stay close to the base model's). After a
  tool result the tuned 0.5B mostly ends its turn without a word, and the loop then speaks the
  tool's own summary (`assistant.loop`), which is also the fastest answer.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from assistant.engine import Message, Request, ToolSpec
from assistant.toolcall import ToolCall
from finetune.config import ConfigError, RunConfig
from finetune.data import Example, build_examples
from finetune.heard import HEARD
from finetune.train import TrainStats

if TYPE_CHECKING:
    from assistant.engines.chat.engine import ChatEngine


@dataclass(frozen=True)
class Target:
    """One example in token ids: the tail of the prompt and what follows it."""

    id: str
    kind: str  # "call" | "negative" | "answer"
    tail: tuple[int, ...]  # the prompt after the head, up to the assistant's first token
    call: tuple[int, ...]  # the call block + end of turn; empty when the right move is no call


def in_schema_order(call: ToolCall, spec: ToolSpec | None) -> ToolCall:
    """`call` with its arguments in the order the call grammar decodes them (llama.cpp's
    schema-to-grammar: required properties in the schema's order, then optional ones), so the
    model is taught the order it will be held to."""
    if spec is None:
        return call
    props = list(spec.parameters.get("properties", {}))
    required = set(spec.parameters.get("required", ()))
    rank = {k: (k not in required, i) for i, k in enumerate(props)}
    args = sorted(call.arguments.items(), key=lambda kv: rank.get(kv[0], (True, len(props))))
    return ToolCall(call.name, dict(args))


def call_text(engine: ChatEngine, ex: Example, tools: Sequence[ToolSpec] = ()) -> str:
    """The call block the engine itself decodes for `ex`'s gold calls (one block per call)."""
    from assistant.toolcall import parse_tool_calls

    parsed = parse_tool_calls(ex.target)
    if not parsed.calls or parsed.errors:
        raise ValueError(f"{ex.id}: a call example without a parsable call: {ex.target!r}")
    specs = {t.name: t for t in tools}
    return engine.format.block([in_schema_order(c, specs.get(c.name)) for c in parsed.calls])


def encode(engine: ChatEngine, examples: Sequence[Example],
           tools: Sequence[ToolSpec]) -> tuple[list[int], list[Target]]:
    """(the head's ids, every example as a Target). The prompt is the engine's own, so what is
    trained is what is served; a prompt that does not start with the head is an error."""
    rt = engine.runtime
    head = engine.head(Request((Message("user", "a"),), tuple(tools)))
    end = rt.tokenize("<|im_end|>") if engine.format.json_body else []
    out: list[Target] = []
    for ex in examples:
        ids = rt.tokenize(engine.prompt(Request(ex.history, tuple(tools))))
        if ids[:len(head)] != head:
            raise ValueError(f"{ex.id}: the prompt does not start with the shared head")
        call: list[int] = []
        if ex.kind == "call":
            call = rt.tokenize(call_text(engine, ex, tools)) + end
        out.append(Target(ex.id, ex.kind, tuple(ids[len(head):]), tuple(call)))
    return head, out


class HeadCache:
    """The head's KV, computed once by the base model, shared by every batch."""

    def __init__(self, model: Any, head: Sequence[int]) -> None:
        with torch.no_grad():
            out = model(input_ids=torch.tensor([list(head)], device=model.device), use_cache=True)
        self.length = len(head)
        self.config = model.config
        self.kv = [(layer.keys.detach(), layer.values.detach())
                   for layer in out.past_key_values.layers]

    def for_batch(self, batch: int) -> Any:
        from transformers import DynamicCache

        return DynamicCache(ddp_cache_data=[(k.expand(batch, -1, -1, -1), v.expand(batch, -1, -1, -1))
                                            for k, v in self.kv], config=self.config)


class ChatLoss(nn.Module):
    """Batch of Targets -> call cross-entropy + decision loss (see the module docstring)."""

    def __init__(self, model: nn.Module, head: HeadCache, openers: Sequence[int], pad: int,
                 decision_weight: float = 1.0, prefix_attention: bool = True) -> None:
        super().__init__()
        self.model = model
        self.head = head
        self.device = next(model.parameters()).device  # every batch tensor is made there
        self.openers = torch.tensor(sorted(openers), device=self.device)
        self.pad = pad
        self.decision_weight = decision_weight
        # finetune.prefix: the same numbers as transformers' cache path, without its copies.
        self.prefix_attention = prefix_attention

    def _lm(self) -> Any:
        m: Any = self.model
        return m.get_base_model() if hasattr(m, "get_base_model") else m

    def forward(self, batch: Sequence[Target]) -> tuple[torch.Tensor, dict[str, float]]:
        seqs = [list(t.tail) + list(t.call[:-1]) for t in batch]  # the last target is predicted
        width = max(len(s) for s in seqs)
        ids = torch.full((len(batch), width), self.pad, dtype=torch.long, device=self.device)
        for i, s in enumerate(seqs):
            ids[i, :len(s)] = torch.tensor(s, device=self.device)
        lm = self._lm()
        start = self.head.length
        positions = torch.arange(start, start + width, device=self.device)
        if self.prefix_attention:
            hidden = self._tail_hidden(lm, ids, positions)
        else:
            # transformers' cache path: a mask over head + tail (padding on the right).
            mask = torch.ones((len(batch), start + width), dtype=torch.long, device=self.device)
            for i, s in enumerate(seqs):
                mask[i, start + len(s):] = 0
            hidden = lm.get_decoder()(
                input_ids=ids, attention_mask=mask, past_key_values=self.head.for_batch(len(batch)),
                cache_position=positions, use_cache=True).last_hidden_state
        # Rows to score: the decision position (last tail token) of every example, then the
        # positions that predict each call token.
        rows, gold, decide, is_call = [], [], [], []
        for i, t in enumerate(batch):
            first = len(t.tail) - 1
            decide.append(hidden[i, first])
            is_call.append(bool(t.call))
            for j, token in enumerate(t.call):
                rows.append(hidden[i, first + j])
                gold.append(token)
        head_out = lm.get_output_embeddings()
        logp = torch.log_softmax(head_out(torch.stack(decide)).float(), dim=-1)
        p_open = torch.logsumexp(logp[:, self.openers], dim=-1).exp().clamp(1e-6, 1 - 1e-6)
        want = torch.tensor(is_call, dtype=torch.float32, device=self.device)
        decision = nn.functional.binary_cross_entropy(p_open, want)
        loss = self.decision_weight * decision
        ce = torch.tensor(0.0, device=self.device)
        if rows:
            ce = nn.functional.cross_entropy(head_out(torch.stack(rows)).float(),
                                             torch.tensor(gold, device=self.device))
            loss = loss + ce
        return loss, {"decision": float(decision.detach()), "call_ce": float(ce.detach())}

    def train(self, mode: bool = True) -> ChatLoss:
        """In training mode the frozen-prefix attention stays set on the model: with recomputed
        activations (train.gradient_checkpointing) the backward pass runs the attention again,
        after `forward` has returned."""
        super().train(mode)
        if self.prefix_attention:
            from finetune import prefix

            config = self._lm().config
            if mode and config._attn_implementation != prefix.NAME:
                self._saved_attention = config._attn_implementation
                config._attn_implementation = prefix.register()
            elif not mode and hasattr(self, "_saved_attention"):
                config._attn_implementation = self._saved_attention
                del self._saved_attention
        return self

    def _tail_hidden(self, lm: Any, ids: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        from finetune import prefix

        config = lm.config
        saved = config._attn_implementation
        config._attn_implementation = prefix.register()
        try:
            return lm.get_decoder()(
                input_ids=ids, position_ids=positions.expand(ids.shape[0], -1), use_cache=False,
                frozen_prefix=self.head.kv).last_hidden_state
        finally:
            config._attn_implementation = saved


@dataclass(frozen=True)
class ChatTrainStats:
    """The text path's run facts, and what only the chat path has."""

    train: TrainStats
    kinds: dict[str, int]
    heard: int  # examples from Whisper transcripts (data.heard)
    head_tokens: int
    mean_tail_tokens: float
    head_sha256: str  # the head trained behind (llama.head_digest): served behind it only
    head_tools: tuple[str, ...]


def recompute_activations(model: Any) -> None:
    """Keep only each decoder layer's input for the backward pass and recompute the rest there
    (transformers' gradient checkpointing, non-reentrant: LoRA weights are the only leaves that
    need gradients). The 1.5B's fp32 run needs it on 24 GB (finetune/README.md)."""
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})


def chat_items(cfg: RunConfig) -> list[Any]:
    """evalkit's train split, the training-only phrasings and hard negatives, and (with
    `data.heard`) Whisper's transcripts of train audio."""
    from finetune.phrasings import extra_items
    from finetune.train import train_items

    train = train_items(cfg)
    heard: list[Any] = []
    if cfg.data.heard:
        from finetune import heard as heard_

        heard = heard_.regold(heard_.load(Path(cfg.data.heard)), train)
    return [*train, *extra_items(cfg.data.items_seed), *heard]


def argument_weight(ex: Example) -> float:
    """1 + the number of arguments in `ex`'s gold calls: what a call example teaches beyond
    the decision (a timer with a label teaches more than "list my timers")."""
    from assistant.toolcall import parse_tool_calls

    return 1.0 + sum(len(c.arguments) for c in parse_tool_calls(ex.target).calls)


def balanced(examples: Sequence[Example], n: int, seed: int,
             call_weights: str = "uniform") -> list[Example]:
    """`n` examples, as many call as no-call ones where the data allows (the decision is the
    point), each kind shuffled. `call_weights="arguments"` draws the calls in proportion to
    `argument_weight` (without replacement) instead of uniformly."""
    rng = random.Random(seed)
    calls = [e for e in examples if e.kind == "call"]
    others = [e for e in examples if e.kind != "call"]
    rng.shuffle(calls)
    rng.shuffle(others)
    if call_weights == "arguments":
        # Efraimidis-Spirakis: the largest u ** (1 / w) are a weighted draw without replacement.
        keys = {e.id: rng.random() ** (1.0 / argument_weight(e)) for e in calls}
        calls.sort(key=lambda e: keys[e.id], reverse=True)
    half = min(len(calls), n // 2)
    rest = others[: n - half]
    picked = calls[:half] + rest
    picked += calls[half: half + n - len(picked)]
    rng.shuffle(picked)
    return picked


def train_chat(cfg: RunConfig, items: Sequence[Any] | None = None,
               tools: Sequence[ToolSpec] | None = None,
               resume: bool = False) -> tuple[Path, ChatTrainStats]:
    """The chat path: a LoRA on a chat brain (`model.base`: a brain name such as qwen-0.5b, or
    a .gguf file), written in peft format and as a GGUF LoRA for llama.cpp (`adapter.gguf`).
    `items` default to evalkit's train split plus finetune/phrasings.py, `tools` to the whole
    catalogue (the head the engine serves). `resume`: continue from the run's checkpoint
    (`finetune.checkpoint`)."""
    from peft import get_peft_model

    from assistant.engines.chat.brains import BRAINS, gguf_path
    from assistant.engines.chat.engine import ChatEngine
    from assistant.engines.chat.hf import TorchRuntime
    from assistant.engines.chat.llama import head_digest
    from finetune.tools import catalogue
    from finetune.train import count_params, lora_config, pick_device, save_run

    if cfg.model.threads:
        torch.set_num_threads(cfg.model.threads)
    torch.manual_seed(cfg.run.seed)
    # Weights stay fp32 on every device (LoRA and AdamW need it); train.mixed_precision =
    # "bf16" autocasts the matrix products, on a GPU as on a CPU with AMX.
    device, _, _ = pick_device(cfg.model.device)
    brain = BRAINS.get(cfg.model.base)
    gguf = gguf_path(brain) if brain is not None else Path(cfg.model.base)
    if brain is None and not (gguf.suffix == ".gguf" and gguf.is_file()):
        raise ValueError(f"model.base = {cfg.model.base!r}: the chat path needs a GGUF brain "
                         f"({', '.join(BRAINS)}) or a .gguf file")
    t0 = time.monotonic()
    runtime = TorchRuntime(gguf.parent, gguf_file=gguf.name, device=str(device))
    engine = ChatEngine(runtime)
    tools = catalogue() if tools is None else tuple(tools)
    examples = build_examples(chat_items(cfg) if items is None else items, cfg.data,
                              seed=cfg.run.seed)
    n = cfg.train.steps * cfg.train.batch_size * cfg.train.grad_accum
    # Transcripts are few and are what the cascade serves: every one is used; the rest of the
    # budget is sampled, half calls, half not.
    heard = [e for e in examples if e.item_id.endswith(HEARD)][:n]
    rest = [e for e in examples if not e.item_id.endswith(HEARD)]
    examples = heard + balanced(rest, min(n - len(heard), len(rest)), cfg.run.seed,
                                cfg.data.call_weights)
    head, targets = encode(engine, examples, tools)
    fits = [t for t in targets if len(t.tail) + len(t.call) <= cfg.data.max_len]
    dropped, targets = len(targets) - len(fits), fits
    model = runtime.model
    model.config.use_cache = True
    cache = HeadCache(model, head)
    print(f"base loaded, {len(targets)} examples encoded, head {len(head)} tokens evaluated in "
          f"{time.monotonic() - t0:.0f} s", flush=True)
    peft_model = get_peft_model(model, lora_config(cfg.lora))
    if cfg.train.gradient_checkpointing:
        recompute_activations(peft_model)
    trainable, total = count_params(peft_model)
    pad = runtime.tokenizer.pad_token_id or 0
    loss_fn = ChatLoss(peft_model, cache, sorted(engine.openers), pad)
    stats_log = _fit(loss_fn, targets, cfg, resume, head)
    train = TrainStats(cfg.train.steps, len(targets), dropped,
                       stats_log[0]["loss"] if stats_log else math.nan,
                       stats_log[-1]["loss"] if stats_log else math.nan,
                       stats_log[-1]["s"] if stats_log else 0.0, trainable, total)
    stats = ChatTrainStats(
        train, dict(Counter(t.kind for t in targets)),
        sum(1 for t in targets if t.id.split("#")[0].endswith(HEARD)), len(head),
        sum(len(t.tail) + len(t.call) for t in targets) / max(1, len(targets)),
        head_digest(head), tuple(t.name for t in tools))
    chat_facts = {k: v for k, v in asdict(stats).items() if k != "train"}
    out = save_run(cfg, peft_model, train, cfg.model.base,
                   {"chat": chat_facts, "gguf": gguf.name, "lora_tail_only": True})
    from finetune.gguf_lora import export_gguf_lora

    export_gguf_lora(peft_model, out / "adapter.gguf", base_name=cfg.model.base)
    from finetune.checkpoint import path_in

    path_in(cfg.out_dir).unlink(missing_ok=True)  # the adapter is written: nothing to resume
    return out, stats


def length_batches(targets: Sequence[Target], size: int, seed: int) -> list[list[Target]]:
    """Batches in random order, each half calls and half not (batches of one kind make the
    decision swing from one batch to the next), each half of similar lengths (a batch is as
    wide as its longest example)."""
    rng = random.Random(seed)

    def halves(group: list[Target], n: int) -> list[list[Target]]:
        rng.shuffle(group)
        out: list[list[Target]] = []
        for i in range(0, len(group), n * 16):
            chunk = sorted(group[i:i + n * 16], key=lambda t: len(t.tail) + len(t.call))
            out += [chunk[j:j + n] for j in range(0, len(chunk), n)]
        rng.shuffle(out)
        return out

    half = max(1, size // 2)
    calls = halves([t for t in targets if t.call], half)
    others = halves([t for t in targets if not t.call], size - half)
    batches = [a + b for a, b in zip(calls, others, strict=False)]
    n = len(batches)
    batches += calls[n:] + others[n:]  # what one kind has left over
    rng.shuffle(batches)
    return batches


def _fit(loss_fn: ChatLoss, targets: Sequence[Target], cfg: RunConfig,
         resume: bool = False, head: Sequence[int] = ()) -> list[dict[str, float]]:
    """A plain loop (one process, one device): AdamW, warm-up then cosine, gradient clipping.
    Every `train.save_every` steps the run's state goes to `<out_dir>/checkpoint.pt`; `resume`
    continues from there, as if the run had never stopped (`finetune.checkpoint`), and only on
    the same examples behind the same head."""
    from finetune import checkpoint
    from finetune.train import _schedule, native_bf16, time_left, use_bf16

    t = cfg.train
    named = [(name, p) for name, p in loss_fn.named_parameters() if p.requires_grad]
    params = [p for _, p in named]
    opt = torch.optim.AdamW(params, lr=t.lr, weight_decay=t.weight_decay, betas=(0.9, 0.95))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: _schedule(s, t.warmup, t.steps))
    log: list[dict[str, float]] = []
    log_path = cfg.out_dir / "train_log.jsonl"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    ckpt_path = checkpoint.path_in(cfg.out_dir)
    device = loss_fn.device.type
    bf16 = use_bf16(t.mixed_precision, device)
    if bf16 and not native_bf16(device):
        print("warning: bf16 autocast on a CPU without bf16 instructions (AMX or AVX512-BF16) "
              "runs several times slower than fp32 (FACTS.md); set train.mixed_precision = "
              "'no'", flush=True)
    data = checkpoint.digest([list(head), *([x.id, x.tail, x.call] for x in targets)])
    batches: list[list[Target]] = []
    epoch, done, spent = 0, 0, 0.0
    window: list[tuple[float, float, float]] = []
    if resume:
        ckpt = checkpoint.load(ckpt_path, cfg, loss_fn.device)
        if ckpt.data != data:  # the config is the same, the code that makes examples is not
            raise ConfigError(f"--resume: {ckpt_path} was trained on other examples or behind "
                              "another head (finetune/phrasings.py, evalkit's templates or the "
                              "tools changed since it started); start the run again")
        if set(ckpt.trainable) != {name for name, _ in named}:
            raise ValueError(f"--resume: {ckpt_path} holds other trainable weights than this "
                             "model's adapter")
        with torch.no_grad():
            for name, p in named:
                p.copy_(ckpt.trainable[name])
        opt.load_state_dict(ckpt.optimizer)
        sched.load_state_dict(ckpt.scheduler)
        torch.set_rng_state(ckpt.rng.cpu())
        epoch, done, spent, log = ckpt.epoch, ckpt.step, ckpt.seconds, list(ckpt.log)
        window = [(w[0], w[1], w[2]) for w in ckpt.window]
        if epoch:  # the current batch order again, less what was taken (batches pop from the end)
            batches = length_batches(targets, t.batch_size, cfg.run.seed + epoch - 1)[:ckpt.left]
        print(f"resumed from {ckpt_path} at step {done}/{t.steps}", flush=True)
    elif ckpt_path.exists():
        print(f"note: {ckpt_path} is an earlier run's; starting over (--resume continues it)",
              flush=True)
    loss_fn.train()
    start = time.monotonic() - spent
    with log_path.open("w") as f:
        for row in log:  # a resumed run's log: the rows up to its checkpoint, then the new ones
            f.write(json.dumps(row) + "\n")
        for step in range(done + 1, t.steps + 1):
            tick = time.monotonic()
            for _ in range(t.grad_accum):
                if not batches:
                    batches = length_batches(targets, t.batch_size, cfg.run.seed + epoch)
                    epoch += 1
                # bf16 autocast: with AMX or AVX512-BF16 the matrix products run 3-4x faster.
                with torch.autocast(device, dtype=torch.bfloat16, enabled=bf16):
                    loss, parts = loss_fn(batches.pop())
                (loss / t.grad_accum).backward()
                window.append((float(loss.detach()), parts["decision"], parts["call_ce"]))
            if t.max_grad_norm > 0:
                torch.nn.utils.clip_grad_norm_(params, t.max_grad_norm)
            opt.step()
            sched.step()
            opt.zero_grad()
            if step % t.log_every == 0 or step in (1, t.steps):
                n = len(window)
                row = {"step": step, "loss": sum(w[0] for w in window) / n,
                       "decision": sum(w[1] for w in window) / n,
                       "call_ce": sum(w[2] for w in window) / n, "lr": sched.get_last_lr()[0],
                       "dt": time.monotonic() - tick, "s": time.monotonic() - start}
                window = []
                log.append(row)
                f.write(json.dumps(row) + "\n")
                f.flush()
                print(f"step {step}/{t.steps} loss {row['loss']:.4f} (decision "
                      f"{row['decision']:.3f}, call {row['call_ce']:.3f}) {row['s']:.0f}s"
                      f"{time_left(row['s'] - spent, step - done, t.steps - done)}",
                      flush=True)
            if t.save_every and step % t.save_every == 0 and step < t.steps:
                checkpoint.save(ckpt_path, checkpoint.Checkpoint(
                    step, epoch, len(batches), time.monotonic() - start, list(log),
                    [list(w) for w in window], {name: p.detach() for name, p in named},
                    opt.state_dict(), sched.state_dict(), torch.get_rng_state(), cfg.to_dict(),
                    data))
    loss_fn.eval()
    return log


__all__ = ["ChatLoss", "HeadCache", "Target", "balanced", "encode", "train_chat"]
