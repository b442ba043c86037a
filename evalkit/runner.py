"""Run a variant over items through the real turn loop, one result record per item (or clip).

The runner drives `assistant.loop.Conversation` exactly as the app does and records its event
stream; every latency is a difference of two event timestamps. A simulated user answers
confirmations (yes to a destructive call the item asked for, the gold drug among candidates,
no otherwise). Tools run against a fresh data directory with the network replaced by a canned
Open-Meteo answer, so results do not depend on the weather or on being online; and on a clock
that starts at the checker's reference time, so they do not depend on the day of the run either
("on the fifth" is today when run on 5 December).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import re
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from assistant.audio import Audio
from assistant.engine import Engine
from assistant.events import (
    Answer,
    AudioChunk,
    CallAsked,
    CallMalformed,
    CallsGrounded,
    CallsHeldBack,
    CallsListed,
    CallsProposed,
    CallWithheld,
    Done,
    Event,
    Failed,
    Heard,
    Speaking,
    ToolFinished,
    ToolStarted,
    TurnStarted,
)
from assistant.speech import BackendUnavailable
from evalkit.checker import check
from evalkit.items import Item
from evalkit.manifest import AudioRow
from evalkit.values import REFERENCE_NOW, norm_drug
from evalkit.variants import Variant


@dataclass(frozen=True)
class Unit:
    """One thing to run: an item, and its audio clip for audio variants."""

    item: Item
    clip: AudioRow | None = None

    @property
    def id(self) -> str:
        return self.item.id if self.clip is None else f"{self.item.id}@{self.clip.key}"


@dataclass(frozen=True)
class RunStatus:
    variant: str
    status: str  # "run" | "not run"
    reason: str = ""
    units: int = 0
    wall_s: float = 0.0
    items_per_min: float | None = None
    caveat: str = ""


# --- offline tools ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunClock:
    """The clock a run's tools and the loop's rules read: the checker's reference time when the
    run began, going on from there (timers still run out). The checker reads a request's times
    at that moment, so the tools must too."""

    start: float = dataclasses.field(default_factory=time.monotonic)

    def __call__(self) -> datetime:
        return REFERENCE_NOW + timedelta(seconds=time.monotonic() - self.start)


def offline_http_get(url: str, params: dict[str, Any],
                     now: Callable[[], datetime] | None = None) -> Any:
    """A canned Open-Meteo: any place exists (UTC), every day from `now` (a new `RunClock`) on is
    18/9 degrees and cloudy."""
    if "geocoding" in url:
        name = str(params.get("name", "Somewhere")).title()
        return {"results": [{"name": name, "country": "", "latitude": 48.85, "longitude": 2.35,
                             "timezone": "UTC"}]}
    days = int(params.get("forecast_days", 1))
    moment = (now or RunClock())().astimezone(UTC)
    today = moment.date()
    dates = [(today + timedelta(days=i)).isoformat() for i in range(days)]
    return {
        "daily": {"time": dates, "temperature_2m_max": [18.0] * days,
                  "temperature_2m_min": [9.0] * days, "weather_code": [3] * days,
                  "precipitation_probability_max": [20] * days, "precipitation_sum": [0.0] * days},
        "current": {"temperature_2m": 14.0, "apparent_temperature": 13.0,
                    "relative_humidity_2m": 60, "wind_speed_10m": 10.0, "weather_code": 3,
                    "time": moment.strftime("%Y-%m-%dT%H:%M")},
    }


def build_registry(data_dir: Path, now: Callable[[], datetime] | None = None) -> Any:
    """The app's registry on a fresh data directory and `now` (a new `RunClock` by default):
    tool modules that are missing are left out and their calls fail validation as unknown
    tools."""
    import importlib

    from assistant.tools.context import ToolContext
    from assistant.tools.registry import Registry
    from assistant.tools.store import Store

    clock = now or RunClock()
    ctx = ToolContext(store=Store(data_dir / "assistant.sqlite3"), now=clock,
                      http_get=functools.partial(offline_http_get, now=clock), data_dir=data_dir)
    try:
        from assistant.tools import default_registry

        return default_registry(ctx)
    except ImportError:
        registry = Registry()
        for family in ("weather", "timers", "notes", "units", "medication", "clock"):
            try:
                mod = importlib.import_module(f"assistant.tools.{family}")
            except ImportError:
                continue
            for tool in mod.tools(ctx):
                registry.add(tool)
        return registry


# --- one item ------------------------------------------------------------------------------------


def simulated_answer(pending: Any, item: Item) -> str:
    wanted = {e.name for e in item.expected}
    if pending.options:
        gold = {norm_drug(v) for e in item.expected for v in e.args.get("drug", ())}
        for option in pending.options:
            if norm_drug(option) in gold or norm_drug(option.split(" (")[0]) in gold:
                return str(option)
        return "no"
    return "yes" if pending.call.name in wanted else "no"


def _turn_events(assistant: Any, unit: Unit, audio: Audio | None) -> list[Event]:
    from assistant.loop import UserInput

    assistant.reset()
    user = UserInput(audio=audio) if audio is not None else UserInput(text=unit.item.text)
    events = list(assistant.turn(user, threading.Event()))
    for _ in range(3):  # a candidate pick can lead to one more question
        if assistant.pending is None:
            break
        events.extend(assistant.confirm(simulated_answer(assistant.pending, unit.item)))
    return events


def _wer_counts(ref: str, hyp: str) -> dict[str, int]:
    import jiwer

    from assistant.speech.normalize import normalize

    r, h = normalize(ref), normalize(hyp)
    if not r:
        return {}
    w = jiwer.process_words(r, h)
    c = jiwer.process_characters(r, h)
    return {"errors": w.substitutions + w.deletions + w.insertions, "words": len(r.split()),
            "cerrors": c.substitutions + c.deletions + c.insertions, "chars": len(r)}


def _term_heard(term: str, transcript: str) -> bool:
    from assistant.speech.normalize import normalize

    return re.search(rf"\b{re.escape(normalize(term))}\b", normalize(transcript)) is not None


@dataclass(frozen=True)
class ItemResult:
    """One unit's result: what was asked, what the model did, the checker's verdict, the
    latencies and the event log. Written as one JSON line (`to_dict`) of `<variant>.jsonl`;
    the report, the metrics and finetune read those lines back as dicts."""

    unit_id: str
    item_id: str
    text: str
    category: str
    tool: str | None
    split: str
    terms: list[str]
    expected: list[dict[str, Any]]
    voice: str | None
    snr: Any
    audio_path: str | None
    audio_s: float | None
    calls: list[dict[str, Any]]
    malformed: bool
    should_call: bool
    called: bool
    passed: bool
    name_ok: bool
    args_ok: bool
    reason: str
    problem: str  # evalkit.checker.Problem
    arg_tp: int
    arg_fp: int
    arg_fn: int
    wrong_args: list[str]
    calls_total: int
    calls_valid: int
    task_success: bool
    heard: str | None
    answer: str | None
    failed: list[str]
    batched: bool
    latency_call_s: float | None
    latency_audio_s: float | None
    turn_s: float | None
    events: list[dict[str, Any]]
    # Only when something was heard (ASR variants): word / character errors, domain terms.
    wer_errors: int | None = None
    wer_words: int | None = None
    cer_errors: int | None = None
    cer_chars: int | None = None
    terms_total: int | None = None
    terms_heard: int | None = None
    answer_audio: str | None = None  # the spoken answer's file, for speaking variants
    # A call the cascade withheld (ASR confidence below its gate): the ASR's confidence, the
    # calls, and whether they would have passed; lets the report replay other gates.
    heard_confidence: float | None = None
    withheld_calls: list[dict[str, Any]] | None = None
    withheld_passed: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        return {k: v for k, v in out.items() if v is not None or k not in _ABSENT_WHEN_NONE}


_ABSENT_WHEN_NONE = frozenset({"wer_errors", "wer_words", "cer_errors", "cer_chars",
                               "terms_total", "terms_heard", "answer_audio", "heard_confidence",
                               "withheld_calls", "withheld_passed"})


def record(unit: Unit, events: Sequence[Event], registry: Any, *, batched: bool = False
           ) -> ItemResult:
    """The result record of one unit: decisions, checker verdict, latencies, event log.

    A turn run in a batch waited for the batch's other rows, so its latencies are not a
    user's: they are left out (None) and the record says `batched`."""
    item = unit.item
    t0 = next((e.t for e in events if isinstance(e, TurnStarted)), events[0].t if events else 0.0)
    proposed = next((e for e in events if isinstance(e, CallsProposed)), None)
    # The call a plain question asks, made by the loop in place of the brain's.
    asked = next((e for e in events if isinstance(e, CallAsked)), None)
    malformed = [e for e in events if isinstance(e, CallMalformed)]
    grounded = next((e for e in events if isinstance(e, CallsGrounded)), None)
    held = next((e for e in events if isinstance(e, CallsHeldBack)), None)
    # A list said ("notes 3 and 7"): the calls are complete when the engine was asked for each
    # item, and that is when the user's call latency ends.
    listed = next((e for e in events if isinstance(e, CallsListed)), None)
    # Scored as they run: the user gets the call without the arguments they never said, and
    # none of those held back.
    # A call asked in place of one the brain wrote takes that one's place, beside the others
    # ("note: parked on level 3, bay 42. also set a 2 hour timer": the note for delete_note).
    written = tuple(c for c in (proposed.calls if proposed else ())
                    if asked is None or c.name != asked.written)
    calls = grounded.calls if grounded else listed.calls if listed else \
        (*written, asked.call) if asked else written
    calls = tuple(c for c in calls if not held or c not in held.calls)
    verdict = check(item.expected, calls, malformed=bool(malformed))
    valid = sum(1 for c in calls if registry.validate(c) is None)
    finished = [e for e in events if isinstance(e, ToolFinished)]
    ran = [e for e in events if isinstance(e, ToolStarted)]
    if item.expected:
        ok_names = {e.call.name for e in finished if e.ok}
        success = verdict.passed and all(x.name in ok_names for x in item.expected)
    else:
        success = verdict.passed and not ran
    first_audio = next((e.t for e in events if isinstance(e, (Speaking, AudioChunk))), None)
    done = next((e.t for e in events if isinstance(e, Done)), None)
    heard_event = next((e for e in events if isinstance(e, Heard)), None)
    heard = heard_event.text if heard_event else None
    withheld = next((e for e in events if isinstance(e, CallWithheld)), None)
    answers = [e.text for e in events if isinstance(e, Answer)]
    extra: dict[str, Any] = {}
    if heard is not None:
        counts = _wer_counts(item.text, heard)
        if counts:
            extra.update(wer_errors=counts["errors"], wer_words=counts["words"],
                         cer_errors=counts["cerrors"], cer_chars=counts["chars"])
        extra["terms_total"] = len(item.terms)
        extra["terms_heard"] = sum(_term_heard(t, heard) for t in item.terms)
        extra["heard_confidence"] = heard_event.confidence if heard_event else None
    if withheld is not None:
        extra["withheld_calls"] = [c.to_dict() for c in withheld.calls]
        extra["withheld_passed"] = check(item.expected, withheld.calls,
                                         malformed=not withheld.calls).passed
    return ItemResult(
        unit_id=unit.id, item_id=item.id, text=item.text, category=item.category,
        tool=item.tool, split=item.split, terms=list(item.terms),
        expected=[e.to_dict() for e in item.expected],
        voice=unit.clip.voice if unit.clip else None,
        snr=unit.clip.augment if unit.clip else None,
        audio_path=unit.clip.path if unit.clip else None,
        audio_s=unit.clip.seconds if unit.clip else None,
        calls=[c.to_dict() for c in calls], malformed=bool(malformed) and not calls,
        should_call=verdict.should_call, called=verdict.called, passed=verdict.passed,
        name_ok=verdict.name_ok, args_ok=verdict.args_ok, reason=verdict.reason,
        problem=str(verdict.problem),
        arg_tp=verdict.args.tp, arg_fp=verdict.args.fp, arg_fn=verdict.args.fn,
        wrong_args=list(verdict.wrong_args),
        calls_total=len(calls) + len(malformed), calls_valid=valid,
        task_success=success, heard=heard, answer=answers[-1] if answers else None,
        failed=[e.code for e in events if isinstance(e, Failed)],
        batched=batched,
        latency_call_s=(called.t - t0) if (called := listed or asked or proposed) and not batched
        else None,
        latency_audio_s=(first_audio - t0) if first_audio is not None and not batched else None,
        turn_s=(done - t0) if done is not None and not batched else None,
        events=[{**e.to_dict(), "t": round(e.t - t0, 4)} for e in events],
        **extra,
    )


def answer_audio(events: Sequence[Event]) -> Audio | None:
    chunks = [e.audio for e in events if isinstance(e, AudioChunk)]
    if not chunks:
        return None
    rate = chunks[0].sample_rate
    return Audio.concat([c for c in chunks if c.sample_rate == rate])


# --- one variant ---------------------------------------------------------------------------------


def _progress(total: int, name: str, show: bool) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:
        return contextlib.nullcontext(SimpleNamespace(update=lambda n=1: None))
    return tqdm(total=total, desc=name, unit="item", disable=not show)


@dataclass
class _Turns:
    """Runs units through one `Conversation` (with its own tools), a result record per unit."""

    variant: Variant
    engine: Engine
    tts: Any
    data_dir: Path
    out_dir: Path
    batched: bool = False

    def __post_init__(self) -> None:
        from assistant.loop import Conversation, LoopOptions

        # The tools' files (notes, doses, reminders) live only as long as this assistant.
        self._tools_dir = tempfile.TemporaryDirectory(prefix=f"evalkit-{self.variant.name}-")
        clock = RunClock()  # the tools' and the rules' clock: the checker's
        self.registry = build_registry(Path(self._tools_dir.name), clock)
        self.assistant = Conversation(self.engine, self.registry, tts=self.tts,
                                      options=LoopOptions(speak=self.variant.speak), now=clock)

    def run(self, unit: Unit) -> dict[str, Any]:
        from assistant.audio.io import read_audio, write_audio

        audio = read_audio(self.data_dir / unit.clip.path) if unit.clip else None
        events = _turn_events(self.assistant, unit, audio)
        rec = record(unit, events, self.registry, batched=self.batched)
        spoken = answer_audio(events) if self.variant.speak else None
        if spoken is not None:
            name = f"{re.sub(r'[^A-Za-z0-9_.-]', '_', unit.id)}.wav"
            path = self.out_dir / "answers" / self.variant.name / name
            write_audio(path, spoken)
            rec = replace(rec, answer_audio=str(path.relative_to(self.out_dir)))
        return rec.to_dict()

    def close(self) -> None:
        close = getattr(self.registry, "close", None)
        if callable(close):
            close()  # stops the tools' alarm scheduler thread
        self._tools_dir.cleanup()


def _run_batched(turns_for: Callable[[Engine], _Turns], engine: Engine, units: Sequence[Unit],
                 batch_size: int, log: _RecordLog) -> list[int]:
    """`units` through `batch_size` worker threads, each a whole assistant with its own tools,
    sharing one `BatchedEngine`: every model call joins a batch. Unit k goes to worker
    k mod workers, so a rerun gives each worker the same turns in the same order. Returns
    the batch sizes; each record goes to `log` as its turn ends."""
    from assistant.batching import BatchedEngine

    batched = BatchedEngine(engine, batch_size)
    workers = min(batch_size, len(units))
    errors: list[BaseException] = []
    ready = threading.Barrier(workers)
    stop = threading.Event()  # Ctrl-C in the main thread: workers end after their turn

    def work(w: int) -> None:
        turns = None
        try:
            turns = turns_for(batched)
            with batched.client():
                ready.wait()  # every worker registered: the first batch is a full one
                for k in range(w, len(units), workers):
                    if stop.is_set():
                        break
                    log.add(turns.run(units[k]))
        except BaseException as exc:  # surfaced in the calling thread below
            errors.append(exc)
            ready.abort()  # nobody waits for a worker that is gone
        finally:
            if turns is not None:
                turns.close()

    threads = [threading.Thread(target=work, args=(w,), name=f"evalkit-worker-{w}")
               for w in range(workers)]
    for t in threads:
        t.start()
    try:
        for t in threads:
            t.join()
    finally:
        stop.set()
        for t in threads:
            t.join()
    batched.close()
    if errors:
        raise errors[0]
    return list(batched.batcher.sizes)


class _RecordLog:
    """`<variant>.jsonl` written a record at a time as turns end, so a run that is killed
    keeps what it did and `resume` goes on from there; `close` rewrites it in unit order."""

    def __init__(self, path: Path, order: Sequence[str], bar: Any, *, resume: bool) -> None:
        self.path, self.order, self.bar = path, list(order), bar
        self.records = self._finished(path, set(order)) if resume else {}
        self._lock = threading.Lock()
        if self.records:
            self._rewrite()  # drops a cut line and other units' records, atomically
        self._file = path.open("a" if self.records else "w", encoding="utf-8")
        bar.update(len(self.records))

    @staticmethod
    def _finished(path: Path, wanted: set[str]) -> dict[str, dict[str, Any]]:
        """The records of an earlier run of this variant that belong to this one's units.
        A line cut short by a kill does not parse and its unit runs again."""
        out: dict[str, dict[str, Any]] = {}
        if not path.is_file():
            return out
        for line in path.read_text("utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and rec.get("unit_id") in wanted:
                out[rec["unit_id"]] = rec
        return out

    def done(self, unit: Unit) -> bool:
        return unit.id in self.records

    def _write(self, rec: dict[str, Any]) -> None:
        self._file.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
        self._file.flush()

    def add(self, rec: dict[str, Any]) -> None:
        with self._lock:  # batched workers finish turns concurrently
            self.records[rec["unit_id"]] = rec
            self._write(rec)
            self.bar.update(1)

    def close(self) -> None:
        self._file.close()
        self._rewrite()

    def _rewrite(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(self.records[k], ensure_ascii=False, default=str)
                               + "\n" for k in self.order if k in self.records), "utf-8")
        tmp.replace(self.path)


def run_variant(variant: Variant, units: Sequence[Unit], out_dir: Path, *, data_dir: Path,
                progress: bool = True, batch_size: int = 1, latency_units: int = 8,
                engine_factory: Callable[[Variant], Engine] | None = None,
                resume: bool = False) -> RunStatus:
    """Run `units` through `variant`; write `<out_dir>/<variant>.jsonl` and `.meta.json`.

    With `batch_size` > 1 and an engine that can batch (`respond_batch`), the first
    `latency_units` turns run one at a time (their latencies are the report's) and the rest
    run in batches (accuracy, throughput). With `resume`, the records an earlier (killed)
    run of this variant left in `out_dir` are kept and only the other units run."""
    from assistant.batching import BatchCapable

    out_dir.mkdir(parents=True, exist_ok=True)
    meta_path = out_dir / f"{variant.name}.meta.json"

    def finish(status: RunStatus, extra: dict[str, Any] | None = None) -> RunStatus:
        meta = {**status.__dict__, "description": variant.description, "engine": variant.engine,
                "pipeline": variant.pipeline,
                "modality": variant.modality, "answer_tts": variant.answer_tts,
                "options": {k: str(v) if v is not None else None
                            for k, v in variant.options.__dict__.items()}, **(extra or {})}
        meta_path.write_text(json.dumps(meta, indent=2), "utf-8")
        return status

    why = variant.unavailable()
    if why is None and variant.modality == "audio" and not any(u.clip for u in units):
        why = "no audio clips: run `python -m evalkit synth` (no TTS backend could speak)"
    if why is not None:
        return finish(RunStatus(variant.name, "not run", why, caveat=variant.caveat))
    try:
        if variant.engine == "lfm2" and variant.caveat:
            from evalkit.variants import ensure_tiny_checkpoint

            ensure_tiny_checkpoint()
        engine = (engine_factory or Variant.build_engine)(variant)
        tts = None
        if variant.answer_tts:
            from evalkit.backends import synthesizer

            tts = synthesizer(variant.answer_tts)
    except (BackendUnavailable, ImportError, FileNotFoundError, OSError, ValueError) as exc:
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return finish(RunStatus(variant.name, "not run", reason, caveat=variant.caveat))
    from evalkit.heard import share_hearing

    shared = share_hearing(engine, out_dir) if variant.modality == "audio" else None
    todo = [u for u in units if (u.clip is not None) == (variant.modality == "audio")]
    if variant.max_units and len(todo) > variant.max_units:
        step = len(todo) / variant.max_units
        todo = [todo[int(i * step)] for i in range(variant.max_units)]
    batching = batch_size > 1 and isinstance(engine, BatchCapable)

    def turns_for(e: Engine, batched: bool = True) -> _Turns:
        return _Turns(variant, e, tts, data_dir, out_dir, batched)

    speed: dict[str, Any] = {}
    start = time.monotonic()
    with _progress(len(todo), variant.name, progress) as bar:
        log = _RecordLog(out_dir / f"{variant.name}.jsonl", [u.id for u in todo], bar,
                         resume=resume)
        kept = len(log.records)
        one_by_one = [u for u in (todo[:latency_units] if batching else todo) if not log.done(u)]
        alone = {u.id for u in one_by_one}
        rest = [u for u in todo if not log.done(u) and u.id not in alone]
        try:
            turns = turns_for(engine, batched=False)
            try:
                for unit in one_by_one:
                    log.add(turns.run(unit))
            finally:
                turns.close()
            speed["one_at_a_time"] = _rate(len(one_by_one), time.monotonic() - start)
            if rest:
                if shared is not None:
                    shared.reuse = True  # batched turns are untimed: see evalkit.heard
                t0 = time.monotonic()
                sizes = _run_batched(turns_for, engine, rest, batch_size, log)
                speed["batched"] = {**_rate(len(rest), time.monotonic() - t0),
                                    "batch_size": batch_size, "batches": len(sizes),
                                    "mean_batch": round(sum(sizes) / len(sizes), 2)
                                    if sizes else None}
        finally:
            log.close()
    wall = time.monotonic() - start
    ran = len(todo) - kept
    ipm = ran / (wall / 60) if wall > 0 and ran else None
    models = {"engine": getattr(engine, "name", variant.engine),
              "answer_tts": getattr(tts, "name", None)}
    # After a resume, wall time and items/min are this part's alone.
    return finish(RunStatus(variant.name, "run", "", len(todo), round(wall, 2),
                            round(ipm, 1) if ipm else None, variant.caveat),
                  {"models": models, "speed": speed, "resumed_records": kept,
                   "heard_reused": shared.reused if shared is not None else None})


def _rate(n: int, seconds: float) -> dict[str, Any]:
    return {"units": n, "seconds": round(seconds, 2),
            "items_per_min": round(n / (seconds / 60), 1) if n and seconds > 0 else None}


def score_answers(out_dir: Path, variant: str, transcribe: Callable[[Audio], str]) -> int:
    """ASR on each saved answer clip (batched per file pass) -> answer WER fields, in place."""
    from assistant.audio.io import read_audio, resample

    path = out_dir / f"{variant}.jsonl"
    if not path.is_file():
        return 0
    recs = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    n = 0
    for rec in recs:
        if rec.get("answer_audio") and rec.get("answer"):
            heard = transcribe(resample(read_audio(out_dir / rec["answer_audio"]), 16_000))
            counts = _wer_counts(rec["answer"], heard)
            if counts:
                rec.update(answer_heard=heard, answer_wer_errors=counts["errors"],
                           answer_wer_words=counts["words"])
                n += 1
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    tmp.replace(path)
    return n
