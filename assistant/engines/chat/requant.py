"""A GGUF requantized once per machine by llama.cpp's own quantizer, from a pinned GGUF.

The Qwen2.5-Coder 0.5B file on PyPI is "Q4_K_M" by name only: its 896-wide rows do not fit
K-quants' 256-wide blocks, so llama.cpp fell back to Q5_0 for most matrices and Q8_0 for the
output one (485 MB, 145 MB of it the output matrix). A decoded token reads all of it, and on 2
cores that is what bounds decoding. IQ4_NL (32-wide blocks, 4.5 bits) makes it 363 MB and decodes
1.4-1.7x faster behind our prompt head (`bench/bench_gguf_decode.py`, `bench_brain.py`'s
`llama-lora-iq4` cells); what it does to a brain's decisions is measured apart, per brain.

llama.cpp's quantizer is plain C in ggml-base, built without per-CPU flags, and gave the same
bytes with 1 or 2 threads: the file it writes from the pinned source is pinned too.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

from assistant.weights import WeightsError, derived_file


@dataclass(frozen=True)
class Requant:
    kind: str  # a llama.cpp type, for the whole file and its output matrix: "IQ4_NL"
    sha256: str  # of the file llama.cpp writes from the pinned source
    size: int


def requantized(source: Path, requant: Requant) -> Path:
    """`source` (already verified against its pin) as `requant`, made beside it on first use
    (tens of seconds on 2 cores), then checked against its pin like any weights."""
    out = source.with_name(f"{source.stem}.{requant.kind.lower()}.gguf")
    return derived_file(out, requant.sha256, requant.size,
                        lambda made: quantize(source, made, requant.kind),
                        hint="choose a brain served as shipped (--brain qwen-0.5b-tools)")


def quantize(source: Path, out: Path, kind: str, output: str = "") -> None:
    """llama.cpp's quantizer: the file as `kind`, its output matrix as `output` (default: the
    same; llama.cpp would keep the 0.5B's at Q8_0: 34.6 instead of 38.3 tok/s in one paired run,
    27.0 as shipped)."""
    import llama_cpp
    from llama_cpp._utils import suppress_stdout_stderr

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind}")
    params.output_tensor_type = getattr(llama_cpp, f"GGML_TYPE_{output or kind}")
    params.allow_requantize = True  # the source is quantized already; that is the point
    tmp = out.with_name(out.name + ".partial")
    with suppress_stdout_stderr(disable=False):  # a line per tensor, from C
        failed = llama_cpp.llama_model_quantize(str(source).encode(), str(tmp).encode(),
                                                ctypes.byref(params))
    if failed:
        tmp.unlink(missing_ok=True)
        raise WeightsError(f"llama.cpp could not requantize {source.name} to {kind}")
    tmp.replace(out)  # atomic: a reader never sees half a model


__all__ = ["Requant", "quantize", "requantized"]
