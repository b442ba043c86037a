"""Metrics over per-item result records, each with its direction and a bootstrap 95% interval.

Most metrics are a ratio of sums over items (precision = TP / (TP + FP), WER = word errors /
reference words), so one bootstrap resamples items and recomputes the ratio; latencies are
quantiles. Metrics are registered by name (as in lm-evaluation-harness) and the report lists
them all, with `higher_is_better` deciding the arrow.

"Called" means a call was attempted: a malformed call counts (see `evalkit.checker`), so on a
no-call item it is a false alarm. finetune's scores are these metrics on its own records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Record = Mapping[str, Any]
Extract = Callable[[Record], "tuple[float, float] | float | None"]


@dataclass(frozen=True)
class Metric:
    name: str
    higher_is_better: bool
    description: str
    extract: Extract  # ratio: (numerator, denominator) per item; quantile: one value per item
    quantile: float | None = None  # set for quantile metrics (latency p50 / p95)
    unit: str = ""


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None
    n: int  # items that count for this metric

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.name in METRICS:
        raise ValueError(f"metric {metric.name} is already registered")
    METRICS[metric.name] = metric
    return metric


def _b(x: Any) -> float:
    return 1.0 if x else 0.0


def _ratio(num: Callable[[Record], float], den: Callable[[Record], float],
           when: Callable[[Record], bool] = lambda r: True) -> Extract:
    def extract(r: Record) -> tuple[float, float] | None:
        return (num(r), den(r)) if when(r) else None
    return extract


def _should(r: Record) -> bool:
    return bool(r.get("should_call"))


def _called(r: Record) -> bool:
    return bool(r.get("called"))


def _has(key: str) -> Callable[[Record], bool]:
    return lambda r: r.get(key) is not None


def _value(key: str) -> Extract:
    return lambda r: None if r.get(key) is None else float(r[key])


for _m in (
    Metric("call_precision", True, "of the items where a call was attempted, the share that needed one",
           _ratio(lambda r: _b(_called(r) and _should(r)), lambda r: _b(_called(r)))),
    Metric("call_recall", True, "of the items that needed a call, the share where one was attempted",
           _ratio(lambda r: _b(_called(r)), lambda r: 1.0, _should)),
    Metric("call_f1", True, "harmonic mean of call precision and recall (2TP / (2TP+FP+FN))",
           _ratio(lambda r: 2 * _b(_called(r) and _should(r)),
                  lambda r: 2 * _b(_called(r) and _should(r)) + _b(_called(r) != _should(r)))),
    Metric("false_alarm_rate", False,
           "share of no-call items where a call was attempted anyway (malformed ones too)",
           _ratio(lambda r: _b(_called(r)), lambda r: 1.0, lambda r: not _should(r))),
    Metric("missed_call_rate", False, "share of call items where no call was attempted",
           _ratio(lambda r: _b(not _called(r)), lambda r: 1.0, _should)),
    Metric("function_name_accuracy", True, "call items whose called function(s) are right",
           _ratio(lambda r: _b(r.get("name_ok")), lambda r: 1.0, _should)),
    Metric("exact_argument_accuracy", True,
           "call items with the right function and every argument acceptable (BFCL AST match)",
           _ratio(lambda r: _b(r.get("passed")), lambda r: 1.0, _should)),
    Metric("argument_f1", True, "per-argument F1 over all call items (normalised values)",
           _ratio(lambda r: 2.0 * r["arg_tp"],
                  lambda r: 2.0 * r["arg_tp"] + r["arg_fp"] + r["arg_fn"], _should)),
    Metric("malformed_rate", False, "items whose call attempt ended with no call that parsed",
           _ratio(lambda r: _b(r.get("malformed")), lambda r: 1.0, _has("malformed"))),
    Metric("schema_valid_rate", True, "proposed calls that parse and validate against the schema",
           _ratio(lambda r: float(r["calls_valid"]), lambda r: float(r["calls_total"]),
                  lambda r: r.get("calls_total", 0) > 0)),
    Metric("item_accuracy", True, "items fully right: the right call, or rightly no call",
           _ratio(lambda r: _b(r.get("passed")), lambda r: 1.0)),
    Metric("task_success", True,
           "the right call ran to an ok result (or nothing ran, for no-call items)",
           _ratio(lambda r: _b(r.get("task_success")), lambda r: 1.0)),
    Metric("wer", False, "ASR word error rate on the request (normalised, corpus level)",
           _ratio(lambda r: float(r["wer_errors"]), lambda r: float(r["wer_words"]),
                  _has("wer_errors"))),
    Metric("cer", False, "ASR character error rate on the request (normalised, corpus level)",
           _ratio(lambda r: float(r["cer_errors"]), lambda r: float(r["cer_chars"]),
                  _has("cer_errors"))),
    Metric("domain_term_recall", True, "formulary drug names found in the ASR transcript",
           _ratio(lambda r: float(r["terms_heard"]), lambda r: float(r["terms_total"]),
                  lambda r: r.get("terms_heard") is not None and r.get("terms_total", 0) > 0)),
    Metric("answer_wer", False, "ASR (Whisper) WER of the spoken answer against its text",
           _ratio(lambda r: float(r["answer_wer_errors"]), lambda r: float(r["answer_wer_words"]),
                  _has("answer_wer_errors"))),
    Metric("latency_call_p50", False, "end of speech to the proposed call, median",
           _value("latency_call_s"), 0.5, "s"),
    Metric("latency_call_p95", False, "end of speech to the proposed call, 95th percentile",
           _value("latency_call_s"), 0.95, "s"),
    Metric("latency_audio_p50", False, "end of speech to the first answer audio, median",
           _value("latency_audio_s"), 0.5, "s"),
    Metric("latency_audio_p95", False, "end of speech to the first answer audio, 95th pct",
           _value("latency_audio_s"), 0.95, "s"),
    Metric("rtf", False, "turn processing time over request audio duration",
           _ratio(lambda r: float(r["turn_s"]), lambda r: float(r["audio_s"]),
                  lambda r: bool(r.get("audio_s")) and r.get("turn_s") is not None)),
):
    register(_m)


def resample(metric: Metric, rows: Sequence[Any], idx: np.ndarray) -> np.ndarray:
    """The metric over each row of resampled indices `idx` (n_boot x n) into `rows` (the
    metric's extracts, None where it does not apply); NaN where a resample leaves it undefined."""
    if metric.quantile is not None:
        values = np.array([np.nan if r is None else float(r) for r in rows])
        picked = values[idx]
        out = np.full(idx.shape[0], np.nan)
        ok = ~np.all(np.isnan(picked), axis=1)
        out[ok] = np.nanquantile(picked[ok], metric.quantile, axis=1)
        return out
    pairs = np.array([(0.0, 0.0) if r is None else r for r in rows], dtype=float).reshape(-1, 2)
    num, den = pairs[idx, 0].sum(axis=1), pairs[idx, 1].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def estimate(metric: Metric, records: Sequence[Record], *, n_boot: int = 1000,
             seed: int = 0) -> Estimate:
    """The metric on `records` and a percentile bootstrap 95% interval over items."""
    rows = [metric.extract(r) for r in records]
    rows = [x for x in rows if x is not None]
    n = len(rows)
    if n == 0:
        return Estimate(None, None, None, 0)
    if metric.quantile is not None:
        point = float(np.quantile(np.asarray(rows, dtype=float), metric.quantile))
    else:
        num, den = np.asarray(rows, dtype=float).reshape(n, 2).sum(axis=0)
        if den <= 0:
            return Estimate(None, None, None, n)
        point = float(num / den)
    if n_boot <= 0 or n < 2:
        return Estimate(point, None, None, n)
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    boots = resample(metric, rows, idx)
    boots = boots[~np.isnan(boots)]
    if boots.size == 0:
        return Estimate(point, None, None, n)
    low, high = np.percentile(boots, [2.5, 97.5])
    return Estimate(point, float(low), float(high), n)


def compute(records: Sequence[Record], names: Iterable[str] | None = None, *,
            n_boot: int = 1000, seed: int = 0) -> dict[str, Estimate]:
    return {name: estimate(METRICS[name], records, n_boot=n_boot, seed=seed)
            for name in (names or METRICS)}


BREAKDOWNS = ("tool", "category", "voice", "snr")


def breakdown(records: Sequence[Record], key: str, names: Iterable[str] | None = None, *,
              n_boot: int = 200, seed: int = 0) -> dict[str, dict[str, Estimate]]:
    """Metrics per value of `key` (tool, category i.e. negative kind, voice, SNR)."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        value = r.get(key)
        groups["(none)" if value is None else str(value)].append(r)
    chosen = list(names or METRICS)
    return {g: compute(rs, chosen, n_boot=n_boot, seed=seed) for g, rs in sorted(groups.items())}


def confusion(records: Sequence[Record]) -> tuple[list[str], np.ndarray]:
    """Gold function (or "no call") x predicted first function (or "no call"), as counts."""
    def gold(r: Record) -> str:
        return str(r.get("tool") or "no call")

    def pred(r: Record) -> str:
        calls = r.get("calls") or []
        if calls:
            return str(calls[0]["name"])
        return "malformed" if r.get("malformed") else "no call"

    labels = sorted({gold(r) for r in records} | {pred(r) for r in records},
                    key=lambda s: (s in ("no call", "malformed"), s))
    pos = {name: i for i, name in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)), dtype=int)
    for r in records:
        m[pos[gold(r)], pos[pred(r)]] += 1
    return labels, m


def per_function_pr(records: Sequence[Record]) -> dict[str, tuple[float | None, float | None]]:
    """Precision and recall of each function name (from the confusion matrix)."""
    labels, m = confusion(records)
    out: dict[str, tuple[float | None, float | None]] = {}
    for i, name in enumerate(labels):
        if name in ("no call", "malformed"):
            continue
        tp, col, row = m[i, i], m[:, i].sum(), m[i, :].sum()
        out[name] = (float(tp / col) if col else None, float(tp / row) if row else None)
    return out
