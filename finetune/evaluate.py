"""Dev/test metrics of a base model or an adapter, and merging an adapter into its base.

Each item's prompt goes through the same `text_prompt` as training; generation is greedy and
batched (left padding); calls are parsed with `assistant.toolcall.parse_tool_calls` and scored
with evalkit's BFCL-style checker (`evalkit.checker.check`). Metrics:
- accuracy: items fully right (right decision, names and arguments);
- call_precision / call_recall / call_f1: deciding to call at all (negatives are the no-call set);
- name_acc: calls with the right function, over the items that need one;
- exact_args: items that need a call and got exactly the right call (BFCL's AST accuracy);
- false_alarm: negatives where a call was made;
- malformed: outputs with a call block that does not parse;
- terms_acc: exact accuracy on the terminology subset (items naming a formulary drug).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from assistant.prompt import TURN_END, text_prompt
from assistant.toolcall import parse_tool_calls

if TYPE_CHECKING:
    from assistant.engine import ToolSpec
    from evalkit.items import Item
    from finetune.config import ToolListMode


@dataclass(frozen=True)
class Row:
    id: str
    output: str
    passed: bool
    called: bool
    should_call: bool
    name_ok: bool
    malformed: bool
    terms: bool
    reason: str


@dataclass(frozen=True)
class Metrics:
    n: int
    accuracy: float
    call_precision: float
    call_recall: float
    call_f1: float
    name_acc: float
    exact_args: float
    false_alarm: float
    malformed: float
    terms_n: int
    terms_acc: float
    seconds: float

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def score(rows: Sequence[Row], seconds: float = 0.0) -> Metrics:
    pos = [r for r in rows if r.should_call]
    neg = [r for r in rows if not r.should_call]
    called = [r for r in rows if r.called]
    precision = _ratio(sum(r.should_call for r in called), len(called))
    recall = _ratio(sum(r.called for r in pos), len(pos))
    f1 = _ratio(int(2 * precision * recall * 1e6), int((precision + recall) * 1e6))
    terms = [r for r in rows if r.terms]
    return Metrics(
        n=len(rows), accuracy=_ratio(sum(r.passed for r in rows), len(rows)),
        call_precision=precision, call_recall=recall, call_f1=f1,
        name_acc=_ratio(sum(r.name_ok for r in pos), len(pos)),
        exact_args=_ratio(sum(r.passed for r in pos), len(pos)),
        false_alarm=_ratio(sum(r.called for r in neg), len(neg)),
        malformed=_ratio(sum(r.malformed for r in rows), len(rows)),
        terms_n=len(terms), terms_acc=_ratio(sum(r.passed for r in terms), len(terms)),
        seconds=seconds)


def judge(item: Item, output: str) -> Row:
    from evalkit.checker import check

    parsed = parse_tool_calls(output)
    verdict = check(item.expected, parsed.calls)
    malformed = bool(parsed.errors)
    # A broken call block is still an attempt to call: it counts against a negative.
    called = verdict.called or malformed
    passed = verdict.passed and not (malformed and not item.expected)
    reason = verdict.reason or (parsed.errors[0].code.value if malformed else "")
    return Row(item.id, output, passed, called, verdict.should_call,
               verdict.name_ok and verdict.should_call, malformed, bool(item.terms), reason)


def stop_ids(tok: Any) -> list[int]:
    ids = [tok.convert_tokens_to_ids(TURN_END)]
    if tok.eos_token_id is not None:
        ids.append(tok.eos_token_id)
    unk = getattr(tok, "unk_token_id", None)
    return [i for i in dict.fromkeys(ids) if i is not None and i != unk]


@torch.no_grad()
def generate(model: Any, tok: Any, prompts: Sequence[str], *, max_new_tokens: int,
             batch_size: int) -> list[str]:
    """Greedy continuations of `prompts` (each already holding its BOS), batched with left
    padding; each stops at Gemma's end of turn."""
    tok.padding_side = "left"
    device = next(model.parameters()).device
    eos = stop_ids(tok)
    outs: list[str] = []
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))  # less padding
    done: dict[int, str] = {}
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        enc = tok([prompts[i] for i in idx], add_special_tokens=False, return_tensors="pt",
                  padding=True).to(device)
        gen = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                             eos_token_id=eos, pad_token_id=tok.pad_token_id,
                             top_p=None, top_k=None, temperature=None)
        for j, i in enumerate(idx):
            done[i] = tok.decode(gen[j, enc["input_ids"].shape[1]:], skip_special_tokens=True)
    outs = [done[i] for i in range(len(prompts))]
    return outs


def evaluate_text(model: Any, tok: Any, items: Sequence[Item], tools: Sequence[ToolSpec],
                  mode: ToolListMode, *, max_new_tokens: int = 64,
                  batch_size: int = 16) -> tuple[Metrics, list[Row]]:
    from assistant.engine import Message

    model.eval()
    bos = tok.bos_token or ""
    prompts = [text_prompt((Message("user", it.text),), tools, mode, bos=bos) for it in items]
    t0 = time.monotonic()
    outputs = generate(model, tok, prompts, max_new_tokens=max_new_tokens, batch_size=batch_size)
    rows = [judge(it, out) for it, out in zip(items, outputs, strict=True)]
    return score(rows, time.monotonic() - t0), rows


def evaluate_engine(engine: Any, items: Sequence[Item], tools: Sequence[ToolSpec]
                    ) -> tuple[Metrics, list[Row]]:
    """Score an `assistant` engine (e.g. the cascade's Gemma with its few-shot prompt, the
    base model's best zero-training setting) one request at a time, through `respond`."""
    import threading

    from assistant.engine import Message, Request
    from assistant.events import CallMalformed, CallsProposed, Reply

    rows = []
    t0 = time.monotonic()
    for it in items:
        request = Request((Message("user", it.text),), tuple(tools), speak=False)
        output = ""
        for event in engine.respond(request, threading.Event()):
            if isinstance(event, (CallsProposed, CallMalformed)):
                output = event.raw
            elif isinstance(event, Reply):
                output = event.text
        rows.append(judge(it, output))
    return score(rows, time.monotonic() - t0), rows


def load_for_eval(base_name: str, adapter: Path | None, device: str = "auto") -> tuple[Any, Any]:
    """(model, tokenizer): the base alone, or the base with the adapter merged in."""
    from finetune import base as base_mod
    from finetune.train import pick_device

    dev, dtype, _ = pick_device(device)
    model, tok = base_mod.load(base_mod.resolve(base_name), device=dev, dtype=dtype)
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    return model, tok


INTERVAL_METRICS = ("item_accuracy", "call_f1", "false_alarm_rate", "function_name_accuracy",
                    "exact_argument_accuracy")


def intervals(rows: Sequence[Row], n_boot: int = 1000) -> dict[str, dict[str, Any]]:
    """Bootstrap 95% intervals with evalkit's own metric definitions (`evalkit.metrics`);
    `terms_item_accuracy` is item accuracy on the terminology subset."""
    from evalkit.metrics import compute

    records = [asdict(r) for r in rows]
    out = {k: v.to_dict() for k, v in compute(records, INTERVAL_METRICS, n_boot=n_boot).items()}
    terms = [r for r in records if r["terms"]]
    out["terms_item_accuracy"] = compute(terms, ("item_accuracy",),
                                         n_boot=n_boot)["item_accuracy"].to_dict()
    return out


def write_results(out_dir: Path, split: str, metrics: Metrics, rows: Sequence[Row],
                  tag: str = "") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"eval-{split}{'-' + tag if tag else ''}"
    (out_dir / f"{name}.json").write_text(json.dumps(metrics.to_dict(), indent=2), "utf-8")
    (out_dir / f"{name}-ci.json").write_text(json.dumps(intervals(rows), indent=2), "utf-8")
    with (out_dir / f"{name}-rows.jsonl").open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
    return out_dir / f"{name}.json"


def merge(adapter: Path, out: Path, device: str = "cpu") -> Path:
    """Write base + adapter as one plain HF model directory (no peft needed to load it)."""
    from peft import PeftConfig

    base_name = PeftConfig.from_pretrained(str(adapter)).base_model_name_or_path
    if not base_name:
        raise ValueError(f"{adapter}/adapter_config.json names no base model")
    model, tok = load_for_eval(base_name, adapter, device)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out
