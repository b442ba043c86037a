"""Run configuration: a small TOML file per run, read into frozen dataclasses.

nanoGPT's idea (one small override file per run, the checkpoint keeps its config) without its
`exec` loader: the file is parsed with `tomllib`, every key is checked against the dataclass
fields, and `--set section.key=value` overrides are parsed as TOML values. Every run writes the
resolved config as `config.toml` beside its adapter, so a run can be repeated from its output.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from assistant.prompt import ToolListMode

PathKind = Literal["text", "lfm2", "chat"]

# LoRA target presets by model family; a list in the config wins over a preset name.
TARGET_PRESETS: dict[str, tuple[str, ...]] = {
    # Llama/Gemma/Qwen-style decoders
    "attn": ("q_proj", "k_proj", "v_proj", "o_proj"),
    "attn+mlp": ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
    "mlp": ("gate_proj", "up_proj", "down_proj"),
    # LFM2 backbone (transformers' Lfm2 names; qualified, since attention and the short
    # convolution both have an `out_proj`)
    "lfm2-attn": ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                  "self_attn.out_proj"),
    "lfm2-conv": ("conv.in_proj", "conv.out_proj"),
    "lfm2-ff": ("feed_forward.w1", "feed_forward.w2", "feed_forward.w3"),
    "lfm2-all": ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                 "self_attn.out_proj", "conv.in_proj", "conv.out_proj", "feed_forward.w1",
                 "feed_forward.w2", "feed_forward.w3"),
}


class ConfigError(ValueError):
    """A config file or override that does not fit the schema; the message says which key."""


@dataclass(frozen=True)
class RunOptions:
    name: str = "run"
    out_dir: str = "runs/run"  # relative paths are relative to the current directory
    path: PathKind = "text"
    seed: int = 0


@dataclass(frozen=True)
class ModelOptions:
    base: str = "gemma-270m"  # a registered name (see finetune/base.py) or a local HF directory
    device: str = "auto"  # auto: CUDA (bf16) when present, else CPU (fp32)
    threads: int = 0  # torch CPU threads; 0 leaves torch's default


@dataclass(frozen=True)
class DataOptions:
    items_seed: int = 0  # evalkit.items.generate_items(seed)
    scale: float = 1.0  # evalkit item count multiplier
    tool_list: ToolListMode = "none"
    max_train: int = 0  # 0: the whole train split
    negatives: float = 1.0  # fraction of the train split's negatives kept
    answers: float = 0.1  # fraction of call items also used as tool-result -> answer examples
    max_len: int = 384  # tokens; longer examples are dropped (and counted)
    heard: str = ""  # chat path: Whisper transcripts of train audio (`python -m finetune heard`)
    call_weights: str = "uniform"  # chat path: "arguments" draws calls by 1 + argument count


@dataclass(frozen=True)
class LoraOptions:
    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    targets: tuple[str, ...] = ("attn",)  # module names or one preset name from TARGET_PRESETS
    layers: str = ""  # regex the module path must also match, e.g. "^lfm\\." (LFM2 backbone only)
    modules_to_save: tuple[str, ...] = ()  # trained fully and saved with the adapter

    def target_modules(self) -> tuple[str, ...]:
        out: list[str] = []
        for t in self.targets:
            out.extend(TARGET_PRESETS.get(t, (t,)))
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class TrainOptions:
    steps: int = 300
    batch_size: int = 8
    grad_accum: int = 1
    lr: float = 2e-4
    warmup: int = 20
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    log_every: int = 10
    save_every: int = 0  # steps between checkpoints to resume from (chat path; 0: none)
    # Recompute each layer's activations in the backward pass instead of keeping them (chat
    # path): the same gradients, ~1/3 more compute, a fraction of the memory (the 1.5B on 24 GB).
    gradient_checkpointing: bool = False
    mixed_precision: str = "auto"  # auto: bf16 on CUDA, none on CPU; the chat path also on a
    # CPU with AMX or AVX512-BF16, where bf16 autocast makes steps 2.6x faster (AMX Xeon) or
    # 4.4x (Zen 4 EPYC; bench/results/chat-step-*), and not on one without (a Zen 3 EPYC: 25 s
    # a step in fp32; bf16 would be slower still)


@dataclass(frozen=True)
class EvalOptions:
    split: str = "dev"
    limit: int = 0  # 0: every item of the split; else a fixed stratified sample of this size
    batch_size: int = 16
    max_new_tokens: int = 64


@dataclass(frozen=True)
class LFM2Options:
    """The LFM2-Audio path only."""

    train_audio_adapter: bool = False  # train the audio adapter MLP fully (saved in the adapter)
    freeze_encoder: bool = True  # keep the conformer encoder frozen (ASR quality)
    freeze_depthformer: bool = True  # keep the depthformer and audio heads frozen (voice)
    clips_dir: str = ""  # audio per item id (<id>.wav); empty: synthesise with the cascade TTS


@dataclass(frozen=True)
class RunConfig:
    run: RunOptions = field(default_factory=RunOptions)
    model: ModelOptions = field(default_factory=ModelOptions)
    data: DataOptions = field(default_factory=DataOptions)
    lora: LoraOptions = field(default_factory=LoraOptions)
    train: TrainOptions = field(default_factory=TrainOptions)
    eval: EvalOptions = field(default_factory=EvalOptions)
    lfm2: LFM2Options = field(default_factory=LFM2Options)

    @property
    def out_dir(self) -> Path:
        return Path(self.run.out_dir)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {f.name: _plain(dataclasses.asdict(getattr(self, f.name))) for f in fields(self)}


def _plain(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def _coerce(section: str, f: dataclasses.Field[Any], value: Any) -> Any:
    where = f"{section}.{f.name}"
    default = getattr(_SECTIONS[section](), f.name)
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, got {value!r}")
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer, got {value!r}")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string, got {value!r}")
    return value


_SECTIONS: dict[str, Any] = {f.name: f.default_factory for f in fields(RunConfig)}
_CHOICES: dict[str, tuple[str, ...]] = {
    "run.path": ("text", "lfm2", "chat"),
    "data.tool_list": ("none", "compact", "full"),
    "data.call_weights": ("uniform", "arguments"),
    "train.mixed_precision": ("auto", "no", "bf16", "fp16"),
    "eval.split": ("train", "dev", "test"),
}


def from_dict(raw: Mapping[str, Any], base: RunConfig | None = None) -> RunConfig:
    cfg = base or RunConfig()
    for section, values in raw.items():
        if section not in _SECTIONS:
            raise ConfigError(f"unknown section [{section}]; known: {', '.join(_SECTIONS)}")
        if not isinstance(values, Mapping):
            raise ConfigError(f"[{section}] must be a table")
        known = {f.name: f for f in fields(_SECTIONS[section]())}
        changes = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"unknown key {section}.{key}; known: {', '.join(known)}")
            changes[key] = _coerce(section, known[key], value)
            choices = _CHOICES.get(f"{section}.{key}")
            if choices and changes[key] not in choices:
                raise ConfigError(f"{section}.{key} must be one of {choices}, got {value!r}")
        cfg = replace(cfg, **{section: replace(getattr(cfg, section), **changes)})
    _check(cfg)
    return cfg


def _check(cfg: RunConfig) -> None:
    positive = {"lora.r": cfg.lora.r, "train.steps": cfg.train.steps,
                "train.batch_size": cfg.train.batch_size, "train.grad_accum": cfg.train.grad_accum,
                "eval.batch_size": cfg.eval.batch_size, "data.max_len": cfg.data.max_len}
    for key, value in positive.items():
        if value < 1:
            raise ConfigError(f"{key} must be >= 1, got {value}")
    if not cfg.train.lr > 0:
        raise ConfigError(f"train.lr must be > 0, got {cfg.train.lr}")
    if cfg.train.save_every < 0:
        raise ConfigError(f"train.save_every must be >= 0, got {cfg.train.save_every}")
    if cfg.train.gradient_checkpointing and cfg.run.path != "chat":
        raise ConfigError("train.gradient_checkpointing: the chat path's option")
    if cfg.train.save_every and cfg.run.path != "chat":
        raise ConfigError("train.save_every: only the chat path (run.path = 'chat') writes "
                          "checkpoints to resume from")
    if not cfg.lora.targets:
        raise ConfigError("lora.targets must name at least one module or preset")


def parse_overrides(pairs: Iterable[str]) -> dict[str, dict[str, Any]]:
    """`["train.lr=1e-4", "lora.targets=['q_proj']"]` -> nested dict; values parsed as TOML,
    bare words as strings."""
    out: dict[str, dict[str, Any]] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        section, dot, name = key.strip().partition(".")
        if not sep or not dot or not name:
            raise ConfigError(f"override {pair!r} must look like section.key=value")
        try:
            value = tomllib.loads(f"v = {text.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = text.strip()
        out.setdefault(section, {})[name] = value
    return out


def load_config(path: str | Path | None, overrides: Iterable[str] = ()) -> RunConfig:
    raw: dict[str, Any] = {}
    if path is not None:
        p = Path(path)
        try:
            raw = tomllib.loads(p.read_text("utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {p} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p} is not valid TOML: {exc}") from None
    cfg = from_dict(raw)
    extra = parse_overrides(overrides)
    return from_dict(extra, cfg) if extra else cfg


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a valid TOML basic string
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def dumps(cfg: RunConfig) -> str:
    lines: list[str] = []
    for section, values in cfg.to_dict().items():
        lines.append(f"[{section}]")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in values.items())
        lines.append("")
    return "\n".join(lines)


def save(cfg: RunConfig, directory: str | Path) -> Path:
    path = Path(directory) / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(cfg), "utf-8")
    return path
