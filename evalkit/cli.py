"""`python -m evalkit [--full]` runs the suite end to end; subcommands: synth, run, report,
compare, ls.

    python -m evalkit                      # quick stratified offline suite -> report (minutes)
    python -m evalkit --full               # every test item
    python -m evalkit synth --split test   # items + audio + manifest + dataset card
    python -m evalkit run --variants scripted-text,cascade-bias [--byo my.jsonl]
    python -m evalkit report runs/20250101-120000
    python -m evalkit compare RUN_A:VARIANT RUN_B:VARIANT   # paired: differences, flipped items
    python -m evalkit ls                   # variants (and whether they can run), metrics
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from evalkit import augment, compare, items, metrics, variants
from evalkit.manifest import AudioRow, dataset_card, write_manifest
from evalkit.runner import RunStatus, Unit, run_variant, score_answers
from evalkit.split import check_leakage

QUICK_SLOW_UNITS = 32  # the quick suite's model-backed variants: minutes, not hours, on a CPU


def default_data_dir() -> Path:
    return Path(os.environ.get("EVALKIT_CACHE", Path.home() / ".cache" / "evalkit")) / "data"


def stratified(all_items: Sequence[items.Item], per_tool: int, per_negative: int,
               terms: int) -> list[items.Item]:
    """A small subset with every function, every negative kind and some drug-name items."""
    groups: dict[str, list[items.Item]] = defaultdict(list)
    for it in all_items:
        # Terminology items (one per drug, the first per drug in the split) form their own group.
        key = "terms" if it.terms and it.category == "call" and it.id.split(":")[-1] < "0003" \
            else (it.tool or it.category)
        groups[key].append(it)
    out: list[items.Item] = []
    for key, members in sorted(groups.items()):
        n = terms if key == "terms" else per_negative if key in items.NEGATIVE_KINDS else per_tool
        step = max(1, len(members) // max(n, 1))
        out += members[::step][:n]
    return out


def _git_commit() -> str:
    """HEAD, and whether the code differs from it (tracked files; a run from an edited tree
    is not a run of that commit)."""
    def git(*argv: str) -> str:
        return subprocess.run(["git", *argv], capture_output=True, text=True, timeout=5,
                              check=True, cwd=Path(__file__).parent).stdout.strip()

    try:
        edited = git("status", "--porcelain", "--untracked-files=no", "--", ":(top)*.py")
        return git("rev-parse", "HEAD") + (" + uncommitted changes" if edited else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git commit)"


def run_metadata(args: argparse.Namespace, names: Sequence[str]) -> dict[str, Any]:
    try:
        import torch

        torch_info = f"{torch.__version__}, threads {torch.get_num_threads()}"
    except ImportError:
        torch_info = "not installed"
    return {
        "name": args.name, "date": time.strftime("%Y-%m-%d %H:%M:%S"), "seed": args.seed,
        "split": "byo" if args.byo else args.split,
        "git_commit": _git_commit(), "command": " ".join(["python -m evalkit", *sys.argv[1:]]),
        "hardware": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "python": platform.python_version(), "torch": torch_info,
        "lfm2_model_dir": str(args.lfm2_model_dir) if args.lfm2_model_dir else None,
        "adapter": str(args.adapter) if args.adapter else None, "variants": list(names),
        "name_threshold": args.name_threshold,
        "tiny_lfm2": bool(args.tiny_lfm2), "lfm2_brain": args.lfm2_brain,
        "gemma3n_model_dir": str(args.gemma3n_model_dir) if args.gemma3n_model_dir else None,
    }


def synth_for(chosen: Sequence[items.Item], data_dir: Path, conditions: Sequence[
        augment.Augmentation], backends: Sequence[str], progress: bool,
        run_dir: Path | None = None, seed: int = 0,
        source: Path | None = None) -> list[AudioRow]:
    """Audio for `chosen` (from a BYO `source`, or evalkit's own); with `run_dir`, its manifest
    and dataset card go there too."""
    from evalkit.synth import synthesize_items

    result = synthesize_items(chosen, data_dir, backends=backends, conditions=conditions,
                              progress=progress)
    for backend, why in result.skipped.items():
        print(f"TTS backend {backend} skipped: {why}", file=sys.stderr)
    if run_dir is not None:
        write_manifest(run_dir / "manifest.jsonl", result.rows)
        voices: dict[str, set[str]] = defaultdict(set)
        for r in result.rows:
            voices[r.item_id].add(r.voice)
        counts = {s: sum(1 for it in chosen if it.split == s) for s in items.SPLITS}
        card = dataset_card(result.rows, result.skipped, seed=seed, n_items=counts,
                            leakage=check_leakage(chosen, voices), source=source)
        (run_dir / "DATASET_CARD.md").write_text(card, "utf-8")
    return list(result.rows)


def cmd_synth(args: argparse.Namespace) -> int:
    all_items = items.generate_items(args.seed)
    problems = check_leakage(all_items)
    chosen = [it for it in all_items if it.split in args.split]
    if args.limit:
        chosen = chosen[: args.limit]
    from evalkit.synth import synthesize_items

    conditions = augment.FULL if args.full else augment.QUICK
    result = synthesize_items(chosen, args.data, backends=args.backends.split(","),
                              conditions=conditions, progress=not args.quiet)
    voices = defaultdict(set)
    for r in result.rows:
        voices[r.item_id].add(r.voice)
    problems += check_leakage(all_items, voices)
    write_manifest(args.data / "manifest.jsonl", result.rows)
    with (args.data / "items.jsonl").open("w", encoding="utf-8") as f:
        for it in all_items:
            f.write(json.dumps(it.to_dict(), ensure_ascii=False) + "\n")
    counts = {s: sum(1 for it in all_items if it.split == s) for s in items.SPLITS}
    card = dataset_card(result.rows, result.skipped, seed=args.seed, n_items=counts,
                        leakage=problems)
    (args.data / "DATASET_CARD.md").write_text(card, "utf-8")
    print(f"{len(result.rows)} clips -> {args.data / 'manifest.jsonl'}; card: "
          f"{args.data / 'DATASET_CARD.md'}; leakage problems: {len(problems)}")
    return 1 if problems else 0


def slow_units(args: argparse.Namespace) -> int:
    """How many items model-backed variants run on (0: all): `--slow-units`, else all with
    `--full` and `QUICK_SLOW_UNITS` in the quick suite."""
    if args.slow_units is not None:
        return int(args.slow_units)
    return 0 if args.full else QUICK_SLOW_UNITS


def _units(args: argparse.Namespace, names: Sequence[str], run_dir: Path) -> list[Unit]:
    wants_audio = any(variants.VARIANTS[n].modality == "audio" for n in names)
    if args.byo:
        from evalkit.byo import load_byo

        units = load_byo(args.byo)
        # Items recorded by the set's author are heard as recorded; the rest are spoken by the
        # test split's voices, as evalkit's own items are.
        heard = {u.item.id for u in units if u.clip is not None}
        chosen = [u.item for u in units if u.clip is None and u.item.id not in heard]
    else:
        pool = items.split_items(items.generate_items(args.seed), args.split)
        chosen = pool if args.full else stratified(pool, args.per_tool, args.per_negative,
                                                   args.terms)
        units = [Unit(it) for it in chosen]
    if wants_audio and not args.no_audio and chosen:
        conditions = augment.FULL if args.full else augment.QUICK
        rows = synth_for(chosen, args.data, conditions, args.backends.split(","),
                         not args.quiet, run_dir, args.seed, args.byo)
        by_id = {it.id: it for it in chosen}
        units += [Unit(by_id[r.item_id], r) for r in rows]
    return units


def cmd_run(args: argparse.Namespace, *, report: bool = False) -> int:
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    for n in names:
        if n not in variants.VARIANTS:
            print(f"unknown variant {n!r}; see `python -m evalkit ls`", file=sys.stderr)
            return 2
    args.name = args.name or time.strftime("%Y%m%d-%H%M%S")
    run_dir = args.out / args.name
    run_dir.mkdir(parents=True, exist_ok=True)
    units = _units(args, names, run_dir)
    meta = run_metadata(args, names)
    previous = run_dir / "run.json"
    if previous.is_file():  # more variants into an existing run: keep the earlier ones listed
        earlier = json.loads(previous.read_text("utf-8")).get("variants", [])
        meta["variants"] = [*[n for n in earlier if n not in names], *names]
    previous.write_text(json.dumps(meta, indent=2), "utf-8")
    statuses: list[RunStatus] = []
    for n in names:
        v = variants.resolve(n, lfm2_model_dir=args.lfm2_model_dir, tiny_lfm2=args.tiny_lfm2,
                             slow_units=slow_units(args),
                             lfm2_brain=args.lfm2_brain,
                             gemma3n_model_dir=args.gemma3n_model_dir)
        if args.adapter and v.engine in ("lfm2", "cascade"):
            v = replace(v, options=replace(v.options, adapter=args.adapter))
        if args.name_threshold is not None:
            v = replace(v, options=replace(v.options, name_threshold=args.name_threshold))
        st = run_variant(v, units, run_dir, data_dir=args.data, progress=not args.quiet,
                         batch_size=args.batch_size, latency_units=args.latency_units,
                         resume=args.resume)
        statuses.append(st)
        line = f"{n}: {st.status}" + (f" ({st.reason})" if st.reason else "")
        print(line + (f", {st.units} items, {st.items_per_min} items/min" if st.units else ""))
    if any(s.status == "run" and variants.VARIANTS[s.variant].speak for s in statuses):
        try:
            from evalkit.backends import transcriber

            asr = transcriber("base")
            for s in statuses:
                if s.status == "run" and variants.VARIANTS[s.variant].speak:
                    score_answers(run_dir, s.variant, asr.transcribe)
        except Exception as exc:  # intelligibility is then missing, and the report shows "–"
            print(f"answer intelligibility not measured: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
    if report:
        return cmd_report(argparse.Namespace(run_dir=run_dir, n_boot=args.n_boot))
    print(f"results in {run_dir}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from evalkit.report import write_report

    md, html = write_report(Path(args.run_dir), n_boot=args.n_boot)
    print(f"report: {md}\n        {html}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    names = [m.strip() for m in args.metrics.split(",") if m.strip()]
    try:
        result = compare.compare(compare.load(args.base), compare.load(args.new), names=names,
                                 n_boot=args.n_boot, seed=args.seed)
    except (OSError, ValueError) as exc:
        print(f"evalkit compare: {exc}", file=sys.stderr)
        return 2
    md = compare.markdown(result)
    if args.md:
        args.md.write_text(md + "\n", "utf-8")
        print(f"comparison: {args.md}")
    else:
        print(md)
    return 0


def cmd_ls(args: argparse.Namespace) -> int:
    print("variants:")
    for name in variants.VARIANTS:
        v = variants.resolve(name, lfm2_model_dir=args.lfm2_model_dir, tiny_lfm2=args.tiny_lfm2,
                             gemma3n_model_dir=args.gemma3n_model_dir)
        why = v.unavailable()
        print(f"  {name:16s} {v.modality:5s} {'ok' if why is None else 'not runnable: ' + why}"
              f"\n  {'':16s} {v.description}")
    print("metrics:")
    for name, m in metrics.METRICS.items():
        print(f"  {name:24s} {'higher' if m.higher_is_better else 'lower'} is better: "
              f"{m.description}")
    return 0


def _run_options(p: argparse.ArgumentParser, default_variants: str) -> None:
    p.add_argument("--variants", default=default_variants)
    p.add_argument("--full", action="store_true", help="every item of the split, all conditions")
    p.add_argument("--split", default="test", choices=("test", "dev"),
                   help="test: the report's numbers; dev: for choosing (models, adapters)")
    p.add_argument("--byo", type=Path, help="a bring-your-own JSONL test set (see README)")
    p.add_argument("--per-tool", type=int, default=3)
    p.add_argument("--per-negative", type=int, default=6)
    p.add_argument("--terms", type=int, default=8, help="extra drug-name items in the quick set")
    p.add_argument("--backends", default="piper,espeak", help="TTS backends for request audio")
    p.add_argument("--no-audio", action="store_true", help="skip audio variants' synthesis")
    p.add_argument("--lfm2-model-dir", type=Path, help="a real LFM2-Audio checkpoint")
    p.add_argument("--gemma3n-model-dir", type=Path,
                   help="a Gemma 3n checkpoint (google/gemma-3n-E2B-it) for gemma3n-e2e")
    p.add_argument("--lfm2-brain", help="lfm2-sequential's text brain: a directory (e.g. "
                   "LFM2.5-1.2B-Instruct), a hub id or a brain name (default: the offline "
                   "default brain; the tiny random LFM2 text model with --tiny-lfm2)")
    p.add_argument("--slow-units", type=int, default=None,
                   help="model-backed variants (cascade, lfm2) run on an evenly spread subset "
                        f"of this many items (0: all; default {QUICK_SLOW_UNITS} in the quick "
                        "suite, all with --full)")
    p.add_argument("--tiny-lfm2", action="store_true",
                   help="run LFM2 variants on a tiny random checkpoint (code path only)")
    p.add_argument("--adapter", type=Path, help="a LoRA adapter for lfm2 / cascade")
    p.add_argument("--name-threshold", type=float, metavar="P",
                   help="chat brains: run a call only when P(its tool name) >= P (default 0.3; "
                        "0: every call, the name-decision events still say what any cut would do)")
    p.add_argument("--batch-size", type=int, default=8,
                   help="model calls of this many turns run as one batch, for engines that "
                        "can batch (1: every turn alone)")
    p.add_argument("--latency-units", type=int, default=8,
                   help="with batching, this many turns per variant run alone first: the "
                        "report's latencies come from them")
    p.add_argument("--name", help="run directory name (default: a timestamp)")
    p.add_argument("--resume", action="store_true",
                   help="with --name of an earlier run: keep its records and run only the "
                        "items it had not finished (a killed run goes on where it stopped)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m evalkit", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", type=Path, default=default_data_dir(), help="audio cache")
    p.add_argument("--out", type=Path, default=Path("evalkit-runs"))
    p.add_argument("--n-boot", type=int, default=1000)
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    _run_options(p, ",".join(variants.QUICK_VARIANTS))
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("synth", help="items, audio, manifest and dataset card")
    s.add_argument("--split", nargs="+", default=["test"], choices=items.SPLITS)
    s.add_argument("--limit", type=int, default=0)
    s.add_argument("--full", action="store_true", help="the full set of conditions")
    s.add_argument("--backends", default="piper,espeak")
    r = sub.add_parser("run", help="run variants and write result files")
    _run_options(r, "scripted-text")
    rp = sub.add_parser("report", help="Markdown + HTML report from a run directory")
    rp.add_argument("run_dir", type=Path)
    cp = sub.add_parser("compare", help="two variants on the same items, paired: metric "
                        "differences with intervals, McNemar's test, the items that flipped")
    cp.add_argument("base", help="RUN_DIR, RUN_DIR:VARIANT or a records file (.jsonl[.gz])")
    cp.add_argument("new", help="the same, for the pipeline compared with BASE")
    cp.add_argument("--metrics", default=",".join(compare.METRICS),
                    help="comma-separated metric names (`python -m evalkit ls`)")
    cp.add_argument("--md", type=Path, help="write the Markdown here instead of printing it")
    sub.add_parser("ls", help="list variants and metrics")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.command == "synth":
        return cmd_synth(args)
    if args.command == "run":
        return cmd_run(args)
    if args.command == "report":
        return cmd_report(args)
    if args.command == "compare":
        return cmd_compare(args)
    if args.command == "ls":
        return cmd_ls(args)
    return cmd_run(args, report=True)
