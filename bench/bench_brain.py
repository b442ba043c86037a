"""Speed of the chat brain's runtimes on a CPU: torch fp32, CTranslate2 int8 and llama.cpp (Q4_K_M),
side by side on the same prompts, for Qwen2.5-Coder-0.5B and -1.5B (issue #12).

Every (model, runtime) cell runs in its own process, one after another, so its memory figures are
its own and cells do not disturb each other. The weights are the pinned GGUF files of
`assistant.engines.chat.brains`: llama.cpp runs them as they are; torch loads them through
transformers' `gguf_file=` (dequantised to fp32, the baseline); CTranslate2 runs an int8
conversion of that fp32 model, made once and cached under `<cache>/bench/ct2-<model>-int8`.

The prompt is the chat engine's own: the model's chat template with the system text and the real
tool catalogue (17 tools, ~2,800 tokens), one typed user request. Per cell:
- load: seconds from nothing to a ready runtime (importing its library included; for torch this
  is transformers' GGUF dequantisation), RSS after load and peak RSS of the cell's process;
- cold prefill: the first full prompt, tokens/s (the one-time cost of a session);
- cached turn: a second, different request once the system text + tool list (the head: all before
  the last `<|im_start|>user`) is cached: seconds to the next-token logits;
- decode: 64 greedy tokens after a cached prompt, end tokens barred, tokens/s;
- request -> done: the whole turn of `ChatEngine.respond` (render, tokenise, P(call) decision,
  a grammar-constrained call or a streamed answer, parsed outcome) for 6 typed requests after a
  warm-up turn; median and max over all 6, and the median over the turns that called.
CTranslate2 runs behind the same `Runtime` protocol (`Ct2Runtime` below), so the same engine
drives all three. Its closest honest equivalent of a prefix cache is a cached `static_prompt`
(the head), re-reading the user turn on every call; like torch it has no grammar engine, so
its calls are decoded freely and checked by the same parser.

    python bench/bench_brain.py [--quick] [--cells qwen-0.5b:llama,qwen-1.5b] [--threads 2]
                                [--out FILE] [--note TEXT]
    python bench/bench_brain.py --smoke      # every runtime on a tiny random GGUF, minutes
    python bench/bench_brain.py --cells qwen-0.5b:llama-lora,qwen-0.5b:llama-lora-nodraft,\
                                        qwen-0.5b:llama-lora-alldrafts
                                             # llama.cpp's drafts as served, none, always
    python bench/bench_brain.py --cells qwen-0.5b:llama-lora,qwen-0.5b:llama-lora-iq4
                                             # the tuned brain on its file and on IQ4_NL
    python bench/bench_brain.py --cells qwen-0.5b:llama-lora,qwen-0.5b:llama-merged
                                             # its LoRA beside the weights or merged in
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import itertools
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if TYPE_CHECKING:
    import numpy as np

    from assistant.engines.chat.runtime import Decoding, Runtime

MODELS = ("qwen-0.5b", "qwen-1.5b")
RUNTIMES = ("torch", "ct2", "llama")  # torch first: the baseline the others are compared with
RUNTIME_TITLES = {"torch": "torch fp32", "ct2": "CTranslate2 int8", "llama": "llama.cpp Q4_K_M",
                  "llama-lora": "llama.cpp Q4_K_M + tail LoRA",
                  "llama-lora-iq4": "llama.cpp IQ4_NL + tail LoRA",
                  "llama-merged": "llama.cpp, tail LoRA merged in (Q8_0)"}
# llama.cpp drafts as served: a call's grammar-forced frame, else prompt lookup where this
# machine's batch costs make it pay (`LlamaRuntime._lookup_budget`). These suffixes draft
# otherwise, for ratios measured side by side: not at all, or lookup drafts whenever found.
NODRAFT = "-nodraft"
DRAFT_MODES = {NODRAFT: "no drafts", "-alldrafts": "drafts, lookup always"}


def draft_mode(runtime: str) -> tuple[str, str]:
    """(the runtime, its draft suffix or "" for drafts as served)."""
    for suffix in DRAFT_MODES:
        if runtime.endswith(suffix):
            return runtime.removesuffix(suffix), suffix
    return runtime, ""


# Brains with a shipped adapter, by runtime: a `MODEL:llama-lora` cell runs it as the brain
# serves it; `MODEL:llama-lora-iq4` the same adapter on the file requantized to IQ4_NL;
# `MODEL:llama-merged` the same adapter merged into the weights (merge.py).
ADAPTER_BRAINS = {"llama-lora": {"qwen-0.5b": "qwen-0.5b-tools"},
                  "llama-lora-iq4": {"qwen-0.5b": "qwen-0.5b-tools-iq4"},
                  "llama-merged": {"qwen-0.5b": "qwen-0.5b-tools-merged"}}
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "brain-cpu-2threads.txt"

COLD_REQUEST = "what time is it in Tokyo"  # cold prefill, then the warm-up turn
CACHED_REQUEST = "remind me to water the plants at six"  # cached turn, then 64 decoded tokens
REQUESTS = (  # request -> done, timed: calls and answers
    "set a timer for ten minutes",
    "log 500 milligrams of metformin",
    "what's the weather in Paris",
    "what is 12 times 7",
    "tell me a joke",
    "how are you doing",
)
DECODE_TOKENS = 64
USER_TURN = "<|im_start|>user"
END_TEXTS = ("<|im_end|>", "<|endoftext|>", "<|im_start|>")
# Targets of issue #12 (2 cores): decode tok/s per model; request -> complete call median (0.5B).
DECODE_TARGET = {"qwen-0.5b": 40.0, "qwen-1.5b": 15.0}
CALL_TARGET_S = {"qwen-0.5b": 1.0}


@dataclass
class Turn:
    request: str
    seconds: float
    outcome: str  # "call set_timer", "answer", "malformed"
    p_call: float | None = None  # the engine's decision probability


@dataclass
class CellResult:
    cell: str
    status: str = "ok"  # ok | failed | skipped
    error: str = ""
    note: str = ""
    load_s: float | None = None
    convert_s: float | None = None  # CTranslate2: one-time conversion (None when cached)
    rss_load_mb: float | None = None
    rss_peak_mb: float | None = None
    prompt_sha: str = ""
    prompt_tokens: int | None = None
    head_tokens: int | None = None
    prefill_s: float | None = None
    prefill_tok_s: float | None = None
    cached_new_tokens: int | None = None
    cached_s: float | None = None
    decode_tokens: int | None = None
    decode_tok_s: float | None = None
    decode_text: str = ""
    turns: list[Turn] = field(default_factory=list)
    load_avg: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at start and end

    @property
    def model(self) -> str:
        return self.cell.split(":")[0]

    @property
    def runtime(self) -> str:
        return self.cell.split(":")[1]

    def turn_times(self, calls_only: bool = False) -> list[float]:
        return [t.seconds for t in self.turns if not calls_only or t.outcome.startswith("call")]

    @classmethod
    def from_json(cls, text: str) -> CellResult:
        data = json.loads(text)
        data["turns"] = [Turn(**t) for t in data.get("turns", [])]
        data["load_avg"] = tuple(data.get("load_avg", (0.0, 0.0)))
        return cls(**data)


def memory_mb() -> tuple[float, float]:
    """(resident now, peak resident) of this process in MB, from /proc (Linux). Not getrusage:
    its ru_maxrss carries the parent's peak over fork + exec."""
    found: dict[str, float] = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024  # kB
    return found["VmRSS"], found["VmHWM"]


def user_request(text: str) -> Any:
    from assistant.engine import Message, Request
    from finetune.tools import catalogue

    return Request(history=(Message("user", text=text),), tools=catalogue())


def split_head(prompt: str) -> str:
    """The part of a prompt that is the same every turn: all before the last user turn."""
    if USER_TURN not in prompt:
        raise RuntimeError(f"no {USER_TURN!r} in the rendered prompt: not a Qwen-style template")
    return prompt[:prompt.rindex(USER_TURN)]


def prompt_digest(prompts: Sequence[str]) -> str:
    return hashlib.sha256("\x00".join(prompts).encode()).hexdigest()[:12]


def timed_stream[T](stream: Iterable[T]) -> tuple[list[T], float, float]:
    """(the items, seconds to the first, seconds from the first to the last) of an iterator."""
    t0 = time.perf_counter()
    items: list[T] = []
    first = last = 0.0
    for item in stream:
        last = time.perf_counter() - t0
        if not items:
            first = last
        items.append(item)
    return items, first, last - first


def rate(n: int, seconds: float) -> float | None:
    return n / seconds if seconds > 0 and n > 0 else None


# --- the cells ----------------------------------------------------------------------------------


class Ct2Runtime:
    """CTranslate2 int8 behind the chat engine's `Runtime` protocol, so the same `ChatEngine`
    drives it. CTranslate2 caches one static prompt, not a growing prefix: the head (all before
    the last user turn) is that static prompt, and every `logits` / `generate` call reads the
    rest again. No grammar engine (like torch): calls are decoded freely."""

    name = "ctranslate2"
    supports_grammar = False

    def __init__(self, model_dir: Path, threads: int) -> None:
        import ctranslate2
        from tokenizers import Tokenizer

        info = json.loads((model_dir / "bench.json").read_text())
        self.generator: Any = ctranslate2.Generator(str(model_dir), device="cpu",
                                                    compute_type="int8", intra_threads=threads,
                                                    inter_threads=1)
        self.tokenizer: Any = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.chat_template: str = info["chat_template"]
        self.bos: str = info["bos"]
        self.eos: str = info["eos"]
        self._user = self.tokenize(USER_TURN)
        self.token_logprobs: list[float] = []

    def tokenize(self, text: str) -> list[int]:
        return list(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def detokenize(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode(list(ids), skip_special_tokens=False))

    def _split(self, ids: Sequence[int]) -> tuple[list[str] | None, list[str]]:
        """(static prompt, the rest) as token strings: the head is all before the last user
        turn."""
        tokens = [self.tokenizer.id_to_token(i) for i in ids]
        n = len(self._user)
        at = next((i for i in range(len(ids) - n, 0, -1) if list(ids[i:i + n]) == self._user), 0)
        return (tokens[:at] or None), tokens[at:]

    def preload(self, ids: Sequence[int]) -> None:
        """Nothing to do ahead: the head becomes the static prompt on the first call."""

    def logits(self, ids: Sequence[int]) -> np.ndarray:
        import numpy as np

        head, rest = self._split(ids)
        result = self.generator.generate_batch([rest], static_prompt=head, max_length=1,
                                               include_prompt_in_result=False,
                                               return_logits_vocab=True)
        return np.asarray(result[0].logits[0][0], dtype=np.float32)

    def generate(self, ids: Sequence[int], decoding: Decoding,
                 cancel: threading.Event | None = None) -> Iterator[int]:
        from assistant.engines.chat.runtime import check_cancel

        head, rest = self._split(ids)
        banned = [[self.tokenizer.id_to_token(t)] for t in sorted(decoding.banned)]
        steps = self.generator.generate_tokens(
            rest, static_prompt=head, max_length=decoding.max_tokens,
            end_token=sorted(decoding.stop), suppress_sequences=banned or None,
            return_log_prob=decoding.logprobs)
        self.token_logprobs = []
        try:
            for step in steps:
                check_cancel(cancel)
                if step.token_id in decoding.stop:  # CTranslate2 yields its end token
                    return
                if decoding.logprobs:
                    self.token_logprobs.append(float(step.log_prob))
                yield int(step.token_id)
        finally:
            steps.close()


def load_runtime(runtime: str, gguf: Path, ct2_dir: Path | None, threads: int,
                 model: str = "") -> Runtime:
    base, drafts = draft_mode(runtime)
    if drafts:
        rt = load_runtime(base, gguf, ct2_dir, threads, model)
        if drafts == NODRAFT:
            rt.draft_tokens = 0  # type: ignore[attr-defined]
        else:
            rt.learn_drafts = False  # type: ignore[attr-defined]
        return rt
    if runtime == "llama":
        from assistant.engines.chat.llama import LlamaRuntime

        return LlamaRuntime(gguf, threads=threads)
    if runtime in ADAPTER_BRAINS:
        from assistant.engines.chat.brains import load_runtime as brain_runtime

        if model not in ADAPTER_BRAINS[runtime]:
            raise ValueError(f"{model} has no shipped adapter")
        return brain_runtime(ADAPTER_BRAINS[runtime][model], threads=threads)
    if runtime == "torch":
        from assistant.engines.chat.hf import TorchRuntime

        return TorchRuntime(gguf.parent, gguf_file=gguf.name, threads=threads)
    if runtime == "ct2":
        if ct2_dir is None:
            raise ValueError("--ct2-dir is needed for a ct2 cell")
        return Ct2Runtime(ct2_dir, threads)
    raise ValueError(f"unknown runtime {runtime!r}; known: {', '.join(RUNTIMES)}")


def measure_cell(res: CellResult, gguf: Path, ct2_dir: Path | None, threads: int) -> None:
    """Load one runtime and measure it, through the project's `ChatEngine`."""
    from assistant.engines.chat.brains import BRAINS
    from assistant.engines.chat.engine import ChatEngine, ChatSettings
    from assistant.engines.chat.runtime import Decoding, common_prefix
    from assistant.events import CallDecision, CallsProposed, Reply

    t0 = time.perf_counter()
    rt = load_runtime(res.runtime, gguf, ct2_dir, threads, res.model)
    res.load_s = time.perf_counter() - t0
    res.rss_load_mb = memory_mb()[0]
    log(res, f"loaded in {res.load_s:.1f} s, RSS {res.rss_load_mb:.0f} MB")
    if res.runtime == "ct2":
        res.note = "no grammar (free decoding, as torch); only the head is cached"

    brain = ADAPTER_BRAINS.get(draft_mode(res.runtime)[0], {}).get(res.model, res.model)
    threshold = BRAINS[brain].call_threshold if brain in BRAINS else 0.5
    engine = ChatEngine(rt, ChatSettings(call_threshold=threshold), name=res.cell)
    texts = (COLD_REQUEST, CACHED_REQUEST, *REQUESTS)
    res.prompt_sha = prompt_digest([engine.prompt(user_request(t)) for t in texts])

    cold_prompt = engine.prompt(user_request(COLD_REQUEST))
    cold = rt.tokenize(cold_prompt)
    res.prompt_tokens, res.head_tokens = len(cold), len(rt.tokenize(split_head(cold_prompt)))
    merged = getattr(rt, "head_gguf", None) is not None
    if merged:  # its head is the base model's: loaded and evaluated there, not read from disk
        rt.state_dir = None  # type: ignore[attr-defined]
        res.note = "cold prefill: the head by the base model, loaded for it, then the request"
    t0 = time.perf_counter()
    if merged:
        rt.preload(engine.head(user_request(COLD_REQUEST)))
    rt.logits(cold)
    res.prefill_s = time.perf_counter() - t0
    res.prefill_tok_s = rate(len(cold), res.prefill_s)
    log(res, f"cold prefill {len(cold)} tokens in {res.prefill_s:.2f} s")

    cached = rt.tokenize(engine.prompt(user_request(CACHED_REQUEST)))
    res.cached_new_tokens = len(cached) - (res.head_tokens if res.runtime == "ct2"
                                           else common_prefix(cold, cached))
    t0 = time.perf_counter()
    rt.logits(cached)
    res.cached_s = time.perf_counter() - t0

    ends = {t for s in END_TEXTS for t in rt.tokenize(s)} | set(getattr(rt, "eog", ()))
    decoding = Decoding(DECODE_TOKENS, frozenset(), banned=frozenset(ends))
    out, _, span = timed_stream(rt.generate(cached, decoding))
    n = res.decode_tokens = len(out)
    res.decode_tok_s = rate(n - 1, span)
    res.decode_text = rt.detokenize(out)
    log(res, f"decode {n} tokens at {res.decode_tok_s or 0:.1f} tok/s")

    cancel = threading.Event()
    for i, text in enumerate((COLD_REQUEST, *REQUESTS)):  # the first is the warm-up
        t0 = time.perf_counter()
        events = list(engine.respond(user_request(text), cancel))
        seconds = time.perf_counter() - t0
        p = next((e.p_call for e in events if isinstance(e, CallDecision)), None)
        last = events[-1]
        if isinstance(last, CallsProposed):
            kind = "call " + ",".join(c.name for c in last.calls)
        else:
            kind = "answer" if isinstance(last, Reply) else "malformed"
        if i:
            res.turns.append(Turn(text, seconds, kind, p))
        log(res, f"{'warm-up' if not i else 'turn'} {text!r}: {seconds:.2f} s, {kind}")


def convert_ct2(gguf: Path, out: Path, threads: int) -> float:
    """Convert `gguf` (dequantised to fp32 by transformers) to a CTranslate2 int8 model in `out`;
    returns the seconds it took. A separate process, so the cell's memory is its own."""
    import torch
    from ctranslate2.converters import TransformersConverter
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(threads)
    t0 = time.perf_counter()
    kwargs: dict[str, Any] = {"gguf_file": gguf.name}
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), **kwargs)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), dtype=torch.float32, **kwargs)
    # The weights are plain fp32 now; the GGUF marker would make the converter look for AWQ.
    model.config.quantization_config = None

    class Loaded(TransformersConverter):  # the converter's own steps, on the model in memory
        def load_model(self, model_class: Any, model_name_or_path: str, **kw: Any) -> Any:
            return model

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kw: Any) -> Any:
            return tokenizer

    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory() as config_dir:
        model.config.save_pretrained(config_dir)
        Loaded(config_dir).convert(str(partial), quantization="int8", force=True)
    tokenizer.backend_tokenizer.save(str(partial / "tokenizer.json"))
    template = tokenizer.chat_template
    if isinstance(template, dict):
        template = template.get("tool_use") or template.get("default") or ""
    (partial / "bench.json").write_text(json.dumps({
        "source": gguf.name, "source_bytes": gguf.stat().st_size, "chat_template": template or "",
        "bos": tokenizer.bos_token or "", "eos": tokenizer.eos_token or ""}))
    if out.exists():
        import shutil

        shutil.rmtree(out)
    partial.replace(out)
    return time.perf_counter() - t0


def ct2_ready(ct2_dir: Path, gguf: Path) -> bool:
    try:
        info = json.loads((ct2_dir / "bench.json").read_text())
    except (OSError, ValueError):
        return False
    return bool(info.get("source") == gguf.name and info.get("source_bytes") == gguf.stat().st_size)


def log(res: CellResult, message: str) -> None:
    print(f"  [{res.cell}] {message}", file=sys.stderr, flush=True)


def run_cell(cell: str, gguf: Path, threads: int, ct2_dir: Path | None) -> int:
    """One cell in this process: prints its CellResult as one JSON line."""
    res = CellResult(cell, load_avg=(os.getloadavg()[0], 0.0))
    code = 0
    try:
        measure_cell(res, gguf, ct2_dir, threads)
    except Exception as exc:  # reported in the table, and the run fails
        import traceback

        traceback.print_exc()
        res.status, res.error, code = "failed", f"{type(exc).__name__}: {exc}", 1
    res.rss_peak_mb = memory_mb()[1]
    res.load_avg = (res.load_avg[0], os.getloadavg()[0])
    print(json.dumps(dataclasses.asdict(res)), flush=True)
    return code


# --- the parent: cells one after another, then the report --------------------------------------


def child(args: list[str], threads: int, timeout_s: float) -> tuple[int, str, list[str]]:
    """Run this script with `args`; its stderr is shown live. (exit code, stdout, stderr tail)."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
           "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.Popen([sys.executable, __file__, *args, "--threads", str(threads)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    tail: deque[str] = deque(maxlen=20)
    out: list[str] = []

    def relay() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            sys.stderr.write(line)
            sys.stderr.flush()
            tail.append(line.rstrip())

    def collect() -> None:
        assert proc.stdout is not None
        out.append(proc.stdout.read())

    readers = [threading.Thread(target=f, daemon=True) for f in (relay, collect)]
    for reader in readers:
        reader.start()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        tail.append(f"timed out after {timeout_s:.0f} s")
    for reader in readers:
        reader.join(timeout=10)
    return proc.returncode, "".join(out), list(tail)


def parent_cell(cell: str, gguf: Path, threads: int, ct2_dir: Path | None,
                timeout_s: float) -> CellResult:
    convert_s = None
    if cell.endswith(":ct2"):
        assert ct2_dir is not None
        if not ct2_ready(ct2_dir, gguf):
            print(f"  [{cell}] converting {gguf.name} to CTranslate2 int8 -> {ct2_dir}",
                  file=sys.stderr, flush=True)
            code, out, tail = child(["--convert", str(gguf), "--ct2-dir", str(ct2_dir)], threads,
                                    timeout_s)
            if code != 0:
                reason = next((t for t in reversed(tail) if t.strip()), f"exit code {code}")
                return CellResult(cell, status="failed", error=f"conversion failed: {reason}")
            convert_s = float(json.loads(out.strip().splitlines()[-1])["convert_s"])
    args = ["--cell", cell, "--gguf", str(gguf)]
    if ct2_dir is not None:
        args += ["--ct2-dir", str(ct2_dir)]
    code, out, tail = child(args, threads, timeout_s)
    lines = out.strip().splitlines()
    try:
        res = CellResult.from_json(lines[-1])
    except (IndexError, ValueError, TypeError):
        reason = next((t for t in reversed(tail) if t.strip()), "")
        return CellResult(cell, status="failed", error=f"exit code {code}: {reason}")
    if code != 0 and res.status == "ok":
        res.status, res.error = "failed", f"exit code {code}"
    res.convert_s = convert_s
    return res


def fmt(value: float | None, spec: str = ".1f", unit: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{unit}"


def table(results: Sequence[CellResult]) -> list[str]:
    lines = ["| model | runtime | load | RSS load / peak | cold prefill | cached turn | decode | "
             "request -> done, median / max | -> call, median | outcomes | note |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        title = runtime_title(r.runtime)
        if r.status == "skipped":
            lines.append(f"| {r.model} | {title} | skipped: {r.error} |" + " |" * 8)
            continue
        load = fmt(r.load_s, ".1f", " s") + (f" (+ convert {r.convert_s:.0f} s)"
                                            if r.convert_s is not None else "")
        rss = f"{fmt(r.rss_load_mb, '.0f')} / {fmt(r.rss_peak_mb, '.0f')} MB"
        prefill = (f"{fmt(r.prefill_tok_s, '.0f')} tok/s ({r.prompt_tokens} tok, "
                   f"{fmt(r.prefill_s, '.2f', ' s')})" if r.prefill_s is not None else "-")
        cached = (f"{fmt(r.cached_s, '.2f', ' s')} ({r.cached_new_tokens} new tok)"
                  if r.cached_s is not None else "-")
        times, calls = r.turn_times(), r.turn_times(calls_only=True)
        done = (f"{statistics.median(times):.2f} / {max(times):.2f} s" if times else "-")
        to_call = f"{statistics.median(calls):.2f} s" if calls else "-"
        outcomes = (f"{len(calls)} calls, {len(times) - len(calls)} other" if times else "-")
        note = r.note if r.status == "ok" else f"**FAILED**: {r.error}"
        lines.append(f"| {r.model} | {title} | {load} | {rss} | {prefill} | {cached} | "
                     f"{fmt(r.decode_tok_s, '.1f', ' tok/s')} | {done} | {to_call} | {outcomes} | "
                     f"{note} |")
    return lines


def runtime_title(runtime: str) -> str:
    base, drafts = draft_mode(runtime)
    title = RUNTIME_TITLES.get(base, base)
    if base.startswith("llama"):
        title += ", " + DRAFT_MODES.get(drafts, "drafts")
    return title


def draft_ratios(results: Sequence[CellResult]) -> list[str]:
    """Drafts as served against the other modes (none; lookup always), same model and
    weights, same run."""
    lines: list[str] = []
    for r, suffix in itertools.product(results, DRAFT_MODES):
        plain = next((p for p in results if p.cell == f"{r.cell}{suffix}" and p.status == "ok"),
                     None)
        if plain is None or r.status != "ok":
            continue
        calls, plain_calls = r.turn_times(calls_only=True), plain.turn_times(calls_only=True)
        call = ratio(statistics.median(plain_calls), statistics.median(calls)) \
            if calls and plain_calls else "-"
        done = ratio(statistics.median(plain.turn_times()), statistics.median(r.turn_times())) \
            if r.turns and plain.turns else "-"
        lines.append(f"- {r.cell} vs {plain.cell}: decode {ratio(r.decode_tok_s, plain.decode_tok_s)}"
                     f", request -> done {done} faster, request -> call {call} faster")
    return lines


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a and b else "-"


def ratios(results: Sequence[CellResult]) -> list[str]:
    """Each runtime against torch fp32 on the same model, in the same run (>1 = better)."""
    lines: list[str] = []
    for model in dict.fromkeys(r.model for r in results):
        base = next((r for r in results if r.model == model and r.runtime == "torch"
                     and r.status == "ok"), None)
        if base is None:
            continue
        for r in results:
            if r.model != model or r.runtime == "torch" or r.status != "ok":
                continue
            med = statistics.median(r.turn_times()) if r.turns else None
            base_med = statistics.median(base.turn_times()) if base.turns else None
            lines.append(
                f"- {model}, {runtime_title(r.runtime)} vs torch fp32: "
                f"prefill {ratio(r.prefill_tok_s, base.prefill_tok_s)}, "
                f"cached turn {ratio(base.cached_s, r.cached_s)}, "
                f"decode {ratio(r.decode_tok_s, base.decode_tok_s)}, "
                f"request -> done {ratio(base_med, med)} faster; "
                f"load {ratio(base.load_s, r.load_s)} faster, "
                f"peak RSS {ratio(base.rss_peak_mb, r.rss_peak_mb)} smaller")
    return lines


def targets(results: Sequence[CellResult]) -> list[str]:
    lines: list[str] = []
    for r in results:
        if r.status != "ok":
            continue
        checks = []
        if r.model in DECODE_TARGET and r.decode_tok_s is not None:
            goal = DECODE_TARGET[r.model]
            checks.append(f"decode >= {goal:.0f} tok/s {'MET' if r.decode_tok_s >= goal else 'NOT MET'}"
                          f" ({r.decode_tok_s:.1f})")
        calls = r.turn_times(calls_only=True)
        if r.model in CALL_TARGET_S and calls:
            goal, med = CALL_TARGET_S[r.model], statistics.median(calls)
            checks.append(f"request -> complete call <= {goal:.1f} s median "
                          f"{'MET' if med <= goal else 'NOT MET'} ({med:.2f} s)")
        if r.cached_s is not None and r.prefill_s:
            reused = r.cached_s < r.prefill_s / 3
            checks.append(f"head processed once and reused {'yes' if reused else 'NO'} "
                          f"(cached turn {r.cached_s:.2f} s vs cold {r.prefill_s:.2f} s)")
        if checks:
            lines.append(f"- {r.cell}: " + "; ".join(checks))
    return lines


def details(results: Sequence[CellResult]) -> list[str]:
    lines: list[str] = []
    shas: dict[str, set[str]] = {}
    for r in results:
        if r.prompt_sha:
            shas.setdefault(r.model, set()).add(r.prompt_sha)
    for model, found in shas.items():
        same = "the same prompt text in every runtime" if len(found) == 1 else (
            f"DIFFERENT prompt texts across runtimes ({', '.join(sorted(found))})")
        lines.append(f"- {model}: {same}")
    for r in results:
        if r.status == "skipped":
            continue
        lines.append(f"- {r.cell} ({r.status}; load average {r.load_avg[0]:.2f} -> "
                     f"{r.load_avg[1]:.2f}); decode text: {r.decode_text[:70]!r}")
        for t in r.turns:
            p = f", P(call) {t.p_call:.2f}" if t.p_call is not None else ""
            lines.append(f"    - {t.request!r}: {t.seconds:.2f} s, {t.outcome}{p}")
    return lines


def versions() -> str:
    found = []
    for dist in ("torch", "transformers", "ctranslate2", "llama_cpp_python"):
        try:
            found.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            found.append(f"{dist} (not installed)")
    return f"python {platform.python_version()}, " + ", ".join(found)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def choose_cells(args: argparse.Namespace) -> list[str]:
    models = ("tiny",) if args.smoke else MODELS
    if not args.cells:
        return [f"{m}:{rt}" for m in (models[:1] if args.quick else models) for rt in RUNTIMES]
    cells: list[str] = []
    for item in args.cells.split(","):
        model, _, runtime = item.strip().partition(":")
        base, drafts = draft_mode(runtime)
        lora = model in ADAPTER_BRAINS.get(base, {})
        if drafts and not base.startswith("llama"):
            raise SystemExit(f"{item!r}: only llama.cpp cells draft")
        if model not in models or (runtime and base not in RUNTIMES and not lora):
            raise SystemExit(f"unknown cell {item!r}: MODEL[:RUNTIME] with MODEL in "
                             f"{', '.join(models)} and RUNTIME in {', '.join(RUNTIMES)}")
        cells += [f"{model}:{rt}" for rt in ([runtime] if runtime else RUNTIMES)]
    return list(dict.fromkeys(cells))


def model_files(model: str, smoke_dir: Path | None) -> tuple[Path | None, Path, str]:
    """(GGUF or None, CTranslate2 directory, why the GGUF is missing)."""
    if smoke_dir is not None:
        from assistant.engines.chat.tiny import write_tiny_gguf

        gguf = smoke_dir / "tiny.gguf"
        if not gguf.exists():
            write_tiny_gguf(gguf)
        return gguf, smoke_dir / "ct2-tiny-int8", ""
    from assistant import weights
    from assistant.engines.chat.brains import BRAINS, gguf_path

    ct2 = weights.cache_root() / "bench" / f"ct2-{model}-int8"
    try:
        return gguf_path(BRAINS[model]), ct2, ""
    except weights.WeightsError:
        return None, ct2, f"not installed: make {model}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="qwen-0.5b only")
    parser.add_argument("--cells", help="MODEL[:RUNTIME],... e.g. qwen-0.5b:llama,qwen-1.5b")
    parser.add_argument("--smoke", action="store_true",
                        help="every runtime on a tiny random GGUF: checks the script, not speed")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, help=f"report file (default {DEFAULT_OUT}; "
                        "none with --smoke)")
    parser.add_argument("--note", help="a first line for the report (e.g. 'PRELIMINARY: ...')")
    parser.add_argument("--cell-timeout", type=float, default=3600.0, help="seconds per cell")
    parser.add_argument("--cell", help=argparse.SUPPRESS)  # internal: run one cell here
    parser.add_argument("--convert", type=Path, help=argparse.SUPPRESS)  # internal
    parser.add_argument("--gguf", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ct2-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.convert is not None:
        print(json.dumps({"convert_s": convert_ct2(args.convert, args.ct2_dir, args.threads)}))
        return 0
    if args.cell is not None:
        return run_cell(args.cell, args.gguf, args.threads, args.ct2_dir)

    cells = choose_cells(args)
    out = args.out if args.out is not None or args.smoke else DEFAULT_OUT
    started = datetime.datetime.now().astimezone()
    load_before = os.getloadavg()
    command = shlex.join(["python", "bench/bench_brain.py", *(sys.argv[1:] if argv is None else argv)])
    header = [f"# {command}",
              f"# {started:%Y-%m-%d %H:%M %Z}; {cpu_model()}; {os.cpu_count()} CPUs, "
              f"{args.threads} threads per runtime; load average at start "
              f"{load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}",
              f"# {versions()}"]
    if args.note:
        header.insert(0, args.note)
    print("\n".join(header), flush=True)
    if load_before[0] > args.threads + 0.5:
        print(f"warning: load average {load_before[0]:.1f} > {args.threads} threads: other jobs are "
              "running, timings will be slow", file=sys.stderr)

    results: list[CellResult] = []
    with tempfile.TemporaryDirectory(prefix="bench-brain-") as tmp:
        smoke_dir = Path(tmp) if args.smoke else None
        files: dict[str, tuple[Path | None, Path, str]] = {}
        for cell in cells:
            model = cell.split(":")[0]
            if model not in files:
                files[model] = model_files(model, smoke_dir)
            gguf, ct2_dir, missing = files[model]
            if gguf is None:
                print(f"{cell}: skipped, {missing}", file=sys.stderr, flush=True)
                results.append(CellResult(cell, status="skipped", error=missing))
                continue
            print(f"{cell}: running", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            res = parent_cell(cell, gguf, args.threads, ct2_dir, args.cell_timeout)
            print(f"{cell}: {res.status} in {time.perf_counter() - t0:.0f} s"
                  + (f": {res.error}" if res.error else ""), file=sys.stderr, flush=True)
            results.append(res)

    first = next((r for r in results if r.head_tokens), None)
    prompt_line = (f"prompt: chat template + system text + {len(user_request('').tools)} tools = "
                   f"{first.head_tokens} tokens of head, {first.prompt_tokens} with the first request"
                   if first is not None and first.head_tokens else "prompt: -")
    report = [*header, f"# {prompt_line}; {len(REQUESTS)} timed requests after a warm-up; "
              f"decode = {DECODE_TOKENS} greedy tokens", "", *table(results), "",
              "Ratios vs torch fp32 (same model, same run):", *(ratios(results) or ["- none"]), "",
              "Drafts as served vs none / vs lookup always (same model, same run):",
              *(draft_ratios(results) or ["- none"]), "",
              "Targets (issue #12, 2 cores):", *(targets(results) or ["- none"]), "",
              "Per cell and request:", *(details(results) or ["- none"]), "",
              f"# total {(datetime.datetime.now().astimezone() - started).total_seconds():.0f} s; "
              f"load average at end {os.getloadavg()[0]:.2f}"]
    print("\n" + "\n".join(report[len(header):]))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(report) + "\n")
        print(f"written to {out}")
    failed = [r.cell for r in results if r.status == "failed"]
    if failed:
        print(f"FAILED cells: {', '.join(failed)} (see the table and the log above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
