"""The report's figures (matplotlib, Agg backend), returned as PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from evalkit import metrics

Records = Sequence[Mapping[str, Any]]


def _fig(w: float = 7.0, h: float = 4.0) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(w, h), dpi=100)


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def per_tool_pr(records: Records, title: str) -> bytes:
    pr = metrics.per_function_pr(records)
    names = sorted(pr)
    fig, ax = _fig(9, 4)
    x = np.arange(len(names))
    ax.bar(x - 0.2, [pr[n][0] or 0 for n in names], 0.4, label="precision")
    ax.bar(x + 0.2, [pr[n][1] or 0 for n in names], 0.4, label="recall")
    ax.set_xticks(x, names, rotation=60, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Per-function precision / recall: {title}")
    ax.legend()
    return _png(fig)


def confusion(records: Records, title: str) -> bytes:
    labels, m = metrics.confusion(records)
    fig, ax = _fig(8, 7)
    norm = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=70, ha="right", fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if m[i, j]:
                ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=6,
                        color="white" if norm[i, j] > 0.5 else "black")
    ax.set_xlabel("predicted (first call)")
    ax.set_ylabel("gold")
    ax.set_title(f"Confusion of functions incl. no call: {title}")
    return _png(fig)


def wer_by_condition(per_variant: Mapping[str, Records]) -> bytes | None:
    fig, ax = _fig()
    drawn = False
    conditions = sorted({str(r.get("snr")) for rs in per_variant.values() for r in rs
                         if r.get("wer_words")})
    for name, rs in per_variant.items():
        ys = []
        for c in conditions:
            e = metrics.estimate(metrics.METRICS["wer"], [r for r in rs if str(r.get("snr")) == c],
                                 n_boot=0)
            ys.append(np.nan if e.value is None else e.value)
        if not all(np.isnan(ys)):
            ax.plot(conditions, ys, marker="o", label=name)
            drawn = True
    if not drawn:
        import matplotlib.pyplot as plt

        plt.close(fig)
        return None
    ax.set_ylabel("WER")
    ax.set_title("ASR word error rate by condition (SNR / augmentation)")
    ax.tick_params(axis="x", rotation=30)
    ax.legend()
    return _png(fig)


def latency_cdfs(per_variant: Mapping[str, Records], key: str, title: str) -> bytes | None:
    fig, ax = _fig()
    drawn = False
    for name, rs in per_variant.items():
        xs = np.sort([float(r[key]) for r in rs if r.get(key) is not None])
        if xs.size:
            ax.step(xs, np.arange(1, xs.size + 1) / xs.size, where="post", label=name)
            drawn = True
    if not drawn:
        import matplotlib.pyplot as plt

        plt.close(fig)
        return None
    ax.set_xscale("log")
    ax.set_xlabel("seconds (log)")
    ax.set_ylabel("share of items")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return _png(fig)


def answer_wer(estimates: Mapping[str, metrics.Estimate]) -> bytes | None:
    names = [n for n, e in estimates.items() if e.value is not None]
    if not names:
        return None
    fig, ax = _fig(6, 3.5)
    vals, lows, highs = [], [], []
    for n in names:
        e = estimates[n]
        v = float(e.value or 0.0)
        vals.append(v)
        lows.append(v - (e.low if e.low is not None else v))
        highs.append((e.high if e.high is not None else v) - v)
    ax.bar(names, vals, yerr=[lows, highs], capsize=4)
    ax.set_ylabel("WER of Whisper on the answer audio")
    ax.set_title("Answer intelligibility: native vs TTS (lower is better)")
    return _png(fig)
