"""finetune's run config and data: TOML -> frozen dataclasses, examples, prompts, masks."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.engine import Message, ToolSpec
from assistant.prompt import TURN_END, compact_tool_list, text_prompt, text_prompt_head
from assistant.toolcall import ToolCall, parse_tool_calls
from evalkit.items import ExpectedCall, Item
from finetune.config import ConfigError, DataOptions, dumps, from_dict, load_config, save
from finetune.data import (
    build_examples,
    encode_example,
    gold_calls,
    stratified_sample,
    tool_result,
)

CONFIGS = Path(__file__).resolve().parents[1] / "finetune" / "configs"


def test_every_shipped_config_loads() -> None:
    paths = sorted(CONFIGS.glob("*.toml"))
    assert paths
    for p in paths:
        cfg = load_config(p)
        assert cfg.run.name and cfg.lora.target_modules()


def test_the_1_5b_config_is_the_0_5b_recipe_on_another_base() -> None:
    """The GPU-box 1.5B adapter is meant to compare with the shipped 0.5B one: the same data,
    LoRA and schedule; only the base model and the device differ."""
    small, large = load_config(CONFIGS / "qwen-0.5b.toml"), load_config(CONFIGS / "qwen-1.5b.toml")
    # Only how the 1.5B fits in memory differs (recomputed activations: the same gradients).
    assert (large.data, large.lora, replace(large.train, gradient_checkpointing=False)) == \
        (small.data, small.lora, small.train)
    assert (large.run.path, large.model.base, large.model.device) == ("chat", "qwen-1.5b", "auto")


def test_the_iq4_config_is_the_0_5b_recipe_on_the_requantized_base() -> None:
    """docs/brain-eval/iq4-experiment compares it with the shipped adapter: only the base
    differs, and that base is the 0.5B requantized (a brain with a pinned requant)."""
    from assistant.engines.chat.brains import BRAINS

    shipped, iq4 = load_config(CONFIGS / "qwen-0.5b.toml"), load_config(CONFIGS / "qwen-0.5b-iq4.toml")
    assert (iq4.data, iq4.lora, iq4.train, iq4.model.device) == \
        (shipped.data, shipped.lora, shipped.train, shipped.model.device)
    base = BRAINS[iq4.model.base]
    assert base.requant is not None and base.file == BRAINS[shipped.model.base].file


def test_config_round_trips_and_overrides(tmp_path: Path) -> None:
    cfg = load_config(None, ["train.lr=3e-4", "lora.targets=['attn+mlp']", "run.name=x",
                             "data.tool_list=compact"])
    assert cfg.train.lr == 3e-4 and cfg.run.name == "x" and cfg.data.tool_list == "compact"
    assert "gate_proj" in cfg.lora.target_modules()
    path = save(cfg, tmp_path)
    assert load_config(path) == cfg
    assert dumps(load_config(path)) == dumps(cfg)


@pytest.mark.parametrize("raw, where", [
    ({"train": {"lr": "fast"}}, "train.lr"),
    ({"train": {"stepz": 3}}, "train.stepz"),
    ({"nope": {}}, "[nope]"),
    ({"data": {"tool_list": "some"}}, "data.tool_list"),
    ({"lora": {"r": 0}}, "lora.r"),
    ({"train": {"steps": True}}, "train.steps"),
    ({"train": {"save_every": 5}}, "train.save_every"),  # only the chat path checkpoints
    ({"run": {"path": "chat"}, "train": {"save_every": -1}}, "train.save_every"),
])
def test_bad_config_names_the_key(raw: dict, where: str) -> None:
    with pytest.raises(ConfigError, match=where.replace("[", r"\[").replace("]", r"\]")):
        from_dict(raw)


def test_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[train\nlr = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def _item(text: str, expected: tuple[ExpectedCall, ...], category: str = "call",
          terms: tuple[str, ...] = ()) -> Item:
    return Item(f"train:{text}", text, expected, category,
                expected[0].name if expected else None, "t/1", "train", terms)


WEATHER = ExpectedCall("get_weather", {"location": ("Oslo", "Oslo, Norway"), "day": ("today",)},
                       frozenset({"day"}))
DOSE = ExpectedCall("log_dose", {"drug": ("metformin",), "amount": (500,), "unit": ("mg",)},
                    frozenset({"time"}))


def test_gold_calls_take_first_values_and_skip_unsaid_optionals() -> None:
    assert gold_calls(_item("weather in oslo", (WEATHER,))) == (
        ToolCall("get_weather", {"location": "Oslo"}),)
    times = ExpectedCall("add_medication_schedule", {"times": (("08:00", "20:00"),)})
    assert gold_calls(_item("x", (times,)))[0].arguments == {"times": ["08:00", "20:00"]}


def test_examples_cover_calls_negatives_and_answers() -> None:
    items = [_item("weather in oslo", (WEATHER,)), _item("log 500 mg metformin", (DOSE,)),
             _item("how are you", (), "chit-chat")] * 20
    exs = build_examples(items, DataOptions(answers=0.5), seed=1)
    kinds = {e.kind for e in exs}
    assert kinds == {"call", "negative", "answer"}
    for e in exs:
        parsed = parse_tool_calls(e.target)
        assert parsed.ok
        assert bool(parsed.calls) == (e.kind == "call")
    answer = next(e for e in exs if e.kind == "answer")
    assert [m.role for m in answer.history] == ["user", "assistant", "tool"]
    assert answer.history[1].calls and answer.history[2].text.startswith('[{"name": ')


def test_tool_result_matches_the_loop_format() -> None:
    import json

    text, answer = tool_result(ToolCall("log_dose", {"drug": "metformin", "amount": 500,
                                                     "unit": "mg"}), random.Random(3))
    body = json.loads(text)
    assert body[0]["name"] == "log_dose" and "ok" in body[0]
    assert answer


SPEC = ToolSpec("get_weather", "Weather now or a forecast. Uses Open-Meteo.",
                {"type": "object", "properties": {"location": {"type": "string"},
                                                  "day": {"type": "string"}},
                 "required": ["location"]})


def test_prompt_modes() -> None:
    history = (Message("user", "weather in oslo"),)
    none = text_prompt(history, [SPEC], "none", bos="<bos>")
    assert none == "<bos><start_of_turn>user\nweather in oslo<end_of_turn>\n<start_of_turn>model\n"
    compact = text_prompt(history, [SPEC], "compact")
    assert "get_weather(location: str, day?: str): Weather now or a forecast" in compact
    assert compact_tool_list([SPEC]).count("\n") == 0
    full = text_prompt(history, [SPEC], "full")
    assert "<|tool_list_start|>" in full


@pytest.mark.parametrize("systems", [(), ("Be brief.",), ("Old.", "", "New.")])
@pytest.mark.parametrize("mode", ["none", "compact"])
def test_prompt_head_is_the_prompts_constant_start(systems: tuple[str, ...], mode: str) -> None:
    # The engine caches the head's KV: it must be exactly where every prompt starts.
    history = (*[Message("system", t) for t in systems], Message("user", "weather in oslo"))
    head = text_prompt_head(history, [SPEC], mode, bos="<bos>")  # type: ignore[arg-type]
    prompt = text_prompt(history, [SPEC], mode, bos="<bos>")  # type: ignore[arg-type]
    assert prompt.startswith(head) and prompt[len(head):].startswith("weather in oslo")
    if systems:
        assert "New." in head if "New." in systems else "Be brief." in head


def test_prompt_renders_a_call_turn_once() -> None:
    call = ToolCall("get_weather", {"location": "Oslo"})
    from assistant.toolcall import render_lfm2

    history = (Message("user", "weather"), Message("assistant", text=render_lfm2([call]),
                                                   calls=(call,)), Message("tool", "[]"))
    p = text_prompt(history, [], "none")
    assert p.count("<|tool_call_start|>") == 1 and "<|tool_response_start|>[]" in p


class ByteTok:
    """A stand-in tokenizer: one id per character."""

    bos_token = "^"

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict[str, list[int]]:
        return {"input_ids": [ord(c) for c in text]}


def test_loss_mask_covers_the_target_and_end_of_turn_only() -> None:
    ex = build_examples([_item("weather in oslo", (WEATHER,))], DataOptions(answers=0.0))[0]
    enc = encode_example(ByteTok(), ex, [], "none")
    supervised = "".join(chr(i) for i, y in zip(enc.input_ids, enc.labels, strict=True) if y != -100)
    assert supervised == ex.target + TURN_END
    assert "".join(chr(i) for i in enc.input_ids).startswith("^<start_of_turn>user\n")


def test_stratified_sample_is_fixed_and_keeps_groups() -> None:
    items = [_item(f"w{i}", (WEATHER,)) for i in range(50)] + [
        _item(f"n{i}", (), "chit-chat") for i in range(50)]
    a = stratified_sample(items, 10, seed=0)
    assert a == stratified_sample(items, 10, seed=0) and len(a) == 10
    assert sum(it.is_negative for it in a) == 5
    assert stratified_sample(items, 0) == items


def test_bf16_autocast_only_where_it_runs_natively(monkeypatch) -> None:
    from finetune import train

    monkeypatch.setattr(train, "cpu_flags", lambda: frozenset({"avx2", "fma"}))  # Zen 3
    assert not train.use_bf16("auto", "cpu") and train.use_bf16("auto", "cuda")
    assert train.use_bf16("bf16", "cpu") and not train.use_bf16("no", "cuda")
    monkeypatch.setattr(train, "cpu_flags", lambda: frozenset({"avx2", "avx512_bf16"}))  # Zen 4
    assert train.use_bf16("auto", "cpu")


def test_the_log_says_how_long_the_run_has_left() -> None:
    from finetune.train import time_left

    assert time_left(480.0, 20, 320) == ", ~120 min left"  # 24 s a step, 300 steps to go
    assert time_left(30.0, 3, 5) == ", ~20 s left"
    assert time_left(7000.0, 320, 320) == "" and time_left(0.0, 0, 320) == ""
