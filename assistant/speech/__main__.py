"""`python -m assistant.speech bench`: ASR and TTS real-time factors on this machine.
`python -m assistant.speech requests`: (re)make the bundled spoken requests in assets/requests.
`python -m assistant.speech say TEXT --out x.wav [--tts espeak --voice en-gb+f3]`.
`python -m assistant.speech hear x.wav [--biasing off|static|targeted]`.
`python -m assistant.speech latency assets/requests/*.wav`: one cascade turn per file through
the turn loop, timing end of speech -> call and -> first answer audio from the events.

RTF = processing seconds / audio seconds (lower is faster; < 1 is faster than real time)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

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


def _rtf(seconds: list[float], audio_s: list[float]) -> str:
    return f"{sum(seconds) / sum(audio_s):.3f}"


def bench(asr: bool, tts: bool, repeats: int) -> None:
    from assistant.speech import BackendUnavailable
    from assistant.speech.tts import create_synthesizer

    print(f"machine: {os.cpu_count()} CPUs visible; repeats={repeats}")
    clips = []
    for backend, voice in (("piper", None), ("espeak", "en-us"), ("espeak", "en-gb+f3"),
                           ("kokoro", None)):
        t0 = time.perf_counter()
        try:
            synth = create_synthesizer(backend, voice)
        except BackendUnavailable as exc:
            print(f"TTS {backend:<8} unavailable: {exc}")
            continue
        load_s = time.perf_counter() - t0
        synth.synthesize("Warm up.")
        secs, durs = [], []
        for _ in range(repeats):
            for text in BENCH_TEXTS:
                t0 = time.perf_counter()
                audio = synth.synthesize(text)
                secs.append(time.perf_counter() - t0)
                durs.append(audio.duration_s)
                clips.append((text, audio))
        if tts:
            print(f"TTS {synth.name:<18} load {load_s:5.2f} s  RTF {_rtf(secs, durs)}  "
                  f"median {statistics.median(secs):.3f} s for {statistics.median(durs):.2f} s")
    if not asr:
        return
    from assistant.speech.normalize import corpus_wer
    from assistant.speech.whisper import Biasing, WhisperOptions, WhisperTranscriber

    modes: tuple[Biasing, ...] = ("off", "static", "targeted")
    for mode in modes:
        t0 = time.perf_counter()
        w = WhisperTranscriber(WhisperOptions(biasing=mode))
        load_s = time.perf_counter() - t0
        secs, durs, hyps = [], [], []
        for _text, audio in clips:
            t0 = time.perf_counter()
            hyps.append(w.transcribe(audio))
            secs.append(time.perf_counter() - t0)
            durs.append(audio.duration_s)
        print(f"ASR {w.name:<22} load {load_s:5.2f} s  RTF {_rtf(secs, durs)}  "
              f"median {statistics.median(secs):.3f} s  WER {corpus_wer([t for t, _ in clips], hyps):.3f}"
              f"  ({len(clips)} clips)")


def latency(files: list[Path], tts_name: str, threads: int | None) -> None:
    import tempfile
    import threading

    from assistant.audio.io import load_speech
    from assistant.engines import EngineOptions, create_engine
    from assistant.events import AudioChunk, CallsProposed, Listening
    from assistant.loop import Assistant, UserInput
    from assistant.speech.tts import create_synthesizer
    from assistant.tools import ToolContext, default_registry

    t0 = time.perf_counter()
    engine = create_engine("cascade", EngineOptions(threads=threads))
    tts = create_synthesizer(tts_name)
    print(f"loaded {engine.name} and {tts.name} in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        ctx = ToolContext.default(Path(tmp))
        with default_registry(ctx) as registry:
            for path in files:
                audio = load_speech(path)
                bot = Assistant(engine, registry, tts=tts)
                marks: dict[str, float] = {}
                events = list(bot.turn(UserInput(audio=audio), threading.Event()))
                for e in events:
                    if isinstance(e, Listening):
                        marks.setdefault("end_of_speech", e.t)
                    elif isinstance(e, CallsProposed):
                        marks.setdefault("call", e.t)
                    elif isinstance(e, AudioChunk):
                        marks.setdefault("audio", e.t)
                start = marks["end_of_speech"]
                call = f"{marks['call'] - start:5.2f} s" if "call" in marks else "  (none)"
                first = f"{marks['audio'] - start:5.2f} s" if "audio" in marks else "(none)"
                kinds = " ".join(e.kind for e in events if e.kind != "text-delta")
                print(f"{path.name:<24} {audio.duration_s:4.1f} s speech | -> call {call} | "
                      f"-> first audio {first} | {kinds}")
                for e in events:
                    if e.kind in ("heard", "calls-proposed", "tool-result", "answer", "error"):
                        print(f"    {e.to_dict()}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.speech", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench", help="ASR and TTS real-time factors")
    b.add_argument("--only", choices=("asr", "tts"))
    b.add_argument("--repeats", type=int, default=1)
    sub.add_parser("requests", help="remake assets/requests/*.wav with Piper")
    s = sub.add_parser("say", help="synthesise TEXT to a WAV")
    s.add_argument("text")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--tts", default="piper")
    s.add_argument("--voice")
    h = sub.add_parser("hear", help="transcribe a WAV/FLAC")
    h.add_argument("file", type=Path)
    h.add_argument("--biasing", default="targeted", choices=("off", "static", "targeted"))
    lat = sub.add_parser("latency", help="cascade turn latencies through the loop")
    lat.add_argument("files", type=Path, nargs="+")
    lat.add_argument("--tts", default="piper")
    lat.add_argument("--threads", type=int)
    a = ap.parse_args(argv)
    if a.cmd == "bench":
        bench(asr=a.only != "tts", tts=a.only != "asr", repeats=a.repeats)
    elif a.cmd == "latency":
        latency(a.files, a.tts, a.threads)
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

        result = WhisperTranscriber(WhisperOptions(biasing=a.biasing)).run(load_speech(a.file))
        print(result.text)
        if result.hotwords:
            print(f"(first pass: {result.first_pass!r}; hotwords: {result.hotwords})",
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
