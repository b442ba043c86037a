"""Attention behind a frozen prefix: the tail of every example attends to one shared head.

The head (system text + tool list, ~2,900 tokens) is the same for every example and is never
trained, so its keys and values are computed once, for a batch of one (`HeadCache`). Through
transformers' own cache the tail's keys are concatenated onto a batch-wide copy of the head in
every layer, repeated for each query head (grouped-query attention) and back-propagated into
all ~3,000 positions; on 2 CPU threads that copying and zero-filling, not the matrix products,
took most of a training step (profiled: copy + fill + cat + sum 52%, matrix products 18%).

Here each group of query heads attends to the one head KV by broadcasting and to the tail
causally, with one softmax over both; gradients reach the tail only. Right padding needs no
mask of its own: a real token never sees a pad (pads come after it) and pad rows are not
scored. The same numbers as transformers' path (tests/test_finetune_chat.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

NAME = "frozen_prefix"

KV = Sequence[tuple[torch.Tensor, torch.Tensor]]  # per layer: (keys, values), (1, kv_heads, L, d)


def attention(module: Any, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
              attention_mask: torch.Tensor | None, scaling: float, dropout: float = 0.0,
              frozen_prefix: KV = (), **_: Any) -> tuple[torch.Tensor, None]:
    """transformers' attention-function signature; `frozen_prefix` arrives through the
    forward's keyword arguments. query (B, H, w, d), key/value (B, kv_heads, w, d) of the
    tail only -> (B, w, H, d)."""
    if not frozen_prefix:
        raise ValueError("frozen_prefix attention needs the head's KV (frozen_prefix=...)")
    head_k, head_v = frozen_prefix[module.layer_idx]
    b, heads, w, d = query.shape
    groups = heads // key.shape[1]
    # Query head h reads KV head h // groups (transformers' repeat_kv): fold each group's
    # queries into one row block instead of copying the KV per query head.
    q = query.reshape(b, key.shape[1], groups * w, d) * scaling
    on_head = q @ head_k.to(q.dtype).transpose(-1, -2)  # (B, kv_heads, groups * w, L): large
    pos = torch.arange(w, device=query.device)
    future = (pos[None, :] > pos[:, None]).repeat(groups, 1)
    on_tail = (q @ key.transpose(-1, -2)).masked_fill(future, float("-inf"))
    # One softmax over head and tail without concatenating them: shift by a constant (the
    # row maximum, outside autograd: it cancels), exponentiate the large part in place.
    with torch.no_grad():
        shift = torch.maximum(on_head.amax(-1, keepdim=True), on_tail.amax(-1, keepdim=True))
    e_head = on_head.sub_(shift).exp_()
    e_tail = (on_tail - shift).exp()
    total = e_head.sum(-1, keepdim=True) + e_tail.sum(-1, keepdim=True)
    out = (e_head @ head_v.to(value.dtype) + e_tail @ value) / total
    return out.reshape(b, heads, w, d).transpose(1, 2).contiguous(), None


def register() -> str:
    """Make `NAME` a transformers attention implementation (idempotent); returns `NAME`.
    transformers builds no mask for an implementation it has no mask function for: none is
    needed (see the module docstring)."""
    from transformers import AttentionInterface

    AttentionInterface.register(NAME, attention)
    return NAME


__all__ = ["NAME", "attention", "register"]
