"""The sweep table: one Markdown row per finished run, read from what each run wrote."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

COLUMNS = ("accuracy", "call_f1", "exact_args", "false_alarm", "terms_acc")


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def run_row(run: Path, split: str = "dev") -> dict[str, Any] | None:
    metrics = _read(run / f"eval-{split}.json")
    if not metrics or not (run / "config.toml").is_file():
        return None
    cfg = tomllib.loads((run / "config.toml").read_text("utf-8"))
    stats = _read(run / "run.json").get("stats", {})
    lora, train, data = cfg.get("lora", {}), cfg.get("train", {}), cfg.get("data", {})
    return {"run": cfg.get("run", {}).get("name", run.name), "r": lora.get("r"),
            "targets": "+".join(lora.get("targets", [])), "lr": train.get("lr"),
            "steps": train.get("steps"), "tools": data.get("tool_list"),
            "minutes": round(stats.get("seconds", 0) / 60, 1),
            "last_loss": round(stats.get("last_loss", 0.0), 3), "n": metrics.get("n"),
            **{c: metrics.get(c) for c in COLUMNS}}


def sweep_table(runs: Sequence[Path], split: str = "dev") -> str:
    rows = [r for r in (run_row(p, split) for p in runs) if r is not None]
    if not rows:
        return f"(no run has eval-{split}.json)"
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [f"{v:.3f}" if isinstance(v, float) and k in COLUMNS else str(v)
                 for k, v in r.items()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
