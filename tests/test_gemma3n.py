"""The Gemma 3n engine on a tiny random checkpoint (real classes, real processor, random weights).

The checkpoint is written with `save_pretrained` (`assistant.engines.gemma3n.tiny`) and loaded
back through `create_engine("gemma3n", EngineOptions(model_dir=...))`, the `from_pretrained`
route the real google/gemma-3n-E2B-it takes. Random weights choose nothing on purpose, so the
tests that need a decision steer the next-token logits with the engine's test-only `text_hook`,
forcing the token ids of a known string; everything else is the production path.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.audio import Audio
from assistant.engine import Message, Request, ToolSpec
from assistant.engines.gemma3n.chat import held_back, messages, read
from assistant.events import (
    Answer,
    AudioChunk,
    CallMalformed,
    CallsProposed,
    Done,
    Reply,
    Speaking,
    TextDelta,
    ToolFinished,
    ToolStarted,
)
from assistant.toolcall import ToolCall

TOOLS = (ToolSpec("get_weather", "Weather for a place.",
                  {"type": "object", "properties": {"location": {"type": "string"}},
                   "required": ["location"]}),)
CALL = '<|tool_call_start|>[get_weather(location="Paris")]<|tool_call_end|>'


def _clip(seconds: float = 1.0, rate: int = 24_000, seed: int = 0) -> Audio:
    rng = np.random.default_rng(seed)
    return Audio((rng.standard_normal(int(seconds * rate)) * 0.1).astype(np.float32), rate)


# --- reading model output: no model needed ---------------------------------------------------


@pytest.mark.parametrize(("raw", "kind", "detail"), [
    (CALL, CallsProposed, ToolCall("get_weather", {"location": "Paris"})),
    ("Let me check. " + CALL, CallsProposed, ToolCall("get_weather", {"location": "Paris"})),
    ('{"name": "get_weather", "arguments": {"location": "Paris"}}', CallsProposed,
     ToolCall("get_weather", {"location": "Paris"})),
    ('```json\n{"name": "get_weather", "arguments": {"location": "Paris"}}\n```', CallsProposed,
     ToolCall("get_weather", {"location": "Paris"})),
    ('```tool_code\n[get_weather(location="Paris")]\n```', CallsProposed,
     ToolCall("get_weather", {"location": "Paris"})),
    ("<|tool_call_start|>[get_weather(location=Paris)]<|tool_call_end|>", CallMalformed,
     "non-literal-argument"),
    ("<|tool_call_start|>[get_weather(location=", CallMalformed, "unterminated-call"),
    ("<|tool_call_start|><|tool_call_end|>", CallMalformed, "empty-call"),
    ('```tool_code\n[get_weather(__import__("os").system("x"))]\n```', CallMalformed,
     "positional-argument"),
    ("It is sunny in Paris.", Reply, "It is sunny in Paris."),
    ("```python\nprint('hi')\n```", Reply, "```python\nprint('hi')\n```"),
    ("  \n", Reply, ""),
])
def test_output_is_read_into_our_events(raw: str, kind: type, detail: Any) -> None:
    event = read(raw)
    assert isinstance(event, kind)
    if isinstance(event, CallsProposed):
        assert event.calls == (detail,)
        assert "Let me check" not in event.raw
    elif isinstance(event, CallMalformed):
        assert event.errors and event.errors[0].code == detail
    else:
        assert isinstance(event, Reply) and event.text == detail


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"`[]{}()<|>\"'=,:_ \naz01", "<|tool_call_start|>",
                                  "<|tool_call_end|>", "```", "tool_code\n", '"name"',
                                  "get_weather("]), max_size=40).map("".join))
def test_any_output_reads_without_raising(raw: str) -> None:
    event = read(raw)
    assert isinstance(event, (CallsProposed, CallMalformed, Reply))
    if isinstance(event, CallMalformed):
        assert event.errors


def test_streaming_holds_back_what_may_become_a_call() -> None:
    assert held_back("It is sunny") == 0
    assert held_back("It is sunny <|tool") == len("<|tool")
    assert held_back("Sure <|tool_call_start|>[get") == len("Sure <|tool_call_start|>[get")
    assert held_back(' {"name"') == len(' {"name"')
    assert held_back("```") == 3


def test_history_becomes_alternating_gemma_turns() -> None:
    result = json.dumps([{"name": "get_weather", "ok": True, "summary": "Sunny, 20°C"}])
    clip = _clip()
    history = (
        Message("user", text="What's up?"),  # a failed turn: no answer followed it
        Message("user", audio=clip, text="weather in paris"),  # transcript beside the audio
        Message("assistant", text="raw ignored", calls=(ToolCall("get_weather", {"location": "Paris"}),)),
        Message("tool", text=result),
    )
    turns, clips = messages(history, TOOLS)
    assert [t["role"] for t in turns] == ["system", "user", "assistant", "user"]
    assert clips == [clip]
    system = turns[0]["content"][0]["text"]
    assert "<|tool_list_start|>" in system and '"get_weather"' in system
    assert "<|tool_call_start|>[name(arg=value, ...)]<|tool_call_end|>" in system
    assert turns[1]["content"] == [{"type": "text", "text": "What's up?"}, {"type": "audio"}]
    assert turns[2]["content"][0]["text"] == \
        "<|tool_call_start|>[get_weather(location='Paris')]<|tool_call_end|>"
    assert turns[3]["content"][0]["text"] == \
        f"<|tool_response_start|>{result}<|tool_response_end|>"
    own = messages((Message("system", text="Be terse."), Message("user", text="hi")), TOOLS)[0]
    assert own[0]["content"][0]["text"] == "Be terse."


# --- the engine on the tiny checkpoint ---------------------------------------------------------

torch = pytest.importorskip("torch")
pytest.importorskip("timm")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant.engines.gemma3n.tiny import main

    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("tiny-gemma3n") / "ckpt"
    assert main([str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def engine(checkpoint: Path) -> Any:
    from assistant.engines import EngineOptions, create_engine

    return create_engine("gemma3n", EngineOptions(model_dir=checkpoint, device="cpu", threads=1))


@pytest.fixture
def fresh(engine: Any) -> Iterator[Any]:
    """The shared engine with short generations and no hook, restored after each test."""
    from assistant.engines.gemma3n import Gemma3nSettings

    engine.text_hook = None
    engine.settings = Gemma3nSettings(max_new_tokens=100, max_asr_tokens=16)
    yield engine
    engine.text_hook = None
    engine.settings = Gemma3nSettings()


def _ids(engine: Any, text: str) -> list[int]:
    return list(engine.loaded.processor.tokenizer.encode(text, add_special_tokens=False))


class Scripted:
    """A test-only logits hook: generation number k is forced to spell `scripts[k]` (then the
    end-of-turn token); after the scripts the model is left alone. Counts the tokens it forced."""

    def __init__(self, engine: Any, scripts: list[str]) -> None:
        end = int(engine.loaded.processor.tokenizer.convert_tokens_to_ids("<end_of_turn>"))
        self.scripts = [[*_ids(engine, s), end] for s in scripts]
        self.generation = -1
        self.asked = 0

    def __call__(self, logits: Any, so_far: list[int]) -> Any:
        if not so_far:
            self.generation += 1
        self.asked += 1
        if self.generation >= len(self.scripts) or len(so_far) >= len(self.scripts[self.generation]):
            return logits
        out = torch.full_like(logits, -1e9)
        out[self.scripts[self.generation][len(so_far)]] = 0.0
        return out


def _request(**kw: Any) -> Request:
    return Request(history=kw.pop("history", (Message("user", audio=_clip()),)), tools=TOOLS)


def test_build_reads_engine_options(engine: Any) -> None:
    from assistant.engines import ENGINES

    assert "gemma3n" in ENGINES
    assert engine.name == "gemma3n" and not engine.native_audio
    assert type(engine.loaded.model).__name__ == "Gemma3nForConditionalGeneration"
    assert str(engine.loaded.device) == "cpu" and engine.loaded.dtype == torch.float32
    assert engine.loaded.model.model.vision_tower is None  # audio only: no 0.3 B vision weights
    assert torch.get_num_threads() == 1


def test_prompt_goes_through_gemmas_template_with_the_audio(fresh: Any) -> None:
    seen: list[Any] = []
    real = fresh._inputs

    def spy(conversation: list[dict[str, Any]], clips: list[Audio]) -> Any:
        inputs = real(conversation, clips)
        seen.append(inputs)
        return inputs

    fresh._inputs = spy
    try:
        fresh.text_hook = Scripted(fresh, ["ok"])
        list(fresh.respond(_request(), threading.Event()))
    finally:
        del fresh._inputs
    tok = fresh.loaded.processor.tokenizer
    ids = seen[0]["input_ids"][0].tolist()
    text = tok.decode(ids)
    assert text.startswith("<bos><start_of_turn>user\nYou are a helpful voice assistant")
    assert "<|tool_list_start|>" in text
    assert text.endswith("<start_of_audio>" + "<audio_soft_token>" * 188 + "<end_of_audio>\n\n"
                         "<end_of_turn>\n<start_of_turn>model\n")
    assert seen[0]["input_features"].dtype == torch.float32
    assert seen[0]["input_features"].shape[-1] == 128  # mel bins of the real front end


def test_merged_turns_render_in_gemmas_template(fresh: Any) -> None:
    history = (Message("user", text="What's up?"), Message("user", text="Weather in Paris?"),
               Message("tool", text="[]"))
    turns, _ = messages(history, ())
    text = fresh.loaded.processor.apply_chat_template(turns, tokenize=False,
                                                      add_generation_prompt=True)
    assert text == (f"<bos><start_of_turn>user\n{turns[0]['content'][0]['text']}\n\n"
                    "What's up?\n\nWeather in Paris?\n\n"
                    "<|tool_response_start|>[]<|tool_response_end|><end_of_turn>\n"
                    "<start_of_turn>model\n")


@pytest.mark.parametrize("rate", [8_000, 44_100])
def test_audio_at_any_rate_is_resampled_to_16k(fresh: Any, rate: int) -> None:
    from assistant.engines.gemma3n.chat import asr_messages

    ours = fresh._inputs(asr_messages(), [_clip(1.0, rate)])
    ref = fresh._inputs(asr_messages(), [_clip(1.0, 16_000)])
    assert abs(ours["input_features"].shape[1] - ref["input_features"].shape[1]) <= 1


def test_a_long_clip_is_cut_to_gemmas_30_s_window(fresh: Any) -> None:
    from assistant.engines.gemma3n.chat import asr_messages

    long = fresh._inputs(asr_messages(), [_clip(31.0, 16_000)])
    assert long["input_features"].shape[1] <= 3001  # 100 mel frames a second
    # a full window still fits the 188 audio soft tokens of the prompt (more would raise)
    fresh.text_hook = Scripted(fresh, ["ok"])
    events = list(fresh.respond(_request(history=(Message("user", audio=_clip(45.0)),)),
                                threading.Event()))
    assert isinstance(events[-1], Reply) and events[-1].text == "ok"


def test_call_is_dispatched_the_moment_the_block_closes(fresh: Any) -> None:
    fresh.text_hook = hook = Scripted(fresh, [CALL + " and then more text"])
    events = list(fresh.respond(_request(), threading.Event()))
    assert isinstance(events[-1], CallsProposed)
    assert events[-1].calls == (ToolCall("get_weather", {"location": "Paris"}),)
    assert events[-1].raw == CALL
    assert not any(isinstance(e, TextDelta) for e in events)  # a call is never streamed as text
    assert hook.asked == len(_ids(fresh, CALL))  # not one token more


def test_malformed_call(fresh: Any) -> None:
    fresh.text_hook = Scripted(fresh, ["<|tool_call_start|>[get_weather(location=Paris)]"
                                       "<|tool_call_end|>"])
    events = list(fresh.respond(_request(), threading.Event()))
    assert isinstance(events[-1], CallMalformed)
    assert events[-1].errors[0].code == "non-literal-argument"


def test_text_answer_streams_deltas(fresh: Any) -> None:
    fresh.text_hook = Scripted(fresh, ["It is 20°C in Zürich."])
    events = []
    for event in fresh.respond(_request(), threading.Event()):
        assert not torch.is_inference_mode_enabled()  # no torch mode leaks between events
        events.append(event)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "It is 20°C in Zürich."
    assert isinstance(events[-1], Reply) and events[-1].text == "It is 20°C in Zürich."
    assert not events[-1].spoken


def test_random_output_is_an_event_never_an_exception(fresh: Any) -> None:
    for seed in range(3):
        history = (Message("user", audio=_clip(0.7, 16_000, seed=seed)),)
        events = list(fresh.respond(_request(history=history), threading.Event()))
        assert isinstance(events[-1], (Reply, CallsProposed, CallMalformed))


def test_our_decoding_is_transformers_greedy_decoding(fresh: Any) -> None:
    from assistant.engines.gemma3n.chat import asr_messages

    inputs = fresh._inputs(asr_messages(), [_clip(0.5, 16_000)])
    ours = list(fresh._tokens(inputs, 12, None))
    with torch.inference_mode():
        out = fresh.loaded.model.generate(**inputs, max_new_tokens=12, do_sample=False)
    theirs = out[0, inputs["input_ids"].shape[1]:].tolist()
    stop = next((i for i, t in enumerate(theirs) if t in fresh._stop), len(theirs))
    assert ours == theirs[:stop]


def test_transcribe_asks_gemma_and_caches(fresh: Any) -> None:
    fresh.text_hook = hook = Scripted(fresh, ["yes please"])
    clip = _clip(0.5, 16_000)
    assert fresh.transcribe(clip) == "yes please"
    assert fresh.transcribe(clip) == "yes please"
    assert hook.generation == 0  # the second answer came from the cache


def test_cancel_stops_generation(fresh: Any) -> None:
    cancel = threading.Event()
    cancel.set()
    assert list(fresh.respond(_request(), cancel)) == []
    cancel = threading.Event()

    def stop_after_three(logits: Any, so_far: list[int]) -> Any:
        if len(so_far) == 3:
            cancel.set()
        out = torch.full_like(logits, -1e9)
        out[_ids(fresh, "a")[0]] = 0.0
        return out

    fresh.text_hook = stop_after_three
    events = list(fresh.respond(_request(), cancel))
    assert not any(isinstance(e, (Reply, CallsProposed, CallMalformed)) for e in events)


class Voice:
    name = "toy-tts"

    def __init__(self) -> None:
        self.said: list[str] = []

    def synthesize(self, text: str) -> Audio:
        self.said.append(text)
        return Audio(np.zeros(1600, dtype=np.float32), 16_000)


def test_spoken_request_to_call_to_tool_to_tts(fresh: Any) -> None:
    """The done-criterion: Gemma 3n hears audio -> writes a call -> the loop runs the tool ->
    Gemma answers from the tool's result -> the TTS speaks it. The hook scripts what random
    weights cannot decide (the call, then the answer); the tool and the TTS are real calls."""
    from assistant.loop import Conversation, UserInput
    from assistant.tools.base import SideEffect, Tool
    from assistant.tools.registry import Registry

    ran: list[dict[str, Any]] = []

    def get_weather(location: str) -> dict[str, Any]:
        ran.append({"location": location})
        return {"summary": f"Sunny and 20°C in {location}"}

    registry = Registry([Tool("get_weather", "Weather for a place.", TOOLS[0].parameters,
                              get_weather, SideEffect.READ)])
    prompts: list[str] = []
    real = fresh._inputs

    def spy(conversation: list[dict[str, Any]], clips: list[Audio]) -> Any:
        inputs = real(conversation, clips)
        prompts.append(fresh.loaded.processor.tokenizer.decode(inputs["input_ids"][0]))
        return inputs

    fresh._inputs = spy
    answer = "It is sunny and 20°C in Paris."
    fresh.text_hook = Scripted(fresh, [CALL, answer])
    voice = Voice()
    bot = Conversation(fresh, registry, tts=voice)
    try:
        events = list(bot.turn(UserInput(audio=_clip(1.5, 24_000))))
    finally:
        del fresh._inputs
    kinds = [e.kind for e in events]
    assert isinstance(events[-1], Done) and events[-1].status == "answered", kinds
    assert ran == [{"location": "Paris"}]  # the tool really ran, with the call's arguments
    started = [e for e in events if isinstance(e, ToolStarted)]
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert [e.call for e in started] == [ToolCall("get_weather", {"location": "Paris"})]
    assert finished[0].ok
    assert [e.text for e in events if isinstance(e, Answer)] == [answer]
    assert voice.said == [answer]  # the TTS spoke the answer
    assert any(isinstance(e, Speaking) and e.source == "toy-tts" for e in events)
    assert any(isinstance(e, AudioChunk) for e in events)
    # the second generation read the call and the tool's result in Gemma's turns
    assert len(prompts) == 2 and prompts[0].count("<audio_soft_token>") == 188
    assert ("<start_of_turn>model\n<|tool_call_start|>[get_weather(location='Paris')]"
            "<|tool_call_end|><end_of_turn>\n<start_of_turn>user\n<|tool_response_start|>") \
        in prompts[1]
    assert "Sunny and 20°C in Paris" in prompts[1]
    assert [m.role for m in bot.history] == ["user", "assistant", "tool", "assistant"]


# --- loading -----------------------------------------------------------------------------------


def test_hub_id_without_the_hub_says_how_to_download(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    from assistant.engines import EngineOptions, create_engine
    from assistant.speech import BackendUnavailable

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for options in (EngineOptions(model="google/gemma-3n-E2B-it"), EngineOptions()):
        with pytest.raises(BackendUnavailable) as err:
            create_engine("gemma3n", options)
        message = str(err.value)
        assert "huggingface-cli download google/gemma-3n-E2B-it --local-dir DIR" in message
        assert "--model-dir DIR" in message
    with pytest.raises(BackendUnavailable, match=r"no config\.json"):
        create_engine("gemma3n", EngineOptions(model_dir=tmp_path))
    with pytest.raises(ValueError, match="adapters are not supported"):
        create_engine("gemma3n", EngineOptions(model_dir=tmp_path, adapter=tmp_path))


def test_a_directory_given_as_model_is_loaded_from_disk(checkpoint: Path) -> None:
    from assistant.engines.gemma3n.load import source

    assert source(str(checkpoint), None) == checkpoint
    assert source("google/gemma-3n-E2B-it", checkpoint) == checkpoint  # --model-dir wins


def test_importing_the_engine_does_not_import_torch() -> None:
    code = ("import sys, assistant.engines.gemma3n, assistant.engines.gemma3n.chat, "
            "assistant.engines.gemma3n.load, assistant.engines.gemma3n.tiny; "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
