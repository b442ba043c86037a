"""`evalkit.heard`: variants with the same ASR hear each clip once, and only untimed turns
reuse a hearing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.audio import Audio
from assistant.speech.whisper import Transcript
from evalkit.heard import SharedHearing, clip_key, share_hearing


class CountingASR:
    """Writes each clip's length as its words, and counts the clips it was asked to hear."""

    def __init__(self, identity: str = "fake:1") -> None:
        self.name, self.identity = "fake", identity
        self.heard = 0

    def run(self, audio: Audio) -> Transcript:
        self.heard += 1
        n = len(audio.samples)
        return Transcript(text=f"clip {n}", first_pass=f"first {n}", hotwords="", logprob=-0.1)

    def run_batch(self, audios: list[Audio]) -> list[Transcript]:
        return [self.run(a) for a in audios]


def clips(n: int) -> list[Audio]:
    return [Audio(np.full(100 + i, 0.1, dtype=np.float32), 16000) for i in range(n)]


def test_a_second_hearing_reuses_the_first_only_while_reuse_is_on(tmp_path: Path) -> None:
    first_asr = CountingASR()
    first = SharedHearing(first_asr, tmp_path)
    said = first.run_batch(clips(4))
    assert first_asr.heard == 4 and first.reused == 0

    again_asr = CountingASR()
    again = SharedHearing(again_asr, tmp_path)  # another variant, a new process
    assert again.run(clips(1)[0]) == said[0] and again_asr.heard == 1  # timed: hears itself
    again.reuse = True
    assert again.run_batch([*clips(6)]) == [*said, *CountingASR().run_batch(clips(6)[4:])]
    assert again_asr.heard == 1 + 2 and again.reused == 4  # only the two new clips were heard
    assert again.transcribe(clips(6)[5]) == "clip 105" and again_asr.heard == 3

    other_asr = CountingASR(identity="fake:2")  # other biasing, say: hears for itself
    other = SharedHearing(other_asr, tmp_path)
    other.reuse = True
    other.run_batch(clips(4))
    assert other_asr.heard == 4 and other.reused == 0


def test_a_line_cut_short_is_heard_again(tmp_path: Path) -> None:
    SharedHearing(CountingASR(), tmp_path).run_batch(clips(3))
    memo = next((tmp_path / "heard").glob("*.jsonl"))
    memo.write_text(memo.read_text()[:-20])  # killed mid-write
    asr = CountingASR()
    shared = SharedHearing(asr, tmp_path)
    shared.reuse = True
    assert [t.text for t in shared.run_batch(clips(3))] == ["clip 100", "clip 101", "clip 102"]
    assert asr.heard == 1 and shared.reused == 2


def test_the_key_is_the_sound_and_its_rate() -> None:
    a = clips(1)[0]
    assert clip_key(a) == clip_key(Audio(a.samples.copy(), 16000))
    assert clip_key(a) != clip_key(Audio(a.samples, 8000))
    assert clip_key(a) != clip_key(Audio(a.samples * 0.5, 16000))


def test_only_an_asr_that_says_what_decides_its_words_is_shared(tmp_path: Path) -> None:
    class Engine:
        def __init__(self, asr: object) -> None:
            self.asr = asr

    no_identity = Engine(object())
    assert share_hearing(no_identity, tmp_path) is None and not (tmp_path / "heard").exists()
    assert share_hearing(object(), tmp_path) is None
    engine = Engine(CountingASR())
    shared = share_hearing(engine, tmp_path)
    assert isinstance(shared, SharedHearing) and engine.asr is shared
