"""The tiny LFM2-Audio checkpoint loads through upstream's own from_pretrained route."""

from __future__ import annotations

import json
import math

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("liquid_audio")

from lfm2_tiny_fixture import tiny_checkpoint  # noqa: E402

from assistant.engines.lfm2.tiny import SPECIAL_TOKENS  # noqa: E402


@pytest.fixture(scope="module")
def ckpt():
    return tiny_checkpoint()


def test_layout_is_that_of_a_real_checkpoint(ckpt):
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "audio_detokenizer/config.json", "audio_detokenizer/model.safetensors"):
        assert (ckpt / name).is_file(), name
    config = json.loads((ckpt / "config.json").read_text())
    assert {"lfm", "encoder", "depthformer", "preprocessor"} <= set(config)


def test_tokenizer_has_lfm2_special_ids(ckpt):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(ckpt))
    for tid, text in SPECIAL_TOKENS.items():
        assert tok.convert_tokens_to_ids(text) == tid
    for text, tid in (("<|im_end|>", 7), ("<|audio_start|>", 128), ("<|text_end|>", 130),
                      ("<|tool_call_start|>", 10), ("<|tool_call_end|>", 11),
                      ("<|tool_response_start|>", 12), ("<|tool_list_start|>", 8)):
        assert tok.encode(text, add_special_tokens=False) == [tid]
    sample = 'Zürich: [get_weather(location="Zürich")] 500 mg ✓'
    ids = tok.encode(sample, add_special_tokens=False)
    assert tok.decode(ids) == sample


def test_upstream_from_pretrained_reads_it(ckpt):
    from liquid_audio import LFM2AudioModel

    from assistant.engines.lfm2.load import patch_upstream

    patch_upstream()
    model = LFM2AudioModel.from_pretrained(ckpt, device="cpu", dtype=torch.float32)
    weights = model.lfm.embed_tokens.weight
    assert weights.shape[0] == 512 and torch.isfinite(weights).all() and weights.std() > 0
    # loaded, not freshly initialised: two loads give identical weights
    again = LFM2AudioModel.from_pretrained(ckpt, device="cpu", dtype=torch.float32)
    assert torch.equal(again.lfm.embed_tokens.weight, weights)


def test_conformer_xscaling_works_after_patch():
    from liquid_audio.model.conformer.encoder import ConformerEncoder

    from assistant.engines.lfm2.load import patch_upstream

    patch_upstream()
    enc = ConformerEncoder(feat_in=128, n_layers=1, d_model=32, n_heads=2, xscaling=True,
                           subsampling="dw_striding", subsampling_factor=8,
                           subsampling_conv_channels=8, conv_kernel_size=9)
    assert enc.xscale == pytest.approx(math.sqrt(32))
