"""`python -m assistant.speech bench [--out FILE]`: TTS and ASR real-time factors on this machine,
and Whisper's WER per TTS voice (piper and every espeak voice evalkit uses) and biasing mode
(`bench/results/speech-wer-by-voice.txt`).
`python -m assistant.speech requests`: (re)make the bundled spoken requests in assets/requests.
`python -m assistant.speech say TEXT --out x.wav [--tts espeak --voice en-gb+f3]`.
`python -m assistant.speech hear x.wav [--biasing off|static|targeted]`.
(Cascade turn latencies through the loop: `bench/bench_cascade.py`.)

RTF = processing seconds / audio seconds (lower is faster; < 1 is faster than real time)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.audio import Audio
    from assistant.speech.whisper import Biasing

REQUESTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "requests"
# The bundled spoken requests: file stem -> what is said. Made with Piper (joe), 16 kHz.
REQUESTS = {
    "log_metformin": "Log 500 milligrams of metformin.",
    "timer_ten_minutes": "Set a timer for ten minutes.",
    "weather_paris": "What's the weather in Paris tomorrow?",
    "last_levothyroxine": "When did I last take levothyroxine?",
    "convert_miles": "Convert five miles to kilometers.",
}
BENCH_TEXTS = (
    "Log 500 milligrams of metformin.",
    "Set a timer for ten minutes, please.",
    "What's the weather going to be like in Paris tomorrow afternoon?",
    "Your reminder to take hydroxyzine is set for nine o'clock tonight. Anything else?",
)


def make_requests(out_dir: Path = REQUESTS_DIR) -> list[Path]:
    from assistant.audio.io import SPEECH_RATE, resample, write_audio
    from assistant.speech.piper import build

    voice = build()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, text in REQUESTS.items():
        audio = resample(voice.synthesize(text), SPEECH_RATE)
        written.append(write_audio(out_dir / f"{stem}.wav", audio))
    manifest = [{"file": f"{stem}.wav", "text": text, "tts": voice.name}
                for stem, text in REQUESTS.items()]
    (out_dir / "requests.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return written


# The TTS voices evalkit speaks its clips with (evalkit/voices.py: `split_voices` over all three
# splits, backends piper and espeak), as "backend:voice" ids. assistant never imports evalkit,
# so they are written out here; tests/test_speech_asr.py checks that the two lists agree.
_EVALKIT_ESPEAK_BASES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc")
_EVALKIT_ESPEAK_VARIANTS = ("", "m3", "f2", "klatt", "Annie", "quincy",  # test
                            "m7", "f4",  # dev
                            "m1", "f1", "f3", "klatt4", "Alex", "Andy", "belinda", "iven3",
                            "Michael", "steph")  # train
BENCH_VOICES = ("piper:joe", *(f"espeak:{base}" + (f"+{v}" if v else "")
                               for base in _EVALKIT_ESPEAK_BASES
                               for v in _EVALKIT_ESPEAK_VARIANTS))
ASR_MODES: tuple[Biasing, ...] = ("off", "static", "targeted")


def _rtf(seconds: list[float], audio_s: list[float]) -> str:
    return f"{sum(seconds) / sum(audio_s):.3f}"


def _machine() -> str:
    """CPU, core count and the versions the WER figures depend on."""
    import platform
    import subprocess
    from importlib import metadata

    cpu = platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines()
                 if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    parts = [f"{platform.system()} {cpu}, {os.cpu_count()} CPUs visible",
             f"Python {platform.python_version()}"]
    for dist in ("faster-whisper", "ctranslate2", "piper-tts"):
        try:
            parts.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist} not installed")
    try:
        espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True,
                                timeout=10, check=False).stdout.split()
        parts.append(f"espeak-ng {espeak[3] if len(espeak) > 3 else '?'}")
    except OSError:
        parts.append("espeak-ng not installed")
    return "; ".join(parts)


def bench(asr: bool, tts: bool, repeats: int, voices: Sequence[str] = BENCH_VOICES,
          modes: Sequence[Biasing] = ASR_MODES, threads: int | None = None,
          transcripts: bool = False, out: Path | None = None,
          command: str = "python -m assistant.speech bench") -> None:
    """TTS real-time factor per backend; Whisper WER per TTS voice and ASR mode over BENCH_TEXTS
    (one line each: voice, clips, WER; `transcripts`: what was heard in each clip too), then
    each mode over all clips and per backend. `out`: the same lines in a file, under a header
    (`command`, date, machine)."""
    from assistant.speech import BackendUnavailable
    from assistant.speech.tts import create_synthesizer

    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    say(f"machine: {os.cpu_count()} CPUs visible; repeats={repeats}; {len(voices)} voices x "
        f"{len(BENCH_TEXTS)} texts")
    clips: dict[str, list[tuple[str, Audio]]] = {}
    tts_stats: dict[str, tuple[list[float], list[float], list[float]]] = {}  # backend -> times
    for voice_id in voices:
        backend, _, voice = voice_id.partition(":")
        t0 = time.perf_counter()
        try:
            synth = create_synthesizer(backend, voice or None)
        except BackendUnavailable as exc:
            say(f"TTS {voice_id:<28} unavailable: {exc}")
            continue
        loads, secs, durs = tts_stats.setdefault(backend, ([], [], []))
        loads.append(time.perf_counter() - t0)
        synth.synthesize("Warm up.")
        for _ in range(repeats):
            for text in BENCH_TEXTS:
                t0 = time.perf_counter()
                audio = synth.synthesize(text)
                secs.append(time.perf_counter() - t0)
                durs.append(audio.duration_s)
                clips.setdefault(voice_id, []).append((text, audio))
    if tts:
        for backend, (loads, secs, durs) in tts_stats.items():
            say(f"TTS {backend:<8} {len(loads):3d} voice(s)  load {statistics.mean(loads):5.2f} s  "
                f"RTF {_rtf(secs, durs)}  median {statistics.median(secs):.3f} s "
                f"for {statistics.median(durs):.2f} s")
    if asr and clips:
        for mode in modes:
            _bench_asr(clips, mode, threads, transcripts, say)
    if out is not None:
        header = [f"# {command}", f"# {time.strftime('%Y-%m-%d %H:%M %Z')}; {_machine()}"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join([*header, *lines]) + "\n")
        print(f"wrote {out}", file=sys.stderr)


def _bench_asr(clips: dict[str, list[tuple[str, Audio]]], mode: Biasing, threads: int | None,
               transcripts: bool, say: Callable[[str], None]) -> None:
    """One Whisper mode over every voice's clips, each voice's clips in one batch as evalkit
    transcribes them."""
    from assistant.speech.normalize import corpus_wer
    from assistant.speech.whisper import WhisperOptions, WhisperTranscriber
    from assistant.tools import formulary

    t0 = time.perf_counter()
    w = WhisperTranscriber(WhisperOptions(biasing=mode, threads=threads or 0,
                                          lexicon=formulary.core()))
    load_s = time.perf_counter() - t0
    secs, durs = [], []
    scored: list[tuple[str, str, str]] = []  # (voice, said, heard) per clip
    per_voice: dict[str, float] = {}
    for voice_id, pairs in clips.items():
        t0 = time.perf_counter()
        heard = w.transcribe_batch([a for _, a in pairs])
        secs.append(time.perf_counter() - t0)
        durs.append(sum(a.duration_s for _, a in pairs))
        said = [t for t, _ in pairs]
        per_voice[voice_id] = corpus_wer(said, heard)
        scored += [(voice_id, t, h) for t, h in zip(said, heard, strict=True)]
        say(f"ASR {w.name:<20} {voice_id:<28} {len(pairs):3d} clips  WER {per_voice[voice_id]:.3f}")
        if transcripts:
            for t, h in zip(said, heard, strict=True):
                say(f"    {t!r} -> {h!r}")

    def wer_of(rows: list[tuple[str, str, str]]) -> float:
        return corpus_wer([r[1] for r in rows], [r[2] for r in rows])

    say(f"ASR {w.name:<20} {'all voices':<28} {len(scored):3d} clips  WER {wer_of(scored):.3f}  "
        f"load {load_s:.2f} s  RTF {_rtf(secs, durs)}")
    for backend in dict.fromkeys(v.partition(":")[0] for v in per_voice):
        rows = [r for r in scored if r[0].partition(":")[0] == backend]
        ranked = sorted((wer, v) for v, wer in per_voice.items() if v.startswith(f"{backend}:"))
        say(f"ASR {w.name:<20} {backend + ' voices':<28} {len(rows):3d} clips  WER "
            f"{wer_of(rows):.3f}  per voice ({len(ranked)}): min {ranked[0][0]:.3f}, median "
            f"{statistics.median(wer for wer, _ in ranked):.3f}, max {ranked[-1][0]:.3f} "
            f"({ranked[-1][1]})")


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.speech", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench", help="TTS real-time factors; Whisper WER per voice and mode")
    b.add_argument("--only", choices=("asr", "tts"))
    b.add_argument("--repeats", type=int, default=1)
    b.add_argument("--voices", type=_csv, default=BENCH_VOICES, metavar="ID,...",
                   help="backend:voice ids, e.g. piper:joe,espeak:en-gb+f3,kokoro:af_heart "
                        "(default: the piper and espeak voices evalkit uses)")
    b.add_argument("--modes", type=_csv, default=ASR_MODES, metavar="MODE,...",
                   help="Whisper biasing modes: off, static, targeted (default: all three)")
    b.add_argument("--threads", type=int, help="Whisper CPU threads (default: all cores)")
    b.add_argument("--transcripts", action="store_true", help="print what Whisper heard per clip")
    b.add_argument("--out", type=Path, help="also write the output here, under a header")
    sub.add_parser("requests", help="remake assets/requests/*.wav with Piper")
    s = sub.add_parser("say", help="synthesise TEXT to a WAV")
    s.add_argument("text")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--tts", default="piper")
    s.add_argument("--voice")
    h = sub.add_parser("hear", help="transcribe a WAV/FLAC")
    h.add_argument("file", type=Path)
    h.add_argument("--biasing", default="targeted", choices=("off", "static", "targeted"))
    a = ap.parse_args(argv)
    if a.cmd == "bench":
        unknown = sorted(set(a.modes) - set(ASR_MODES))
        if unknown:
            ap.error(f"unknown --modes {', '.join(unknown)}; choose from {', '.join(ASR_MODES)}")
        bench(asr=a.only != "tts", tts=a.only != "asr", repeats=a.repeats, voices=a.voices,
              modes=a.modes, threads=a.threads, transcripts=a.transcripts, out=a.out,
              command=shlex.join(["python", "-m", "assistant.speech",
                                  *(sys.argv[1:] if argv is None else argv)]))
    elif a.cmd == "requests":
        for p in make_requests():
            print(p)
    elif a.cmd == "say":
        from assistant.audio.io import write_audio
        from assistant.speech.tts import create_synthesizer

        print(write_audio(a.out, create_synthesizer(a.tts, a.voice).synthesize(a.text)))
    elif a.cmd == "hear":
        from assistant.audio.io import load_speech
        from assistant.speech.whisper import WhisperOptions, WhisperTranscriber
        from assistant.tools import formulary

        result = WhisperTranscriber(WhisperOptions(biasing=a.biasing, lexicon=formulary.core())
                                    ).run(load_speech(a.file))
        print(result.text)
        if result.hotwords:
            print(f"(first pass: {result.first_pass!r}; hotwords: {result.hotwords})",
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
