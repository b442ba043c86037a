"""Dev/test metrics of a base model or an adapter, and merging an adapter into its base.

Each item's prompt goes through the same `text_prompt` as training; generation is greedy and
batched (left padding). Scoring is evalkit's, so one model gets one set of numbers: each output
is read with `assistant.outcome.outcome` (the engines' own rule for what is a call), checked with
evalkit's BFCL-style checker (`evalkit.checker.check`, where a malformed call counts as a call,
so on a no-call item it is a false alarm), and the metrics are `evalkit.metrics`' on the rows:
- accuracy: items fully right (right decision, names and arguments) (item_accuracy);
- call_precision / call_recall / call_f1: deciding to call at all (negatives are the no-call set);
- name_acc: calls with the right function, over the items that need one;
- exact_args: items that need a call and got exactly the right call (BFCL's AST accuracy);
- false_alarm: negatives where a call was attempted (false_alarm_rate);
- malformed: outputs whose call attempt did not parse (malformed_rate);
- terms_acc: exact accuracy on the terminology subset (items naming a formulary drug).
A metric with nothing to measure (precision when no call was made) is None, as in evalkit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from assistant.events import CallMalformed, CallsProposed
from assistant.outcome import outcome
from assistant.prompt import TURN_END, text_prompt

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
    accuracy: float | None
    call_precision: float | None
    call_recall: float | None
    call_f1: float | None
    name_acc: float | None
    exact_args: float | None
    false_alarm: float | None
    malformed: float | None
    terms_n: int
    terms_acc: float | None
    seconds: float

    def to_dict(self) -> dict[str, float | None]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


# Our names -> evalkit's metric names: the same definitions, never a copy of them.
EVALKIT_NAMES = {"accuracy": "item_accuracy", "call_precision": "call_precision",
                 "call_recall": "call_recall", "call_f1": "call_f1",
                 "name_acc": "function_name_accuracy", "exact_args": "exact_argument_accuracy",
                 "false_alarm": "false_alarm_rate", "malformed": "malformed_rate"}


def score(rows: Sequence[Row], seconds: float = 0.0) -> Metrics:
    from evalkit.metrics import compute

    records = [asdict(r) for r in rows]
    got = compute(records, EVALKIT_NAMES.values(), n_boot=0)
    terms = [r for r in records if r["terms"]]
    terms_acc = compute(terms, ("item_accuracy",), n_boot=0)["item_accuracy"].value
    return Metrics(n=len(rows), **{ours: got[theirs].value for ours, theirs in EVALKIT_NAMES.items()},
                   terms_n=len(terms), terms_acc=terms_acc, seconds=seconds)


def judge(item: Item, output: str) -> Row:
    """One output against its item, by the engines' and evalkit's rules."""
    from evalkit.checker import check

    event = outcome(output)
    calls = event.calls if isinstance(event, CallsProposed) else ()
    malformed = isinstance(event, CallMalformed)
    verdict = check(item.expected, calls, malformed=malformed)
    reason = verdict.reason
    if isinstance(event, CallMalformed) and event.errors:  # which error, for the error list
        reason = f"{reason} ({event.errors[0].code})"
    return Row(item.id, output, verdict.passed, verdict.called, verdict.should_call,
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
    from assistant.events import Reply

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
