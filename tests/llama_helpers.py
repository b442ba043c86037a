"""llama.cpp logits for tests that compare a GGUF (and a LoRA) against a reference."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np


def llama_logits(gguf: Path, lora: Path | None, tokens: Sequence[int]) -> np.ndarray:
    """The logits after each of `tokens`, one thread, an f32 KV cache (the default f16 one
    alone would cost ~1e-3 of agreement)."""
    from llama_cpp import Llama
    from llama_cpp._utils import suppress_stdout_stderr

    with suppress_stdout_stderr(disable=lora is None):  # a warning per LoRA tensor, from C
        llm = Llama(model_path=str(gguf), lora_path=str(lora) if lora else None, n_ctx=128,
                    n_threads=1, logits_all=True, type_k=0, type_v=0, verbose=False)
    try:
        llm.eval(list(tokens))
        return np.array(llm.scores[:len(tokens)], dtype=np.float32)
    finally:
        llm.close()
