"""Shared test set-up."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny random Qwen2 GGUF (`assistant.engines.chat.tiny`), written once per session: it
    copies the real 0.5B's tokenizer, ~20 s of parsing. Read-only: a test that changes it copies
    it first."""
    from assistant.engines.chat.tiny import write_tiny_gguf

    return write_tiny_gguf(tmp_path_factory.mktemp("tiny-qwen") / "tiny.gguf")


@pytest.fixture(scope="session")
def tiny_hf(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny GGUF as transformers reads it (`TorchRuntime(dir, gguf_file=...)`), saved once
    in transformers' own format: from the GGUF, transformers parses the 151k-token vocabulary
    for the tokenizer and again for the model, ~100 s each time; from this directory ~1 s."""
    import torch
    from transformers import AutoModelForCausalLM

    from assistant.engines.chat.hf import TorchRuntime

    rt = TorchRuntime(tiny_gguf.parent, gguf_file=tiny_gguf.name, threads=1)
    # A model read from GGUF refuses save_pretrained (transformers marks it quantized): the same
    # weights in a model made from its config.
    model = AutoModelForCausalLM.from_config(rt.model.config, dtype=torch.float32)
    model.load_state_dict(rt.model.state_dict())
    out = tmp_path_factory.mktemp("tiny-qwen-hf")
    model.save_pretrained(out)
    rt.tokenizer.save_pretrained(out)
    return out


@pytest.fixture(autouse=True)
def _qt_objects_die_on_the_gui_thread() -> Iterator[None]:
    """Delete the widgets pytest-qt closed (it only calls deleteLater) before the next test.

    Outside a running event loop Qt never gets to those deferred deletes, so the windows would
    be destroyed by Python's cyclic collector, in whichever thread it runs: in the app tests
    often the next window's model thread, and Qt crashes later in some paint event. Torn down
    after every other fixture (autouse fixtures are set up first).
    """
    yield
    qt = sys.modules.get("PySide6.QtCore")
    if qt is not None and qt.QCoreApplication.instance() is not None:
        qt.QCoreApplication.sendPostedEvents(None, qt.QEvent.Type.DeferredDelete)
