"""CPU speed-ups for LFM2-Audio that keep upstream's modules: int8 weight-only linear layers.

Decoding one token reads every weight once, so on a CPU it is bound by memory bandwidth: the
fp32 backbone is ~5.8 GB per token. `quantize_int8` swaps every `nn.Linear` for PyTorch's
dynamically quantised int8 linear (weights int8 per output channel, activations quantised on
the fly), and adds an int8 copy of the tied text head (the 65536 x 2048 embedding used as the
output projection, 0.5 GB in fp32), which `lfm2_generate.text_logits` picks up.
`bench/bench_lfm2.py` measures what this buys. CPU only: CUDA keeps bf16.
"""

from __future__ import annotations

import warnings
from typing import Any


def quantize_int8(model: Any) -> Any:
    """Quantise `model`'s linear layers to int8 in place; returns the model."""
    import torch
    from torch import nn

    if next(model.parameters()).device.type != "cpu":
        raise ValueError("int8 dynamic quantisation runs on CPU only; on CUDA use bf16")
    with warnings.catch_warnings():  # torch.ao.quantization is deprecated in favour of torchao
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        spec = {nn.Linear: per_channel_dynamic_qconfig}  # a scale per output row: more accurate

        weight = model.lfm.embed_tokens.weight
        head = nn.Linear(weight.shape[1], weight.shape[0], bias=False)
        head.weight = nn.Parameter(weight.detach().clone(), requires_grad=False)
        # quantize_dynamic swaps children, never the root: wrap the head to get it swapped.
        model.assistant_text_head = quantize_dynamic(nn.Sequential(head), spec,
                                                     dtype=torch.qint8)[0]
        # Not depth_linear / depth_embeddings: upstream feeds them 1-D vectors, which the
        # quantised linear refuses. They run once per audio frame, not per text token.
        for name in ("lfm", "conformer", "audio_adapter", "depthformer"):
            quantize_dynamic(getattr(model, name), spec, dtype=torch.qint8, inplace=True)
    return model
