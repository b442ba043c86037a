"""The GGUF LoRA export: a peft adapter on the tiny random Qwen2 (loaded by transformers from
its GGUF) runs in llama.cpp with the same logits as in torch."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from llama_helpers import llama_logits

from finetune.gguf_lora import export_gguf_lora

TOKENS = [9707, 11, 1879, 0, 374, 264, 1273, 315, 279, 15235, 13, 151645]
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@pytest.fixture(scope="module")
def base(tiny_hf: Path) -> Any:
    """The tiny GGUF's weights as transformers reads them (`tiny_hf`), once; copied per use."""
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(str(tiny_hf), dtype=torch.float32).eval()


def with_lora(base: Any, seed: int = 0, **config: Any) -> Any:
    """A copy of the base wrapped in a LoRA whose A and B are random (peft starts B at zero)."""
    import torch
    from peft import LoraConfig, get_peft_model

    settings: dict[str, Any] = {"r": 4, "lora_alpha": 8, "target_modules": TARGETS,
                                "lora_dropout": 0.0}
    model = get_peft_model(copy.deepcopy(base), LoraConfig(**(settings | config)))
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_" in name:
                p.copy_(torch.randn(p.shape, generator=gen) * 0.2)
    return model.eval()


def torch_logits(model: Any) -> np.ndarray:
    import torch

    with torch.no_grad():
        return model(torch.tensor([TOKENS])).logits[0].numpy()


@pytest.fixture(scope="module")
def lora_model(base: Any) -> Any:
    return with_lora(base)


def test_llama_cpp_runs_the_adapter_like_torch(tiny_gguf: Path, lora_model: Any, tmp_path: Path) -> None:
    out = export_gguf_lora(lora_model, tmp_path / "lora.gguf")
    with_adapter = torch_logits(lora_model)
    with lora_model.disable_adapter():
        without = torch_logits(lora_model)
    ours = llama_logits(tiny_gguf, out, TOKENS)
    plain = llama_logits(tiny_gguf, None, TOKENS)

    assert np.abs(plain - without).max() < 1e-3  # the two runtimes agree on the base model
    assert np.abs(ours - with_adapter).max() < 1e-3
    assert np.abs(with_adapter - without).max() > 1.0  # the adapter matters, so the above can fail
    assert np.abs(ours - plain).max() > 1.0


def test_the_file_is_what_convert_lora_to_gguf_writes(lora_model: Any, tmp_path: Path) -> None:
    import gguf

    reader = gguf.GGUFReader(str(export_gguf_lora(lora_model, tmp_path / "lora.gguf", base_name="tiny")))
    fields = {k: f.contents() for k, f in reader.fields.items() if not k.startswith("GGUF.")}
    assert fields == {"general.architecture": "qwen2", "general.type": "adapter",
                      "adapter.type": "lora", "general.name": "tiny", "adapter.lora.alpha": 8.0,
                      "general.quantization_version": 2}
    shapes = {t.name: tuple(int(n) for n in t.shape) for t in reader.tensors}  # ggml order
    assert len(shapes) == 2 * 7 * 2
    assert shapes["blk.0.attn_q.weight.lora_a"] == (64, 4)  # ne = [n_in, r]
    assert shapes["blk.0.attn_q.weight.lora_b"] == (4, 64)  # ne = [r, n_out]
    assert shapes["blk.1.ffn_down.weight.lora_a"] == (128, 4)
    assert shapes["blk.1.ffn_down.weight.lora_b"] == (4, 64)
    assert {t.tensor_type for t in reader.tensors} == {gguf.GGMLQuantizationType.F32}
    f16 = gguf.GGUFReader(str(export_gguf_lora(lora_model, tmp_path / "h.gguf", outtype="f16")))
    assert {t.tensor_type for t in f16.tensors} == {gguf.GGMLQuantizationType.F16}


def test_a_saved_adapter_dir_gives_the_same_file(lora_model: Any, tmp_path: Path) -> None:
    lora_model.save_pretrained(str(tmp_path / "adapter"))
    from_memory = export_gguf_lora(lora_model, tmp_path / "memory.gguf")
    from_dir = export_gguf_lora(tmp_path / "adapter", tmp_path / "dir.gguf")
    assert from_memory.read_bytes() == from_dir.read_bytes()
    assert not list(tmp_path.glob("*.partial"))


def test_patterns_and_rslora_are_folded_into_the_scale(tiny_gguf: Path, base: Any,
                                                       tmp_path: Path) -> None:
    model = with_lora(base, seed=1, rank_pattern={"q_proj": 2}, alpha_pattern={"down_proj": 3},
                      use_rslora=True)
    assert model.base_model.model.model.layers[0].self_attn.q_proj.lora_A["default"].weight.shape[0] == 2
    ours = llama_logits(tiny_gguf, export_gguf_lora(model, tmp_path / "lora.gguf"), TOKENS)
    assert np.abs(ours - torch_logits(model)).max() < 1e-3


def test_unmappable_modules_are_refused(base: Any, tmp_path: Path) -> None:
    model = with_lora(base, target_modules=["q_proj", "embed_tokens"])
    with pytest.raises(ValueError, match="embed_tokens"):
        export_gguf_lora(model, tmp_path / "lora.gguf")
    assert not (tmp_path / "lora.gguf").exists()

    # a linear llama.cpp has no LoRA slot for, in a saved adapter
    from safetensors.numpy import save_file

    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 4, "lora_alpha": 8}))
    a = np.zeros((4, 64), np.float32)
    save_file({"base_model.model.model.layers.0.mlp.router.lora_A.weight": a,
               "base_model.model.model.layers.0.mlp.router.lora_B.weight": a.T.copy()},
              str(adapter / "adapter_model.safetensors"))
    with pytest.raises(ValueError, match=r"model\.layers\.0\.mlp\.router"):
        export_gguf_lora(adapter, tmp_path / "lora.gguf")


def test_what_a_gguf_lora_cannot_express_is_refused(base: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="use_dora"):
        export_gguf_lora(with_lora(base, use_dora=True), tmp_path / "lora.gguf")
    with pytest.raises(ValueError, match="arch 'llama'"):
        export_gguf_lora(tmp_path, tmp_path / "lora.gguf", arch="llama")
