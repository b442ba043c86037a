"""What the chat brain needs of an inference runtime, whatever runs the weights.

A runtime keeps one sequence's KV cache and reuses the longest prefix it already holds, so the
system prompt and tool list (the same every turn) are processed once per session. Decoding is
greedy. `allowed` lets the engine constrain generation: llama.cpp compiles a JSON schema to a
grammar in C; the torch runtime has no grammar engine and says so (`supports_grammar`), and the
loop's validate-and-retry covers it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.engine import Cancelled


@dataclass(frozen=True)
class Decoding:
    """One greedy generation: where it stops and what it may not write."""

    max_tokens: int
    stop: frozenset[int]
    banned: frozenset[int] = frozenset()
    schema: str | None = None  # a JSON schema the output must match (grammar runtimes)
    # Record `token_logprobs` (a log-sum-exp over the vocabulary per token: calls only, not
    # answers, where nothing reads them).
    logprobs: bool = False


class Runtime(Protocol):
    name: str
    supports_grammar: bool
    bos: str
    eos: str
    chat_template: str
    # log P of each token the latest `generate` yielded, under the model alone (before bans and
    # grammar), when its `Decoding` asked for them (else empty): how sure the brain was of what
    # it wrote (`engine.name_confidence`).
    token_logprobs: list[float]

    def tokenize(self, text: str) -> list[int]:
        """Token ids of `text`, special tokens parsed, nothing added."""
        ...

    def detokenize(self, ids: Sequence[int]) -> str: ...

    def preload(self, ids: Sequence[int]) -> None:
        """Hold the prompt head `ids` in the cache (a runtime may restore it from disk)."""
        ...

    def logits(self, ids: Sequence[int]) -> np.ndarray:
        """Next-token logits after `ids` (float32, vocabulary-sized); reuses the cached prefix."""
        ...

    def generate(self, ids: Sequence[int], decoding: Decoding,
                 cancel: threading.Event | None = None) -> Iterator[int]:
        """Greedy tokens after `ids` until a stop token (not yielded) or `max_tokens`."""
        ...


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def logsumexp(logits: np.ndarray) -> float:
    x = logits.astype(np.float64)
    top = float(x.max())
    return top + float(np.log(np.exp(x - top).sum()))


def log_softmax(logits: np.ndarray) -> np.ndarray:
    return logits.astype(np.float64) - logsumexp(logits)


__all__ = ["Decoding", "Runtime", "check_cancel", "common_prefix", "log_softmax",
           "logsumexp"]
