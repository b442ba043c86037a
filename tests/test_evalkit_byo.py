"""The bring-your-own JSONL loader: valid files load, bad lines get clear errors."""

from __future__ import annotations

import json
from pathlib import Path

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
