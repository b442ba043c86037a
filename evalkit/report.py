"""`python -m evalkit report RUN_DIR`: Markdown and a self-contained HTML page from result files
only (run.json, <variant>.meta.json, <variant>.jsonl). No model is loaded here.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evalkit import calibration, metrics, plots

GATE_GRID = (0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)  # ASR-confidence gates replayed
HEADLINE = ("item_accuracy", "call_f1", "false_alarm_rate", "function_name_accuracy",
            "exact_argument_accuracy", "argument_f1", "task_success")
HEADLINE_SPEECH = ("wer", "domain_term_recall", "answer_wer", "latency_call_p50",
                   "latency_call_p95", "latency_audio_p50", "rtf")
BREAKDOWN_METRICS = ("item_accuracy", "exact_argument_accuracy", "false_alarm_rate",
                     "missed_call_rate", "wer", "domain_term_recall")


def load_run(run_dir: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]],
                                     dict[str, list[dict[str, Any]]]]:
    run_path = run_dir / "run.json"
    if not run_path.is_file():
        raise FileNotFoundError(f"{run_dir} has no run.json: not an evalkit run directory")
    run = json.loads(run_path.read_text("utf-8"))
    metas: dict[str, dict[str, Any]] = {}
    records: dict[str, list[dict[str, Any]]] = {}
    for meta_path in sorted(run_dir.glob("*.meta.json")):
        name = meta_path.name.removesuffix(".meta.json")
        metas[name] = json.loads(meta_path.read_text("utf-8"))
        data = run_dir / f"{name}.jsonl"
        if data.is_file():
            records[name] = [json.loads(line) for line in data.read_text("utf-8").splitlines()
                             if line.strip()]
    order = run.get("variants") or list(metas)
    metas = {n: metas[n] for n in order if n in metas} | metas
    return run, metas, records


def fmt(e: metrics.Estimate | None, unit: str = "") -> str:
    if e is None or e.value is None:
        return "–"
    v = f"{e.value:.3g} s" if unit == "s" else f"{e.value:.3f}"
    if e.low is None or e.high is None:
        return v
    return f"{v} [{e.low:.3g}, {e.high:.3g}]"


def _arrow(name: str) -> str:
    return "↑" if metrics.METRICS[name].higher_is_better else "↓"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return [*out, ""]


def _speed_row(name: str, meta: dict[str, Any]) -> list[str]:
    speed = meta.get("speed", {})
    alone, batched = speed.get("one_at_a_time", {}), speed.get("batched", {})
    a, b = alone.get("items_per_min"), batched.get("items_per_min")
    return [name, str(meta.get("units", "")), str(alone.get("units", "–")), str(a or "–"),
            str(batched.get("units", "–")),
            f"{batched['batch_size']} ({batched.get('mean_batch')})" if batched else "–",
            str(b or "–"), f"{b / a:.1f}x" if a and b else "–",
            str(meta.get("heard_reused") or "–")]


def build(run_dir: Path, *, n_boot: int = 1000) -> tuple[str, dict[str, bytes], dict[str, Any]]:
    """(markdown, {plot file name: png}, all numbers) for a run directory."""
    run, metas, records = load_run(run_dir)
    ran = {n: records[n] for n, m in metas.items() if m.get("status") == "run" and n in records}
    seed = int(run.get("seed", 0))
    results = {n: metrics.compute(rs, n_boot=n_boot, seed=seed) for n, rs in ran.items()}
    md: list[str] = [f"# evalkit report: {run.get('name', run_dir.name)}", ""]
    md += ["Every metric has its direction (↑ higher is better, ↓ lower is better) and a "
           "bootstrap 95% interval over items in brackets. Latencies are from the event "
           "stream's timestamps (end of speech = the turn's `turn-started` event), on turns run "
           "one at a time: a turn run in a batch waits for its batch, so it has none.", ""]
    md += ["## Headline: deciding and calling", ""]
    md += ["One table for every pipeline: *end to end* (an audio model hears and decides), "
           "*sequential* (LFM2-Audio hears and speaks, a text brain decides), *cascade* "
           "(Whisper, then a text brain), *rules* (the floor).", ""]
    header = ["variant", "pipeline", "status", "items", "items/min",
              *[f"{h} {_arrow(h)}" for h in HEADLINE]]
    speech_header = ["variant", *[f"{h} {_arrow(h)}" for h in HEADLINE_SPEECH]]
    rows, speech_rows = [], []
    for name, meta in metas.items():
        if name in results:
            est = results[name]
            rows.append([name, meta.get("pipeline", "–"),
                         "run" + (" (tiny random weights)" if meta.get("caveat") else ""),
                         str(meta.get("units", "")), str(meta.get("items_per_min") or "–"),
                         *[fmt(est[h], metrics.METRICS[h].unit) for h in HEADLINE]])
            speech_rows.append([name, *[fmt(est[h], metrics.METRICS[h].unit)
                                        for h in HEADLINE_SPEECH]])
        else:
            rows.append([name, meta.get("pipeline", "–"), "not run", "0", "–",
                         *["–"] * len(HEADLINE)])
    md += table(header, rows)
    md += ["## Headline: hearing, speaking, speed", ""]
    md += table(speech_header, speech_rows)
    md += ["## Throughput", ""]
    md += table(["variant", "items", "one at a time: items", "items/min", "batched: items",
                  "batch size (mean)", "items/min", "speed-up", "clips heard before"],
                 [_speed_row(n, m) for n, m in metas.items() if n in results])
    if any(m.get("heard_reused") for m in metas.values()):
        md += ["*Clips heard before*: batched turns whose transcript another variant with the same "
               "ASR had already made in this run (`evalkit.heard`); their items/min leaves out "
               "that ASR time.", ""]
    not_run = [(n, m.get("reason", "")) for n, m in metas.items() if m.get("status") != "run"]
    if not_run:
        md += ["### Not run, and why", ""] + [f"- **{n}**: {why}" for n, why in not_run] + [""]
    caveats = [(n, m["caveat"]) for n, m in metas.items() if m.get("caveat")]
    if caveats:
        md += ["### Caveats", ""] + [f"- **{n}**: {c}" for n, c in caveats] + [""]
    md += ["## Run metadata", ""]
    md += [f"- {k}: {json.dumps(v) if not isinstance(v, str) else v}" for k, v in run.items()
           if k != "variants"]
    md += [f"- models of {n}: {json.dumps(m.get('models', {}))}; options: "
           f"{json.dumps({k: v for k, v in (m.get('options') or {}).items() if v})}"
           for n, m in metas.items() if m.get("status") == "run"] + [""]
    pngs: dict[str, bytes] = {}

    def figure(name: str, png: bytes | None, caption: str) -> None:
        if png is not None:
            pngs[name] = png
            md.extend([f"![{caption}](plots/{name})", ""])

    md += ["## Figures", ""]
    for name, rs in ran.items():
        if any(r.get("calls") or r.get("should_call") for r in rs):
            figure(f"pr_{name}.png", plots.per_tool_pr(rs, name), f"per-function P/R, {name}")
    for name, rs in list(ran.items())[:4]:
        figure(f"confusion_{name}.png", plots.confusion(rs, name), f"confusion, {name}")
    figure("wer_by_snr.png", plots.wer_by_condition(ran), "WER by SNR")
    figure("latency_call.png", plots.latency_cdfs(ran, "latency_call_s",
                                                  "End of speech to call (CDF)"), "latency to call")
    figure("latency_audio.png", plots.latency_cdfs(ran, "latency_audio_s",
                                                   "End of speech to first answer audio (CDF)"),
           "latency to first audio")
    decided = {n: rs for n, rs in ran.items() if calibration.scored(rs)}
    if decided:
        md += ["### Call decision", "",
               "Brains that decide by P(call) against a threshold: what each threshold would do on "
               "these items (whether to call, not which call). The threshold a brain ships with is "
               f"chosen on the dev split: the most recall with false alarms <= "
               f"{calibration.MAX_FALSE_ALARM:.0%}.", ""]
        rows = []
        for name, rs in decided.items():
            used = calibration.p_call_threshold(rs)
            best = calibration.choose(rs)
            at_used = calibration.at(rs, used) if used is not None else None
            rows.append([name, f"{used:.3g}" if used is not None else "–",
                         _pct(at_used.recall) if at_used else "–",
                         _pct(at_used.false_alarm) if at_used else "–",
                         f"{best.threshold:.3g}" if best else "none reaches the target",
                         _pct(best.recall) if best else "–", _pct(best.false_alarm) if best else "–"])
        md += table(["variant", "threshold used", "recall", "false alarms",
                      "best threshold here", "recall", "false alarms"], rows)
        figure("call_decision.png", calibration.plot(decided), "call decision vs threshold")
    gated = {n: rs for n, rs in ran.items() if calibration.gate_curve(rs)}
    if gated:
        md += ["### ASR confidence gate", "",
               "A cascade withholds a call made on a transcript Whisper was less sure of than "
               "its gate (in the engine's name) and asks again. Replayed from the records, "
               "withheld calls included: what each gate would do on these clips. The gate a "
               "cascade ships with is chosen on the dev split: the best item accuracy.", ""]
        for name, rs in gated.items():
            top = calibration.choose_gate(rs)
            md += [f"**{name}**: best gate here {top.gate:.3g} (item accuracy "
                   f"{top.item_accuracy:.3f})" if top else f"**{name}**", ""]
            md += table(["gate", "right calls run", "wrong calls run", "false alarms",
                          "asked again", "item accuracy"],
                         [[f"{g.gate:.2f}", str(g.right), str(g.wrong), str(g.false_alarms),
                           str(g.asked_again), f"{g.item_accuracy:.3f}"]
                          for g in calibration.gate_curve(rs, GATE_GRID) if g.gate in GATE_GRID])
    answer = {n: results[n]["answer_wer"] for n in ran if n.startswith("answer-")
              or results[n]["answer_wer"].value is not None}
    figure("answer_wer.png", plots.answer_wer(answer), "native vs TTS answer WER")
    for name, rs in ran.items():
        md += [f"## Variant {name}", "", metas[name].get("description", ""), ""]
        md += table(["metric", "value [95% CI]", "n", "what it measures"],
                     [[f"{m} {_arrow(m)}", fmt(e, metrics.METRICS[m].unit), str(e.n),
                       metrics.METRICS[m].description] for m, e in results[name].items()
                      if e.value is not None])
        for key in metrics.BREAKDOWNS:
            if not any(r.get(key) is not None for r in rs):
                continue
            groups = metrics.breakdown(rs, key, BREAKDOWN_METRICS, n_boot=min(n_boot, 200),
                                       seed=seed)
            md += [f"### {name} by {key}", ""]
            md += table([key, "n", *[f"{m} {_arrow(m)}" for m in BREAKDOWN_METRICS]],
                         [[g, str(sum(1 for r in rs if str(r.get(key) or '(none)') == g)),
                           *[fmt(est[m], metrics.METRICS[m].unit) for m in BREAKDOWN_METRICS]]
                          for g, est in groups.items()])
        worst = sorted((r for r in rs if not r.get("passed") or r.get("wer_words")),
                       key=lambda r: (bool(r.get("passed")),
                                      -(r.get("wer_errors") or 0) / max(r.get("wer_words") or 1, 1)))
        md += [f"### {name}: worst errors", ""]
        md += table(["item", "audio", "said", "heard", "problem"],
                     [[r["unit_id"], r.get("audio_path") or "–", r["text"], r.get("heard") or "–",
                       r.get("reason") or f"WER {r.get('wer_errors')}/{r.get('wer_words')}"]
                      for r in worst[:12]])
    numbers = {n: {m: e.to_dict() for m, e in est.items()} for n, est in results.items()}
    return "\n".join(md), pngs, {"run": run, "variants": metas, "metrics": numbers}


def _html(md: str, pngs: Mapping[str, bytes], title: str) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(md)

    def inline(m: re.Match[str]) -> str:
        png = pngs.get(m.group(1))
        if png is None:
            return m.group(0)
        return f'src="data:image/png;base64,{base64.b64encode(png).decode()}"'

    body = re.sub(r'src="plots/([^"]+)"', inline, body)
    style = ("body{font-family:system-ui,sans-serif;max-width:1300px;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse;font-size:13px;margin:.5em 0;display:block;"
             "overflow-x:auto}"
             "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}"
             "th{background:#f3f3f3}img{max-width:100%}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{style}</style></head><body>{body}</body></html>")


def write_report(run_dir: Path, *, n_boot: int = 1000) -> tuple[Path, Path]:
    md, pngs, numbers = build(run_dir, n_boot=n_boot)
    plot_dir = run_dir / "plots"
    plot_dir.mkdir(exist_ok=True)
    for name, png in pngs.items():
        (plot_dir / name).write_bytes(png)
    md_path, html_path = run_dir / "report.md", run_dir / "report.html"
    md_path.write_text(md, "utf-8")
    html_path.write_text(_html(md, pngs, f"evalkit report {run_dir.name}"), "utf-8")
    (run_dir / "metrics.json").write_text(json.dumps(numbers, indent=1, default=str), "utf-8")
    return md_path, html_path
