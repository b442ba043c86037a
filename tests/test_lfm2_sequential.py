"""Liquid's sequential pipeline on tiny random checkpoints of both models (real code, no download):
LFM2-Audio ASR -> an LFM2 text brain through its own chat template with tools -> the tool ->
the brain's answer -> LFM2-Audio speech.

Random weights choose nothing, so the ASR's text logits are steered to a transcript
(`script_hook`) and the brain's by a test-only wrapper that forces the text of a call, then of
an answer; the template, the decision, the Pythonic call, the parser, the loop, the tool and both
audio paths are the production code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("liquid_audio")

from lfm2_tiny_fixture import script_hook, tiny_checkpoint  # noqa: E402
from toys import Ledger, toy_registry  # noqa: E402

from assistant.audio.io import load_speech  # noqa: E402
from assistant.engine import Message, Request, ToolSpec  # noqa: E402
from assistant.engines import EngineOptions, create_engine  # noqa: E402
from assistant.engines.chat.engine import ChatEngine  # noqa: E402
from assistant.engines.lfm2.sequential import SequentialEngine  # noqa: E402
from assistant.events import (  # noqa: E402
    Answer,
    AudioChunk,
    CallDecision,
    CallsProposed,
    Done,
    Heard,
    Speaking,
    ToolFinished,
)
from assistant.loop import Conversation, LoopOptions, UserInput  # noqa: E402
from assistant.toolcall import ToolCall  # noqa: E402

REQUEST = Path(__file__).resolve().parents[1] / "assets" / "requests" / "timer_ten_minutes.wav"
CALL = "<|tool_call_start|>[get_time()]<|tool_call_end|>"
ANSWER = "It is noon.<|im_end|>"


@pytest.fixture(scope="module")
def brain_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant.engines.chat.tiny_lfm2 import write_tiny_lfm2_text

    return write_tiny_lfm2_text(tmp_path_factory.mktemp("tiny-lfm2-text") / "brain")


@pytest.fixture(scope="module")
def engine(brain_dir: Path) -> Any:
    torch.set_num_threads(1)
    eng = create_engine("lfm2", EngineOptions(variant="sequential", model_dir=tiny_checkpoint(),
                                              brain=str(brain_dir), device="cpu"))
    eng.voice.max_frames = 20  # random weights never end an utterance: keep it short
    eng.asr.settings = type(eng.asr.settings)(max_asr_tokens=40)
    return eng


def steer(rt: Any, script: Callable[[str], str | None]) -> list[str]:
    """Wrap the runtime's forward pass: where `script(prompt text)` names a target text, the
    logits become one-hot on the target's next token. Returns the prompts it saw."""
    seen: list[str] = []
    real = rt._feed

    def feed(ids: Any) -> np.ndarray:
        logits = real(ids)
        text = rt.detokenize(ids)
        target = script(text)
        if target is None:
            return logits
        head, _, written = text.rpartition("<|im_start|>assistant\n")
        want = rt.tokenize(target)
        done = rt.tokenize(written) if written else []
        if done != want[:len(done)] or len(done) >= len(want):
            return logits
        seen.append(head)
        forced = np.full_like(logits, -1e9)
        forced[want[len(done)]] = 0.0
        return forced

    rt._feed = feed
    return seen


def call_then_answer(text: str) -> str | None:
    last_turn = text.rpartition("<|im_start|>")[0].rpartition("<|im_start|>")[2]
    return ANSWER if last_turn.startswith("tool\n") else CALL


def test_build_wires_lfm2_ears_a_text_brain_and_lfm2_voice(engine: Any) -> None:
    assert isinstance(engine, SequentialEngine) and engine.native_audio
    assert isinstance(engine.brain, ChatEngine)
    assert engine.brain.format.start == "<|tool_call_start|>" and not engine.brain.format.json_body
    assert engine.asr.loaded is engine.voice.loaded  # one LFM2-Audio load serves both
    assert engine.name.startswith("lfm2-sequential(lfm2-asr -> ")


def hear(engine: Any, said: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Steer LFM2-Audio's ASR generation (the one that takes audio in) to `said`, and its TTS
    generation to start speaking at once (`<|audio_start|>`)."""
    from liquid_audio.utils import LFMModality

    from assistant.engines.lfm2 import generate as lfm2_generate

    tok = engine.asr.loaded.processor.text
    script = [*tok.encode(said, add_special_tokens=False), tok.convert_tokens_to_ids("<|im_end|>")]
    real = lfm2_generate.generate

    def generate(model: Any, inputs: Any, **kw: Any) -> Any:
        if bool((inputs["modality_flag"] == LFMModality.AUDIO_IN).any()):
            kw["text_hook"] = script_hook(script)
        else:
            kw["text_hook"] = script_hook([tok.convert_tokens_to_ids("<|audio_start|>")])
        return real(model, inputs, **kw)

    monkeypatch.setattr(lfm2_generate, "generate", generate)


def test_a_spoken_request_goes_asr_brain_tool_speech(engine: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = Ledger()
    hear(engine, "what time is it", monkeypatch)
    prompts = steer(engine.brain.runtime, call_then_answer)
    try:
        bot = Conversation(engine, toy_registry(ledger), options=LoopOptions(speak=True))
        events = list(bot.turn(UserInput(audio=load_speech(REQUEST))))
    finally:
        del engine.brain.runtime._feed
    heard = next(e for e in events if isinstance(e, Heard))
    assert heard.text == "what time is it"
    decisions = [e for e in events if isinstance(e, CallDecision)]
    assert len(decisions) == 2 and decisions[0].p_call == pytest.approx(1.0)
    calls = next(e for e in events if isinstance(e, CallsProposed))
    assert calls.calls == (ToolCall("get_time", {}),)
    finished = next(e for e in events if isinstance(e, ToolFinished))
    assert finished.call.name == "get_time" and finished.ok
    assert next(e for e in events if isinstance(e, Answer)).text == "It is noon."
    speaking = [e for e in events if isinstance(e, Speaking)]
    assert [s.source for s in speaking] == ["native"]  # LFM2-Audio spoke it, not a TTS
    chunks = [e.audio for e in events if isinstance(e, AudioChunk)]
    assert chunks and all(c.sample_rate == 24_000 and c.samples.size for c in chunks)
    assert events[-1] == Done(turn=1, status="answered", t=events[-1].t)
    # The brain read the transcript in the user turn, and its own call and the tool's result
    # in LFM2's format on the second round.
    assert f"<|im_start|>user\n{heard.text}<|im_end|>" in prompts[0]
    second = next(p for p in prompts if "<|tool_response_start|>" in p)
    assert "<|im_start|>assistant\n<|tool_call_start|>[get_time()]<|tool_call_end|><|im_end|>" \
        in second
    assert "It is noon." in second  # the toy tool's summary, in the tool turn


def test_without_native_speech_the_loop_tts_speaks(engine: Any, brain_dir: Path) -> None:
    plain = SequentialEngine(engine.asr, engine.brain, voice=None)
    assert not plain.native_audio
    steer(engine.brain.runtime, lambda text: ANSWER)
    try:
        events = list(plain.respond(Request((Message("user", text="hi"),), (
            ToolSpec("get_time", "The time.", {"type": "object", "properties": {}}),),
            speak=True), threading.Event()))
    finally:
        del engine.brain.runtime._feed
    assert not any(isinstance(e, AudioChunk) for e in events)
    assert events[-1].text == "It is noon." and not events[-1].spoken


def test_a_template_without_tool_calls_gets_the_call_in_its_own_format(engine: Any) -> None:
    history = (Message("user", text="time?"),
               Message("assistant", text="<|tool_call_start|>[get_time()]<|tool_call_end|>",
                       calls=(ToolCall("get_time", {"tz": "UTC"}),)),
               Message("tool", text='[{"ok": true}]'))
    messages = engine.brain.template.messages(history, "Be brief.")
    assert messages[2] == {"role": "assistant",
                           "content": "<|tool_call_start|>[get_time(tz='UTC')]<|tool_call_end|>"}


def test_the_brain_is_chosen_by_name_and_the_audio_model_is_not_the_brain(tmp_path: Path) -> None:
    # `model` names the LFM2-Audio checkpoint; the brain comes from `brain` only.
    with pytest.raises(ValueError, match="unknown brain"):
        create_engine("lfm2", EngineOptions(variant="sequential", model_dir=tmp_path,
                                            model="LiquidAI/LFM2.5-Audio-1.5B",
                                            brain="no-such-brain"))


def test_evalkit_runs_the_sequential_variant_on_tiny_checkpoints(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evalkit.variants import TINY_MAX_TOKENS, ensure_tiny_checkpoint, resolve

    monkeypatch.setenv("EVALKIT_CACHE", str(tmp_path))
    assert resolve("lfm2-sequential").blocked  # no weights, no --tiny-lfm2: not run
    v = resolve("lfm2-sequential", tiny_lfm2=True)
    assert v.pipeline == "sequential" and v.caveat and v.unavailable() is None
    ensure_tiny_checkpoint()
    engine: Any = v.build_engine()
    assert isinstance(engine, SequentialEngine)
    assert engine.brain.settings.max_reply_tokens == TINY_MAX_TOKENS
    events = list(engine.respond(Request((Message("user", audio=load_speech(REQUEST)),), (
        ToolSpec("get_time", "The time.", {"type": "object", "properties": {}}),), speak=True),
        threading.Event()))
    assert isinstance(events[0], Heard)
    assert events[-1].kind in ("reply", "calls-proposed", "call-malformed")


def test_a_template_with_the_generation_tag_renders_like_transformers(brain_dir: Path) -> None:
    # LFM2.5's templates mark the assistant's text with transformers' `{% generation %}` tag.
    from transformers import AutoTokenizer

    from assistant.engines.chat.template import ChatTemplate

    source = ('{{- bos_token -}}{%- for m in messages -%}<|im_start|>{{ m.role }}\n'
              '{%- if m.role == "assistant" -%}{%- generation -%}{{ m.content }}<|im_end|>\n'
              '{%- endgeneration -%}{%- else -%}{{ m.content }}<|im_end|>\n{%- endif -%}'
              '{%- endfor -%}{%- if tools -%}List of tools: {{ tools | tojson }}{%- endif -%}'
              '{%- if add_generation_prompt -%}<|im_start|>assistant\n{%- endif -%}')
    tok = AutoTokenizer.from_pretrained(str(brain_dir))
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello."},
                {"role": "user", "content": "time?"}]
    tools = (ToolSpec("get_time", "The time.", {"type": "object", "properties": {}}),)
    theirs = tok.apply_chat_template(messages, tools=[t.to_openai() for t in tools],
                                     chat_template=source, tokenize=False,
                                     add_generation_prompt=True)
    ours = ChatTemplate(source, bos=tok.bos_token).render(messages, tools)
    assert ours == theirs and "Hello.<|im_end|>" in ours


def test_an_int8_torch_brain_stays_close_to_fp32(brain_dir: Path) -> None:
    from assistant.engines.chat.hf import TorchRuntime

    ids = list(range(256, 320))
    full = TorchRuntime(brain_dir).logits(ids)
    int8 = TorchRuntime(brain_dir, quantize="int8")
    assert "quantized" in type(int8.model.model.layers[0].feed_forward.w1).__module__
    small = int8.logits(ids)
    assert np.corrcoef(full, small)[0, 1] > 0.99
    with pytest.raises(ValueError, match="use int8"):
        TorchRuntime(brain_dir, quantize="int4")


def test_quantize_applies_to_the_audio_model_and_the_brain(brain_dir: Path) -> None:
    eng: Any = create_engine("lfm2", EngineOptions(
        variant="sequential", model_dir=tiny_checkpoint(), brain=str(brain_dir), device="cpu",
        quantize="int4", native_speech=False))
    assert eng.voice is None and not eng.native_audio
    brain_linear = eng.brain.runtime.model.model.layers[0].feed_forward.w1
    assert "quantized" in type(brain_linear).__module__  # a torch brain gets int8
    audio_linears = {type(m).__name__ for m in eng.asr.loaded.model.lfm.modules()}
    assert "Int4Linear" in audio_linears
