"""MatFormer submodel extraction for Gemma 3n (see docs/matformer.md).

Gemma 3n's FFNs are nested (MatFormer): the first k neurons of a layer's FFN form a smaller FFN
that was trained to work on its own. A *plan* says, for each layer of the parent, how many FFN
neurons to keep and which layers to drop. `extract` slices a parent checkpoint (E4B) by a plan and
writes a smaller checkpoint that `from_pretrained` loads; `describe` validates and counts without
touching weights.

    python -m finetune matformer --list-plans
    python -m finetune matformer PARENT_DIR OUT_DIR --plan e2b [--dry-run] [--overwrite]
    python -m finetune matformer PARENT_DIR OUT_DIR --plan my-plan.json   # or .csv
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from finetune.config import ConfigError

# E4B's text config (google/gemma-3n-E4B config.json, `text_config`; also transformers'
# Gemma3nTextConfig defaults, which are documented as "E4B style"): 35 layers, hidden 2048,
# FFN 16384 (= 8 x 2048) in every layer, the last 15 layers reuse KV. E2B (google/gemma-3n-E2B
# config.json): 30 layers, FFN 8192 (= 4 x 2048), the last 10 layers reuse KV.
E4B_LAYERS = 35
E4B_FFN = 16_384
E2B_FFN = 8_192
# Which 5 layers E2B drops is NOT in E2B's config; it is our reading (unverified offline) of the
# MatFormer Lab slicing table: one whole 5-layer attention group (4 sliding + 1 global) at the
# start of the KV-sharing region, which keeps the layer-type pattern and both KV source layers
# (18 sliding, 19 global) and turns E4B's 15 KV-consumer layers into E2B's 10.
E2B_SKIP = (20, 21, 22, 23, 24)

# Files a from_pretrained user needs besides config + weights; copied when present.
_SIDE_FILES = ("tokenizer*", "special_tokens_map.json", "added_tokens.json", "*processor_config.json",
               "chat_template*", "generation_config.json")
_PLAN_FILE = "matformer_plan.json"


class PlanError(ConfigError):
    """A plan that does not fit the parent checkpoint; the message lists every problem."""


@dataclass(frozen=True)
class Plan:
    """FFN width per *parent* layer (0 for a skipped layer) and the parent layers to drop."""

    name: str
    widths: tuple[int, ...]
    skip: tuple[int, ...] = ()
    note: str = ""

    @property
    def kept(self) -> tuple[int, ...]:
        return tuple(i for i in range(len(self.widths)) if i not in self.skip)

    @property
    def kept_widths(self) -> tuple[int, ...]:
        return tuple(self.widths[i] for i in self.kept)


@dataclass(frozen=True)
class Summary:
    """What a plan makes of a parent: counts as transformers builds the text model."""

    plan: Plan
    layers: int
    kv_shared_layers: int
    parent_params: int
    child_params: int
    parent_ple_params: int  # per-layer embeddings: a lookup table, can live off-accelerator
    child_ple_params: int

    def line(self) -> str:
        def b(n: int) -> str:
            return f"{n / 1e9:.3f} B"

        core = self.child_params - self.child_ple_params
        parent_core = self.parent_params - self.parent_ple_params
        return (f"{self.plan.name:<12} layers {self.layers:>2} (KV-shared {self.kv_shared_layers:>2})  "
                f"text params {b(self.child_params)} ({self.child_params / self.parent_params:.1%})  "
                f"without PLE {b(core)} ({core / parent_core:.1%})")


def _builtin(name: str) -> Plan:
    if name == "e4b":
        return Plan("e4b", (E4B_FFN,) * E4B_LAYERS, (), "the parent itself (a lossless copy)")
    if name == "e2b":
        return Plan("e2b", tuple(0 if i in E2B_SKIP else E2B_FFN for i in range(E4B_LAYERS)), E2B_SKIP,
                    "E2B-style: FFN 8192 everywhere, layers 20-24 dropped (skip list unverified offline)")
    if name == "mix-n-match":
        # Illustrative, not a published configuration: all 35 layers, the full width in the
        # middle block of KV-producing layers (10-19), half width elsewhere.
        return Plan("mix-n-match", tuple(E4B_FFN if 10 <= i < 20 else E2B_FFN for i in range(E4B_LAYERS)),
                    (), "example: FFN 16384 in layers 10-19, 8192 elsewhere, no layer dropped")
    raise KeyError(name)


BUILTIN_PLANS = ("e2b", "mix-n-match", "e4b")


def _plan_from_lists(name: str, widths: list[int], skip: list[int], n_layers: int) -> Plan:
    """Widths may be given per parent layer or per kept layer (the same when nothing is skipped)."""
    skip_t = tuple(sorted(set(skip)))
    if len(skip_t) != len(skip):
        raise PlanError(f"plan {name}: a layer is listed twice in skip_layers: {skip}")
    bad = [i for i in skip_t if not 0 <= i < n_layers]
    if bad:
        raise PlanError(f"plan {name}: skip_layers {bad} out of range 0..{n_layers - 1}")
    kept = [i for i in range(n_layers) if i not in skip_t]
    if len(widths) == n_layers:
        full = [0 if i in skip_t else w for i, w in enumerate(widths)]
    elif len(widths) == len(kept):
        by_layer = dict(zip(kept, widths, strict=True))
        full = [by_layer.get(i, 0) for i in range(n_layers)]
    else:
        raise PlanError(f"plan {name}: {len(widths)} FFN widths; the parent has {n_layers} layers and "
                        f"the plan keeps {len(kept)}: give one width per parent layer or per kept layer")
    if any(not isinstance(w, int) or isinstance(w, bool) for w in widths):
        raise PlanError(f"plan {name}: FFN widths must be integers: {widths}")
    return Plan(name, tuple(full), skip_t)


def _read_json_plan(path: Path, n_layers: int) -> Plan:
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise PlanError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise PlanError(f"{path}: expected an object with ffn_widths and skip_layers")
    unknown = set(data) - {"name", "ffn_widths", "skip_layers", "note"}
    if unknown:
        raise PlanError(f"{path}: unknown keys {sorted(unknown)} "
                        "(allowed: name, ffn_widths, skip_layers, note)")
    if "ffn_widths" not in data:
        raise PlanError(f"{path}: ffn_widths is required (one integer, or a list)")
    skip = list(data.get("skip_layers", []))
    widths = data["ffn_widths"]
    if isinstance(widths, int):
        widths = [widths] * (n_layers - len(skip))
    plan = _plan_from_lists(str(data.get("name", path.stem)), list(widths), skip, n_layers)
    return Plan(plan.name, plan.widths, plan.skip, str(data.get("note", "")))


def _read_csv_plan(path: Path, n_layers: int) -> Plan:
    """`layer,ffn_width` with one row per parent layer; `skip` (or 0) as the width drops a layer."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows or {"layer", "ffn_width"} - set(rows[0]):
        raise PlanError(f"{path}: expected a header `layer,ffn_width` and one row per parent layer")
    try:
        layers = [int(r["layer"]) for r in rows]
    except (TypeError, ValueError) as exc:
        raise PlanError(f"{path}: the layer column must hold integers ({exc})") from exc
    if sorted(layers) != list(range(n_layers)):
        raise PlanError(f"{path}: rows must cover layers 0..{n_layers - 1} once each "
                        f"(got {len(rows)} rows)")
    widths, skip = [0] * n_layers, []
    for i, r in zip(layers, rows, strict=True):
        cell = r["ffn_width"].strip().lower()
        if cell in ("skip", "0", ""):
            skip.append(i)
        elif cell.isdigit():
            widths[i] = int(cell)
        else:
            raise PlanError(f"{path}: layer {i}: ffn_width {cell!r} is neither an integer nor `skip`")
    return _plan_from_lists(path.stem, widths, skip, n_layers)


def load_plan(spec: str, n_layers: int) -> Plan:
    """A built-in plan by name, or a .json / .csv plan file."""
    if spec in BUILTIN_PLANS:
        return _builtin(spec)
    path = Path(spec)
    if path.suffix.lower() in (".json", ".csv"):
        if not path.is_file():
            raise PlanError(f"plan file not found: {path}")
        return (_read_json_plan if path.suffix.lower() == ".json" else _read_csv_plan)(path, n_layers)
    raise PlanError(f"unknown plan {spec!r}: use one of {', '.join(BUILTIN_PLANS)} or a .json/.csv file")


def kv_sources(layer_types: list[str], num_kv_shared_layers: int) -> dict[int, list[int]]:
    """KV source layer -> the layers that reuse its keys/values.

    Mirrors Gemma3nTextConfig.kv_sharing_modes: the last `num_kv_shared_layers` layers compute no
    K/V; each reuses those of the last layer of its own attention type before that region.
    """
    n = len(layer_types)
    first_shared = n - num_kv_shared_layers
    out: dict[int, list[int]] = {}
    if num_kv_shared_layers == 0:
        return out
    for i in range(first_shared, n):
        src = max((j for j in range(first_shared) if layer_types[j] == layer_types[i]), default=None)
        if src is None:
            raise PlanError(f"layer {i} ({layer_types[i]}) reuses KV but no earlier layer of its type "
                            "computes it")
        out.setdefault(src, []).append(i)
    return out


def check_plan(plan: Plan, parent_widths: list[int], layer_types: list[str], num_kv_shared: int) -> None:
    """Raise PlanError listing everything wrong with the plan for this parent."""
    n = len(parent_widths)
    if len(plan.widths) != n:
        raise PlanError(f"plan {plan.name} is for {len(plan.widths)} layers; the parent has {n}"
                        + (" (built-in plans are for E4B)" if plan.name in BUILTIN_PLANS else ""))
    problems = []
    for i in plan.kept:
        w = plan.widths[i]
        if w < 1:
            problems.append(f"layer {i}: FFN width {w} (use skip_layers to drop a layer)")
        elif w > parent_widths[i]:
            problems.append(f"layer {i}: FFN width {w} is larger than the parent's {parent_widths[i]}")
    if not plan.kept:
        problems.append("the plan skips every layer")
    for src, users in kv_sources(layer_types, num_kv_shared).items():
        kept_users = [u for u in users if u not in plan.skip]
        if src in plan.skip and kept_users:
            problems.append(f"layer {src} is the KV source of layers {kept_users} ({layer_types[src]}): "
                            "it cannot be skipped while they are kept")
    if problems:
        raise PlanError(f"plan {plan.name}: " + "; ".join(problems))


def child_text_config(text: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """The parent's raw text config with every per-layer list cut to the kept layers.

    Lists that transformers fills in from `num_hidden_layers` when absent (layer_types,
    activation_sparsity_pattern) are written out explicitly: their defaults would change meaning.
    """
    parent = resolve_text_config(text)
    n = parent.num_hidden_layers
    kept = plan.kept
    shared_kept = sum(1 for i in range(n - parent.num_kv_shared_layers, n) if i not in plan.skip)
    out = copy.deepcopy(text)
    out.update(num_hidden_layers=len(kept), intermediate_size=list(plan.kept_widths),
               layer_types=[parent.layer_types[i] for i in kept],
               activation_sparsity_pattern=[float(parent.activation_sparsity_pattern[i]) for i in kept],
               num_kv_shared_layers=shared_kept)
    return out


def resolve_text_config(text: dict[str, Any]) -> Any:
    from transformers import Gemma3nTextConfig

    return Gemma3nTextConfig.from_dict({k: v for k, v in text.items() if k != "model_type"})


def _text_dict(config: dict[str, Any]) -> dict[str, Any]:
    kind = config.get("model_type")
    if kind == "gemma3n":
        text: dict[str, Any] = config["text_config"]
        return text
    if kind == "gemma3n_text":
        return config
    raise PlanError(f"not a Gemma 3n checkpoint: model_type {kind!r} (want gemma3n or gemma3n_text)")


def _count_text_params(text: dict[str, Any]) -> tuple[int, int]:
    """(all, PLE) parameters of Gemma3nForCausalLM built on the meta device (no memory, exact)."""
    import torch
    from transformers import Gemma3nForCausalLM

    with torch.device("meta"):
        model = Gemma3nForCausalLM(resolve_text_config(text))
    return (sum(p.numel() for p in model.parameters()),
            model.model.embed_tokens_per_layer.weight.numel())


def describe(config: dict[str, Any], plan_spec: str) -> Summary:
    """Load and validate a plan against a checkpoint's config.json; count both models."""
    text = _text_dict(config)
    parent = resolve_text_config(text)
    plan = load_plan(plan_spec, parent.num_hidden_layers)
    check_plan(plan, list(parent.intermediate_size), list(parent.layer_types), parent.num_kv_shared_layers)
    child = child_text_config(text, plan)
    (pp, pple), (cp, cple) = _count_text_params(text), _count_text_params(child)
    return Summary(plan, child["num_hidden_layers"], child["num_kv_shared_layers"], pp, cp, pple, cple)


def e4b_config() -> dict[str, Any]:
    """transformers' E4B-style Gemma3nTextConfig defaults, as a config.json dict (for --list-plans)."""
    from transformers import Gemma3nTextConfig

    return Gemma3nTextConfig().to_dict()


@dataclass(frozen=True)
class Extraction:
    out: Path
    summary: Summary
    tensors_in: int  # elements in the parent's weight files (vision/audio towers included)
    tensors_out: int
    shards: int


_LAYER_KEY = re.compile(r"layers\.(\d+)\.(.+)$")


def _weight_files(parent: Path) -> list[Path]:
    index = parent / "model.safetensors.index.json"
    if index.is_file():
        names = sorted(set(json.loads(index.read_text("utf-8"))["weight_map"].values()))
        return [parent / n for n in names]
    single = parent / "model.safetensors"
    if single.is_file():
        return [single]
    raise PlanError(f"{parent}: no model.safetensors or model.safetensors.index.json "
                    "(only safetensors checkpoints are supported)")


def _slice(key: str, tensor: Any, prefix: str, plan: Plan, new_index: dict[int, int],
           n_layers: int) -> tuple[str, Any] | None:
    """The child's name and tensor for one parent tensor, or None to drop it."""
    if not key.startswith(prefix):
        return key, tensor  # vision / audio towers, multimodal embedders: untouched
    rest = key[len(prefix):]
    if rest == "embed_tokens_per_layer.weight":
        # [vocab, layers * P]: each layer owns a contiguous block of P columns.
        v = tensor.reshape(tensor.shape[0], n_layers, -1)[:, list(plan.kept), :]
        return key, v.reshape(tensor.shape[0], -1).contiguous()
    if rest == "per_layer_model_projection.weight":
        # [layers * P, hidden]: each layer owns a block of P rows.
        v = tensor.reshape(n_layers, -1, tensor.shape[-1])[list(plan.kept)]
        return key, v.reshape(-1, tensor.shape[-1]).contiguous()
    m = _LAYER_KEY.match(rest)
    if m is None or not rest.startswith("layers."):
        return key, tensor
    i, name = int(m.group(1)), m.group(2)
    if i in plan.skip:
        return None
    w = plan.widths[i]
    if name in ("mlp.gate_proj.weight", "mlp.up_proj.weight"):  # [ffn, hidden]: the first w neurons
        tensor = tensor[:w].clone()
    elif name == "mlp.down_proj.weight":  # [hidden, ffn]
        tensor = tensor[:, :w].contiguous()
    return f"{prefix}layers.{new_index[i]}.{name}", tensor


def _text_prefix(keys: list[str]) -> str:
    ple = "embed_tokens_per_layer.weight"
    hits = [k[: -len(ple)] for k in keys if k.endswith(ple)]
    if len(hits) != 1:
        raise PlanError(f"expected one embed_tokens_per_layer tensor in the checkpoint, found {len(hits)}")
    return hits[0]


def extract(parent: Path, out: Path, plan_spec: str, *, overwrite: bool = False,
            max_shard_bytes: int = 4 << 30) -> Extraction:
    """Write the plan's submodel of `parent` to `out` (built in a temporary directory, then renamed)."""
    from safetensors import safe_open
    from safetensors.torch import save_file

    config = json.loads((parent / "config.json").read_text("utf-8"))
    summary = describe(config, plan_spec)
    plan = summary.plan
    if out.exists() and not overwrite:
        raise PlanError(f"{out} exists (pass --overwrite to replace it)")
    files = _weight_files(parent)
    keys_all: list[str] = []
    for path in files:  # headers only: find the text model's prefix whichever shard holds PLE
        with safe_open(str(path), framework="pt") as f:
            keys_all += list(f.keys())
    prefix = _text_prefix(keys_all)
    n_layers = len(plan.widths)
    new_index = {old: new for new, old in enumerate(plan.kept)}

    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        shard: dict[str, Any] = {}
        shard_names: list[str] = []
        weight_map: dict[str, str] = {}
        size = n_in = n_out = 0

        def flush() -> None:
            nonlocal shard, size
            if shard:
                name = f"part-{len(shard_names):05d}.safetensors"
                save_file(shard, str(tmp / name), metadata={"format": "pt"})
                shard_names.append(name)
                weight_map.update(dict.fromkeys(shard, name))
                shard, size = {}, 0

        for path in files:
            with safe_open(str(path), framework="pt") as f:
                for key in f.keys():  # noqa: SIM118 (safe_open is not a dict)
                    tensor = f.get_tensor(key)
                    n_in += tensor.numel()
                    got = _slice(key, tensor, prefix, plan, new_index, n_layers)
                    if got is None:
                        continue
                    shard[got[0]] = got[1]
                    n_out += got[1].numel()
                    size += got[1].numel() * got[1].element_size()
                    if size >= max_shard_bytes:
                        flush()
        flush()
        _name_shards(tmp, shard_names, weight_map, n_out)

        text = _text_dict(config)
        child = child_text_config(text, plan)
        config = {**config, "text_config": child} if config.get("model_type") == "gemma3n" else child
        (tmp / "config.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
        for pattern in _SIDE_FILES:
            for side in parent.glob(pattern):
                if side.is_file():
                    shutil.copy2(side, tmp / side.name)
        record = {"parent": str(parent.resolve()), "plan": asdict(plan), "kept_layers": list(plan.kept),
                  "text_params": {"parent": summary.parent_params, "child": summary.child_params}}
        (tmp / _PLAN_FILE).write_text(json.dumps(record, indent=2) + "\n", "utf-8")
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Extraction(out, summary, n_in, n_out, len(shard_names))


def _name_shards(tmp: Path, names: list[str], weight_map: dict[str, str], n_params: int) -> None:
    """transformers' names: model.safetensors alone, else model-0000i-of-0000n + an index."""
    if len(names) == 1:
        (tmp / names[0]).rename(tmp / "model.safetensors")
        return
    final = {n: f"model-{i + 1:05d}-of-{len(names):05d}.safetensors" for i, n in enumerate(names)}
    total = 0
    for n in names:
        total += (tmp / n).stat().st_size
        (tmp / n).rename(tmp / final[n])
    index = {"metadata": {"total_size": total, "total_parameters": n_params},
             "weight_map": {k: final[v] for k, v in sorted(weight_map.items())}}
    (tmp / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n", "utf-8")


def _replace(tmp: Path, out: Path) -> None:
    """Rename into place; an existing `out` is moved aside first and removed only after."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
