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


def terms_breakdown(rows_path: Path) -> dict[str, int]:
    """Where the terminology subset (items naming a formulary drug) goes wrong, from an
    `eval-<split>-rows.jsonl`: right; the drug argument wrong; only other arguments wrong;
    the wrong function or no call."""
    out = {"items": 0, "right": 0, "drug_wrong": 0, "other_args_wrong": 0,
           "function_or_decision_wrong": 0}
    for line in rows_path.read_text("utf-8").splitlines():
        row = json.loads(line)
        if not row.get("terms"):
            continue
        out["items"] += 1
        reason = row.get("reason", "")
        if row["passed"]:
            out["right"] += 1
        elif not row.get("name_ok"):
            out["function_or_decision_wrong"] += 1
        elif "drug=" in reason or "missing drug" in reason:
            out["drug_wrong"] += 1
        else:
            out["other_args_wrong"] += 1
    return out
