"""A training run's resumable state, so a run of hours survives a killed process.

The chat path (`finetune.chat`) writes one every `train.save_every` steps to
`<out_dir>/checkpoint.pt` and `python -m finetune train CONFIG --resume` continues from it, with
the same result as a run that was never stopped (a test checks it parameter for parameter): the
trainable weights, AdamW's moments, the schedule's step, the RNG and where the run was in its
batch order all come back. The examples and head it trained on are recorded by digest, since
code makes them: a resume on others is refused. The file is replaced atomically (written
beside, synced, renamed), so a process killed mid-write leaves the previous checkpoint whole.

Only what the run was told may change between a stop and its resume: where it runs
(`model.device`, `model.threads`), its precision, how often it saves and whether it recomputes
activations (`RESUMABLE`). A resumed run on another config would be neither run, so that is
refused, naming the keys.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from finetune.config import ConfigError, RunConfig

FILE = "checkpoint.pt"
# Keys a resumed run may set differently: where and how fast it runs, not what it learns.
RESUMABLE = frozenset({("model", "device"), ("model", "threads"), ("run", "out_dir"),
                       ("train", "mixed_precision"), ("train", "save_every"),
                       ("train", "gradient_checkpointing")})


@dataclass(frozen=True)
class Checkpoint:
    step: int  # optimiser steps done
    epoch: int  # batch orders drawn so far (the current one is epoch - 1)
    left: int  # batches of the current order not yet taken
    seconds: float  # training time so far
    log: list[dict[str, float]]  # the log rows written so far
    window: list[list[float]]  # losses since the last log row
    trainable: dict[str, torch.Tensor]
    optimizer: dict[str, Any]
    scheduler: dict[str, Any]
    rng: torch.Tensor
    config: dict[str, dict[str, Any]]
    data: str  # digest of the examples and the head the run trains on (`digest`)


def digest(rows: Sequence[Any]) -> str:
    """SHA-256 of JSON-able rows: what a run trains on, which its config alone does not fix
    (the examples come from code: finetune/phrasings.py, evalkit's templates, the tools)."""
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def path_in(out_dir: Path) -> Path:
    return out_dir / FILE


def save(path: Path, ckpt: Checkpoint) -> None:
    """Write `ckpt` to `path` atomically: a kill at any moment leaves the old file or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        torch.save(ckpt.__dict__, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load(path: Path, cfg: RunConfig, device: torch.device | str = "cpu") -> Checkpoint:
    """The checkpoint at `path`, checked against the config it is resumed under."""
    if not path.is_file():
        raise ConfigError(f"--resume: no checkpoint at {path} (a run writes one every "
                          "train.save_every steps; is run.out_dir the stopped run's?)")
    try:
        raw = torch.load(path, map_location=device, weights_only=True)
        ckpt = Checkpoint(**raw)
    except Exception as exc:  # a truncated or foreign file: say which, keep it for inspection
        raise ConfigError(f"--resume: {path} is not a readable checkpoint ({exc})") from exc
    changed = differences(ckpt.config, cfg.to_dict())
    if changed:
        raise ConfigError(f"--resume: the checkpoint at {path} was trained under another config "
                          f"({'; '.join(changed)}); resume it with the config it started with")
    if ckpt.step >= cfg.train.steps:
        raise ConfigError(f"--resume: the checkpoint at {path} is at step {ckpt.step} of "
                          f"{cfg.train.steps}: nothing is left to train")
    return ckpt


def differences(saved: dict[str, dict[str, Any]], now: dict[str, dict[str, Any]]) -> list[str]:
    """'section.key: saved -> now' for every key outside RESUMABLE that differs."""
    out = []
    for section in sorted(set(saved) | set(now)):
        a, b = saved.get(section, {}), now.get(section, {})
        for key in sorted(set(a) | set(b)):
            if (section, key) not in RESUMABLE and a.get(key) != b.get(key):
                out.append(f"{section}.{key}: {a.get(key)!r} -> {b.get(key)!r}")
    return out


__all__ = ["FILE", "RESUMABLE", "Checkpoint", "differences", "digest", "load", "path_in", "save"]
