"""A brain's GGUF requantized once by llama.cpp, pinned and reused: on the tiny random Qwen2 GGUF
(no download)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.engines.chat import requant
from assistant.engines.chat.requant import Requant, requantized
from assistant.weights import WeightsError, sha256_file


@pytest.fixture(scope="module")
def pin(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Requant:
    """What llama.cpp writes from the tiny file, made twice: the same bytes, so it can be pinned."""
    made = [tmp_path_factory.mktemp("made") / "a.gguf", tmp_path_factory.mktemp("made") / "b.gguf"]
    for out in made:
        requant.quantize(tiny_gguf, out, "IQ4_NL")
    assert sha256_file(made[0]) == sha256_file(made[1])
    return Requant("IQ4_NL", sha256_file(made[0]), made[0].stat().st_size)


def copy_of(tiny_gguf: Path, tmp_path: Path) -> Path:
    source = tmp_path / tiny_gguf.name
    source.write_bytes(tiny_gguf.read_bytes())
    return source


def test_a_requantized_file_is_made_once_beside_its_source_and_reused(
        tiny_gguf: Path, pin: Requant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gguf

    source = copy_of(tiny_gguf, tmp_path)
    out = requantized(source, pin)
    assert out.parent == source.parent and out.name == "tiny.iq4_nl.gguf"
    kinds = {t.tensor_type.name for t in gguf.GGUFReader(out).tensors if len(t.shape) == 2}
    assert "IQ4_NL" in kinds and not kinds & {"F32", "F16"}, kinds
    assert not list(tmp_path.glob("*.partial"))

    def must_not_run(*_: object) -> None:
        raise AssertionError("quantized again")

    monkeypatch.setattr(requant, "quantize", must_not_run)
    assert requantized(source, pin) == out  # the stamp: no re-hash, no re-quantization
    from llama_cpp import Llama

    llm = Llama(model_path=str(out), n_ctx=64, verbose=False)
    assert llm.tokenize(b"hello")


def test_a_damaged_requantized_file_is_made_again(tiny_gguf: Path, pin: Requant,
                                                   tmp_path: Path) -> None:
    source = copy_of(tiny_gguf, tmp_path)
    out = requantized(source, pin)
    with out.open("r+b") as f:  # same size, new mtime: the stamp no longer vouches for it
        f.seek(out.stat().st_size // 2)
        f.write(b"\xff" * 64)
    os.utime(out, ns=(out.stat().st_atime_ns, out.stat().st_mtime_ns + 1_000_000))
    assert sha256_file(out) != pin.sha256
    assert sha256_file(requantized(source, pin)) == pin.sha256


def test_a_file_that_does_not_match_its_pin_is_refused_and_removed(tiny_gguf: Path, pin: Requant,
                                                                     tmp_path: Path) -> None:
    source = copy_of(tiny_gguf, tmp_path)
    wrong = Requant(pin.kind, "0" * 64, pin.size)
    with pytest.raises(WeightsError, match="not the pinned"):
        requantized(source, wrong)
    assert [p.name for p in tmp_path.iterdir()] == [source.name]
