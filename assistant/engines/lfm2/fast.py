"""CPU speed-ups for LFM2-Audio that keep upstream's modules: int8 or 4-bit weight-only linear
layers, a fused short-conv decode step, and a compiled decode step.

Decoding one token reads every weight once, so on a CPU it is bound by memory bandwidth: the
fp32 backbone is ~5.8 GB per token.
- `quantize_int8` swaps every `nn.Linear` for PyTorch's dynamically quantised int8 linear
  (weights int8 per output channel, activations quantised on the fly), and adds an int8 copy of
  the tied text head (the 65536 x 2048 embedding used as the output projection, 0.5 GB in
  fp32), which `lfm2_generate.text_logits` picks up.
- `quantize_int4` puts the backbone's linear layers and the text head on PyTorch's own CPU
  4-bit kernel (`aten._weight_int4pack_mm_for_cpu`: uint4 weights, a bf16 scale and zero point
  per group of `group_size` input values, bf16 activations); the audio encoder, adapter and
  depthformer get int8 as above (they run once per turn or per audio frame).
- `fuse_short_conv` replaces, per model instance, LFM2's one-token short-conv step (cat of the
  state and the new input, a copy back, a depthwise `conv1d`, transposes) with a window update
  and a multiply-sum; prompt passes still take upstream's path.
- `compile_decode` runs one-token backbone steps through `torch.compile` (prefill stays eager).
`bench/bench_lfm2.py` measures what each buys. CPU only: CUDA keeps bf16.
"""

from __future__ import annotations

import types
import warnings
from typing import Any

import torch
from torch import nn

INT4_GROUP_SIZES = (32, 64, 128)


def _check_cpu(model: Any, what: str) -> None:
    if next(model.parameters()).device.type != "cpu":
        raise ValueError(f"{what} runs on CPU only; on CUDA use bf16")


def _int8(modules: list[nn.Module]) -> None:
    with warnings.catch_warnings():  # torch.ao.quantization is deprecated in favour of torchao
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        spec = {nn.Linear: per_channel_dynamic_qconfig}  # a scale per output row: more accurate
        for module in modules:
            quantize_dynamic(module, spec, dtype=torch.qint8, inplace=True)


def _int8_linear(weight: torch.Tensor, bias: torch.Tensor | None = None) -> nn.Module:
    """An int8 dynamic linear layer with (a copy of) these weights."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        linear = nn.Linear(weight.shape[1], weight.shape[0], bias=bias is not None)
        linear.weight = nn.Parameter(weight.detach().clone(), requires_grad=False)
        if bias is not None:
            linear.bias = nn.Parameter(bias.detach().clone(), requires_grad=False)
        # quantize_dynamic swaps children, never the root: wrap the layer to get it swapped.
        spec = {nn.Linear: per_channel_dynamic_qconfig}
        return quantize_dynamic(nn.Sequential(linear), spec, dtype=torch.qint8)[0]


def quantize_int8(model: Any) -> Any:
    """Quantise `model`'s linear layers to int8 in place; returns the model."""
    _check_cpu(model, "int8 dynamic quantisation")
    model.assistant_text_head = _int8_linear(model.lfm.embed_tokens.weight)
    # Not depth_linear / depth_embeddings: upstream feeds them 1-D vectors, which the
    # quantised linear refuses. They run once per audio frame, not per text token.
    _int8([getattr(model, name) for name in ("lfm", "conformer", "audio_adapter", "depthformer")])
    return model


class Int4Linear(nn.Module):
    """A weight-only 4-bit `nn.Linear` on PyTorch's CPU kernel. Weight row r, input group g:
    w = (q - 8) * scale[g, r] + zero[g, r] with q in 0..15 (min/max of each group mapped to
    0 and 15). Inputs are cast to bf16 for the kernel and the output back to the input's dtype.

    The kernel is fast for a token or a few (decoding) but several times slower than int8 for
    a prompt (46 rows: ~8x; 1371 rows: ~3x, measured on 2 cores): `wide`, if given, computes
    inputs of more than `max_rows` rows (an int8 copy of the same layer, see `quantize_int4`)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None, group_size: int,
                 wide: nn.Module | None = None, max_rows: int = 4) -> None:
        super().__init__()
        self.wide, self.max_rows = wide, max_rows
        n, k = weight.shape
        if k % group_size or n % 16:
            raise ValueError(f"int4 needs in_features % {group_size} == 0 and out_features % 16 "
                             f"== 0, not {k} and {n}")
        self.in_features, self.out_features, self.group_size = k, n, group_size
        q, scales_zeros = quantize_groups(weight.detach().float(), group_size)
        self.register_buffer("packed", torch.ops.aten._convert_weight_to_int4pack_for_cpu(q, 1))
        self.register_buffer("scales_zeros", scales_zeros.to(torch.bfloat16))
        self.bias = None if bias is None else nn.Parameter(bias.detach().clone(),
                                                           requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.wide is not None and x.numel() > self.max_rows * self.in_features:
            return self.wide(x)
        flat = x.reshape(-1, self.in_features).to(torch.bfloat16)
        y = torch.ops.aten._weight_int4pack_mm_for_cpu(flat, self.packed, self.group_size,
                                                       self.scales_zeros)
        y = y.to(x.dtype).reshape(*x.shape[:-1], self.out_features)
        return y if self.bias is None else y + self.bias

    def dequantized(self) -> torch.Tensor:
        """The fp32 weight this layer computes with (for tests)."""
        eye = torch.eye(self.in_features, dtype=torch.bfloat16)
        return torch.ops.aten._weight_int4pack_mm_for_cpu(
            eye, self.packed, self.group_size, self.scales_zeros).float().t()

    def extra_repr(self) -> str:
        return f"in={self.in_features}, out={self.out_features}, group_size={self.group_size}"


def quantize_groups(weight: torch.Tensor, group_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(q: int32 (N, K) in 0..15, scales_zeros: (K / group_size, N, 2)) for `Int4Linear`."""
    n, k = weight.shape
    groups = weight.reshape(n, k // group_size, group_size)
    low = groups.amin(-1, keepdim=True)
    high = groups.amax(-1, keepdim=True)
    scale = ((high - low) / 15).clamp(min=1e-8)
    q = torch.round((groups - low) / scale).clamp(0, 15).to(torch.int32).reshape(n, k)
    zero = low + 8 * scale
    scales_zeros = torch.stack([scale.reshape(n, -1).t(), zero.reshape(n, -1).t()], -1)
    return q, scales_zeros.contiguous()


def _int4_linears(module: nn.Module, group_size: int, wide: bool) -> int:
    """Swap the `nn.Linear` layers under `module` that fit the kernel; returns how many."""
    swapped = 0
    for name, child in list(module.named_children()):
        if type(child) is nn.Linear and child.in_features % group_size == 0 \
                and child.out_features % 16 == 0:
            prompt = _int8_linear(child.weight, child.bias) if wide else None
            setattr(module, name, Int4Linear(child.weight, child.bias, group_size, prompt))
            swapped += 1
        else:
            swapped += _int4_linears(child, group_size, wide)
    return swapped


def quantize_int4(model: Any, group_size: int = 32, *, int8_prompt: bool = True) -> Any:
    """4-bit weights for the backbone and the text head, int8 for the audio parts; in place.
    `int8_prompt`: each backbone layer also keeps an int8 copy for prompt passes (prefill),
    where the 4-bit kernel is slow (~1.8 GB of weights in all instead of ~0.7 GB)."""
    _check_cpu(model, "int4 weight-only quantisation")
    if group_size not in INT4_GROUP_SIZES:
        raise ValueError(f"group size {group_size} not one of {INT4_GROUP_SIZES}")
    weight = model.lfm.embed_tokens.weight
    if weight.shape[1] % group_size == 0 and weight.shape[0] % 16 == 0:
        model.assistant_text_head = Int4Linear(weight, None, group_size)
    else:
        model.assistant_text_head = _int8_linear(weight)
    _int4_linears(model.lfm, group_size, int8_prompt)  # layers that do not fit stay fp32
    _int8([getattr(model, name) for name in ("conformer", "audio_adapter", "depthformer")])
    return model


def quantize(model: Any, how: str) -> Any:
    """The engine's `quantize` option: "int8", "int4" (group size 32) or "int4-g64" /
    "int4-g128"; each also gets the fused short-conv decode step (same numbers, less work)."""
    if how == "int8":
        quantize_int8(model)
    elif how == "int4" or (how.startswith("int4-g") and how[6:].isdigit()):
        quantize_int4(model, int(how[6:]) if how != "int4" else 32)
    else:
        raise ValueError(f"unknown quantisation {how!r}; choose int8, int4, int4-g64 or int4-g128")
    fuse_short_conv(model)
    return model


def _short_conv_forward(self: Any, hidden_states: torch.Tensor, cache: Any = None,
                        attention_mask: torch.Tensor | None = None, **kwargs: Any) -> torch.Tensor:
    """`Lfm2ShortConv.forward` with a fused one-token step; anything else goes upstream."""
    state = None
    if cache is not None and hidden_states.shape[1] == 1 and attention_mask is None:
        state = cache.get_conv_state(self.layer_idx)
        if state is not None and (cache.is_recording_past(self.layer_idx)
                                  or state.shape[-1] != self.conv_kernel_size):
            state = None
    if state is None:
        return type(self).forward(self, hidden_states, cache=cache,
                                  attention_mask=attention_mask, **kwargs)
    b, c, x = self.in_proj(hidden_states).chunk(3, dim=-1)  # (batch, 1, hidden) each
    window = torch.cat([state[:, :, 1:], (b * x).transpose(1, 2)], dim=-1)
    state.copy_(window)  # the last `conv_L_cache` inputs, as upstream keeps them
    conv = (window * self.conv.weight[:, 0]).sum(-1)  # the depthwise conv's last output
    if self.conv.bias is not None:
        conv = conv + self.conv.bias
    return self.out_proj(c * conv[:, None, :].to(c.dtype))


def fuse_short_conv(model: Any, enable: bool = True) -> int:
    """Give every LFM2 short-conv layer the fused decode step (or, `enable=False`, upstream's
    back); returns how many layers."""
    from transformers.models.lfm2.modeling_lfm2 import Lfm2ShortConv

    n = 0
    for module in model.lfm.modules():
        if isinstance(module, Lfm2ShortConv):
            if enable:
                module.forward = types.MethodType(_short_conv_forward, module)
            else:
                module.__dict__.pop("forward", None)
            n += 1
    return n


def compile_decode(model: Any, **options: Any) -> Any:
    """Route one-token backbone calls through `torch.compile(model.lfm.forward)`; longer inputs
    (prefill) stay eager. Compilation happens at the first decode step. Returns the compiled
    function."""
    eager = model.lfm.forward
    compiled = torch.compile(eager, **options)

    def forward(*args: Any, **kwargs: Any) -> Any:
        emb = kwargs.get("inputs_embeds")
        if emb is not None and emb.shape[1] == 1 and kwargs.get("past_key_values") is not None:
            return compiled(*args, **kwargs)
        return eager(*args, **kwargs)

    model.lfm.forward = forward
    return compiled
