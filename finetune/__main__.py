"""python -m finetune {prepare,train,evaluate,run,merge,table,export,terms,matformer}: finetune/README.md."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import Counter
from pathlib import Path

from finetune.config import ConfigError, load_config


def _config_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", nargs="?", type=Path, help="a TOML run config (finetune/configs/)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config key, e.g. --set train.lr=1e-4 (repeatable)")


def _resume_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--resume", action="store_true",
                   help="continue a stopped run from run.out_dir/checkpoint.pt (written every "
                        "train.save_every steps; chat path)")


def cmd_prepare(args: argparse.Namespace) -> int:
    """Build the training examples and print what they are (nothing is trained)."""
    cfg = load_config(args.config, args.overrides)
    from assistant.prompt import system_prompt
    from finetune.data import build_examples
    from finetune.tools import tools_for
    from finetune.train import train_items

    examples = build_examples(train_items(cfg), cfg.data, seed=cfg.run.seed)
    kinds = Counter(e.kind for e in examples)
    print(f"{len(examples)} examples: {dict(kinds)}")
    system = system_prompt(tools_for(cfg.data.tool_list), cfg.data.tool_list)
    print(f"system prompt ({cfg.data.tool_list}):\n{system}")
    if args.out:
        with args.out.open("w", encoding="utf-8") as f:
            for e in examples:
                f.write(json.dumps({"id": e.id, "kind": e.kind, "target": e.target,
                                    "history": [[m.role, m.text] for m in e.history]}) + "\n")
        print(f"wrote {args.out}")
    return 0


def _evaluate(cfg_path: Path | None, overrides: list[str], adapter: Path | None, split: str,
              limit: int, out: Path | None, tag: str, few_shot: bool = False) -> dict[str, float | None]:
    cfg = load_config(cfg_path, overrides)
    from evalkit.items import generate_items, split_items
    from finetune.data import stratified_sample
    from finetune.evaluate import evaluate_text, load_for_eval, write_results
    from finetune.tools import tools_for

    if cfg.model.threads:
        import torch

        torch.set_num_threads(cfg.model.threads)
    items = stratified_sample(split_items(generate_items(cfg.data.items_seed), split), limit,
                              seed=cfg.run.seed)
    if few_shot:
        # The base model as the cascade runs it without an adapter: the shared system text with
        # the full tool list, worked examples, one request at a time.
        from assistant.engines.gemma import GemmaEngine, GemmaOptions
        from finetune.evaluate import evaluate_engine
        from finetune.tools import catalogue

        engine = GemmaEngine(GemmaOptions(use_default_adapter=False, style="few-shot",
                                          max_new_tokens=cfg.eval.max_new_tokens))
        metrics, rows = evaluate_engine(engine, items, catalogue())
    else:
        model, tok = load_for_eval(cfg.model.base, adapter, cfg.model.device)
        metrics, rows = evaluate_text(model, tok, items, tools_for(cfg.data.tool_list),
                                      cfg.data.tool_list, max_new_tokens=cfg.eval.max_new_tokens,
                                      batch_size=cfg.eval.batch_size)
    target = out or (adapter if adapter is not None else cfg.out_dir)
    path = write_results(target, split, metrics, rows, tag)
    print(json.dumps(metrics.to_dict()))
    print(f"wrote {path}")
    return metrics.to_dict()


def cmd_train(args: argparse.Namespace) -> int:
    cfg = load_config(args.config, args.overrides)
    if args.resume and cfg.run.path != "chat":
        raise ConfigError("--resume: only the chat path (run.path = 'chat') writes checkpoints")
    if cfg.run.path == "lfm2":
        from finetune.lfm2 import train_lfm2_from_config

        out = train_lfm2_from_config(cfg)
    elif cfg.run.path == "chat":
        from finetune.chat import train_chat

        out, chat_stats = train_chat(cfg, resume=args.resume)
        print(json.dumps(dataclasses.asdict(chat_stats)))
    else:
        from finetune.train import train_text

        out, stats = train_text(cfg)
        print(json.dumps(stats.__dict__))
    print(f"adapter written to {out}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    if args.few_shot and args.adapter is not None:
        raise ConfigError("--few-shot measures the base model: leave out --adapter")
    _evaluate(args.config, args.overrides, args.adapter, args.split, args.limit, args.out, args.tag,
              args.few_shot)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """train, then evaluate the adapter on the config's eval split."""
    cmd_train(args)
    cfg = load_config(args.config, args.overrides)
    _evaluate(args.config, args.overrides, cfg.out_dir, cfg.eval.split, cfg.eval.limit, None, "")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from finetune.evaluate import merge

    print(f"merged model written to {merge(args.adapter, args.out)}")
    return 0


def cmd_table(args: argparse.Namespace) -> int:
    from finetune.report import sweep_table

    print(sweep_table(args.runs, args.split))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from finetune.export import export_adapter, export_chat_adapter, write_card, write_sums

    if (args.run / "adapter.gguf").is_file():  # a chat-brain run: llama.cpp serves it
        out = export_chat_adapter(args.run, args.out, args.dtype)
        if args.card:
            (out / "README.md").write_text(args.card.read_text("utf-8"), "utf-8")
        print(f"exported {args.run} -> {out}; sums in {write_sums(out)}")
        return 0
    out = export_adapter(args.run, args.out, args.dtype)
    if args.card:  # before the sums, so the card is pinned too
        print(f"card: {write_card(args.run, out, args.card.read_text('utf-8'), args.overrides)}")
    print(f"exported {args.run} -> {out}; sums in {write_sums(out)}")
    return 0


def cmd_terms(args: argparse.Namespace) -> int:
    from finetune.report import terms_breakdown

    for path in args.rows:
        print(f"{path}: {json.dumps(terms_breakdown(path))}")
    return 0


def cmd_heard(args: argparse.Namespace) -> int:
    """Whisper transcripts of train audio, for the chat brain's training data."""
    from evalkit.cli import default_data_dir
    from evalkit.items import generate_items, split_items
    from finetune import heard

    args.data = args.data or default_data_dir()
    train = split_items(generate_items(args.items_seed), "train")
    picked = heard.pick(train, args.items, args.seed)
    kept, dropped = heard.transcribe(picked, args.data, asr=args.asr, max_wer=args.max_wer,
                                     threads=args.threads)
    heard.write(kept, args.out)
    mean = sum(h.wer for h in kept) / max(1, len(kept))
    print(f"{len(picked)} items spoken, {len(kept)} transcripts kept (mean WER {mean:.2f}), "
          f"dropped {dropped} -> {args.out}")
    return 0


def cmd_overlap(args: argparse.Namespace) -> int:
    """A judging set's texts that equal, or nearly equal, a text we train on or generate."""
    from finetune import overlap

    others = [p for p in sorted(overlap.SETS.glob("*.jsonl")) if p.resolve() != args.set.resolve()]
    against = overlap.reference(args.items_seed, sets=others, judged=args.set)
    texts = overlap.set_texts(args.set)
    found = overlap.overlaps(texts, against, cutoff=args.cutoff)
    for o in found:
        print(f"{o.ratio:5.1f}  {o.text!r} ~ {o.match!r} ({o.source})")
    print(f"{len(found)} of {len(texts)} texts of {args.set} within a ratio of {args.cutoff:g} of "
          f"{len(against):,} texts (evalkit, training data, {len(others)} other sets)")
    return 1 if found else 0


def cmd_matformer(args: argparse.Namespace) -> int:
    """Gemma 3n MatFormer submodel extraction (docs/matformer.md)."""
    from finetune import matformer

    if args.list_plans or args.parent is None:
        config = (json.loads((args.parent / "config.json").read_text("utf-8")) if args.parent
                  else matformer.e4b_config())
        print("parameters of the text model as transformers builds it "
              f"({args.parent or 'E4B-style Gemma3nTextConfig defaults'}):")
        for name in matformer.BUILTIN_PLANS:
            summary = matformer.describe(config, name)
            print(f"  {summary.line()}\n      {summary.plan.note}")
        return 0
    if args.dry_run:
        config = json.loads((args.parent / "config.json").read_text("utf-8"))
        print(matformer.describe(config, args.plan).line())
        return 0
    if args.out is None:
        raise ConfigError("matformer: give an output directory (or --dry-run)")
    done = matformer.extract(args.parent, args.out, args.plan, overwrite=args.overwrite)
    print(done.summary.line())
    print(f"wrote {done.out} ({done.shards} shard(s), {done.tensors_out:,} of {done.tensors_in:,} "
          "stored parameters kept)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m finetune", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="build and describe the training examples")
    _config_args(p)
    p.add_argument("--out", type=Path, help="write the examples as JSONL")
    p.set_defaults(fn=cmd_prepare)
    p = sub.add_parser("train", help="train a LoRA adapter (writes it to run.out_dir)")
    _config_args(p)
    _resume_arg(p)
    p.set_defaults(fn=cmd_train)
    p = sub.add_parser("evaluate", help="score the base model or an adapter on a split")
    _config_args(p)
    p.add_argument("--adapter", type=Path, help="adapter directory (default: the base alone)")
    p.add_argument("--split", default="dev", choices=("train", "dev", "test"))
    p.add_argument("--limit", type=int, default=0, help="stratified sample size (0: all)")
    p.add_argument("--out", type=Path, help="where to write eval-<split>.json")
    p.add_argument("--tag", default="", help="suffix for the result file name")
    p.add_argument("--few-shot", action="store_true",
                   help="the base model through the cascade engine's few-shot prompt")
    p.set_defaults(fn=cmd_evaluate)
    p = sub.add_parser("run", help="train, then evaluate on eval.split")
    _config_args(p)
    _resume_arg(p)
    p.set_defaults(fn=cmd_run)
    p = sub.add_parser("merge", help="merge an adapter into its base weights")
    p.add_argument("adapter", type=Path)
    p.add_argument("out", type=Path)
    p.set_defaults(fn=cmd_merge)
    p = sub.add_parser("table", help="a Markdown table of finished runs")
    p.add_argument("runs", nargs="+", type=Path)
    p.add_argument("--split", default="dev")
    p.set_defaults(fn=cmd_table)
    p = sub.add_parser("export", help="package a run's adapter (half precision + SHA256SUMS)")
    p.add_argument("run", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--dtype", default="float16", choices=("float16", "bfloat16", "float32"))
    p.add_argument("--card", type=Path, help="a Markdown file with the metrics: writes README.md")
    p.add_argument("--overrides", default="", help="the --set options of the run, for the card")
    p.set_defaults(fn=cmd_export)
    p = sub.add_parser("terms", help="where the terminology subset goes wrong")
    p.add_argument("rows", nargs="+", type=Path, help="eval-<split>-rows.jsonl files")
    p.set_defaults(fn=cmd_terms)
    p = sub.add_parser("heard", help="Whisper transcripts of train-split audio (chat data)")
    p.add_argument("out", type=Path, help="JSONL to write (finetune/data/heard-train.jsonl)")
    p.add_argument("--items", type=int, default=400, help="train items to speak")
    p.add_argument("--items-seed", type=int, default=0, help="evalkit.items.generate_items seed")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", type=Path, default=None,
                   help="clip cache (default: evalkit's, $EVALKIT_CACHE/data)")
    p.add_argument("--asr", default="whisper-base")
    p.add_argument("--max-wer", type=float, default=0.5)
    p.add_argument("--threads", type=int, default=None)
    p.set_defaults(fn=cmd_heard)
    p = sub.add_parser("overlap", help="a judging set's texts near ones we train on or generate")
    p.add_argument("set", type=Path, help="a BYO set (JSONL with a text per line)")
    p.add_argument("--cutoff", type=float, default=90.0, help="rapidfuzz ratio that counts (0-100)")
    p.add_argument("--items-seed", type=int, default=0, help="evalkit.items.generate_items seed")
    p.set_defaults(fn=cmd_overlap)
    p = sub.add_parser("matformer", help="extract a smaller Gemma 3n submodel (MatFormer slicing)")
    p.add_argument("parent", nargs="?", type=Path, help="a Gemma 3n (E4B) checkpoint directory")
    p.add_argument("out", nargs="?", type=Path, help="where to write the submodel")
    p.add_argument("--plan", default="e2b", help="built-in plan (e2b, mix-n-match, e4b) or a .json/.csv file")
    p.add_argument("--list-plans", action="store_true", help="the built-in plans and their parameter counts")
    p.add_argument("--dry-run", action="store_true", help="validate the plan and count; write nothing")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    p.set_defaults(fn=cmd_matformer)
    args = parser.parse_args(argv)
    try:
        return int(args.fn(args))
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
