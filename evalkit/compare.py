"""`python -m evalkit compare BASE NEW`: two pipelines on the same items, paired.

Two variants' intervals can overlap while one is better on the very items both saw: on 110
items a gain of 6 is inside either interval. Pairing takes the items' difficulty out of the
comparison. For each metric, the difference with a paired bootstrap interval (the same
resampled items for both sides); for item correctness, McNemar's exact test on the items one
side got right and the other wrong; and those flipped items themselves, which are what a
person reads before trusting a change.

BASE and NEW are result records: a run directory (`RUN_DIR`, or `RUN_DIR:VARIANT` when it ran
several), or one variant's records file (`<variant>.jsonl`, or `.jsonl.gz` as docs/ keeps
them). Items pair by `unit_id`; those only one side has are counted and left out.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import comb
from pathlib import Path

import numpy as np

from evalkit import metrics
from evalkit.metrics import Record
from evalkit.report import table

METRICS = ("item_accuracy", "call_f1", "false_alarm_rate", "call_recall",
           "function_name_accuracy", "exact_argument_accuracy", "latency_call_p50")


@dataclass(frozen=True)
class Delta:
    """NEW minus BASE for one metric on the paired items, with a paired bootstrap 95% CI."""

    metric: str
    base: float | None
    new: float | None
    diff: float | None
    low: float | None
    high: float | None
    n: int  # paired items that count for this metric on both sides


@dataclass(frozen=True)
class Flip:
    """An item one side got right and the other wrong."""

    unit_id: str
    text: str
    gold: str
    base: str  # what BASE did (its calls, or "no call"), and why it was wrong if it was
    new: str


@dataclass(frozen=True)
class Comparison:
    base: str
    new: str
    paired: int
    only_base: int  # units in BASE's records that NEW has not (left out)
    only_new: int
    deltas: tuple[Delta, ...]
    both_right: int
    both_wrong: int
    fixed: tuple[Flip, ...]  # right in NEW only
    broken: tuple[Flip, ...]  # right in BASE only
    p_value: float  # McNemar's exact two-sided test on len(fixed) vs len(broken)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value: under "no difference" each of the b + c discordant
    items is equally likely to fall either way (a binomial with p = 1/2)."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(comb(n, k) for k in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2**n)


def _lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        yield from (line for line in f if line.strip())


def _read_jsonl(path: Path) -> list[Record]:
    return [json.loads(line) for line in _lines(path)]


def _stem(path: Path) -> str:
    return path.name.removesuffix(".gz").removesuffix(".jsonl")


def _is_records(path: Path) -> bool:
    """A variant's records: its meta beside it, or (older docs/ keep none) a first line that is
    an item's verdict; a heard-transcripts file beside them is neither."""
    if (path.parent / f"{_stem(path)}.meta.json").is_file():
        return True
    try:
        first = json.loads(next(_lines(path), "{}"))
    except (OSError, ValueError):
        return False
    return isinstance(first, dict) and "unit_id" in first and "passed" in first


def variants_in(run_dir: Path) -> dict[str, Path]:
    """Records files: `<variant>.jsonl` as a run writes them, or `records/<variant>.jsonl.gz`
    as docs/ keeps them."""
    found: dict[str, Path] = {}
    for folder in (run_dir, run_dir / "records"):
        for pattern in ("*.jsonl", "*.jsonl.gz"):
            for data in sorted(folder.glob(pattern)):
                if _is_records(data):
                    found.setdefault(_stem(data), data)
    return found


def load(spec: str) -> tuple[str, list[Record]]:
    """(label, records) from `FILE.jsonl[.gz]`, `RUN_DIR` or `RUN_DIR:VARIANT`."""
    path, variant = Path(spec), None
    if not path.exists() and ":" in spec:
        head, _, variant = spec.rpartition(":")
        path = Path(head)
    if path.is_file():
        if variant is not None:
            raise ValueError(f"{spec}: a records file holds one variant; drop ':{variant}'")
        return _stem(path), _read_jsonl(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{spec}: no such records file or run directory")
    files = variants_in(path)
    listed = ", ".join(sorted(files)) or "none"
    if variant is None:
        if len(files) != 1:
            raise ValueError(f"{spec}: {len(files)} variants' records here ({listed}); "
                             f"name one as {spec}:VARIANT")
        variant = next(iter(files))
    if variant not in files:
        raise ValueError(f"{spec}: no records of {variant!r} (there are: {listed})")
    return f"{path.name}:{variant}", _read_jsonl(files[variant])


def paired_delta(name: str, base: Sequence[Record], new: Sequence[Record], *,
                 n_boot: int = 2000, seed: int = 0) -> Delta:
    """NEW - BASE for metric `name` on aligned records (base[i] and new[i]: the same item)."""
    metric = metrics.METRICS[name]
    rows_b = [metric.extract(r) for r in base]
    rows_n = [metric.extract(r) for r in new]
    n = sum(a is not None and b is not None for a, b in zip(rows_b, rows_n, strict=True))
    vb = metrics.estimate(metric, base, n_boot=0).value
    vn = metrics.estimate(metric, new, n_boot=0).value
    if vb is None or vn is None:
        return Delta(name, vb, vn, None, None, None, n)
    low = high = None
    if n_boot > 0 and len(base) > 1:
        idx = np.random.default_rng(seed).integers(0, len(base), size=(n_boot, len(base)))
        diffs = metrics.resample(metric, rows_n, idx) - metrics.resample(metric, rows_b, idx)
        diffs = diffs[~np.isnan(diffs)]
        if diffs.size:
            low, high = (float(x) for x in np.percentile(diffs, [2.5, 97.5]))
    return Delta(name, vb, vn, vn - vb, low, high, n)


def did(r: Record) -> str:
    """What a pipeline did on an item, in one line: its calls, or "no call"."""
    calls = r.get("calls") or []
    text = "; ".join(f"{c.get('name')}({json.dumps(c.get('arguments', {}), sort_keys=True)})"
                     for c in calls) or ("malformed call" if r.get("malformed") else "no call")
    return text if r.get("passed") or not r.get("reason") else f"{text} [{r['reason']}]"


def _gold(r: Record) -> str:
    expected = r.get("expected") or []
    return ", ".join(str(e.get("name")) for e in expected) or "no call"


def compare(base: tuple[str, Sequence[Record]], new: tuple[str, Sequence[Record]], *,
            names: Sequence[str] = METRICS, n_boot: int = 2000, seed: int = 0) -> Comparison:
    (label_b, recs_b), (label_n, recs_n) = base, new
    by_b = {str(r["unit_id"]): r for r in recs_b}
    by_n = {str(r["unit_id"]): r for r in recs_n}
    units = [u for u in by_b if u in by_n]
    if not units:
        raise ValueError(f"{label_b} and {label_n} share no item (unit_id): not the same set")
    for u in units:
        if by_b[u].get("text") != by_n[u].get("text"):
            raise ValueError(f"unit {u} is {by_b[u].get('text')!r} in {label_b} but "
                             f"{by_n[u].get('text')!r} in {label_n}: not the same set")
    pb, pn = [by_b[u] for u in units], [by_n[u] for u in units]
    unknown = [m for m in names if m not in metrics.METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {', '.join(unknown)}; `python -m evalkit ls` lists them")
    deltas = tuple(paired_delta(m, pb, pn, n_boot=n_boot, seed=seed) for m in names)
    fixed: list[Flip] = []
    broken: list[Flip] = []
    both_right = both_wrong = 0
    for u, b, n in zip(units, pb, pn, strict=True):
        ok_b, ok_n = bool(b.get("passed")), bool(n.get("passed"))
        both_right += ok_b and ok_n
        both_wrong += not ok_b and not ok_n
        if ok_b != ok_n:
            flip = Flip(u, str(b.get("text", "")), _gold(b), did(b), did(n))
            (fixed if ok_n else broken).append(flip)
    return Comparison(label_b, label_n, len(units), len(by_b) - len(units),
                      len(by_n) - len(units), deltas, both_right, both_wrong, tuple(fixed),
                      tuple(broken), mcnemar_exact(len(fixed), len(broken)))


def _num(x: float | None, unit: str, signed: bool = False) -> str:
    if x is None:
        return "–"
    sign = "+" if signed and x > 0 else ""
    return f"{sign}{x:.3g} s" if unit == "s" else f"{sign}{x:.3f}"


def markdown(c: Comparison) -> str:
    md = [f"# {c.new} vs {c.base}, paired", "",
          f"{c.paired} items in both" + (f" ({c.only_base} only in {c.base}, {c.only_new} only "
                                          f"in {c.new}: left out)" if c.only_base or c.only_new
                                          else "") + ". Differences are NEW - BASE with a paired "
          "bootstrap 95% interval (the same resampled items on both sides).", ""]
    rows = []
    for d in c.deltas:
        unit = metrics.METRICS[d.metric].unit
        arrow = "↑" if metrics.METRICS[d.metric].higher_is_better else "↓"
        ci = (f" [{_num(d.low, unit, True)}, {_num(d.high, unit, True)}]"
              if d.low is not None and d.high is not None else "")
        rows.append([f"{d.metric} {arrow}", _num(d.base, unit), _num(d.new, unit),
                     f"{_num(d.diff, unit, True)}{ci}"])
    md += table(["metric", "BASE", "NEW", "NEW - BASE [95% CI]"], rows)
    md += [f"Items right in both: {c.both_right}; wrong in both: {c.both_wrong}; **right "
           f"only in NEW: {len(c.fixed)}; right only in BASE: {len(c.broken)}**; McNemar's exact "
           f"test p = {c.p_value:.3g}.", ""]
    for title, flips in (("Right only in NEW", c.fixed), ("Right only in BASE", c.broken)):
        if flips:
            md += [f"## {title} ({len(flips)})", ""]
            md += table(["item", "request", "gold", "BASE did", "NEW did"],
                        [[f.unit_id, f.text, f.gold, f.base, f.new] for f in flips])
    return "\n".join(md)
