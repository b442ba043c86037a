"""The CPU speed-ups of `assistant.engines.lfm2.fast` against the fp32 path, on the tiny random
checkpoint: 4-bit weights give close logits and the same greedy text tokens, the fused short-conv
step gives upstream's tokens and states."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("liquid_audio")
if not hasattr(torch.ops.aten, "_weight_int4pack_mm_for_cpu"):
    pytest.skip("this torch has no CPU int4 kernel", allow_module_level=True)

from lfm2_tiny_fixture import tiny_chat, tiny_checkpoint  # noqa: E402

from assistant.engines.lfm2 import fast as lfm2_fast  # noqa: E402
from assistant.engines.lfm2.generate import GREEDY, PrefixCache, generate, text_logits  # noqa: E402


def _load() -> Any:
    from assistant.engines.lfm2.load import load

    torch.set_num_threads(1)
    return load(model_dir=tiny_checkpoint(), device="cpu")


@pytest.fixture(scope="module")
def fp32():
    return _load()


@pytest.fixture(scope="module")
def chat(fp32):
    return tiny_chat(fp32.processor)


def _ids(tokens):
    return [t.tolist() for t in tokens]


def _step_logits(model: Any, state: Any, steps: int = 8) -> torch.Tensor:
    """Text logits of the prompt's last position, then of `steps` one-token decode steps
    (forcing the same token ids on every model, so that the logits can be compared)."""
    with torch.no_grad():
        emb = model._prefill(text=state["text"], audio_in=state["audio_in"],
                             audio_in_lens=state["audio_in_lens"], audio_out=state["audio_out"],
                             modality_flag=state["modality_flag"])
        out = model.lfm(inputs_embeds=emb, use_cache=True)
        rows = [text_logits(model, out.last_hidden_state[0, -1])]
        for token in range(300, 300 + steps):
            emb = model.lfm.embed_tokens(torch.tensor([[token]]))
            out = model.lfm(inputs_embeds=emb, past_key_values=out.past_key_values,
                            use_cache=True)
            rows.append(text_logits(model, out.last_hidden_state[0, -1]))
    return torch.stack(rows)


@pytest.mark.parametrize("group_size", lfm2_fast.INT4_GROUP_SIZES)
def test_int4_linear_computes_with_its_dequantized_weight(group_size):
    g = torch.Generator().manual_seed(0)
    weight = torch.randn(48, 256, generator=g) * 0.05
    bias = torch.randn(48, generator=g)
    layer = lfm2_fast.Int4Linear(weight, bias, group_size)
    deq = layer.dequantized()
    # each value within half a step (+ bf16 rounding of scale and zero) of the original
    groups = weight.reshape(48, -1, group_size)
    step = (groups.amax(-1) - groups.amin(-1)) / 15
    err = (deq - weight).abs().reshape(48, -1, group_size).amax(-1)
    assert bool((err <= 0.5 * step + 0.01 * groups.abs().amax(-1)).all())
    x = torch.randn(2, 3, 256, generator=g)  # a (batch, seq, features) input, 6 rows
    want = x.to(torch.bfloat16).float() @ deq.t() + bias
    assert layer(x).shape == (2, 3, 48)
    assert torch.allclose(layer(x), want, atol=0.02, rtol=0.02)
    with pytest.raises(ValueError, match="int4 needs"):
        lfm2_fast.Int4Linear(weight[:40], None, group_size)


def test_int4_layer_hands_prompts_to_its_int8_copy():
    g = torch.Generator().manual_seed(1)
    weight = torch.randn(32, 64, generator=g)
    wide = lfm2_fast._int8_linear(weight)
    layer = lfm2_fast.Int4Linear(weight, None, 32, wide=wide, max_rows=4)
    prompt, step = torch.randn(1, 9, 64, generator=g), torch.randn(1, 1, 64, generator=g)
    assert torch.equal(layer(prompt), wide(prompt))
    alone = lfm2_fast.Int4Linear(weight, None, 32)
    assert torch.equal(layer(step), alone(step))  # one token: the 4-bit kernel


@pytest.mark.parametrize("how", ["int4", "int4-g64"])
def test_int4_model_gives_close_logits_and_the_same_tokens(fp32, chat, how):
    state, prefix_len = chat
    fresh = _load()
    lfm2_fast.quantize(fresh.model, how)
    layer: Any = fresh.model.lfm.layers[0]
    assert isinstance(layer.feed_forward.w1, lfm2_fast.Int4Linear)
    assert isinstance(fresh.model.assistant_text_head, lfm2_fast.Int4Linear)
    assert "forward" in vars(layer.conv)  # the engine option also fuses the short-conv step
    want = _step_logits(fp32.model, state)
    got = _step_logits(fresh.model, state)
    cos = torch.nn.functional.cosine_similarity(got, want, dim=-1)
    assert float(cos.min()) > 0.98, cos  # 0.993-0.994 measured
    assert torch.equal(got.argmax(-1), want.argmax(-1))
    for mode in ("sequential", "interleaved"):
        ref = _ids(generate(fp32.model, state, mode=mode, max_new_tokens=24, sampling=GREEDY))
        out = _ids(generate(fresh.model, state, mode=mode, max_new_tokens=24, sampling=GREEDY,
                            prefix=PrefixCache(), prefix_len=prefix_len))
        # Text tokens are equal. Audio frames come from the int8 depthformer: a code may differ,
        # and from then on the two runs go their own ways; compare up to the first frame.
        first = next((i for i, t in enumerate(ref) if len(t) > 1), len(ref))
        assert out[:first] == ref[:first], mode
        assert [len(t) for t in out[:first + 1]] == [len(t) for t in ref[:first + 1]], mode


def test_fused_short_conv_is_upstreams_step(chat):
    state, prefix_len = chat
    plain, fused = _load(), _load()
    assert lfm2_fast.fuse_short_conv(fused.model) == sum(
        t == "conv" for t in fused.model.lfm.config.layer_types)
    want, got = _step_logits(plain.model, state), _step_logits(fused.model, state)
    assert torch.allclose(got, want, atol=1e-5, rtol=1e-5)
    for mode in ("sequential", "interleaved"):
        ref = _ids(generate(plain.model, state, mode=mode, max_new_tokens=40))
        assert _ids(generate(fused.model, state, mode=mode, max_new_tokens=40)) == ref
        cache = PrefixCache()
        assert _ids(generate(fused.model, state, mode=mode, max_new_tokens=40, prefix=cache,
                             prefix_len=prefix_len)) == ref


def test_quantize_names(fp32):
    with pytest.raises(ValueError, match="unknown quantisation"):
        lfm2_fast.quantize(fp32.model, "int3")
    with pytest.raises(ValueError, match="group size"):
        lfm2_fast.quantize_int4(fp32.model, 48)


def test_engine_quantize_option():
    from assistant.engines import EngineOptions, create_engine

    engine: Any = create_engine("lfm2", EngineOptions(model_dir=tiny_checkpoint(), device="cpu",
                                                      quantize="int4"))
    assert isinstance(engine.loaded.model.assistant_text_head, lfm2_fast.Int4Linear)
    with pytest.raises(ValueError, match="unknown quantisation"):
        create_engine("lfm2", EngineOptions(model_dir=tiny_checkpoint(), device="cpu",
                                            quantize="int3"))
