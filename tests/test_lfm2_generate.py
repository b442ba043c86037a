"""Our decoding loop is token for token upstream's, and adds prefix caching and cancellation."""

from __future__ import annotations

import threading
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("liquid_audio")

from lfm2_tiny_fixture import script_hook, tiny_chat, tiny_checkpoint  # noqa: E402

from assistant.engines.lfm2.generate import GREEDY, PrefixCache, generate  # noqa: E402


@pytest.fixture(scope="module")
def loaded():
    from assistant.engines.lfm2.load import load

    torch.set_num_threads(1)
    return load(model_dir=tiny_checkpoint(), device="cpu")


@pytest.fixture(scope="module")
def chat(loaded):
    return tiny_chat(loaded.processor)


def _ids(tokens):
    return [t.tolist() for t in tokens]


@pytest.mark.parametrize("mode", ["sequential", "interleaved"])
def test_identical_to_upstream_with_and_without_prefix_cache(loaded, chat, mode):
    state, prefix_len = chat
    model = loaded.model
    upstream = getattr(model, f"generate_{mode}")
    want = _ids(upstream(**state, max_new_tokens=40))
    assert _ids(generate(model, state, mode=mode, max_new_tokens=40, sampling=GREEDY)) == want
    cache = PrefixCache()
    for _ in range(2):  # the second run reuses the cached system turn
        got = _ids(generate(model, state, mode=mode, max_new_tokens=40, sampling=GREEDY,
                            prefix=cache, prefix_len=prefix_len))
        assert got == want
    assert (cache.misses, cache.hits) == (1, 1)
    if mode == "interleaved":  # both modalities really ran
        assert any(len(t) == 8 for t in want) and any(len(t) == 1 for t in want)


def test_call_start_keeps_interleaved_in_text_mode(loaded, chat):
    state, _ = chat
    hook = script_hook([10])  # <|tool_call_start|> first, then whatever the model likes
    got = _ids(generate(loaded.model, state, mode="interleaved", max_new_tokens=20,
                        text_hook=hook, first_token_sequential=(10,)))
    assert got[0] == [10]
    assert all(len(t) == 1 for t in got[:7])  # no audio after 6 text tokens: sequential mode


def test_cancel_stops_before_the_next_token(loaded, chat):
    state, _ = chat
    cancel = threading.Event()
    seen = []
    for token in generate(loaded.model, state, mode="sequential", max_new_tokens=50,
                          cancel=cancel):
        seen.append(token)
        if len(seen) == 3:
            cancel.set()
    assert len(seen) == 3
    cancel = threading.Event()
    cancel.set()
    assert list(generate(loaded.model, state, max_new_tokens=50, cancel=cancel)) == []


def test_int8_model_still_generates_both_modalities(chat):
    from assistant.engines.lfm2.fast import quantize_int8
    from assistant.engines.lfm2.load import load

    fresh = load(model_dir=tiny_checkpoint(), device="cpu")
    quantize_int8(fresh.model)
    assert fresh.model.assistant_text_head is not None
    layer: Any = fresh.model.lfm.layers[0]
    assert "quantized" in type(layer.feed_forward.w1).__module__
    state, _ = chat
    got = _ids(generate(fresh.model, state, mode="interleaved", max_new_tokens=20))
    assert any(len(t) == 8 for t in got) and any(len(t) == 1 for t in got)
