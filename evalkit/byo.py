"""Bring your own data: a JSONL test set run through the same variants and metrics.

One JSON object per line:

    {"id": "q1", "text": "log 500 mg of metformin",
     "audio": "clips/q1.wav",                      # optional, relative to the JSONL file
     "expected": [{"name": "log_dose",
                   "args": {"drug": ["metformin"], "amount": [500], "unit": ["mg", "milligrams"]},
                   "optional": ["time"]}]}
    {"id": "q2", "text": "how are you", "expected": []}      # no call expected

`args` maps each argument to its acceptable values (a single value is also accepted); an
argument in `optional` may be absent. `expected: []` (or `"no_call": true`) means the right
behaviour is to call nothing. Optional fields: `category` (a negative kind such as
"chit-chat"), `terms` (domain words said, for term recall), `voice`, `condition`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from evalkit.items import ExpectedCall, Item
from evalkit.manifest import AudioRow
from evalkit.runner import Unit


class BYOError(ValueError):
    """A line of a BYO file is not valid; the message names the file and line."""


def _item(d: dict[str, Any], where: str) -> Item:
    if not isinstance(d, dict):
        raise BYOError(f"{where}: each line must be a JSON object")
    if "id" not in d:
        raise BYOError(f"{where}: missing 'id'")
    if not isinstance(d.get("text"), str) and "audio" not in d:
        raise BYOError(f"{where}: needs 'text' (the words said) and/or 'audio'")
    if "expected" not in d and not d.get("no_call"):
        raise BYOError(f"{where}: give 'expected' (a list of calls, [] for none) or 'no_call'")
    raw = [] if d.get("no_call") else d.get("expected")
    if not isinstance(raw, list):
        raise BYOError(f"{where}: 'expected' must be a list")
    try:
        expected = tuple(ExpectedCall.from_dict(e) for e in raw)
    except (ValueError, TypeError, AttributeError) as exc:
        raise BYOError(f"{where}: bad expected call: {exc}") from None
    category = str(d.get("category") or ("call" if expected else "no-call"))
    return Item(id=str(d["id"]), text=str(d.get("text") or ""), expected=expected,
                category=category, tool=expected[0].name if expected else None,
                template_id=f"byo/{d['id']}", split="test",
                terms=tuple(str(t) for t in d.get("terms", ())))


def load_byo(path: Path) -> list[Unit]:
    """Units from a BYO JSONL file; audio paths are checked to exist."""
    from assistant.audio.io import read_audio

    path = Path(path)
    units: list[Unit] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BYOError(f"{where}: not JSON: {exc}") from None
        item = _item(d, where)
        if item.id in seen:
            raise BYOError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
        clip = None
        if d.get("audio"):
            audio_path = (path.parent / str(d["audio"])).resolve()
            if not audio_path.is_file():
                raise BYOError(f"{where}: audio file {audio_path} does not exist")
            audio = read_audio(audio_path)
            key = hashlib.sha256(str(audio_path).encode()).hexdigest()[:20]
            clip = AudioRow(key, item.id, "test", item.text, str(d.get("voice", "byo")),
                            str(d.get("condition", "as-recorded")), None, str(audio_path),
                            audio.sample_rate, round(audio.duration_s, 3))
        units.append(Unit(item, None))
        if clip is not None:
            units.append(Unit(item, clip))
    return units
