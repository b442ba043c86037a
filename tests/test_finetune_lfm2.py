"""The LFM2-Audio fine-tuning path, end to end on the tiny generated checkpoint.

LoRA-train the tiny random LFM2-Audio on three audio clips (tones and noise) -> three specific
tool calls, plus tool result -> answer; save the adapter in peft format; load it through
`create_engine("lfm2", EngineOptions(model_dir=..., adapter=...))`; run the real turn loop on
each clip and check the tools were really called with those arguments. The untrained model must
not do it (so the test can fail).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("liquid_audio")
pytest.importorskip("peft")

from assistant.audio import Audio  # noqa: E402
from assistant.engine import Request  # noqa: E402
from assistant.events import CallsProposed, Event, Reply, ToolFinished  # noqa: E402
from assistant.toolcall import ToolCall, render_lfm2  # noqa: E402
from assistant.tools.base import SideEffect, Tool  # noqa: E402
from assistant.tools.registry import Registry  # noqa: E402
from finetune.config import from_dict  # noqa: E402
from finetune.data import Example  # noqa: E402

RATE = 16_000


SECONDS = {"low": 0.6, "high": 1.4, "noise": 2.4}


def clip(kind: str) -> Audio:
    """Three sounds that differ over time (LFM2-Audio's mel front end normalises each band over
    the clip, which leaves nothing of a steady tone or steady noise) and in length. In a random
    tiny model the few audio positions barely move the state at the end of a ~800-token byte-level
    prompt; the length (how far the answer sits from the system turn) is what a few hundred LoRA
    steps can pick up. The real model hears content; this test proves the plumbing."""
    seconds = SECONDS[kind]
    t = np.arange(int(seconds * RATE)) / RATE
    if kind == "low":  # 300 Hz beeps, four a second
        x = 0.5 * np.sin(2 * np.pi * 300 * t) * (np.sin(2 * np.pi * 4 * t) > 0)
    elif kind == "high":  # a rising chirp, 300 Hz -> 4 kHz
        x = 0.5 * np.sin(2 * np.pi * (300 * t + (3700 / (2 * seconds)) * t**2))
    else:  # noise swelling and fading twice
        x = 0.3 * np.random.default_rng(0).standard_normal(t.size) * np.sin(np.pi * 2 * t / seconds) ** 2
    return Audio(x.astype(np.float32), RATE)


CASES = {
    "low": ToolCall("get_weather", {"location": "Oslo"}),
    "high": ToolCall("set_timer", {"seconds": 90}),
    "noise": ToolCall("add_note", {"text": "milk"}),
}
ANSWER = "Done."


def registry(record: list[ToolCall]) -> Registry:
    """Three small tools (a short tool list keeps the byte-level tiny prompts short)."""

    def make(name: str, props: dict[str, str]) -> Tool:
        def fn(**kwargs: object) -> dict[str, object]:
            record.append(ToolCall(name, dict(kwargs)))
            return {"summary": "ok"}

        schema = {"type": "object", "properties": {k: {"type": v} for k, v in props.items()},
                  "required": list(props)}
        return Tool(name, name.replace("_", " "), schema, fn, SideEffect.READ)

    return Registry([make("get_weather", {"location": "string"}),
                     make("set_timer", {"seconds": "integer"}),
                     make("add_note", {"text": "string"})])


class Scripted:
    """Proposes a given call, then answers: records the exact history the loop builds."""

    name = "script"
    native_audio = False

    def __init__(self, call: ToolCall) -> None:
        self.call = call

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        if request.history[-1].role == "tool":
            yield Reply(text=ANSWER)
        else:
            yield CallsProposed(calls=(self.call,), raw=render_lfm2([self.call]))

    def transcribe(self, audio: Audio) -> str:
        return ""


def loop_examples() -> list[Example]:
    """Each clip's call and answer examples, with the history the turn loop really builds."""
    from assistant.loop import Conversation, LoopOptions, UserInput

    out = []
    for kind, call in CASES.items():
        a = Conversation(Scripted(call), registry([]), options=LoopOptions(speak=False))
        list(a.turn(UserInput(audio=clip(kind))))
        h = tuple(a.history)
        assert [m.role for m in h] == ["user", "assistant", "tool", "assistant"]
        out.append(Example(f"{kind}#call", h[:1], render_lfm2([call]), "call", kind))
        out.append(Example(f"{kind}#answer", h[:3], ANSWER, "answer", kind))
    return out


def dispatched(model_dir: Path, adapter: Path | None) -> dict[str, list[ToolCall]]:
    from assistant.engines import EngineOptions, create_engine
    from assistant.loop import Conversation, LoopOptions, UserInput

    engine = create_engine("lfm2", EngineOptions(model_dir=model_dir, adapter=adapter,
                                                 device="cpu", threads=1))
    engine.settings = type(engine.settings)(max_new_tokens=96)  # type: ignore[attr-defined]
    got: dict[str, list[ToolCall]] = {}
    for kind in CASES:
        record: list[ToolCall] = []
        a = Conversation(engine, registry(record), options=LoopOptions(speak=False))
        events = list(a.turn(UserInput(audio=clip(kind))))
        finished = [e.call for e in events if isinstance(e, ToolFinished) and e.ok]
        assert finished == record  # what the loop reports is what the tools saw
        got[kind] = record
    return got


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from safetensors.torch import load_file, save_file

    from assistant.engines.lfm2.tiny import write_tiny_checkpoint

    path = write_tiny_checkpoint(tmp_path_factory.mktemp("tiny-lfm2") / "ckpt", seed=0)
    # The tied text embedding is initialised at std 0.02: its logits can never be confident
    # (the loss stalls near ln(vocab)). Widen it, as a trained model's is.
    weights = load_file(str(path / "model.safetensors"))
    weights["lfm.embed_tokens.weight"] *= 8.0
    save_file(weights, str(path / "model.safetensors"), metadata={"format": "pt"})
    return path


def test_lfm2_targets_and_frozen_parts() -> None:
    from finetune.lfm2 import trainable_parts
    from finetune.train import target_spec

    cfg = from_dict({"run": {"path": "lfm2"}, "lora": {"targets": ["lfm2-conv"], "layers": r"lfm\."},
                     "lfm2": {"train_audio_adapter": True}})
    spec = target_spec(cfg.lora)
    assert isinstance(spec, str)
    import re

    assert re.fullmatch(spec, "lfm.layers.0.conv.in_proj")
    assert re.fullmatch(spec, "lfm.layers.3.conv.out_proj")
    assert not re.fullmatch(spec, "lfm.layers.1.self_attn.out_proj")
    assert not re.fullmatch(spec, "conformer.layers.0.conv.pointwise_conv1")
    full, frozen = trainable_parts(cfg)
    assert full == ["audio_adapter"] and "conformer" in frozen and "depthformer" in frozen


def test_encode_supervises_only_the_target(tiny: Path) -> None:
    from assistant.engines.lfm2.load import load
    from finetune.lfm2 import collate, encode

    loaded = load(model_dir=tiny, device="cpu")
    ex = loop_examples()[0]
    s = encode(loaded.processor, ex, registry([]).specs)
    sup = s.text[0, -int(s.supervision_mask.sum()):]
    assert loaded.processor.text.decode(sup.tolist()) == ex.target + "<|im_end|>"
    assert not s.supervision_mask[0, : s.length - len(sup)].any()
    batch = collate([s, encode(loaded.processor, loop_examples()[1], registry([]).specs)])
    out = loaded.model(batch)  # upstream's loss runs on our batch layout
    assert torch.isfinite(out.loss) and float(out.text_loss.detach()) > 0


def test_lora_lands_on_the_backbone_only(tiny: Path) -> None:
    from assistant.engines.lfm2.load import load
    from finetune.lfm2 import wrap

    loaded = load(model_dir=tiny, device="cpu")
    cfg = from_dict({"run": {"path": "lfm2"}, "lora": {"targets": ["lfm2-all"]},
                     "lfm2": {"train_audio_adapter": True}})
    module = wrap(loaded.model, cfg)
    lora = {n.split(".lora_A")[0] for n, _ in module.named_modules() if n.endswith("lora_A")}
    suffixes = {".".join(n.split(".")[-2:]) for n in lora}
    assert suffixes == {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                        "self_attn.out_proj", "conv.in_proj", "conv.out_proj",
                        "feed_forward.w1", "feed_forward.w2", "feed_forward.w3"}
    assert all(".lfm.layers." in n for n in lora)
    trained = {n for n, p in module.named_parameters() if p.requires_grad}
    assert any("audio_adapter" in n for n in trained)
    assert not any("conformer" in n or "depth" in n for n in trained)
    module.train()
    base = module.model.get_base_model()
    assert not base.conformer.training and not base.depthformer.training
    assert base.lfm.training


@pytest.mark.slow
def test_lora_on_tiny_lfm2_makes_the_loop_dispatch_the_calls(tiny: Path, tmp_path: Path) -> None:
    from finetune.lfm2 import train_lfm2

    torch.set_num_threads(1)
    before = dispatched(tiny, None)
    assert before != {k: [c] for k, c in CASES.items()}  # the random model does not do it

    cfg = from_dict({
        "run": {"name": "tiny", "out_dir": str(tmp_path / "adapter"), "path": "lfm2", "seed": 0},
        "model": {"device": "cpu", "threads": 1},
        "data": {"max_len": 4096},
        "lora": {"r": 8, "alpha": 16, "dropout": 0.0, "targets": ["lfm2-all"]},
        "train": {"steps": 200, "batch_size": 6, "lr": 1e-2, "warmup": 5, "log_every": 50},
        "lfm2": {"train_audio_adapter": True, "freeze_encoder": True, "freeze_depthformer": True},
    })
    out, stats = train_lfm2(tiny, loop_examples(), registry([]).specs, cfg)
    assert stats.last_loss < stats.first_loss / 20, stats
    files = {p.name for p in out.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "config.toml", "run.json"} <= files
    conf = json.loads((out / "adapter_config.json").read_text())
    assert conf["peft_type"] == "LORA" and "audio_adapter" in conf["modules_to_save"]

    after = dispatched(tiny, out)
    assert after == {k: [c] for k, c in CASES.items()}
