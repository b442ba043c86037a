"""`python -m assistant`: the desktop app, or a headless turn with `--text` / `--wav`."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.engines import ENGINES, EngineOptions, create_engine
from assistant.engines import TTS_BACKENDS as ENGINE_TTS
from assistant.engines.chat.brains import DEFAULT as DEFAULT_BRAIN
from assistant.engines.chat.brains import NAMES as BRAIN_NAMES
from assistant.engines.lfm2 import VARIANTS as LFM2_VARIANTS
from assistant.events import (
    Answer,
    AudioChunk,
    CallAsked,
    CallDecision,
    CallMalformed,
    CallsGrounded,
    CallsHeldBack,
    CallsListed,
    CallsProposed,
    CallWithheld,
    ClauseCalls,
    ConfirmationRequested,
    Done,
    Event,
    Failed,
    Heard,
    NameDecision,
    Notification,
    Reply,
    Speaking,
    TextDelta,
    ToolFinished,
    ToolStarted,
    TurnStarted,
)
from assistant.toolcall import render_pythonic

if TYPE_CHECKING:
    from assistant.loop import Conversation

# Typed requests go to the chat brain, spoken ones through the cascade (Whisper in front of it).
DEFAULT_TEXT_ENGINE = "chat"
DEFAULT_AUDIO_ENGINE = "cascade"
TTS_BACKENDS = (*ENGINE_TTS, "none")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant", description=__doc__)
    io = p.add_argument_group("headless mode (no window)")
    io.add_argument("--text", action="append", help="a request as text; repeat for more turns")
    io.add_argument("--wav", type=Path, help="a spoken request (WAV/FLAC)")
    io.add_argument("--out", type=Path, help="write the spoken answer here (WAV)")
    io.add_argument("--confirm", metavar="ANSWER",
                    help="answer any confirmation with this (e.g. 'yes', 'the first one')")
    io.add_argument("--json", action="store_true", help="print events as JSON lines")
    m = p.add_argument_group("engine")
    m.add_argument("--engine", choices=sorted(ENGINES), default=None,
                   help=f"model pipeline (default: {DEFAULT_TEXT_ENGINE} for --text, "
                        f"{DEFAULT_AUDIO_ENGINE} for --wav)")
    m.add_argument("--model", help="hub id, e.g. LiquidAI/LFM2.5-Audio-1.5B")
    m.add_argument("--brain", help=f"the text model that decides and calls: {', '.join(BRAIN_NAMES)}, "
                   f"a hub id or a model directory (default: {DEFAULT_BRAIN})")
    m.add_argument("--runtime", choices=("llama", "torch"),
                   help="chat brain runtime: llama.cpp (default for the named brains) or torch")
    m.add_argument("--call-threshold", type=float, metavar="P",
                   help="chat brain: act when P(call) >= P (default: the brain's calibrated one)")
    m.add_argument("--name-threshold", type=float, metavar="P",
                   help="chat brain: run a call only when P(the tool name it wrote) >= P, else ask "
                        "the user to say it another way (default: 0.3; 0 runs every call)")
    m.add_argument("--model-dir", type=Path, help="a local checkpoint directory")
    m.add_argument("--adapter", type=Path, help="a LoRA adapter directory (peft format)")
    m.add_argument("--variant", choices=LFM2_VARIANTS,
                   help="LFM2 pipeline: e2e (the audio model decides), two-step (it transcribes, "
                        "then decides), sequential (it transcribes, --brain decides and calls, "
                        "it speaks)")
    m.add_argument("--device", help="cpu, cuda, cuda:1 ... (default: CUDA when available)")
    m.add_argument("--threads", type=int, help="CPU threads for torch")
    m.add_argument("--quantize", choices=("int8", "int4", "int4-g128"),
                   help="CPU: LFM2-Audio's linear layers as int8, or 4-bit for decoding (int4); "
                        "a torch brain (a model directory or hub id) as int8")
    m.add_argument("--asr", help="speech recogniser: whisper-base (default), whisper:<dir or hub id>")
    m.add_argument("--no-biasing", action="store_true", help="no Whisper drug-name hotwords")
    m.add_argument("--asr-min-confidence", type=float, metavar="C",
                   help="cascade: ask again instead of calling a tool when Whisper's confidence "
                        "in what it heard is below C (0-1; default: the calibrated one)")
    m.add_argument("--tts", choices=TTS_BACKENDS, default=None,
                   help="answer voice (default: native speech where the engine has it, else piper)")
    m.add_argument("--voice", help="a voice of the TTS backend")
    p.add_argument("--data-dir", type=Path, help="where tools keep their data (default: user data dir)")
    p.add_argument("--home", default=None,
                   help="your city, for weather asked without a place (the app saves it in "
                        "Settings; with none the assistant asks which place)")
    return p


def main(argv: Iterable[str] | None = None) -> int:
    args = parser().parse_args(list(argv) if argv is not None else None)
    if not args.text and args.wav is None:
        from assistant.app import run_app  # Qt only when a window is wanted

        return run_app(args)
    try:
        return run_headless(args)
    except KeyboardInterrupt:
        return 130


def engine_options(args: argparse.Namespace) -> EngineOptions:
    asr = args.asr
    if asr is None and args.wav is not None and engine_name(args) == "scripted":
        asr = "whisper-base"  # the scripted engine only reads text: give it ears
    native = args.tts in (None, "lfm2")  # the engine's own voice where it has one
    return EngineOptions(model=args.model, model_dir=args.model_dir, adapter=args.adapter, asr=asr,
                         variant=args.variant, device=args.device, threads=args.threads,
                         quantize=args.quantize, asr_biasing=not args.no_biasing,
                         asr_min_confidence=args.asr_min_confidence,
                         brain=args.brain, runtime=args.runtime,
                         call_threshold=args.call_threshold, name_threshold=args.name_threshold,
                         native_speech=native,
                         voice=args.voice if native else None)


def engine_name(args: argparse.Namespace) -> str:
    if args.engine:
        return str(args.engine)
    return DEFAULT_AUDIO_ENGINE if args.wav is not None else DEFAULT_TEXT_ENGINE


def run_headless(args: argparse.Namespace) -> int:
    from assistant.loop import Conversation, LoopOptions, UserInput
    from assistant.speech import BackendUnavailable
    from assistant.tools import default_registry
    from assistant.tools.context import ToolContext

    printer = Printer(json_lines=args.json)
    ctx = ToolContext.default(args.data_dir, notify=printer, home=args.home or "")
    try:
        engine = create_engine(engine_name(args), engine_options(args))
        tts = None
        speak = args.out is not None
        native = engine.native_audio and args.tts in (None, "lfm2")
        if speak and (args.tts or "piper") != "none" and not native:
            from assistant.engines import create_synthesizer

            tts = create_synthesizer(args.tts or "piper", args.voice)
    except (BackendUnavailable, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    inputs: list[UserInput] = [UserInput(text=t) for t in args.text or []]
    if args.wav is not None:
        from assistant.audio.io import AudioError, read_audio

        try:
            inputs.append(UserInput(audio=read_audio(args.wav)))
        except AudioError as exc:
            print(f"error: {args.wav}: {exc}", file=sys.stderr)
            return 2
    chunks: list[AudioChunk] = []
    status = "answered"
    with default_registry(ctx) as registry:
        bot = Conversation(engine, registry, tts=tts, options=LoopOptions(speak=speak),
                           now=ctx.now)
        for user in inputs:
            turn = bot.turn(user, threading.Event())
            events = list(_with_confirmation(bot, turn, args.confirm, printer))
            chunks += [e for e in events if isinstance(e, AudioChunk)]
            status = next((e.status for e in reversed(events) if isinstance(e, Done)), status)
    if args.out is not None:
        _write_answer(args.out, chunks)
    return 0 if status in ("answered", "needs-confirmation") else 1


def _with_confirmation(
    bot: Conversation, events: Iterator[Event], answer: str | None, printer: Printer
) -> Iterator[Event]:
    for event in events:
        printer(event)
        yield event
    if answer is not None and bot.pending is not None:
        for event in bot.confirm(answer):
            printer(event)
            yield event


def _write_answer(path: Path, chunks: list[AudioChunk]) -> None:
    from assistant.audio import Audio
    from assistant.audio.io import write_audio

    if not chunks:
        print(f"note: no answer audio to write to {path}", file=sys.stderr)
        return
    write_audio(path, Audio.concat([c.audio for c in chunks]))
    print(f"wrote {path}", file=sys.stderr)


class Printer:
    """Events as readable lines (or JSON lines), timed from the start of each turn."""

    def __init__(self, json_lines: bool = False) -> None:
        self.json_lines = json_lines
        self.t0: float | None = None
        self._lock = threading.Lock()  # timers fire from their own thread

    def __call__(self, event: Event) -> None:
        with self._lock:
            if isinstance(event, TurnStarted) or self.t0 is None:
                self.t0 = event.t
            if self.json_lines:
                print(json.dumps(event.to_dict(), default=str), flush=True)
                return
            line = self.describe(event)
            if line is not None:
                print(f"[{event.t - self.t0:6.2f}s] {event.kind:<12} {line}", flush=True)

    @staticmethod
    def describe(event: Event) -> str | None:
        match event:
            case TextDelta() | Reply() | CallsProposed():
                return None  # the answer / tool-call lines carry the content
            case CallMalformed(errors=errors, raw=raw):
                return f"{'; '.join(f'{e.code}: {e.detail}' for e in errors)}  raw={raw[:200]!r}"
            case TurnStarted(turn=n, modality=m):
                return f"turn {n} ({m})"
            case CallDecision(p_call=p, threshold=threshold):
                return f"P(call) {p:.2f} {'>=' if p >= threshold else '<'} {threshold:g}"
            case ClauseCalls(clauses=parts, p_calls=ps, names=names, used=used):
                read = "; ".join(f"{part!r} P(call) {p:.2f}" for part, p in zip(parts, ps, strict=True))
                return f"{read} -> " + (", ".join(names) if used else "read as one request")
            case CallsListed(calls=calls, asked=asked, failed=failed, split=split, said=said):
                how = [f"asked again for {', '.join(map(repr, asked))}"] if asked else []
                how += [f"taken as said from {', '.join(map(repr, said))}"] if said else []
                how += [f"{render_pythonic(list(split))} as one call per item"] if split else []
                return (f"a list: {'; '.join(how)} -> {render_pythonic(list(calls))}"
                        + (f" ({failed})" if failed else ""))
            case NameDecision(name=name, p_name=p, threshold=threshold):
                return (f"P({name}) {p:.2f} >= {threshold:g}" if p >= threshold else
                        f"P({name}) {p:.2f} < {threshold:g}: not run, asked to say it again")
            case Heard(text=text, confidence=c):
                return repr(text) + (f"  (confidence {c:.2f})" if c is not None else "")
            case CallWithheld(calls=calls, confidence=c, min_confidence=gate):
                return (f"{render_pythonic(list(calls)) if calls else 'a malformed call'} not "
                        f"run: heard with confidence {c:.2f} < {gate:g}")
            case CallAsked(call=call, written=written):
                return (f"{render_pythonic([call])[1:-1]}: the request asks it plainly"
                        + (f", not {written}" if written else ""))
            case CallsHeldBack(calls=calls, why=why):
                return f"{render_pythonic(list(calls))} not run: {why}"
            case CallsGrounded(dropped=dropped, corrected=corrected):
                return "; ".join([*([f"not said, dropped: {', '.join(dropped)}"] if dropped else []),
                                  *(f"as said: {c}" for c in corrected)])
            case ToolStarted(call=call, side_effect=side):
                return f"{render_pythonic([call])[1:-1]}  [{side}]"
            case ToolFinished(ok=True, data=data, seconds=s):
                return f"ok ({s * 1000:.0f} ms) {json.dumps(data, default=str)[:300]}"
            case ToolFinished(error_code=code, message=msg, seconds=s):
                return f"{code} ({s * 1000:.0f} ms) {msg}"
            case ConfirmationRequested(prompt=prompt, options=opts):
                return prompt + (f"  options: {', '.join(opts)}" if opts else "")
            case Answer(text=text):
                return text
            case Speaking(source=src):
                return src
            case AudioChunk(audio=a):
                return f"{a.duration_s:.2f} s at {a.sample_rate} Hz"
            case Failed(stage=stage, code=code, message=msg):
                return f"{stage}/{code}: {msg}"
            case Notification(title=title, message=msg):
                return f"{title}: {msg}"
            case Done(status=status):
                return status
        return json.dumps(event.to_dict(), default=str)
