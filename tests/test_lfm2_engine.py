"""The LFM2-Audio engine end to end on the tiny checkpoint (random weights, real code).

Random weights emit random tokens, so tests that need a particular decision steer the text
logits with a test-only hook (`script_hook`); everything else is the production path.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("liquid_audio")

from lfm2_tiny_fixture import script_hook, tiny_checkpoint  # noqa: E402

from assistant.audio import Audio  # noqa: E402
from assistant.engine import Message, Request, ToolSpec  # noqa: E402
from assistant.engines import EngineOptions, create_engine  # noqa: E402
from assistant.engines.lfm2 import LFM2Engine  # noqa: E402
from assistant.events import (  # noqa: E402
    AudioChunk,
    CallMalformed,
    CallsProposed,
    Heard,
    Reply,
    TextDelta,
)
from assistant.toolcall import ToolCall  # noqa: E402

TOOLS = (ToolSpec("get_weather", "Weather for a place.",
                  {"type": "object", "properties": {"location": {"type": "string"}},
                   "required": ["location"]}),)


def _clip(seconds: float = 1.0, rate: int = 24_000) -> Audio:
    rng = np.random.default_rng(0)
    return Audio((rng.standard_normal(int(seconds * rate)) * 0.1).astype(np.float32), rate)


@pytest.fixture(scope="module")
def engine():
    torch.set_num_threads(1)
    eng = create_engine("lfm2", EngineOptions(model_dir=tiny_checkpoint(), device="cpu"))
    return eng


@pytest.fixture
def fresh(engine):
    """The shared engine with default settings and no hook, restored after each test."""
    from assistant.engines.lfm2 import LFM2Settings

    engine.text_hook = None
    engine.settings = LFM2Settings(max_new_tokens=60)
    yield engine
    engine.text_hook = None
    engine.settings = LFM2Settings()


def _encode(engine, text: str) -> list[int]:
    return engine.loaded.processor.text.encode(text, add_special_tokens=False)


def _request(speak: bool = False, **kw) -> Request:
    history = kw.pop("history", (Message("user", audio=_clip()),))
    return Request(history=history, tools=TOOLS, speak=speak)


def test_build_reads_engine_options(engine):
    assert engine.name == "lfm2" and engine.native_audio
    assert engine.settings.variant == "e2e"
    assert str(engine.loaded.device) == "cpu" and engine.loaded.dtype == torch.float32


def test_call_is_dispatched_the_moment_the_block_closes(fresh):
    script = _encode(fresh, '<|tool_call_start|>[get_weather(location="Paris")]<|tool_call_end|>')
    fresh.text_hook = script_hook(script + _encode(fresh, "never generated"))
    events = list(fresh.respond(_request(speak=True), threading.Event()))
    assert isinstance(events[-1], CallsProposed)
    assert events[-1].calls == (ToolCall("get_weather", {"location": "Paris"}),)
    assert events[-1].raw.endswith("<|tool_call_end|>")
    assert not any(isinstance(e, (TextDelta, AudioChunk)) for e in events)  # calls are silent
    assert len(fresh.text_hook.calls) == len(script)  # not one token more


def test_malformed_call(fresh):
    fresh.text_hook = script_hook(_encode(
        fresh, "<|tool_call_start|>[get_weather(location=Paris)]<|tool_call_end|>"))
    events = list(fresh.respond(_request(), threading.Event()))
    assert isinstance(events[-1], CallMalformed)
    assert events[-1].errors[0].code == "non-literal-argument"


def test_text_answer_streams_deltas(fresh):
    fresh.text_hook = script_hook(_encode(fresh, "It is 20°C in Zürich.<|im_end|>"))
    events = list(fresh.respond(_request(speak=False), threading.Event()))
    deltas = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert deltas == "It is 20°C in Zürich."
    assert events[-1] == Reply(text="It is 20°C in Zürich.", spoken=False, t=events[-1].t)


def test_spoken_answer_is_interleaved_native_audio(fresh):
    fresh.text_hook = script_hook(_encode(fresh, "Sunny today.<|text_end|>"))
    events = list(fresh.respond(_request(speak=True), threading.Event()))
    chunks = [e.audio for e in events if isinstance(e, AudioChunk)]
    assert chunks, "interleaved mode produced no audio"
    assert all(c.sample_rate == 24_000 and len(c.samples) % 1920 == 0 for c in chunks)
    assert all(np.isfinite(c.samples).all() for c in chunks)
    reply = events[-1]
    assert isinstance(reply, Reply) and reply.spoken
    assert reply.text.startswith("Sunny today.")
    # text came in interleaved blocks: the first audio chunk follows the first text
    kinds = [e.kind for e in events]
    assert kinds.index("text-delta") < kinds.index("audio")


def test_tool_results_and_history_are_rendered_in_lfm2_format(fresh):
    from assistant.engines.lfm2.chat import render

    results = json.dumps([{"name": "get_weather", "ok": True, "summary": "Sunny, 20°C"}])
    history = (
        Message("user", text="Weather in Paris?"),
        Message("assistant", calls=(ToolCall("get_weather", {"location": "Paris"}),)),
        Message("tool", text=results),
    )
    chat, prefix_len = render(fresh.loaded.processor, torch.float32, history, TOOLS)
    text = fresh.loaded.processor.text.decode(chat.text[0].tolist())
    assert text.startswith("<|startoftext|><|im_start|>system\n")
    assert "<|tool_list_start|>" in text and "get_weather" in text
    assert ('<|im_start|>assistant\n<|tool_call_start|>[get_weather(location=\'Paris\')]'
            "<|tool_call_end|><|im_end|>") in text
    assert f"<|im_start|>tool\n<|tool_response_start|>{results}<|tool_response_end|><|im_end|>" \
        in text
    assert text.endswith("<|im_start|>assistant\n")
    prefix = fresh.loaded.processor.text.decode(chat.text[0, :prefix_len].tolist())
    assert prefix.endswith("<|tool_list_end|><|im_end|>\n")  # exactly the static system turn
    # and the answer turn after the results runs
    fresh.text_hook = script_hook(_encode(fresh, "Sunny.<|im_end|>"))
    events = list(fresh.respond(Request(history=history, tools=TOOLS), threading.Event()))
    assert events[-1].text == "Sunny."


@pytest.mark.parametrize("rate", [8_000, 44_100])
def test_audio_at_any_rate_is_resampled(fresh, rate):
    from assistant.engines.lfm2.chat import render

    chat, _ = render(fresh.loaded.processor, torch.float32,
                     (Message("user", audio=_clip(1.0, rate)),), TOOLS)
    reference, _ = render(fresh.loaded.processor, torch.float32,
                          (Message("user", audio=_clip(1.0, 16_000)),), TOOLS)
    assert abs(chat.audio_in.shape[1] - reference.audio_in.shape[1]) <= 1  # ~100 frames / s


def test_two_step_transcribes_then_decides_from_text(fresh, monkeypatch):
    from liquid_audio.utils import LFMModality

    from assistant.engines.lfm2 import LFM2Settings
    from assistant.engines.lfm2 import generate as lfm2_generate

    fresh.settings = LFM2Settings(variant="two-step", max_new_tokens=20, max_asr_tokens=10)
    seen = []
    real = lfm2_generate.generate

    def spy(model, inputs, **kw):
        seen.append(bool((inputs["modality_flag"] == LFMModality.AUDIO_IN).any()))
        return real(model, inputs, **kw)

    monkeypatch.setattr(lfm2_generate, "generate", spy)
    events = list(fresh.respond(_request(), threading.Event()))
    assert isinstance(events[0], Heard)
    assert seen == [True, False]  # ASR hears the audio; the decision reads only text
    assert isinstance(events[-1], (Reply, CallsProposed, CallMalformed))


def test_transcribe_returns_text(fresh):
    text = fresh.transcribe(_clip(0.5, 16_000))
    assert isinstance(text, str)


def test_barge_in_cancels_promptly(fresh):
    from assistant.engines.lfm2 import LFM2Settings

    fresh.settings = LFM2Settings(max_new_tokens=100_000)
    cancel = threading.Event()
    events: list = []
    worker = threading.Thread(target=lambda: events.extend(
        fresh.respond(_request(speak=True), cancel)))
    worker.start()
    time.sleep(1.0)
    stopped_at = time.monotonic()
    cancel.set()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert time.monotonic() - stopped_at < 2.0
    assert not any(isinstance(e, (Reply, CallsProposed, CallMalformed)) for e in events)


def test_frame_decoder_streams_the_same_waveform(fresh):
    from assistant.engines.lfm2.voice import FrameDecoder

    proc = fresh.loaded.processor
    assert next(proc.audio_detokenizer.parameters()).device.type == "cpu"  # no .cuda()
    codes = torch.randint(0, 2048, (8, 30), generator=torch.Generator().manual_seed(1))
    decoder = FrameDecoder(proc, chunk_frames=12)
    chunks = [c for c in (decoder.push(codes[:, i]) for i in range(30)) if c is not None]
    tail = decoder.flush()
    assert tail is not None
    chunks.append(tail)
    assert [len(c.samples) for c in chunks] == [12 * 1920, 12 * 1920, 6 * 1920]
    whole = proc.decode(codes[None]).reshape(-1).numpy()
    streamed = np.concatenate([c.samples for c in chunks])
    assert streamed.shape == whole.shape
    # identical away from the chunk edges (the ISTFT's right edge needs the next frame)
    assert np.allclose(streamed[: 12 * 1920 - 960], np.clip(whole[: 12 * 1920 - 960], -1, 1),
                       atol=1e-4)


def test_lfm2_voice_synthesizer(fresh):
    from assistant.engines.lfm2.voice import LFM2Voice
    from assistant.speech import Synthesizer

    voice = LFM2Voice(fresh.loaded, "uk-male", max_frames=30)
    assert isinstance(voice, Synthesizer)
    audio = voice.synthesize("Hello there.")
    assert audio.sample_rate == 24_000 and len(audio.samples) % 1920 == 0
    with pytest.raises(ValueError, match="unknown LFM2 voice"):
        LFM2Voice(fresh.loaded, "pirate")


def _w1(model: Any) -> Any:
    layer: Any = model.lfm.layers[0]
    return layer.feed_forward.w1.weight


def test_adapter_is_applied_at_load(tmp_path):
    from peft import LoraConfig, get_peft_model

    from assistant.engines.lfm2.load import load

    base = load(model_dir=tiny_checkpoint(), device="cpu")
    before = _w1(base.model).detach().clone()
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["w1", "w3"],
                        init_lora_weights=False)  # random B: the adapter changes the weights
    peft_model = get_peft_model(base.model, config)
    peft_model.save_pretrained(str(tmp_path / "adapter"))
    assert (tmp_path / "adapter" / "adapter_config.json").is_file()

    engine = create_engine("lfm2", EngineOptions(model_dir=tiny_checkpoint(),
                                                 adapter=tmp_path / "adapter", device="cpu"))
    assert isinstance(engine, LFM2Engine)
    after = _w1(engine.loaded.model)
    assert type(engine.loaded.model).__name__ == "LFM2AudioModel"  # merged, not wrapped
    assert not torch.allclose(before, after)
    with pytest.raises(Exception, match=r"adapter_config\.json"):
        create_engine("lfm2", EngineOptions(model_dir=tiny_checkpoint(), adapter=tmp_path))


def test_missing_weights_say_how_to_get_them(monkeypatch, tmp_path):
    from assistant.engines.lfm2.load import WeightsMissing

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(WeightsMissing) as err:
        create_engine("lfm2", EngineOptions(model="LiquidAI/LFM2.5-Audio-1.5B"))
    message = str(err.value)
    assert "hf download LiquidAI/LFM2.5-Audio-1.5B" in message and "--model-dir" in message
    with pytest.raises(WeightsMissing, match=r"no config\.json"):
        create_engine("lfm2", EngineOptions(model_dir=tmp_path))
    with pytest.raises(ValueError, match="variant"):
        create_engine("lfm2", EngineOptions(model_dir=tmp_path, variant="three-step"))
