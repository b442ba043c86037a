"""The chat brain's LoRA path on a tiny random Qwen2 GGUF (real Qwen tokenizer and template, no
download): examples through the engine's own prompt, training with the head as a frozen base
prefix, export to a GGUF LoRA, and llama.cpp serving it on the tail only."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.engine import Message, Request

pytest.importorskip("llama_cpp")
torch = pytest.importorskip("torch")


def _items() -> list[Any]:
    from evalkit.items import generate_items, split_items

    train = split_items(generate_items(0), "train")
    calls = [it for it in train if it.tool == "set_timer"][:2]
    negatives = [it for it in train if it.is_negative][:2]
    return calls + negatives


@pytest.fixture(scope="module")
def trained(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    from finetune.chat import train_chat
    from finetune.config import from_dict

    out = tmp_path_factory.mktemp("run")
    cfg = from_dict({
        "run": {"path": "chat", "out_dir": str(out), "seed": 0},
        "model": {"base": str(tiny_gguf), "device": "cpu", "threads": 1},
        "data": {"answers": 0.0, "max_len": 200},
        # r=16 as the real config: at r=8 a head change once left one negative at P 0.5 (a
        # call/no-call pair the random model's tiny adapter did not separate in 60 steps).
        "lora": {"r": 16, "alpha": 32, "dropout": 0.0, "targets": ["attn+mlp"]},
        "train": {"steps": 60, "batch_size": 4, "lr": 1e-2, "warmup": 2, "log_every": 10},
    })
    return train_chat(cfg, items=_items(), tools=_tools())


def _engine(gguf: Path, lora: Path | None = None) -> Any:
    from assistant.engines.chat.engine import ChatEngine
    from assistant.engines.chat.llama import LlamaRuntime

    rt = LlamaRuntime(gguf, threads=1, n_ctx=4096, lora=lora, lora_tail_only=lora is not None)
    return ChatEngine(rt)


def _tools() -> tuple[Any, ...]:
    """Two tools: a head of a few hundred tokens, which a 2-layer random model can learn to
    look past in a few steps (behind the full 17-tool head it needs far more)."""
    from finetune.tools import catalogue

    return tuple(t for t in catalogue() if t.name in ("set_timer", "get_weather"))


def _request(text: str) -> Request:
    return Request((Message("user", text),), _tools())


def test_training_writes_a_peft_and_a_gguf_adapter(trained: tuple[Path, Any]) -> None:
    out, stats = trained
    assert (out / "adapter_config.json").is_file() and (out / "adapter_model.safetensors").is_file()
    assert (out / "adapter.gguf").stat().st_size > 0
    assert stats.kinds == {"call": 2, "negative": 2} and stats.heard == 0
    assert stats.head_tokens > 300  # the real system text and two tools
    assert stats.train.last_loss < 0.5 * stats.train.first_loss


def test_the_adapter_moves_the_decision_the_trained_way(tiny_gguf: Path,
                                                        trained: tuple[Path, Any]) -> None:
    """P(call) after training, as the served engine computes it: up for the call requests, down
    for the negatives (the random base model has no reason to do either)."""
    out, _ = trained
    base, tuned = _engine(tiny_gguf), _engine(tiny_gguf, out / "adapter.gguf")
    for item in sorted(_items(), key=lambda it: not it.is_negative):
        req = _request(item.text)
        ps = []
        for eng in (base, tuned):
            eng.runtime.preload(eng.head(req))
            ps.append(eng.p_call(eng.runtime.tokenize(eng.prompt(req))))
        if item.is_negative:
            assert ps[1] < 0.2, (item.text, ps)
        else:
            assert ps[1] > 0.8, (item.text, ps)


def test_the_head_is_the_base_models_and_the_tail_matches_training(
        tiny_gguf: Path, tiny_hf: Path, trained: tuple[Path, Any]) -> None:
    """llama.cpp with the tail-only adapter: at the head's end the logits are the base model's
    (the adapter is off there), and after the tail they equal what training computed (base
    head KV + adapter on the tail, in torch)."""
    from peft import PeftModel

    from assistant.engines.chat.hf import TorchRuntime
    from finetune.chat import HeadCache

    out, _ = trained
    base, tuned = _engine(tiny_gguf), _engine(tiny_gguf, out / "adapter.gguf")
    req = _request("set a timer for ten minutes")
    head = tuned.head(req)
    ids = tuned.runtime.tokenize(tuned.prompt(req))
    for eng in (base, tuned):
        eng.runtime.preload(head)
    np.testing.assert_allclose(tuned.runtime.logits(head), base.runtime.logits(head),
                               atol=1e-4)
    served = tuned.runtime.logits(ids)

    rt = TorchRuntime(tiny_hf, threads=1)
    cache = HeadCache(rt.model, head)
    model = PeftModel.from_pretrained(rt.model, str(out)).eval()
    tail = torch.tensor([ids[len(head):]])
    with torch.no_grad():
        logits = model(input_ids=tail, past_key_values=cache.for_batch(1),
                       cache_position=torch.arange(len(head), len(ids))).logits[0, -1]
    # llama.cpp keeps the KV cache in f16 (about 0.1 on these logits, measured); the adapter's
    # own effect is two orders of magnitude larger.
    assert np.abs(served - logits.numpy()).max() < 0.3
    assert np.abs(served - base.runtime.logits(ids)).max() > 3.0


def test_a_prompt_that_does_not_start_with_the_head_is_refused(tiny_hf: Path) -> None:
    from assistant.engines.chat.engine import ChatEngine
    from assistant.engines.chat.hf import TorchRuntime
    from finetune.chat import encode
    from finetune.data import Example
    from finetune.tools import catalogue

    engine = ChatEngine(TorchRuntime(tiny_hf, threads=1))
    system = Message("system", "another system text")
    bad = Example("x", (system, Message("user", "hi")), "Hello!", "negative")
    with pytest.raises(ValueError, match="shared head"):
        encode(engine, [bad], catalogue())
    good = replace(bad, history=(Message("user", "hi"),))
    head, targets = encode(engine, [good], catalogue())
    assert targets[0].call == () and len(targets[0].tail) < 30 and len(head) > 1000


def test_a_head_first_evaluated_with_the_adapter_is_evaluated_again(
        tiny_gguf: Path, trained: tuple[Path, Any]) -> None:
    """Logits asked for before the head is known (all tokens with the adapter on): once the
    engine preloads the head, those tokens are re-evaluated without it, so the turn sees the
    same numbers as a runtime that preloaded first."""
    out, _ = trained
    first, clean = _engine(tiny_gguf, out / "adapter.gguf"), _engine(tiny_gguf, out / "adapter.gguf")
    req = _request("what's the weather in Paris")
    ids = first.runtime.tokenize(first.prompt(req))
    dirty = first.runtime.logits(ids)
    first.runtime.preload(first.head(req))
    clean.runtime.preload(clean.head(req))
    want = clean.runtime.logits(ids)
    np.testing.assert_allclose(first.runtime.logits(ids), want, atol=1e-4)
    assert np.abs(dirty - want).max() > 1e-3  # the first evaluation really was different


def test_the_adapter_is_served_only_behind_the_head_it_was_trained_behind(
        tiny_gguf: Path, trained: tuple[Path, Any]) -> None:
    """run.json records the head (its digest and tools); loaded by directory, the adapter
    serves that head and refuses another tool list with a clear error instead of misbehaving."""
    from assistant.engines.chat.brains import chat_adapter
    from assistant.engines.chat.engine import ChatEngine
    from assistant.engines.chat.llama import LlamaRuntime, head_digest
    from assistant.speech import BackendUnavailable

    out, stats = trained
    adapter = chat_adapter(out)
    assert adapter.tail_only and adapter.head == stats.head_sha256
    assert stats.head_tools == tuple(t.name for t in _tools())
    engine = ChatEngine(LlamaRuntime(tiny_gguf, threads=1, n_ctx=4096, lora=adapter.gguf,
                                     lora_tail_only=True, lora_head=adapter.head))
    req = _request("set a timer for ten minutes")
    assert head_digest(engine.head(req)) == adapter.head
    engine.runtime.preload(engine.head(req))  # the trained head: served
    other = replace(req, tools=(*_tools(), *(t for t in _catalogue() if t.name == "get_time")))
    with pytest.raises(BackendUnavailable, match="another prompt head"):
        engine.runtime.preload(engine.head(other))


def _catalogue() -> tuple[Any, ...]:
    from finetune.tools import catalogue

    return tuple(catalogue())


def test_call_targets_give_arguments_in_the_order_the_grammar_decodes_them() -> None:
    """llama.cpp's schema grammar decodes required properties in the schema's order, then
    optional ones: the training target must be that order, whatever order the data has."""
    from assistant.engines.chat.llama import gbnf
    from assistant.toolcall import ToolCall
    from finetune.chat import in_schema_order

    timer = next(t for t in _catalogue() if t.name == "set_timer")
    call = in_schema_order(ToolCall("set_timer", {"seconds": 180, "label": "tea"}), timer)
    assert list(call.arguments) == ["label", "seconds"]
    root = next(r for r in gbnf(json.dumps(timer.parameters)).splitlines()
                if r.startswith("value-root"))
    assert root.index("label-kv") < root.index("seconds-kv")
    schedule = next(t for t in _catalogue() if t.name == "add_medication_schedule")
    mixed = ToolCall("add_medication_schedule",
                     {"times": ["8 am"], "unit": "mg", "drug": "metformin", "amount": 500})
    assert list(in_schema_order(mixed, schedule).arguments) == ["drug", "amount", "unit", "times"]


def test_frozen_prefix_attention_gives_transformers_numbers(tiny_hf: Path) -> None:
    """finetune.prefix (the shared head by broadcasting, the tail causally, one softmax) and
    transformers' own cache path: the same loss and the same adapter gradients, on a batch of
    different lengths (right padding) behind the real head, with grouped-query attention."""
    from peft import get_peft_model

    from assistant.engines.chat.engine import ChatEngine
    from assistant.engines.chat.hf import TorchRuntime
    from finetune.chat import ChatLoss, HeadCache, encode
    from finetune.config import DataOptions, LoraOptions
    from finetune.data import build_examples
    from finetune.train import lora_config

    rt = TorchRuntime(tiny_hf, threads=1)
    engine = ChatEngine(rt)
    assert rt.model.config.num_key_value_heads < rt.model.config.num_attention_heads
    examples = build_examples(_items(), DataOptions(answers=0.0), seed=0)
    head, targets = encode(engine, examples, _tools())
    assert len({len(t.tail) + len(t.call) for t in targets}) > 1  # padding is exercised
    cache = HeadCache(rt.model, head)
    torch.manual_seed(0)
    model = get_peft_model(rt.model, lora_config(LoraOptions(r=4, alpha=8, dropout=0.0,
                                                             targets=("attn+mlp",))))
    for name, p in model.named_parameters():
        if "lora_B" in name:  # peft starts B at zero: the adapter would not matter
            torch.nn.init.normal_(p, std=0.05)
    results = []
    for prefix in (False, True):
        loss_fn = ChatLoss(model, cache, sorted(engine.openers), rt.tokenizer.pad_token_id or 0,
                           prefix_attention=prefix)
        model.zero_grad()
        loss, _ = loss_fn(targets)
        loss.backward()
        grads = torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None])
        results.append((float(loss), grads))
    (want, want_g), (got, got_g) = results
    assert got == pytest.approx(want, rel=1e-5)
    assert float((got_g - want_g).norm() / want_g.norm()) < 1e-4
    assert float(want_g.norm()) > 0


def test_the_loss_makes_every_tensor_on_the_models_device(tiny_hf: Path) -> None:
    """On a GPU box the model sits on CUDA while torch makes new tensors on the CPU by default,
    so a tensor made without the model's device breaks training there. No GPU here: the model
    stays on the CPU and new tensors default to the meta device instead, which breaks the same
    way (a meta tensor cannot meet a CPU one) and would give a loss without a value."""
    from peft import get_peft_model

    from assistant.engines.chat.engine import ChatEngine
    from assistant.engines.chat.hf import TorchRuntime
    from finetune.chat import ChatLoss, HeadCache, encode
    from finetune.config import DataOptions, LoraOptions
    from finetune.data import build_examples
    from finetune.train import lora_config

    rt = TorchRuntime(tiny_hf, threads=1)
    engine = ChatEngine(rt)
    examples = build_examples(_items(), DataOptions(answers=0.0), seed=0)
    head, targets = encode(engine, examples, _tools())
    model = get_peft_model(rt.model, lora_config(LoraOptions(r=4, alpha=8, dropout=0.0,
                                                             targets=("attn+mlp",))))
    with torch.device("meta"):
        cache = HeadCache(rt.model, head)
        for prefix in (True, False):
            loss_fn = ChatLoss(model, cache, sorted(engine.openers),
                               rt.tokenizer.pad_token_id or 0, prefix_attention=prefix)
            loss, parts = loss_fn(targets)
            loss.backward()
            assert loss.device.type == "cpu" and float(loss) > 0
            assert parts["decision"] > 0 and parts["call_ce"] > 0


def test_argument_weights_draw_calls_with_more_arguments_more_often() -> None:
    from finetune.chat import argument_weight, balanced
    from finetune.data import Example

    def call(i: int, args: str) -> Example:
        return Example(f"c{i}", (Message("user", "x"),),
                       f"<|tool_call_start|>[set_timer({args})]<|tool_call_end|>", "call")

    bare = [call(i, "") for i in range(200)]
    rich = [call(200 + i, "label='tea', minutes=3, seconds=30") for i in range(200)]
    negatives = [Example(f"n{i}", (Message("user", "hi"),), "Hello!", "negative")
                 for i in range(200)]
    assert argument_weight(bare[0]) == 1.0 and argument_weight(rich[0]) == 4.0
    pool = [*bare, *rich, *negatives]
    for weights, low, high in (("uniform", 35, 65), ("arguments", 70, 95)):
        picked = balanced(pool, 200, seed=0, call_weights=weights)
        calls = [e for e in picked if e.kind == "call"]
        assert len(calls) == 100 and len(picked) == 200
        share = 100 * sum(1 for e in calls if e in rich) / len(calls)
        assert low <= share <= high, (weights, share)


def test_recomputed_activations_give_the_same_loss_and_gradients(tiny_hf: Path) -> None:
    """train.gradient_checkpointing trades compute for memory and nothing else."""
    from peft import get_peft_model

    from assistant.engines.chat.engine import ChatEngine
    from assistant.engines.chat.hf import TorchRuntime
    from finetune.chat import ChatLoss, HeadCache, encode, recompute_activations
    from finetune.config import DataOptions, LoraOptions
    from finetune.data import build_examples
    from finetune.train import lora_config

    rt = TorchRuntime(tiny_hf, threads=1)
    engine = ChatEngine(rt)
    head, targets = encode(engine, build_examples(_items(), DataOptions(answers=0.0), seed=0),
                           _tools())
    cache = HeadCache(rt.model, head)
    torch.manual_seed(0)
    model = get_peft_model(rt.model, lora_config(LoraOptions(r=4, alpha=8, dropout=0.0,
                                                             targets=("attn+mlp",))))
    loss_fn = ChatLoss(model, cache, sorted(engine.openers), rt.tokenizer.pad_token_id or 0)
    loss_fn.train()

    def run() -> tuple[float, dict[str, Any]]:
        model.zero_grad()
        loss, _ = loss_fn(targets)
        loss.backward()
        return float(loss), {n: p.grad.clone() for n, p in model.named_parameters()
                             if p.requires_grad and p.grad is not None}

    kept_loss, kept = run()
    recompute_activations(model)
    assert model.base_model.model.model.gradient_checkpointing
    again_loss, again = run()
    assert again_loss == kept_loss and kept.keys() == again.keys() and kept
    for n in kept:
        torch.testing.assert_close(again[n], kept[n], rtol=1e-5, atol=1e-7)


# --- stopping and resuming a run -----------------------------------------------------------------


def _resumable(tiny_gguf: Path, out: Path, **train: Any) -> Any:
    from finetune.config import from_dict

    return from_dict({
        "run": {"path": "chat", "out_dir": str(out), "seed": 0},
        "model": {"base": str(tiny_gguf), "device": "cpu", "threads": 1},
        "data": {"answers": 0.0, "max_len": 200},
        "lora": {"r": 4, "alpha": 8, "dropout": 0.0, "targets": ["attn+mlp"]},
        # 2 batches an epoch and a checkpoint every 3 steps, so the resume picks up inside a
        # batch order; warm-up and cosine, so a wrong schedule step changes the weights.
        "train": {"steps": 7, "batch_size": 2, "lr": 1e-2, "warmup": 2, "log_every": 1,
                  "save_every": 3, **train},
    })


@pytest.fixture()
def fast_load(tiny_hf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """train_chat reads the tiny GGUF's weights from their saved transformers copy (~1 s,
    against ~65 s to parse its vocabulary from the GGUF again for each of a test's runs)."""
    from assistant.engines.chat import hf

    real = hf.TorchRuntime
    monkeypatch.setattr(hf, "TorchRuntime", lambda *a, **k: real(tiny_hf, threads=1))


def _killed_in_step(step: int, cfg: Any, items: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """train_chat(cfg), the process stopped during optimiser step `step` (batch size 2, no
    accumulation: one forward a step)."""
    from finetune.chat import ChatLoss, train_chat

    forward, calls = ChatLoss.forward, [0]

    def dies(self: Any, batch: Any) -> Any:
        calls[0] += 1
        if calls[0] == step:
            raise KeyboardInterrupt
        return forward(self, batch)

    with monkeypatch.context() as m:
        m.setattr(ChatLoss, "forward", dies)
        with pytest.raises(KeyboardInterrupt):
            train_chat(cfg, items=items, tools=_tools())


def _adapter(out: Path) -> dict[str, Any]:
    from safetensors.torch import load_file

    return load_file(str(out / "adapter_model.safetensors"))


def test_a_run_killed_mid_way_resumes_to_the_same_adapter(
        tiny_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_load: None) -> None:
    from finetune import checkpoint
    from finetune.chat import train_chat

    items = _items()  # 2 calls, 2 not
    whole, _ = train_chat(_resumable(tiny_gguf, tmp_path / "whole"), items=items, tools=_tools())
    assert not checkpoint.path_in(whole).exists()  # a finished run leaves none behind

    cfg = _resumable(tiny_gguf, tmp_path / "stopped")
    _killed_in_step(5, cfg, items, monkeypatch)
    saved = torch.load(checkpoint.path_in(cfg.out_dir), weights_only=True)
    assert (saved["step"], saved["left"]) == (3, 1)  # inside its second batch order
    assert not (cfg.out_dir / "adapter_model.safetensors").exists()

    resumed, _ = train_chat(cfg, items=items, tools=_tools(), resume=True)
    a, b = _adapter(whole), _adapter(resumed)
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    # The log reads as one run's: every step once, the same losses.
    rows = [json.loads(line) for line in (resumed / "train_log.jsonl").read_text().splitlines()]
    want = [json.loads(line) for line in (whole / "train_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == list(range(1, 8))
    assert [r["loss"] for r in rows] == [r["loss"] for r in want]
    assert not checkpoint.path_in(resumed).exists()


def test_a_resume_is_refused_without_its_checkpoint_under_another_config_or_other_examples(
        tiny_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_load: None) -> None:
    from finetune import checkpoint
    from finetune.chat import train_chat
    from finetune.config import ConfigError

    cfg = _resumable(tiny_gguf, tmp_path / "run")
    with pytest.raises(ConfigError, match="no checkpoint"):
        train_chat(cfg, items=_items(), tools=_tools(), resume=True)
    path = checkpoint.path_in(cfg.out_dir)
    path.write_bytes(b"PK\x03\x04 cut off by a kill")  # a file that is not whole
    with pytest.raises(ConfigError, match="not a readable checkpoint"):
        checkpoint.load(path, cfg)
    # Where it runs may change; what it learns may not.
    assert checkpoint.differences(cfg.to_dict(), _resumable(
        tiny_gguf, tmp_path / "run", save_every=5, mixed_precision="no").to_dict()) == []
    assert checkpoint.differences(cfg.to_dict(), _resumable(
        tiny_gguf, tmp_path / "run", lr=2e-2).to_dict()) == ["train.lr: 0.01 -> 0.02"]

    _killed_in_step(4, cfg, _items(), monkeypatch)
    with pytest.raises(ConfigError, match=r"train\.lr"):
        train_chat(_resumable(tiny_gguf, cfg.out_dir, lr=2e-2), items=_items(), tools=_tools(),
                   resume=True)
    # The same config, but the code that makes the examples changed meanwhile.
    with pytest.raises(ConfigError, match="other examples"):
        train_chat(cfg, items=_items()[1:], tools=_tools(), resume=True)
    assert path.exists()  # a refused resume keeps the checkpoint


def test_a_kill_while_a_checkpoint_is_written_leaves_the_last_one_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from finetune import checkpoint

    def ckpt(step: int) -> Any:
        return checkpoint.Checkpoint(step, 1, 0, 1.0, [], [], {"w": torch.ones(3) * step}, {},
                                     {}, torch.get_rng_state(), {}, "")

    path = tmp_path / checkpoint.FILE
    checkpoint.save(path, ckpt(2))
    real_save = torch.save

    def killed(obj: Any, f: Any) -> None:
        f.write(b"half a checkpoint")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", killed)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save(path, ckpt(4))
    monkeypatch.setattr(torch, "save", real_save)
    assert torch.load(path, weights_only=True)["step"] == 2
