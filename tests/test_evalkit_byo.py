"""The bring-your-own JSONL loader: valid files load, bad lines get clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.audio import Audio
from assistant.audio.io import write_audio
from evalkit.byo import BYOError, load_byo


def _write(tmp: Path, lines: list[object]) -> Path:
    path = tmp / "set.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", "utf-8")
    return path


def test_loads_text_audio_and_no_call(tmp_path: Path) -> None:
    write_audio(tmp_path / "q1.wav", Audio(np.zeros(8000, np.float32) + 0.01, 16000))
    path = _write(tmp_path, [
        {"id": "q1", "text": "log 500 mg of metformin", "audio": "q1.wav", "terms": ["metformin"],
         "expected": [{"name": "log_dose", "args": {"drug": ["metformin"], "amount": 500,
                                                    "unit": ["mg", "milligrams"]},
                       "optional": ["time"]}]},
        {"id": "q2", "text": "how are you", "expected": [], "category": "chit-chat"},
        {"id": "q3", "text": "thanks", "no_call": True},
    ])
    units = load_byo(path)
    assert [u.id.split("@")[0] for u in units] == ["q1", "q1", "q2", "q3"]
    q1 = units[0].item
    assert q1.expected[0].args["amount"] == (500,)
    assert q1.expected[0].optional == frozenset({"time"})
    assert q1.terms == ("metformin",)
    assert units[1].clip is not None and units[1].clip.seconds == 0.5
    assert units[2].item.is_negative and units[2].item.category == "chit-chat"
    assert units[3].item.is_negative


@pytest.mark.parametrize(("line", "message"), [
    ({"text": "hi", "expected": []}, "missing 'id'"),
    ({"id": "a", "expected": []}, "needs 'text'"),
    ({"id": "a", "text": "hi"}, "give 'expected'"),
    ({"id": "a", "text": "hi", "expected": {"name": "x"}}, "must be a list"),
    ({"id": "a", "text": "hi", "expected": [{"args": {}}]}, "bad expected call"),
    ({"id": "a", "text": "hi", "audio": "missing.wav", "expected": []}, "does not exist"),
    ([1, 2], "JSON object"),
])
def test_bad_lines_are_named(tmp_path: Path, line: object, message: str) -> None:
    with pytest.raises(BYOError, match=message) as info:
        load_byo(_write(tmp_path, [line]))
    assert "set.jsonl:1" in str(info.value)


def test_not_json_and_duplicates(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{nope\n", "utf-8")
    with pytest.raises(BYOError, match="not JSON"):
        load_byo(bad)
    dup = _write(tmp_path, [{"id": "a", "text": "x", "expected": []}] * 2)
    with pytest.raises(BYOError, match="duplicate"):
        load_byo(dup)


def test_audio_variants_speak_a_set_without_audio(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An audio variant on a typed set hears each item spoken by the test split's voices; an item
    its author recorded is heard as recorded only."""
    from evalkit import cli
    from evalkit.synth import synthesize_items

    class Tone:
        def __init__(self, backend: str, voice: str) -> None:
            self.name = f"{backend}:{voice}"

        def synthesize(self, text: str) -> Audio:
            return Audio(np.full(1600 * len(text.split()), 0.1, np.float32), 16000)

    def fake_synth_for(chosen: Any, data_dir: Path, conditions: Any, backends: Any,
                       progress: bool, run_dir: Path | None = None, seed: int = 0,
                       source: Path | None = None) -> list[Any]:
        assert source == path
        return list(synthesize_items(chosen, data_dir, backends=backends, conditions=conditions,
                                     factory=Tone, progress=False).rows)

    monkeypatch.setattr(cli, "synth_for", fake_synth_for)
    write_audio(tmp_path / "q1.wav", Audio(np.zeros(8000, np.float32) + 0.01, 16000))
    path = _write(tmp_path, [
        {"id": "q1", "text": "how are you", "audio": "q1.wav", "expected": []},
        {"id": "q2", "text": "thanks a lot", "expected": []},
    ])
    args = cli.parser().parse_args(["--data", str(tmp_path / "data"), "run", "--byo", str(path)])
    spoken = cli._units(args, ["scripted-asr"], tmp_path)
    assert sorted((u.item.id, u.clip is not None) for u in spoken) == [
        ("q1", False), ("q1", True), ("q2", False), ("q2", True)]
    q2 = next(u.clip for u in spoken if u.item.id == "q2" and u.clip is not None)
    assert (tmp_path / "data" / q2.path).is_file()
    args = cli.parser().parse_args(["run", "--byo", str(path), "--no-audio"])
    assert len(cli._units(args, ["scripted-asr"], tmp_path)) == 3  # typed, and q1 as recorded


def test_the_card_of_a_spoken_byo_set_names_its_source() -> None:
    from evalkit.manifest import dataset_card

    card = dataset_card([], {}, seed=0, n_items={"test": 2}, leakage=[],
                        source=Path("sets/mine.jsonl"))
    assert "from sets/mine.jsonl (bring your own)" in card
    assert "templates" not in dataset_card([], {}, seed=0, n_items={}, leakage=[],
                                           source=Path("x.jsonl"))
    assert "templates" in dataset_card([], {}, seed=0, n_items={}, leakage=[])
