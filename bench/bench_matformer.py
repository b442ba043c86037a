"""Speed and memory of Gemma 3n MatFormer plans on a CPU: one full-size decoder layer per FFN width.

One `Gemma3nTextDecoderLayer` with E4B's dimensions (hidden 2048, 8 query / 2 KV heads of 256,
AltUp 4 streams, LAuReL rank 64, per-layer input 256; transformers' Gemma3nTextConfig defaults,
which match google/gemma-3n-E4B's text_config) is built with random weights at every FFN width
the built-in plans use (16384 = E4B, 8192 = E2B), dense and with E4B's activation sparsity 0.95
(its layers 0-9). Speed does not depend on weight values, so random weights are an honest
benchmark. All variants are timed in the same run, interleaved round by round, fp32:
- prefill: one forward of TOKENS positions (causal, fresh KV cache);
- decode: one-token steps against a cache holding TOKENS positions.
Each figure is the best of all rounds: other jobs share the 2 cores, and the fastest run is the
one least disturbed by them (timeit's rule).
The per-plan rows add up the measured layer times over the plan's kept layers (each at its width
and sparsity); embeddings, AltUp's input/output projections and the 262k-vocab LM head are the
same for every plan and are left out, so whole-model ratios are closer to 1 than these.

    flock /tmp/cpu-timing.lock .venv/bin/python bench/bench_matformer.py [--threads 2] [--tokens 256]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

E4B_SPARSE_LAYERS = 10  # E4B's activation_sparsity_pattern: 0.95 for layers 0-9, 0 after
SPARSITY = 0.95


@dataclass(frozen=True)
class LayerTiming:
    width: int
    sparse: bool
    params: int
    prefill_s: float
    decode_ms: float


def build_layer(width: int, sparse: bool) -> tuple[Any, Any]:
    import torch
    from transformers import Gemma3nTextConfig
    from transformers.models.gemma3n.modeling_gemma3n import Gemma3nRotaryEmbedding, Gemma3nTextDecoderLayer

    # One sliding-attention layer: E4B's window is 512, longer than the prompt, so it costs what a
    # global layer costs here. num_kv_shared_layers=0: the layer computes its own K/V (the 15
    # KV-consumer layers of E4B skip k/v_proj, ~2 M of ~110 M parameters a layer).
    cfg = Gemma3nTextConfig(num_hidden_layers=1, intermediate_size=[width], num_kv_shared_layers=0,
                            layer_types=["sliding_attention"],
                            activation_sparsity_pattern=[SPARSITY if sparse else 0.0])
    cfg._attn_implementation = "sdpa"
    torch.manual_seed(0)
    layer = Gemma3nTextDecoderLayer(cfg, 0).eval()
    with torch.no_grad():
        for p in layer.parameters():  # nn.Linear's init; the norms and AltUp scale made non-trivial
            p.normal_(0.0, 0.02)
    return layer, (cfg, Gemma3nRotaryEmbedding(cfg))


def run_layer(layer: Any, extra: Any, tokens: int, decode_steps: int) -> tuple[float, list[float]]:
    import torch
    from transformers import DynamicCache
    from transformers.cache_utils import KVSharingDict

    cfg, rope = extra
    h = cfg.hidden_size
    with torch.no_grad():
        cache = DynamicCache(config=cfg)
        x = torch.randn(cfg.altup_num_inputs, 1, tokens, h)
        pos = torch.arange(tokens).unsqueeze(0)
        pe = rope(x, pos, "sliding_attention")
        ple = torch.randn(1, tokens, cfg.hidden_size_per_layer_input)
        t0 = time.perf_counter()
        layer(x, pe, ple, shared_kv_states=KVSharingDict(), attention_mask=None, position_ids=pos,
              cache=cache)
        prefill = time.perf_counter() - t0
        steps = []
        for j in range(decode_steps):
            x1 = torch.randn(cfg.altup_num_inputs, 1, 1, h)
            p1 = torch.tensor([[tokens + j]])
            pe1 = rope(x1, p1, "sliding_attention")
            t0 = time.perf_counter()
            layer(x1, pe1, torch.randn(1, 1, cfg.hidden_size_per_layer_input),
                  shared_kv_states=KVSharingDict(), attention_mask=None, position_ids=p1, cache=cache)
            steps.append(time.perf_counter() - t0)
    return prefill, steps


def plan_rows(timings: dict[tuple[int, bool], LayerTiming]) -> list[str]:
    from finetune import matformer

    e4b_cfg = matformer.e4b_config()
    rows = []
    base: tuple[float, float, int] | None = None
    for name in ("e4b", *[n for n in matformer.BUILTIN_PLANS if n != "e4b"]):
        s = matformer.describe(e4b_cfg, name)
        kept = [timings[(s.plan.widths[i], i < E4B_SPARSE_LAYERS)] for i in s.plan.kept]
        pre, dec = sum(t.prefill_s for t in kept), sum(t.decode_ms for t in kept)
        core = s.child_params - s.child_ple_params
        if base is None:
            base = (pre, dec, core)
        rows.append(f"  {name:<12} {len(kept):>3} layers  prefill {pre:6.2f} s ({pre / base[0]:4.2f}x)  "
                    f"decode {dec:6.1f} ms/token ({dec / base[1]:4.2f}x)  "
                    f"text params w/o PLE {core / 1e9:.2f} B = {core * 2 / 2**30:5.2f} GiB bf16 "
                    f"({core / base[2]:4.2f}x)  PLE {s.child_ple_params / 1e9:.2f} B")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Gemma 3n MatFormer widths: CPU speed and memory")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=256, help="prefill length / decode cache length")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timing rounds (best of)")
    parser.add_argument("--decode-steps", type=int, default=8, help="decode steps per round")
    args = parser.parse_args(argv)

    import torch

    from finetune import matformer

    torch.set_num_threads(args.threads)
    loads = [os.getloadavg()[0]]
    print(f"# python bench/bench_matformer.py --threads {args.threads} --tokens {args.tokens} "
          f"--rounds {args.rounds}")
    print(f"torch {torch.__version__}, threads {args.threads}, cpus {os.cpu_count()}, "
          f"load {loads[0]:.2f}; fp32, one E4B-size decoder layer, random weights")
    widths = sorted({w for n in matformer.BUILTIN_PLANS for w in matformer.load_plan(n, 35).kept_widths},
                    reverse=True)
    variants = [(w, sparse) for w in widths for sparse in (False, True)]
    layers = {v: build_layer(*v) for v in variants}
    for layer, extra in layers.values():  # warm-up: allocator, kernels
        run_layer(layer, extra, args.tokens, 2)
    prefill: dict[tuple[int, bool], list[float]] = {v: [] for v in variants}
    decode: dict[tuple[int, bool], list[float]] = {v: [] for v in variants}
    for _ in range(args.rounds):
        for v in variants:
            p, d = run_layer(*layers[v], args.tokens, args.decode_steps)
            prefill[v].append(p)
            decode[v].extend(d)
        loads.append(os.getloadavg()[0])

    timings = {v: LayerTiming(v[0], v[1], sum(p.numel() for p in layers[v][0].parameters()),
                              min(prefill[v]), 1e3 * min(decode[v]))
               for v in variants}
    parent = {sparse: timings[(widths[0], sparse)] for sparse in (False, True)}
    print(f"\none decoder layer, best of {args.rounds} rounds (prefill {args.tokens} tokens; "
          f"decode 1 token against {args.tokens} cached):")
    for v in variants:
        t, ref = timings[v], parent[v[1]]
        print(f"  FFN {t.width:>5} {'sparse 0.95' if t.sparse else 'dense      '}  "
              f"params {t.params / 1e6:6.1f} M = {t.params * 4 / 2**20:5.0f} MiB fp32 "
              f"({t.params / ref.params:4.2f}x)  prefill {t.prefill_s * 1e3:6.0f} ms "
              f"({t.prefill_s / ref.prefill_s:4.2f}x)"
              f"  decode {t.decode_ms:6.2f} ms ({t.decode_ms / ref.decode_ms:4.2f}x)")
    print("\nplans (sum of the measured layer times over each plan's kept layers; x = vs e4b):")
    for row in plan_rows(timings):
        print(row)
    print(f"\nload average during run: {min(loads):.2f}-{max(loads):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
