"""MatFormer extraction on a tiny random Gemma 3n: the submodel loads, has the planned size and
computes exactly the parent's sub-network (docs/matformer.md)."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from finetune import matformer  # noqa: E402
from finetune.__main__ import main as finetune_main  # noqa: E402

N_LAYERS = 10
PARENT_WIDTHS = [64, 48, 64, 64, 32, 64, 64, 48, 64, 64]  # per-layer FFN widths, as E4B's list allows
# Layer types (s s s s f) x 2 and the last 5 layers reusing KV: layer 3 is the sliding source,
# layer 4 the global one, layers 5-9 compute no K/V (a small E4B: 35 layers, last 15 shared).
PLAN = {"name": "tiny-mix", "ffn_widths": [40, 0, 16, 64, 32, 8, 0, 48, 1, 0], "skip_layers": [1, 6, 9]}


def tiny_config(sparsity: list[float] | None = None) -> Any:
    from transformers import Gemma3nTextConfig

    return Gemma3nTextConfig(
        vocab_size=96, vocab_size_per_layer_input=80, hidden_size=32, num_attention_heads=2,
        num_key_value_heads=1, head_dim=16, intermediate_size=list(PARENT_WIDTHS),
        num_hidden_layers=N_LAYERS, num_kv_shared_layers=5, hidden_size_per_layer_input=8,
        laurel_rank=4, altup_num_inputs=4, sliding_window=4,
        # Gaussian top-k statistics run over a layer's whole FFN width, so slicing is only exact
        # against masking without it (test_activation_sparsity_is_not_masking shows why).
        activation_sparsity_pattern=sparsity or [0.0] * N_LAYERS)


def make_parent(path: Path, sparsity: list[float] | None = None) -> Any:
    from transformers import Gemma3nForCausalLM

    torch.manual_seed(0)
    model = Gemma3nForCausalLM(tiny_config(sparsity)).eval()
    # Random init leaves AltUp's output scale at zero and the norms at one; randomise every
    # parameter so that no path (AltUp correction, LAuReL, PLE) is silently a no-op.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
    model.save_pretrained(path)
    (path / "tokenizer.json").write_text("{}", "utf-8")
    return model


def expected_params(cfg: Any, widths: list[int], kv_shared: int) -> int:
    """Gemma3nForCausalLM's parameter count from the dimensions alone (lm_head is tied)."""
    h, p, n = cfg.hidden_size, cfg.hidden_size_per_layer_input, cfg.altup_num_inputs
    q, kv, hd = cfg.num_attention_heads * cfg.head_dim, cfg.num_key_value_heads * cfg.head_dim, cfg.head_dim
    n_layers = len(widths)
    total = cfg.vocab_size * h                                    # embed_tokens
    total += cfg.vocab_size_per_layer_input * n_layers * p        # PLE table
    total += h * n_layers * p + p                                 # PLE projection + its norm
    total += 2 * (n - 1) * h * h + h                              # AltUp in/out projections, final norm
    for i, w in enumerate(widths):
        total += 2 * h * q + hd                                   # q, o, q_norm
        if i < n_layers - kv_shared:
            total += 2 * h * kv + hd                              # k, v, k_norm (v_norm has no scale)
        total += 3 * h * w                                        # gate, up, down
        total += 4 * h                                            # four layer norms
        total += h + n * n + n * n * n + h * n + h                # AltUp
        total += 2 * h * cfg.laurel_rank + h                      # LAuReL
        total += 2 * h * p + h                                    # per-layer input gate/projection/norm
    return total


def reference(parent: Any, plan: matformer.Plan) -> Any:
    """The parent's sub-network: FFN neurons past the plan's width zeroed, skipped layers bypassed."""
    import copy

    ref = copy.deepcopy(parent)
    with torch.no_grad():
        for i, layer in enumerate(ref.model.layers):
            w = plan.widths[i]
            layer.mlp.gate_proj.weight[w:] = 0
            layer.mlp.up_proj.weight[w:] = 0
            layer.mlp.down_proj.weight[:, w:] = 0
            if i in plan.skip:
                layer.forward = types.MethodType(lambda self, hidden_states, *a, **k: hidden_states, layer)
    return ref


def write_plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN), "utf-8")
    return path


def test_extracted_submodel_loads_has_planned_size_and_equals_the_parent_subnetwork(tmp_path: Path) -> None:
    from transformers import Gemma3nForCausalLM

    parent = make_parent(tmp_path / "parent")
    # Small shards on purpose: the sharded layout + index must load too.
    done = matformer.extract(tmp_path / "parent", tmp_path / "child", str(write_plan(tmp_path)),
                             max_shard_bytes=60_000)
    assert done.shards > 1 and (tmp_path / "child" / "model.safetensors.index.json").is_file()
    assert (tmp_path / "child" / "tokenizer.json").is_file()
    assert not list(tmp_path.glob(".child.*")), "the temporary directory must be gone"

    child = Gemma3nForCausalLM.from_pretrained(tmp_path / "child").eval()
    plan = done.summary.plan
    cfg = child.config
    assert cfg.num_hidden_layers == 7 and list(cfg.intermediate_size) == [40, 16, 64, 32, 8, 48, 1]
    assert cfg.num_kv_shared_layers == 3  # layers 5, 7, 8 of the parent
    assert cfg.kv_sharing_modes == [None, None, "store", "store", "reuse", "reuse", "reuse"]
    assert cfg.layer_types == [parent.config.layer_types[i] for i in plan.kept]

    n_child = sum(p.numel() for p in child.parameters())
    assert n_child == expected_params(cfg, [40, 16, 64, 32, 8, 48, 1], kv_shared=3)
    assert sum(p.numel() for p in parent.parameters()) == expected_params(parent.config, PARENT_WIDTHS, 5)
    assert n_child == done.summary.child_params

    ref = reference(parent, plan)
    ids = torch.randint(0, 96, (2, 12))  # longer than the sliding window (4)
    ids[0, 3] = 90  # an id past the PLE vocabulary (80): the model maps it to PLE row 0
    with torch.no_grad():
        got, want = child(ids).logits, ref(ids).logits
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
        assert not torch.allclose(parent(ids).logits, want, atol=1e-3)  # the plan does change the model
        # Cached decoding: KV sharing goes through the cache's shared states, layer indices renumbered.
        out_c = child.generate(ids[:1], max_new_tokens=6, do_sample=False)
        out_r = ref.generate(ids[:1], max_new_tokens=6, do_sample=False)
    assert out_c.tolist() == out_r.tolist()


def test_the_identity_plan_is_lossless(tmp_path: Path) -> None:
    from transformers import Gemma3nForCausalLM

    parent = make_parent(tmp_path / "parent")
    plan = tmp_path / "same.json"
    plan.write_text(json.dumps({"ffn_widths": PARENT_WIDTHS, "skip_layers": []}), "utf-8")
    matformer.extract(tmp_path / "parent", tmp_path / "copy", str(plan))
    copy = Gemma3nForCausalLM.from_pretrained(tmp_path / "copy").eval()
    ids = torch.randint(0, 96, (1, 9))
    with torch.no_grad():
        assert torch.equal(copy(ids).logits, parent(ids).logits)


def test_activation_sparsity_is_not_masking() -> None:
    """Gemma 3n's gaussian top-k keeps the gate activations above mean + 1.645 std (sparsity 0.95)
    of the layer's FFN width. A sliced FFN takes those statistics over its own k neurons; zeroing
    the parent's neurons past k instead pulls the mean and std towards 0, so the cut-off moves."""
    from transformers.models.gemma3n.modeling_gemma3n import Gemma3nTextMLP

    def pair(sparsity: float) -> tuple[Any, Any]:
        torch.manual_seed(1)
        cfg = tiny_config([sparsity] * N_LAYERS)
        full = Gemma3nTextMLP(cfg, layer_idx=0)
        small_cfg = tiny_config([sparsity] * N_LAYERS)
        small_cfg.intermediate_size = [16] * N_LAYERS
        small = Gemma3nTextMLP(small_cfg, layer_idx=0)
        with torch.no_grad():
            small.gate_proj.weight.copy_(full.gate_proj.weight[:16])
            small.up_proj.weight.copy_(full.up_proj.weight[:16])
            small.down_proj.weight.copy_(full.down_proj.weight[:, :16])
            full.gate_proj.weight[16:] = 0
            full.up_proj.weight[16:] = 0
            full.down_proj.weight[:, 16:] = 0
        return full, small

    x = torch.randn(3, 5, 32)
    with torch.no_grad():
        masked, sliced = pair(0.0)
        torch.testing.assert_close(sliced(x), masked(x))
        masked, sliced = pair(0.95)
        assert not torch.allclose(sliced(x), masked(x), atol=1e-3)


def test_kv_sources_match_transformers() -> None:
    cfg = tiny_config()
    sources = matformer.kv_sources(list(cfg.layer_types), cfg.num_kv_shared_layers)
    assert sources == {3: [5, 6, 7, 8], 4: [9]}
    stores = [i for i, m in enumerate(cfg.kv_sharing_modes) if m == "store"]
    assert sorted(sources) == stores


@pytest.mark.parametrize(("plan", "message"), [
    ({"ffn_widths": [65, *PARENT_WIDTHS[1:]]}, "layer 0: FFN width 65 is larger than the parent's 64"),
    ({"ffn_widths": PARENT_WIDTHS, "skip_layers": [3]}, "layer 3 is the KV source of layers [5, 6, 7, 8]"),
    ({"ffn_widths": PARENT_WIDTHS, "skip_layers": [4]}, "layer 4 is the KV source of layers [9]"),
    ({"ffn_widths": [8] * 7}, "7 FFN widths; the parent has 10 layers and the plan keeps 10"),
    ({"ffn_widths": 8, "skip_layers": [11]}, "out of range"),
    ({"ffn_widths": 8, "skip_layers": list(range(10))}, "skips every layer"),
    ({"ffn_widths": 8, "skip": [1]}, "unknown keys ['skip']"),
])
def test_bad_plans_are_refused_with_the_reason(tmp_path: Path, plan: dict[str, Any], message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), "utf-8")
    cfg = json.loads(tiny_config().to_json_string())
    with pytest.raises(matformer.PlanError, match=message.replace("[", r"\[").replace("]", r"\]")):
        matformer.describe(cfg, str(path))


def test_skipping_every_consumer_frees_the_source(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"ffn_widths": 8, "skip_layers": [4, 9]}), "utf-8")
    summary = matformer.describe(json.loads(tiny_config().to_json_string()), str(path))
    assert summary.layers == 8 and summary.kv_shared_layers == 4


def test_builtin_plans_fit_e4b_and_refuse_other_parents() -> None:
    e4b = matformer.e4b_config()
    e2b = matformer.describe(e4b, "e2b")
    assert (e2b.layers, e2b.kv_shared_layers) == (30, 10)  # E2B's config.json: 30 layers, 10 shared
    assert set(e2b.plan.kept_widths) == {8192}
    assert matformer.describe(e4b, "e4b").child_params == e2b.parent_params
    with pytest.raises(matformer.PlanError, match="built-in plans are for E4B"):
        matformer.describe(json.loads(tiny_config().to_json_string()), "e2b")
    with pytest.raises(matformer.PlanError, match="unknown plan"):
        matformer.describe(e4b, "e3b")


def test_csv_plan_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from transformers import Gemma3nForCausalLM

    make_parent(tmp_path / "parent")
    rows = ["layer,ffn_width"] + [f"{i},{'skip' if i in PLAN['skip_layers'] else w}"
                                  for i, w in enumerate(PLAN["ffn_widths"])]
    csv_plan = tmp_path / "tiny-mix.csv"
    csv_plan.write_text("\n".join(rows) + "\n", "utf-8")
    json_plan = matformer.load_plan(str(write_plan(tmp_path)), N_LAYERS)
    assert matformer.load_plan(str(csv_plan), N_LAYERS).widths == json_plan.widths

    argv = ["matformer", str(tmp_path / "parent"), str(tmp_path / "out"), "--plan", str(csv_plan)]
    assert finetune_main([*argv, "--dry-run"]) == 0 and not (tmp_path / "out").exists()
    assert finetune_main(argv) == 0
    assert "wrote" in capsys.readouterr().out
    assert Gemma3nForCausalLM.from_pretrained(tmp_path / "out").config.num_hidden_layers == 7
    record = json.loads((tmp_path / "out" / "matformer_plan.json").read_text("utf-8"))
    assert record["kept_layers"] == [0, 2, 3, 4, 5, 7, 8]
    assert finetune_main(argv) == 2  # exists: refused without --overwrite
    assert "--overwrite" in capsys.readouterr().err
    assert finetune_main([*argv, "--overwrite"]) == 0


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import safetensors.torch

    make_parent(tmp_path / "parent")

    def boom(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(safetensors.torch, "save_file", boom)
    with pytest.raises(OSError, match="disk full"):
        matformer.extract(tmp_path / "parent", tmp_path / "child", str(write_plan(tmp_path)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parent", "plan.json"]


def test_multimodal_checkpoint_layout(tmp_path: Path) -> None:
    """Gemma3nForConditionalGeneration keeps the text model under model.language_model. and the
    config under text_config; towers and embedders pass through untouched."""
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    make_parent(tmp_path / "text")
    tensors = {k.replace("model.", "model.language_model.", 1): v
               for k, v in load_file(tmp_path / "text" / "model.safetensors").items()}
    tensors["model.audio_tower.conformer.0.ffw_layer_start.weight"] = torch.ones(4, 4)
    tensors["model.embed_audio.embedding.weight"] = torch.ones(3, 32)
    mm = tmp_path / "mm"
    mm.mkdir()
    save_file(tensors, str(mm / "model.safetensors"), metadata={"format": "pt"})
    text = json.loads((tmp_path / "text" / "config.json").read_text("utf-8"))
    (mm / "config.json").write_text(json.dumps({"model_type": "gemma3n", "text_config": text,
                                                "architectures": ["Gemma3nForConditionalGeneration"]}))
    matformer.extract(mm, tmp_path / "out", str(write_plan(tmp_path)))
    config = json.loads((tmp_path / "out" / "config.json").read_text("utf-8"))
    assert config["model_type"] == "gemma3n" and config["text_config"]["num_hidden_layers"] == 7
    with safe_open(str(tmp_path / "out" / "model.safetensors"), framework="pt") as f:
        keys = set(f.keys())
        assert f.get_tensor("model.language_model.layers.6.mlp.gate_proj.weight").shape == (1, 32)
        assert f.get_tensor("model.language_model.embed_tokens_per_layer.weight").shape == (80, 7 * 8)
    assert "model.audio_tower.conformer.0.ffw_layer_start.weight" in keys
    assert "model.embed_audio.embedding.weight" in keys
    assert not any(".layers.7." in k for k in keys)
