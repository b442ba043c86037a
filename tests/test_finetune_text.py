"""The text path on toy models: LoRA training with the loss on supervised positions only,
adapters in peft format, evaluation through evalkit's checker, and merging."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from assistant.engine import Message  # noqa: E402
from assistant.prompt import text_prompt  # noqa: E402
from evalkit.items import ExpectedCall, Item  # noqa: E402
from finetune.config import from_dict  # noqa: E402

ITEMS = [
    Item("train:a", "weather in oslo", (ExpectedCall("get_weather", {"location": ("Oslo",)}),),
         "call", "get_weather", "t/1", "train"),
    Item("train:b", "log 5 mg of warfarin",
         (ExpectedCall("log_dose", {"drug": ("warfarin",), "amount": (5,), "unit": ("mg",)}),),
         "call", "log_dose", "t/2", "train", ("warfarin",)),
    Item("train:c", "tell me a joke", (), "chit-chat", None, "t/3", "train"),
]


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINETUNE_CACHE", str(tmp_path_factory.getbasetemp() / "ft-cache"))
    torch.set_num_threads(1)


def _cfg(out: Path, base: str, **train: object) -> object:
    return from_dict({
        "run": {"name": "toy", "out_dir": str(out), "seed": 0},
        "model": {"base": base, "device": "cpu"},
        "data": {"answers": 0.0, "tool_list": "none"},
        "lora": {"r": 16, "alpha": 32, "dropout": 0.0, "targets": ["attn+mlp"]},
        "train": {"steps": 100, "batch_size": 3, "lr": 1e-2, "warmup": 5, "log_every": 50,
                  **train},
    })


def test_supervised_loss_equals_the_full_loss_on_target_positions() -> None:
    from finetune import base
    from finetune.train import SupervisedLM, collate_text

    model, tok = base.load(base.resolve("toy-llama"), device="cpu", dtype=torch.float32)
    ids = [tok("^hello world", add_special_tokens=False)["input_ids"],
           tok("^a b", add_special_tokens=False)["input_ids"]]
    labels = [[-100] * 6 + x[6:] for x in ids[:1]] + [[-100, *ids[1][1:]]]
    batch = collate_text(list(zip(ids, labels, strict=True)), tok.pad_token_id)
    fast = SupervisedLM(model)(**batch)
    full = model(**batch).loss  # transformers' own shifted CE over every labelled position
    assert torch.allclose(fast, full, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("base_name", ["toy-llama", "toy-gemma3"])
def test_lora_learns_calls_then_evaluates_and_merges(tmp_path: Path, base_name: str) -> None:
    from finetune.evaluate import evaluate_text, load_for_eval, merge
    from finetune.train import train_text

    cfg = _cfg(tmp_path / "run", base_name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, stats = train_text(cfg, items=ITEMS, tools=())  # type: ignore[arg-type]
    assert not [w for w in caught if "remote file" in str(w.message)]  # no hub lookup on save
    assert stats.last_loss < stats.first_loss / 10 and stats.trainable_params < stats.total_params
    conf = json.loads((out / "adapter_config.json").read_text())
    assert conf["base_model_name_or_path"] == base_name and conf["r"] == 16
    assert (out / "config.toml").is_file() and (out / "train_log.jsonl").is_file()

    base_model, tok = load_for_eval(base_name, None, "cpu")
    base_metrics, _ = evaluate_text(base_model, tok, ITEMS, (), "none", max_new_tokens=96)
    assert base_metrics.exact_args == 0.0  # the random base cannot do it

    model, tok = load_for_eval(base_name, out, "cpu")
    metrics, rows = evaluate_text(model, tok, ITEMS, (), "none", max_new_tokens=96)
    assert metrics.accuracy == 1.0, rows
    assert metrics.false_alarm == 0.0 and metrics.terms_n == 1 and metrics.terms_acc == 1.0

    from finetune.export import export_adapter, sha256, write_sums

    shipped = export_adapter(out, tmp_path / "shipped")
    sums = write_sums(shipped).read_text().splitlines()
    assert f"{sha256(shipped / 'adapter_model.safetensors')}  adapter_model.safetensors" in sums
    half, tok = load_for_eval(base_name, shipped, "cpu")
    half_metrics, _ = evaluate_text(half, tok, ITEMS, (), "none", max_new_tokens=96)
    assert half_metrics.accuracy == 1.0

    merged = merge(out, tmp_path / "merged")
    from transformers import AutoModelForCausalLM

    plain = AutoModelForCausalLM.from_pretrained(str(merged))
    prompt = text_prompt((Message("user", ITEMS[1].text),), (), "none", bos=tok.bos_token)
    enc = tok(prompt, add_special_tokens=False, return_tensors="pt")
    with torch.no_grad():
        assert torch.allclose(plain(**enc).logits, model(**enc).logits, atol=1e-4)
