"""A GGUF LoRA merged into the weights it adapts (merge.py), and a merged brain served with its
prompt head from the base model: on the tiny random Qwen2, quantized to Q5_0 like the real
0.5B's matrices (no download)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from llama_helpers import llama_logits

from assistant.engines.chat import merge as merge_module
from assistant.engines.chat.merge import Merge, merge_lora, merged
from assistant.weights import WeightsError, sha256_file

TARGETS = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")
HEAD = list(range(1000, 1040))  # a prompt head: 40 tokens
TAIL = [9707, 11, 1879, 0, 374, 264, 1273]


@pytest.fixture(scope="module")
def source(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant.engines.chat.requant import quantize

    out = tmp_path_factory.mktemp("tiny-q5") / "tiny.q5_0.gguf"
    quantize(tiny_gguf, out, "Q5_0")
    return out


@pytest.fixture(scope="module")
def base(source: Path) -> Any:
    """`source` read by gguf-py, once: parsing its tokenizer takes ~15 s."""
    import gguf

    return gguf.GGUFReader(source)


def write_lora(reader: Any, out: Path, *, rank: int = 4, alpha: float = 8.0,
               extra: str = "") -> Path:
    """A GGUF LoRA (as `finetune.gguf_lora` writes them) with random f16 factors for every
    adapted matrix of the model `reader` read; `extra`: one more weight name, one it lacks."""
    import gguf

    rng = np.random.default_rng(0)
    w = gguf.GGUFWriter(out, "qwen2")
    w.add_string("general.type", "adapter")
    w.add_string("adapter.type", "lora")
    w.add_float32("adapter.lora.alpha", alpha)
    names = [(t.name, int(t.shape[0]), int(t.shape[1])) for t in reader.tensors
             if t.name.endswith(".weight") and t.name.split(".")[-2] in TARGETS]
    if extra:
        names.append((extra, 64, 64))
    for name, n_in, n_out in names:
        w.add_tensor(f"{name}.lora_a", (rng.standard_normal((rank, n_in)) * 0.2).astype(np.float16))
        w.add_tensor(f"{name}.lora_b", (rng.standard_normal((n_out, rank)) * 0.2).astype(np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out


@pytest.fixture(scope="module")
def lora(base: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_lora(base, tmp_path_factory.mktemp("lora") / "adapter.gguf")


@pytest.fixture(scope="module")
def made(source: Path, lora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("merged") / "merged.gguf"
    merge_lora(source, lora, out)
    return out


def test_adapted_matrices_hold_the_base_plus_the_delta_the_rest_is_copied(
        base: Any, lora: Path, made: Path) -> None:
    import gguf
    from gguf import quants

    before = {t.name: t for t in base.tensors}
    factors = {t.name: t for t in gguf.GGUFReader(lora).tensors}
    out = gguf.GGUFReader(made)
    adapted = 0
    for t in out.tensors:
        if f"{t.name}.lora_a" not in factors:
            assert t.tensor_type == before[t.name].tensor_type
            assert np.array_equal(t.data, before[t.name].data), t.name
            continue
        adapted += 1
        assert t.tensor_type == gguf.GGMLQuantizationType.Q8_0
        a = factors[f"{t.name}.lora_a"].data.astype(np.float64)
        b = factors[f"{t.name}.lora_b"].data.astype(np.float64)
        want = quants.dequantize(before[t.name].data, before[t.name].tensor_type) + 8 / 4 * (b @ a)
        got = quants.dequantize(t.data, t.tensor_type)
        # Q8_0: within half a step of its block (max |x| / 127), the step itself stored as f16
        step = np.abs(want).reshape(-1, 32).max(axis=1) / 127
        assert (np.abs(got - want).reshape(-1, 32) <= step[:, None] * 0.6).all(), t.name
        assert np.abs(8 / 4 * (b @ a)).max() > 0.1  # the delta is not negligible: this can fail
    assert adapted == 2 * len(TARGETS)
    assert {f.name for f in out.fields.values()} == {f.name for f in base.fields.values()}


@pytest.fixture(scope="module")
def exact(source: Path, lora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Merged into F32 matrices: the merge's arithmetic without Q8_0's rounding."""
    out = tmp_path_factory.mktemp("merged") / "exact.gguf"
    merge_lora(source, lora, out, "F32")
    return out


def test_llama_cpp_runs_the_merged_file_as_the_base_with_its_adapter(
        source: Path, lora: Path, made: Path, exact: Path) -> None:
    """The tiny random model amplifies rounding (weights of std 0.5, no training): llama.cpp's
    own LoRA path, which rounds activations to f16, is ~8% of the adapter's effect off the exact
    merge here. A wrong merge (transposed, another scale) is off by the effect itself."""
    tokens = HEAD + TAIL
    with_lora = llama_logits(source, lora, tokens)
    effect = np.abs(with_lora - llama_logits(source, None, tokens)).max()
    assert effect > 1.0  # the adapter matters
    assert np.abs(llama_logits(exact, None, tokens) - with_lora).max() < 0.15 * effect
    assert np.abs(llama_logits(made, None, tokens) - with_lora).max() < 0.2 * effect


def test_an_adapter_for_another_model_is_refused(source: Path, base: Any,
                                                  tmp_path: Path) -> None:
    other = write_lora(base, tmp_path / "other.gguf", extra="blk.7.attn_q.weight")
    with pytest.raises(WeightsError, match=r"adapts blk\.7\.attn_q\.weight, which tiny\.q5_0\.gguf lacks"):
        merge_lora(source, other, tmp_path / "out.gguf")
    assert not list(tmp_path.glob("out.gguf*"))


def test_a_merged_file_is_pinned_made_once_and_reused(
        source: Path, lora: Path, made: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / source.name
    src.write_bytes(source.read_bytes())
    (tmp_path / "tools").mkdir()
    adapter = tmp_path / "tools" / "adapter.gguf"
    adapter.write_bytes(lora.read_bytes())
    pin = Merge("tools", "Q8_0", sha256_file(made), made.stat().st_size)
    out = merged(src, adapter, pin)  # made again here: the same bytes, so the pin holds
    assert out.name == "tiny.q5_0.tools.q8_0.gguf" and out.read_bytes() == made.read_bytes()

    def must_not_run(*_: object) -> None:
        raise AssertionError("merged again")

    monkeypatch.setattr(merge_module, "merge_lora", must_not_run)
    assert merged(src, adapter, pin) == out  # the stamp: no re-hash, no merge
    out.unlink()
    monkeypatch.setattr(merge_module, "merge_lora", lambda *a: a[2].write_bytes(made.read_bytes()))
    with pytest.raises(WeightsError, match="not the pinned"):
        merged(src, adapter, Merge("tools", "Q8_0", "0" * 64, pin.size))
    assert not out.exists() and not list(tmp_path.glob("*.unverified"))


def runtimes(source: Path, lora: Path, made: Path, state_dir: Path | None = None):  # type: ignore[no-untyped-def]
    from assistant.engines.chat.llama import LlamaRuntime

    tail_only = LlamaRuntime(source, threads=1, n_ctx=256, lora=lora, lora_tail_only=True,
                             state_dir=state_dir)
    merged_rt = LlamaRuntime(made, threads=1, n_ctx=256, head_gguf=source, state_dir=state_dir)
    return tail_only, merged_rt


def test_a_merged_brain_takes_its_head_from_the_base_model(
        source: Path, lora: Path, exact: Path, tmp_path: Path) -> None:
    """The same logits as the adapter switched off over the head and on after it; not those of
    the merged weights evaluating the head too (the difference this runtime exists for)."""
    from assistant.engines.chat.llama import LlamaRuntime

    tail_only, merged_rt = runtimes(source, lora, exact, tmp_path)
    for rt in (tail_only, merged_rt):
        rt.preload(HEAD)
    want = tail_only.logits(HEAD + TAIL)
    got = merged_rt.logits(HEAD + TAIL)
    whole = LlamaRuntime(exact, threads=1, n_ctx=256).logits(HEAD + TAIL)
    off_by = np.abs(whole - want).max()
    assert off_by > 5.0  # the head's KV matters, so this can fail
    assert np.abs(got - want).max() < 0.2 * off_by, (np.abs(got - want).max(), off_by)
    # one saved state, the base model's, shared by both runtimes
    assert len(list(tmp_path.glob("*.llama-state"))) == 1
    # a second conversation after another: the head is put back, not evaluated
    merged_rt.logits(HEAD + TAIL[:3] + [11, 12, 13])
    assert np.abs(merged_rt.logits(HEAD + TAIL) - got).max() < 1e-3
    merged_rt.llm.n_tokens = 10  # the cache lost most of the head (another prompt was fed)
    assert np.abs(merged_rt.logits(HEAD + TAIL) - got).max() < 1e-3


def test_a_merged_brain_refuses_prompts_off_its_head(source: Path, lora: Path,
                                                     made: Path) -> None:
    _, merged_rt = runtimes(source, lora, made)
    merged_rt.preload(HEAD)
    with pytest.raises(ValueError, match="go on from the head"):
        merged_rt.logits([5, *HEAD[1:], *TAIL])
    with pytest.raises(ValueError, match="no logits within its prompt head"):
        merged_rt.logits(HEAD[:20])
