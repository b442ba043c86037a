"""A small end-to-end run with the scripted engine through the real loop and tools, then the
report from the result files alone; plus synthesis and augmentation on a fake TTS."""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from assistant.audio import Audio
from evalkit import augment
from evalkit.cli import main
from evalkit.items import Item, generate_items, split_items
from evalkit.runner import Unit, run_variant
from evalkit.split import check_leakage
from evalkit.synth import synthesize_items
from evalkit.variants import resolve


class FakeTTS:
    """A deterministic tone per text, to test the synthesis plumbing without a TTS."""

    def __init__(self, backend: str, voice: str) -> None:
        self.name = f"{backend}:{voice}"

    def synthesize(self, text: str) -> Audio:
        t = np.arange(int(0.05 * len(text) * 16000)) / 16000
        return Audio((0.3 * np.sin(2 * np.pi * (200 + len(text)) * t)).astype(np.float32), 16000)


@pytest.fixture(scope="module")
def all_items() -> list[Item]:
    return generate_items(0)


def test_scripted_run_and_report(tmp_path: Path, all_items: list[Item]) -> None:
    test = split_items(all_items, "test")
    chosen = [it for it in test if it.tool in ("set_timer", "get_weather", "delete_note")][:6]
    chosen += [it for it in test if it.is_negative][:4]
    status = run_variant(resolve("scripted-text"), [Unit(it) for it in chosen], tmp_path,
                         data_dir=tmp_path, progress=False)
    assert status.status == "run" and status.units == len(chosen)
    recs = [json.loads(x) for x in (tmp_path / "scripted-text.jsonl").read_text().splitlines()]
    assert len(recs) == len(chosen)
    for r in recs:
        assert r["events"][0]["kind"] == "turn-started" and r["events"][-1]["kind"] == "done"
        if r["called"]:
            assert r["latency_call_s"] is not None and r["latency_call_s"] >= 0
    assert all(r["passed"] for r in recs if not r["should_call"])  # rules never fire on these
    # A variant that cannot run is recorded as such, with its reason.
    blocked = run_variant(resolve("lfm2-e2e"), [Unit(it) for it in chosen], tmp_path,
                          data_dir=tmp_path, progress=False)
    assert blocked.status == "not run" and "weights" in blocked.reason
    sequential = run_variant(resolve("lfm2-sequential"), [Unit(it) for it in chosen], tmp_path,
                             data_dir=tmp_path, progress=False)
    assert sequential.status == "not run" and "weights" in sequential.reason
    assert "weights" in resolve("gemma3n-e2e").blocked
    (tmp_path / "run.json").write_text(json.dumps({
        "name": "t", "seed": 0, "variants": ["scripted-text", "lfm2-e2e", "lfm2-sequential"]}))
    assert main(["--quiet", "--n-boot", "50", "report", str(tmp_path)]) == 0
    md = (tmp_path / "report.md").read_text()
    # end to end, sequential and the rest side by side in one table
    assert "| scripted-text | rules | run |" in md
    assert "| lfm2-e2e | end to end | not run |" in md
    assert "| lfm2-sequential | sequential | not run |" in md
    html = (tmp_path / "report.html").read_text()
    assert "data:image/png;base64," in html and "<table>" in html
    numbers = json.loads((tmp_path / "metrics.json").read_text())
    assert 0 <= numbers["metrics"]["scripted-text"]["item_accuracy"]["value"] <= 1


def test_synthesis_cache_manifest_and_voice_split(tmp_path: Path, all_items: list[Item]) -> None:
    items = all_items
    chosen = split_items(items, "test")[:12] + split_items(items, "train")[:12]
    result = synthesize_items(chosen, tmp_path, factory=FakeTTS, progress=False)
    assert len(result.rows) == len(chosen) and not result.skipped
    voices = {r.item_id: [r.voice] for r in result.rows}
    assert check_leakage(chosen, voices) == []
    again = synthesize_items(chosen, tmp_path, factory=FakeTTS, progress=False)
    assert [r.key for r in again.rows] == [r.key for r in result.rows]  # cache hit, same keys
    assert all((tmp_path / r.path).is_file() for r in result.rows)


def test_unavailable_backend_is_skipped_not_faked(tmp_path: Path,
                                                  all_items: list[Item]) -> None:
    from assistant.speech import BackendUnavailable

    def factory(backend: str, voice: str) -> FakeTTS:
        if backend == "piper":
            raise BackendUnavailable("piper: no weights")
        return FakeTTS(backend, voice)

    chosen = split_items(all_items, "test")[:10]
    result = synthesize_items(chosen, tmp_path, factory=factory, progress=False)
    assert result.skipped == {"piper": "piper: no weights"}
    assert all(r.voice.startswith("espeak:") for r in result.rows)


def test_augmentations_hit_their_snr() -> None:
    rng = np.random.default_rng(0)
    clean = Audio((0.1 * rng.standard_normal(16000)).astype(np.float32), 16000)
    for snr in (20.0, 5.0):
        noise = rng.standard_normal(16000).astype(np.float32)
        mixed = augment.add_noise(clean, snr, noise)
        resid = mixed.samples - clean.samples
        got = 20 * np.log10(np.sqrt(np.mean(clean.samples**2)) / np.sqrt(np.mean(resid**2)))
        assert got == pytest.approx(snr, abs=0.1)
    fast = augment.change_speed(clean, 1.25)
    assert fast.duration_s == pytest.approx(0.8, abs=0.01)
    rev = augment.reverb(clean, 0.4, rng)
    assert rev.samples.shape == clean.samples.shape and np.isfinite(rev.samples).all()
    bab = augment.apply(clean, augment.Augmentation(noise="babble", snr_db=10), seed=1,
                        babble_sources=[clean, fast])
    assert bab.samples.shape == clean.samples.shape
    with pytest.raises(ValueError):
        augment.Augmentation(noise="brown", snr_db=3)


class BatchingScripted:
    """The scripted engine with a `respond_batch` (each row as `respond` would answer it)."""

    def __init__(self) -> None:
        from assistant.engines.scripted import ScriptedEngine

        self.inner = ScriptedEngine()
        self.name, self.native_audio = "scripted+batch", False
        self.rows = 0

    def respond(self, request, cancel):  # type: ignore[no-untyped-def]
        return self.inner.respond(request, cancel)

    def respond_batch(self, requests):  # type: ignore[no-untyped-def]
        import threading

        self.rows += len(requests)
        return [list(self.inner.respond(r, threading.Event())) for r in requests]

    def transcribe(self, audio):  # type: ignore[no-untyped-def]
        return self.inner.transcribe(audio)


def test_batched_run_gives_the_same_verdicts_and_keeps_latency_only_for_lone_turns(
        tmp_path: Path, all_items: list[Item], monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"  # where each worker's tools keep their files
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    test = split_items(all_items, "test")
    chosen = [it for it in test if it.tool in ("set_timer", "delete_note", "log_dose",
                                               "convert_units")][:14] + \
        [it for it in test if it.is_negative][:6]
    units = [Unit(it) for it in chosen]
    alone = run_variant(resolve("scripted-text"), units, tmp_path / "alone", data_dir=tmp_path,
                        progress=False, batch_size=1)
    engine = BatchingScripted()
    batched = run_variant(resolve("scripted-text"), units, tmp_path / "batched",
                          data_dir=tmp_path, progress=False, batch_size=4, latency_units=3,
                          engine_factory=lambda v: engine)
    assert alone.units == batched.units == len(chosen)
    assert engine.rows >= len(chosen) - 3  # the turns after the first 3 went through batches

    def load(d: str) -> list[dict[str, object]]:
        return [json.loads(x) for x in (tmp_path / d / "scripted-text.jsonl").read_text()
                .splitlines()]

    a, b = load("alone"), load("batched")
    assert [r["unit_id"] for r in b] == [r["unit_id"] for r in a]  # written in unit order
    for key in ("passed", "called", "calls", "task_success", "answer", "reason"):
        assert [r[key] for r in b] == [r[key] for r in a], key
    assert [r["batched"] for r in b] == [False] * 3 + [True] * (len(chosen) - 3)
    assert all(r["turn_s"] is None and r["latency_call_s"] is None for r in b[3:])
    assert all(r["turn_s"] is not None for r in b[:3])
    meta = json.loads((tmp_path / "batched" / "scripted-text.meta.json").read_text())
    assert meta["speed"]["one_at_a_time"]["units"] == 3
    assert meta["speed"]["batched"]["units"] == len(chosen) - 3
    assert meta["speed"]["batched"]["mean_batch"] > 1
    assert list(scratch.iterdir()) == []  # every worker's tool files were removed


class DiesAfter(BatchingScripted):
    """The batching scripted engine, killed (as by Ctrl-C) at its `calls`-th model call."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.left = calls

    def respond(self, request, cancel):  # type: ignore[no-untyped-def]
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt
        return super().respond(request, cancel)


def test_a_killed_run_keeps_its_records_and_resume_runs_only_the_rest(
        tmp_path: Path, all_items: list[Item]) -> None:
    test = split_items(all_items, "test")
    chosen = [it for it in test if it.tool in ("set_timer", "add_note")][:8] + \
        [it for it in test if it.is_negative][:4]
    units = [Unit(it) for it in chosen]
    clean = run_variant(resolve("scripted-text"), units, tmp_path / "clean", data_dir=tmp_path,
                        progress=False)
    path = tmp_path / "run" / "scripted-text.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_variant(resolve("scripted-text"), units, tmp_path / "run", data_dir=tmp_path,
                    progress=False, engine_factory=lambda v: DiesAfter(5))
    kept = [json.loads(x) for x in path.read_text().splitlines()]
    assert 0 < len(kept) < len(units)  # the finished turns were written as they ended
    with path.open("a") as f:
        f.write('{"unit_id": "cut sh')  # a line a kill left half written
    engine = BatchingScripted()
    resumed = run_variant(resolve("scripted-text"), units, tmp_path / "run", data_dir=tmp_path,
                          progress=False, batch_size=4, latency_units=0, resume=True,
                          engine_factory=lambda v: engine)
    assert resumed.units == clean.units == len(units)
    meta = json.loads((tmp_path / "run" / "scripted-text.meta.json").read_text())
    assert meta["resumed_records"] == len(kept)

    def load(d: str) -> list[dict[str, object]]:
        return [json.loads(x) for x in (tmp_path / d / "scripted-text.jsonl").read_text()
                .splitlines()]

    a, b = load("clean"), load("run")
    assert [r["unit_id"] for r in b] == [r["unit_id"] for r in a]  # unit order, no cut line
    for key in ("passed", "called", "calls", "reason"):
        assert [r[key] for r in b] == [r[key] for r in a], key
    assert b[:len(kept)] == kept  # kept as they were, not run again ...
    assert [r["batched"] for r in b] == [False] * len(kept) + [True] * (len(units) - len(kept))
    assert engine.rows >= len(units) - len(kept)  # ... and the others ran, in batches
    # Without --resume a rerun starts afresh.
    fresh = BatchingScripted()
    run_variant(resolve("scripted-text"), units, tmp_path / "run", data_dir=tmp_path,
                progress=False, engine_factory=lambda v: fresh)
    assert len(load("run")) == len(units)


def test_a_withheld_call_is_recorded_with_its_verdict(tmp_path: Path,
                                                      all_items: list[Item]) -> None:
    from assistant.events import CallWithheld, Done, Heard, Reply, TurnStarted, TurnStatus
    from assistant.toolcall import ToolCall
    from evalkit.runner import build_registry, record

    item = next(it for it in split_items(all_items, "test")
                if it.tool == "set_timer" and set(it.expected[0].args) == {"minutes"})
    right = ToolCall("set_timer", {"minutes": item.expected[0].args["minutes"][0]})
    registry = build_registry(tmp_path)

    def turn(calls: tuple[ToolCall, ...]) -> dict[str, object]:
        events = [TurnStarted(turn=1, modality="audio"), Heard(text="set a timer", confidence=0.3),
                  CallWithheld(calls=calls, raw="", confidence=0.3, min_confidence=0.5),
                  Reply(text="Say it again?"), Done(turn=1, status=TurnStatus.ANSWERED)]
        return record(Unit(item), events, registry).to_dict()

    try:
        r = turn((right,))
        assert not r["called"] and not r["passed"]  # nothing ran: a miss in the headline
        assert r["heard_confidence"] == 0.3 and r["withheld_calls"][0]["name"] == "set_timer"
        assert r["withheld_passed"] is True  # what the gate replay counts at lower gates
        assert turn((ToolCall("set_timer", {"minutes": 999}),))["withheld_passed"] is False
        assert turn(())["withheld_passed"] is False  # a call that did not parse
    finally:
        registry.close()  # stops its alarm thread: no thread outlives the test


def test_cascades_with_one_asr_hear_each_clip_once_but_time_their_own(
        tmp_path: Path, all_items: list[Item]) -> None:
    from assistant.audio.io import read_audio, write_audio
    from assistant.engines.cascade import CascadeEngine
    from assistant.speech.whisper import Transcript
    from evalkit.heard import clip_key
    from evalkit.manifest import AudioRow
    from evalkit.variants import Variant

    test = split_items(all_items, "test")
    chosen = [it for it in test if it.tool in ("set_timer", "add_note")][:7] + \
        [it for it in test if it.is_negative][:3]
    units, said = [], {}
    for i, it in enumerate(chosen):
        path = f"audio/{i}.wav"
        write_audio(tmp_path / path, FakeTTS("fake", "v").synthesize(it.text))
        said[clip_key(read_audio(tmp_path / path))] = it.text
        units.append(Unit(it, AudioRow(str(i), it.id, "test", it.text, "fake:v", "clean", None,
                                       path, 16000, 1.0)))

    class ReadingASR:  # "hears" the item text that was spoken
        name, identity = "reader", "reader:1"

        def __init__(self) -> None:
            self.heard = 0

        def run(self, audio: Audio) -> Transcript:
            self.heard += 1
            return Transcript(said[clip_key(audio)], said[clip_key(audio)], "", -0.1)

    asrs = []

    def cascade(v: Variant) -> CascadeEngine:
        asrs.append(ReadingASR())
        return CascadeEngine(asrs[-1], BatchingScripted())

    def run(name: str) -> list[dict[str, object]]:
        run_variant(Variant(name, "", "cascade", modality="audio"), units, tmp_path / "run",
                    data_dir=tmp_path, progress=False, batch_size=4, latency_units=3,
                    engine_factory=cascade)
        return [json.loads(x) for x in (tmp_path / "run" / f"{name}.jsonl").read_text()
                .splitlines()]

    first, second = run("first"), run("second")
    assert asrs[0].heard == len(units)
    assert asrs[1].heard == 3  # the three timed turns heard for themselves, the rest reused
    for key in ("heard", "passed", "calls", "answer"):
        assert [r[key] for r in second] == [r[key] for r in first], key
    assert all(r["heard"] == it.text for r, it in zip(first, chosen, strict=True))
    meta = json.loads((tmp_path / "run" / "second.meta.json").read_text())
    assert meta["heard_reused"] == len(units) - 3


def test_slow_units_default_to_all_with_full_and_can_be_set_with_it() -> None:
    from evalkit.cli import QUICK_SLOW_UNITS, parser, slow_units

    def units(*argv: str) -> int:
        return slow_units(parser().parse_args(["run", *argv]))

    assert units() == QUICK_SLOW_UNITS
    assert units("--full") == 0
    assert units("--full", "--slow-units", "640") == 640  # a spread subset of the whole split
    assert units("--slow-units", "0") == 0
    v = resolve("gemma-bias", slow_units=units("--full", "--slow-units", "640"))
    assert v.max_units == 640


def test_tools_and_rules_run_at_the_checkers_reference_time(tmp_path: Path) -> None:
    """A run's tools and the loop's rules read the checker's reference time, not the day of the
    run, so a figure does not depend on when it was made; and the canned forecast has its days."""
    from evalkit.items import ExpectedCall
    from evalkit.runner import RunClock
    from evalkit.values import REFERENCE_NOW

    clock = RunClock()
    assert REFERENCE_NOW <= clock() < REFERENCE_NOW + timedelta(minutes=1)
    items = [Item("now", "what time is it", (ExpectedCall("get_time", {}),), "call", "get_time",
                  "byo", "test"),
             Item("sky", "what's the weather in paris tomorrow", (ExpectedCall(
                 "get_weather", {"location": ("paris",), "day": ("tomorrow",)}),), "call",
                 "get_weather", "byo", "test")]
    run_variant(resolve("scripted-text"), [Unit(it) for it in items], tmp_path / "run",
                data_dir=tmp_path, progress=False)
    recs = {r["item_id"]: r for r in (json.loads(x) for x in
                                      (tmp_path / "run" / "scripted-text.jsonl").read_text()
                                      .splitlines())}
    assert "Wednesday" in recs["now"]["answer"] and "March" in recs["now"]["answer"]
    assert recs["sky"]["task_success"], recs["sky"]["answer"]  # the forecast's days are its


def test_a_call_asked_for_a_plain_question_is_scored_as_it_runs(tmp_path: Path,
                                                                  all_items: list[Item]) -> None:
    from assistant.events import (
        CallAsked,
        CallsProposed,
        Done,
        NameDecision,
        Reply,
        ToolStarted,
        TurnStarted,
        TurnStatus,
    )
    from assistant.toolcall import ToolCall
    from evalkit.runner import build_registry, record

    item = next(it for it in split_items(all_items, "test")
                if it.tool == "get_time" and set(it.expected[0].args) == {"location"})
    right = ToolCall("get_time", {"location": item.expected[0].args["location"][0]})
    registry = build_registry(tmp_path)
    try:
        # The brain was unsure of its name; the loop read the clock the request plainly asks.
        events = [TurnStarted(turn=1, modality="text"),
                  NameDecision(name="list_timers", p_name=0.1, threshold=0.3, raw=""),
                  Reply(text="Say it another way?"), CallAsked(call=right, written="list_timers"),
                  ToolStarted(call=right, side_effect="read"),
                  Done(turn=1, status=TurnStatus.ANSWERED)]
        r = record(Unit(item), events, registry).to_dict()
        assert r["called"] and r["passed"] and r["calls"] == [right.to_dict()]
        assert r["latency_call_s"] is not None
        # In place of a call the brain wrote (a read of nothing the request said).
        brains = ToolCall("list_timers", {})
        events[1:3] = [CallsProposed(calls=(brains,), raw="")]
        r = record(Unit(item), events, registry).to_dict()
        assert r["passed"] and r["calls"] == [right.to_dict()]
        # In place of one of two the brain wrote, beside the other (note-dictated).
        timer = ToolCall("set_timer", {"minutes": 5})
        events[1:2] = [CallsProposed(calls=(brains, timer), raw="")]
        r = record(Unit(item), events, registry).to_dict()
        assert r["calls"] == [timer.to_dict(), right.to_dict()]
    finally:
        registry.close()
