"""What the ASR heard in each clip, kept in the run directory, so that cascade variants with the
same ASR (the same `identity`: Whisper base with the same biasing, say, before two brains) hear
each clip once. Decoding a clip is deterministic, so a second variant hearing it again spends
its time (Whisper is a third of a spoken turn on 2 cores) to write the same words; sharing the
hearing also gives both brains the very same transcripts, so they differ by the brain alone.

Only turns run in a batch reuse a hearing: they have no latency of their own, whereas a turn
run one at a time is timed whole, ASR included, so it always hears for itself. The memo is an
append-only JSON-lines file; a line cut short by a killed run is skipped (heard again)."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.audio import Audio
from assistant.speech.whisper import Transcript


def clip_key(audio: Audio) -> str:
    """The clip's samples and rate, hashed."""
    digest = hashlib.sha256(str(audio.sample_rate).encode())
    digest.update(audio.samples.tobytes())
    return digest.hexdigest()[:24]


class SharedHearing:
    """A transcriber (`run` / `run_batch`, as Whisper's) that remembers what it heard in
    `<run dir>/heard/<identity>.jsonl` and, while `reuse` is on, answers from there."""

    def __init__(self, asr: Any, run_dir: Path) -> None:
        self.asr = asr
        self.name = asr.name
        self.reuse = False
        self.reused = 0
        slug = re.sub(r"[^A-Za-z0-9_.+-]", "_", asr.identity)
        self.path = run_dir / "heard" / f"{slug}.jsonl"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._heard = _load(self.path)
        self._lock = threading.Lock()

    def transcribe(self, audio: Audio) -> str:
        return self.run(audio).text

    def run(self, audio: Audio) -> Transcript:
        return self.run_batch([audio])[0]

    def run_batch(self, audios: Sequence[Audio]) -> list[Transcript]:
        keys = [clip_key(a) for a in audios]
        with self._lock:
            known = {k: self._heard[k] for k in keys if self.reuse and k in self._heard}
        todo = [(k, a) for k, a in zip(keys, audios, strict=True) if k not in known]
        if len(todo) > 1 and callable(getattr(self.asr, "run_batch", None)):
            fresh = self.asr.run_batch([a for _, a in todo])
        else:
            fresh = [self.asr.run(a) for _, a in todo]
        with self._lock:
            self.reused += sum(k in known for k in keys)
            with self.path.open("a", encoding="utf-8") as f:
                for (k, _), t in zip(todo, fresh, strict=True):
                    self._heard[k] = t
                    f.write(json.dumps({"clip": k, "text": t.text, "first_pass": t.first_pass,
                                        "hotwords": t.hotwords, "logprob": t.logprob}) + "\n")
        heard = {**known, **dict(zip((k for k, _ in todo), fresh, strict=True))}
        return [heard[k] for k in keys]


def share_hearing(engine: Any, run_dir: Path) -> SharedHearing | None:
    """Wrap the engine's ASR in a `SharedHearing`, where it has one that says what decides its
    words (a cascade with Whisper); None otherwise."""
    asr = getattr(engine, "asr", None)
    if asr is None or not isinstance(getattr(asr, "identity", None), str):
        return None
    shared = SharedHearing(asr, run_dir)
    engine.asr = shared
    return shared


def _load(path: Path) -> dict[str, Transcript]:
    heard: dict[str, Transcript] = {}
    if not path.exists():
        return heard
    for line in path.read_text("utf-8").splitlines():
        try:
            row = json.loads(line)
            heard[row["clip"]] = Transcript(text=row["text"], first_pass=row["first_pass"],
                                            hotwords=row["hotwords"], logprob=row["logprob"])
        except (json.JSONDecodeError, KeyError, TypeError):
            continue  # cut short by a killed run: that clip is heard again
    return heard
