"""A tiny LFM2-Audio checkpoint with random weights, for tests and demos.

The real weights cannot be downloaded here, so the project builds a checkpoint with the same
layout as `LiquidAI/LFM2.5-Audio-1.5B` (`config.json`, `model.safetensors`, a tokenizer, an
`audio_detokenizer/` folder) but tiny dimensions. It loads through the very same
`LFM2AudioModel.from_pretrained(Path)` / `LFM2AudioProcessor.from_pretrained(Path)` route as the
real weights, so the real generation code runs unchanged on it.

The tokenizer is byte-level (every text encodes, decodes back exactly) with LFM2's special
tokens at LFM2's ids, because upstream generation hard-codes 7 `<|im_end|>`, 128
`<|audio_start|>` and 130 `<|text_end|>`.

    python -m assistant.engines.lfm2.tiny OUTDIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# LFM2's special tokens at their real ids (LiquidAI/LFM2 tokenizer.json).
SPECIAL_TOKENS: dict[int, str] = {
    0: "<|pad|>",
    1: "<|startoftext|>",
    2: "<|endoftext|>",
    3: "<|fim_pre|>",
    4: "<|fim_mid|>",
    5: "<|fim_suf|>",
    6: "<|im_start|>",
    7: "<|im_end|>",
    8: "<|tool_list_start|>",
    9: "<|tool_list_end|>",
    10: "<|tool_call_start|>",
    11: "<|tool_call_end|>",
    12: "<|tool_response_start|>",
    13: "<|tool_response_end|>",
    128: "<|audio_start|>",
    130: "<|text_end|>",
}
N_SPECIAL = 256  # ids 0..255 are special/reserved; the 256 byte tokens follow
VOCAB_SIZE = N_SPECIAL + 256

TINY_PREPROCESSOR: dict[str, Any] = {  # the real checkpoint's values: 16 kHz, 128 mel bins
    "sample_rate": 16000,
    "normalize": "per_feature",
    "window_size": 0.025,
    "window_stride": 0.01,
    "window": "hann",
    "features": 128,
    "n_fft": 512,
    "log": True,
    "frame_splicing": 1,
    "dither": 1e-05,
    "pad_to": 0,
    "pad_value": 0.0,
}


def tiny_config(*, hidden: int = 64, layers: int = 4) -> dict[str, Any]:
    """`config.json` of the tiny model: the real structure, small dims."""
    layer_types = ["conv", "full_attention"] * (layers // 2) + ["conv"] * (layers % 2)
    return {
        "architectures": ["LFM2AudioModel"],
        "codebooks": 8,
        "tie_audio_embeddings": False,
        "semantic_codebook_factor": 100,
        "codebook_weight": "log",
        "interleaved_n_text": 6,
        "interleaved_n_audio": 12,
        "preprocessor": dict(TINY_PREPROCESSOR),
        "encoder": {
            "feat_in": 128,
            "feat_out": -1,
            "n_layers": 2,
            "d_model": 32,
            "subsampling": "dw_striding",
            "subsampling_factor": 8,
            "subsampling_conv_channels": 16,
            "causal_downsampling": False,
            "reduction": None,
            "reduction_position": None,
            "reduction_factor": 1,
            "ff_expansion_factor": 2,
            "self_attention_model": "rel_pos",
            "n_heads": 2,
            "att_context_size": [-1, -1],
            "xscaling": False,
            "untie_biases": True,
            "pos_emb_max_len": 5000,
            "conv_kernel_size": 9,
            "conv_norm_type": "batch_norm",
            "conv_context_size": None,
            "dropout": 0.0,
            "dropout_pre_encoder": 0.0,
            "dropout_emb": 0.0,
            "dropout_att": 0.0,
        },
        "lfm": {
            "model_type": "lfm2",
            "vocab_size": VOCAB_SIZE,
            "hidden_size": hidden,
            "block_dim": hidden,
            "block_ff_dim": 2 * hidden,
            "block_auto_adjust_ff_dim": False,
            "num_hidden_layers": layers,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "layer_types": layer_types,
            "conv_L_cache": 3,
            "conv_bias": False,
            "max_position_embeddings": 8192,
            "norm_eps": 1e-05,
            "rope_theta": 1000000.0,
            "eos_token_id": 7,
            "bos_token_id": 1,
            "pad_token_id": 0,
            "tie_embedding": True,
        },
        # MHA in the depthformer has 32 query heads and 8 KV heads built in: dim % 32 == 0.
        "depthformer": {"layers": 1, "dim": 64, "tie": True},
    }


def tiny_detokenizer_config() -> dict[str, Any]:
    """`audio_detokenizer/config.json`: LFM2AudioDetokenizer hard-codes width 512."""
    return {
        "model_type": "lfm2",
        "vocab_size": 16,
        "hidden_size": 512,
        "block_ff_dim": 256,
        "block_auto_adjust_ff_dim": False,
        "num_hidden_layers": 2,
        "num_attention_heads": 8,
        "num_key_value_heads": 8,
        "layer_types": ["conv", "sliding_attention"],
        "sliding_window": 30,
        "conv_L_cache": 3,
        "max_position_embeddings": 4096,
        "norm_eps": 1e-05,
        "rope_theta": 10000.0,
    }


def _write_tokenizer(out: Path, chat_template: str | None = None) -> None:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab: dict[str, int] = {}
    for i in range(N_SPECIAL):
        vocab[SPECIAL_TOKENS.get(i, f"<|reserved_{i}|>")] = i
    for j, ch in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet())):
        vocab[ch] = N_SPECIAL + j
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(
        [AddedToken(SPECIAL_TOKENS.get(i, f"<|reserved_{i}|>"), special=True, normalized=False)
         for i in range(N_SPECIAL)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|startoftext|>",
        eos_token="<|im_end|>",
        pad_token="<|pad|>",
    )
    if chat_template is not None:
        fast.chat_template = chat_template
    fast.save_pretrained(str(out))


def write_tiny_checkpoint(out: str | Path, *, seed: int = 0, hidden: int = 64) -> Path:
    """Write a loadable tiny LFM2-Audio checkpoint to `out` and return its path."""
    import torch
    from safetensors.torch import save_file, save_model
    from transformers import Lfm2Config

    from assistant.engines.lfm2.load import config_from_dict, patch_upstream

    patch_upstream()
    from liquid_audio.detokenizer import LFM2AudioDetokenizer
    from liquid_audio.model.lfm2_audio import LFM2AudioModel

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    config = tiny_config(hidden=hidden)
    torch.manual_seed(seed)
    model = LFM2AudioModel(config_from_dict(json.loads(json.dumps(config)))).eval()
    save_model(model, str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "config.json").write_text(json.dumps(config, indent=2))
    _write_tokenizer(out)

    detok_dir = out / "audio_detokenizer"
    detok_dir.mkdir(exist_ok=True)
    dconf = tiny_detokenizer_config()
    (detok_dir / "config.json").write_text(json.dumps(dconf, indent=2))
    dconf = {**dconf, "layer_types": ["conv", "full_attention"]}
    detok = LFM2AudioDetokenizer(Lfm2Config(**dconf))
    # Half precision on disk keeps the 8x2048x512 code embedding at 16 MB; it loads into fp32.
    save_file({k: v.contiguous().to(torch.float16) for k, v in detok.state_dict().items()},
              str(detok_dir / "model.safetensors"), metadata={"format": "pt"})
    (out / "TINY.md").write_text(
        "Tiny LFM2-Audio checkpoint with RANDOM weights, written by "
        "`python -m assistant.engines.lfm2.tiny`. It exercises the code, it does not talk.\n"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    path = write_tiny_checkpoint(args.outdir, seed=args.seed)
    print(f"wrote a tiny LFM2-Audio checkpoint (random weights) to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
