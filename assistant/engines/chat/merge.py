"""A GGUF LoRA merged into the pinned weights it adapts, once per machine.

llama.cpp applies a LoRA as two extra small matrix products beside each of the 168 matrices it
adapts (7 per layer, 24 layers); decoding one token, they cost the 0.5B 14-17% of its speed
(`bench/bench_gguf_decode.py --lora`). Merged, the adapted matrices are the base's plus
`alpha / r * B @ A`, stored at Q8_0: the base's Q5_0 values and the small delta both survive 8
bits nearly exactly (Q5_0 again would round most of the delta away), and a Q8_0 matrix decodes
about as fast as a Q5_0 one on 2 cores. Every other tensor is copied byte for byte.

A tail-only adapter (trained behind the base model's prompt head, finetune/chat.py) is served
merged with the head's KV still from the base: `LlamaRuntime(head_gguf=...)`.

The delta is summed in float64 from the float16 factors in a fixed order and rounded once, so the
bytes do not depend on the CPU or its BLAS; the file is pinned like any weights (`Merge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.weights import WeightsError, derived_file


@dataclass(frozen=True)
class Merge:
    adapter: str  # a shipped chat adapter directory, relative to the repository root
    kind: str  # the llama.cpp type of the merged matrices: "Q8_0"
    sha256: str  # of the merged file made from the pinned weights and that adapter
    size: int


def merged(source: Path, adapter: Path, merge: Merge) -> Path:
    """`source` (verified against its pin) with `adapter` (a GGUF LoRA, verified against its
    SHA256SUMS) merged in, made beside `source` on first use and checked against its pin."""
    out = source.with_name(f"{source.stem}.{adapter.parent.name}.{merge.kind.lower()}.gguf")
    return derived_file(out, merge.sha256, merge.size, lambda made: merge_lora(
        source, adapter, made, merge.kind), hint="choose the brain served with its adapter "
        "beside the weights (--brain qwen-0.5b-tools)")


def merge_lora(source: Path, adapter: Path, out: Path, kind: str = "Q8_0") -> None:
    """Write `source` with the LoRA in `adapter` merged into the matrices it adapts, stored as
    `kind` (a type gguf-py can quantize to); written atomically."""
    import gguf
    import numpy as np
    from gguf import quants

    base, lora = gguf.GGUFReader(source), gguf.GGUFReader(adapter)
    if str(lora.fields["general.type"].contents()) != "adapter":
        raise WeightsError(f"{adapter}: not a GGUF LoRA adapter")
    alpha = float(lora.fields["adapter.lora.alpha"].contents())
    factors = {t.name: t for t in lora.tensors}
    unknown = sorted({n.rsplit(".", 1)[0] for n in factors} - {t.name for t in base.tensors})
    if unknown:
        raise WeightsError(f"{adapter}: adapts {', '.join(unknown[:3])}, which {source.name} "
                           "lacks: it was trained for another model")
    qtype = gguf.GGMLQuantizationType[kind]
    arch = str(base.fields[gguf.Keys.General.ARCHITECTURE].contents())
    tmp = out.with_name(out.name + ".partial")
    writer = gguf.GGUFWriter(tmp, arch=arch)
    for field in base.fields.values():
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue  # the writer writes these itself
        sub = field.types[-1] if field.types[0] == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), field.types[0], sub_type=sub)
    tensors: list[tuple[str, np.ndarray, gguf.GGMLQuantizationType]] = []
    for t in base.tensors:
        a, b = factors.get(f"{t.name}.lora_a"), factors.get(f"{t.name}.lora_b")
        if a is None or b is None:
            tensors.append((t.name, t.data, t.tensor_type))
            continue
        up, down = np.asarray(b.data, np.float64), np.asarray(a.data, np.float64)
        # B @ A one rank at a time, in order: element-wise float64 arithmetic rounds the same
        # on every CPU, where a BLAS product's summation order (and so the bytes) would not.
        delta = np.zeros((up.shape[0], down.shape[1]))
        for k in range(up.shape[1]):
            delta += np.multiply.outer(up[:, k], down[k])
        # llama.cpp's scale: alpha / rank, the rank being lora_b's inner size.
        w = quants.dequantize(t.data, t.tensor_type).astype(np.float64)
        w += alpha / up.shape[1] * delta
        tensors.append((t.name, quants.quantize(w.astype(np.float32), qtype), qtype))
    try:
        for name, data, dtype in tensors:
            writer.add_tensor_info(name, data.shape, data.dtype, data.nbytes, dtype)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        for _, data, _ in tensors:
            writer.write_tensor_data(data)
        writer.close()
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk, Ctrl-C: no half model left behind
        raise
    tmp.replace(out)  # atomic: a reader never sees half a model


__all__ = ["Merge", "merge_lora", "merged"]
