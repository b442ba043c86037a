"""Cascade turn latencies through the turn loop: one turn per spoken request, timing end of
speech -> call and -> first answer audio from the events (moved here from
`python -m assistant.speech latency`: speech/ is a leaf that knows no engine).

    python bench/bench_cascade.py assets/requests/*.wav [--tts piper] [--threads 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def latency(files: list[Path], tts_name: str, threads: int | None) -> None:
    import tempfile
    import threading

    from assistant.audio.io import load_speech
    from assistant.engines import EngineOptions, create_engine, create_synthesizer
    from assistant.events import AudioChunk, CallsProposed, TurnStarted
    from assistant.loop import Conversation, UserInput
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
                bot = Conversation(engine, registry, tts=tts)
                marks: dict[str, float] = {}
                events = list(bot.turn(UserInput(audio=audio), threading.Event()))
                for e in events:
                    if isinstance(e, TurnStarted):
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
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", type=Path, nargs="+")
    ap.add_argument("--tts", default="piper")
    ap.add_argument("--threads", type=int)
    a = ap.parse_args(argv)
    latency(a.files, a.tts, a.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
