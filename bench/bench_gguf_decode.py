"""Decode speed of the 0.5B GGUF requantized to other llama.cpp types, side by side.

Each variant is made from the pinned file by llama.cpp's quantizer (`requant.quantize`, with the
output matrix's type given apart), loaded at once with the others, and evaluated once behind a
prompt as long as the brain's head; then short windows of single-token decoding alternate
between the variants at that same context length, so drift on a shared 2-core machine falls on
all of them alike. Prints the median tok/s per variant and its ratio to the file as shipped.
No grammar: the bare decode step (`bench_brain.py` measures the served brain). With `--lora`,
the file as shipped with the shipped adapter beside it, and with it merged in (merge.py).

    python bench/bench_gguf_decode.py                       # as shipped, IQ4_NL, IQ4_NL + Q8_0 out
    python bench/bench_gguf_decode.py --types Q8_0/Q8_0,Q5_0/IQ4_NL --context 2900 --rounds 8
    python bench/bench_gguf_decode.py --types "" --lora     # the adapter beside or merged in
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--types", default="IQ4_NL/IQ4_NL,IQ4_NL/Q8_0",
                    help="BODY/OUTPUT llama.cpp types, comma-separated (the file as shipped "
                         "is always measured too)")
    ap.add_argument("--context", type=int, default=2900, help="tokens before the decoded ones")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--window", type=int, default=24, help="tokens decoded per turn")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lora", action="store_true",
                    help="also the shipped adapter: beside the file, and merged in at Q8_0")
    args = ap.parse_args()

    from llama_cpp import Llama
    from llama_cpp._utils import suppress_stdout_stderr

    from assistant.engines.chat import requant
    from assistant.engines.chat.brains import BRAINS, ROOT, gguf_path
    from assistant.engines.chat.merge import merge_lora

    shipped = gguf_path(BRAINS["qwen-0.5b"])
    adapter = ROOT / BRAINS["qwen-0.5b-tools"].adapter / "adapter.gguf"
    with tempfile.TemporaryDirectory() as tmp:
        files: dict[str, Path] = {"as shipped (Q5_0 / Q8_0 out)": shipped}
        loras = {"as shipped + LoRA beside": adapter} if args.lora else {}
        files |= {name: shipped for name in loras}
        if args.lora:
            merged = Path(tmp) / "merged.gguf"
            t0 = time.perf_counter()
            merge_lora(shipped, adapter, merged)
            print(f"LoRA merged in: made in {time.perf_counter() - t0:.0f} s, "
                  f"{merged.stat().st_size / 1e6:.0f} MB", flush=True)
            files["LoRA merged in (Q8_0)"] = merged
        for spec in filter(None, args.types.split(",")):
            body, _, out = spec.strip().partition("/")
            out = out or body
            path = Path(tmp) / f"{body}-{out}.gguf"
            t0 = time.perf_counter()
            requant.quantize(shipped, path, body, output=out)
            print(f"{body} / {out} out: made in {time.perf_counter() - t0:.0f} s, "
                  f"{path.stat().st_size / 1e6:.0f} MB", flush=True)
            files[f"{body} / {out} out"] = path
        models: list[tuple[str, Llama, list[float]]] = []
        for name, path in files.items():
            lora = loras.get(name)
            with suppress_stdout_stderr(disable=lora is None):  # a warning per LoRA tensor
                llm = Llama(model_path=str(path), n_ctx=args.context + args.window + 64,
                            n_batch=512, n_threads=args.threads, n_threads_batch=args.threads,
                            lora_path=str(lora) if lora else None, verbose=False)
            ids = llm.tokenize(b"hello world " * args.context, add_bos=False)[:args.context]
            t0 = time.perf_counter()
            llm.eval(ids)
            print(f"{name}: {path.stat().st_size / 1e6:.0f} MB, prefill "
                  f"{len(ids) / (time.perf_counter() - t0):.0f} tok/s", flush=True)
            models.append((name, llm, []))
        for _ in range(args.rounds):
            for _name, llm, rates in models:
                llm.n_tokens = args.context  # the same context length every window
                t0 = time.perf_counter()
                for _ in range(args.window):
                    llm.eval([11])
                rates.append(args.window / (time.perf_counter() - t0))
    base = statistics.median(models[0][2])
    print(f"\ndecode at {args.context} tokens of context, {args.threads} threads, median of "
          f"{args.rounds} windows of {args.window} tokens:")
    for name, _llm, rates in models:
        med = statistics.median(rates)
        print(f"  {name:32s} {med:5.1f} tok/s (min {min(rates):.1f}, max {max(rates):.1f}), "
              f"{med / base:.2f}x")


if __name__ == "__main__":
    main()
