"""Real Whisper base on real synthesised speech (Piper and espeak-ng), scored by WER.

The bounds leave room above what the working pipeline scores here (`python -m assistant.speech
bench`: corpus WER 0.17-0.19 over 12 Piper and espeak clips that include hard drug names) and
sit far below what a broken one gives (wrong sample rate, wrong model, lost audio: WER near 1)."""

from __future__ import annotations

import pytest

from assistant.audio import Audio
from assistant.speech import Synthesizer, Transcriber
from assistant.speech.asr import create_transcriber
from assistant.speech.normalize import corpus_wer, normalize
from assistant.speech.piper import PiperOptions, PiperSynthesizer
from assistant.speech.tts import create_synthesizer
from assistant.speech.whisper import WhisperTranscriber, drug_candidates, hotwords_within

pytestmark = pytest.mark.slow

GENERAL = (
    "Set a timer for ten minutes.",
    "What's the weather in Berlin tomorrow?",
    "Add a note to buy milk and eggs.",
    "Convert five miles to kilometers.",
    "Remind me to call my sister at six p.m.",
)
HARD_DRUGS = {  # Whisper base mishears each of these unbiased (FACTS.md)
    "metformin": "Log 500 milligrams of metformin taken at 8 am.",
    "levothyroxine": "I took 50 micrograms of levothyroxine this morning.",
    "hydroxyzine": "Log 25 milligrams of hydroxyzine.",
}


@pytest.fixture(scope="module")
def piper() -> Synthesizer:
    # Noise-free Piper: the same audio every run, so the Whisper assertions are repeatable.
    return PiperSynthesizer(PiperOptions(noise_scale=0.0, noise_w_scale=0.0))


@pytest.fixture(scope="module")
def whisper() -> Transcriber:
    return create_transcriber("whisper-base", biasing=True, threads=1)


@pytest.fixture(scope="module")
def whisper_plain() -> Transcriber:
    return create_transcriber("whisper-base", biasing=False, threads=1)


def test_piper_speech_wer(piper: Synthesizer, whisper: WhisperTranscriber) -> None:
    clips = [piper.synthesize(t) for t in GENERAL]
    hyps = whisper.transcribe_batch(clips)
    score = corpus_wer(list(GENERAL), hyps)
    assert score <= 0.15, list(zip(GENERAL, hyps, strict=True))


@pytest.mark.parametrize("voice", ["en-us", "en-gb+f3"])
def test_espeak_speech_wer(whisper: WhisperTranscriber, voice: str) -> None:
    espeak = create_synthesizer("espeak", voice)
    texts = GENERAL[:3]
    hyps = [whisper.transcribe(espeak.synthesize(t)) for t in texts]
    score = corpus_wer(list(texts), hyps)
    assert score <= 0.35, list(zip(texts, hyps, strict=True))


def test_no_second_pass_for_requests_without_drugs(piper: Synthesizer,
                                                   whisper: WhisperTranscriber) -> None:
    result = whisper.run(piper.synthesize("Set a timer for ten minutes."))
    assert result.hotwords == "" and result.text == result.first_pass


def test_biasing_fixes_drug_names(piper: Synthesizer, whisper: WhisperTranscriber,
                                  whisper_plain: WhisperTranscriber) -> None:
    fixed, right = [], []
    for drug, sentence in HARD_DRUGS.items():
        audio = piper.synthesize(sentence)
        plain = normalize(whisper_plain.transcribe(audio))
        biased = whisper.run(audio)
        assert drug in biased.hotwords  # the second pass was aimed at it
        if drug in normalize(biased.text):
            right.append(drug)
            if drug not in plain.split():
                fixed.append(drug)
    assert len(right) >= 2, right  # seen here: 3 of 3 biased, 0 of 3 plain
    assert fixed, "biasing changed no hard drug name from wrong to right"


def test_batched_transcription_matches_one_at_a_time(piper: Synthesizer,
                                                     whisper: WhisperTranscriber) -> None:
    """Clean clips: the batched first pass hears what `transcribe` hears, the targeted second
    pass included; an empty clip stays empty and keeps its place. Compared after the WER
    normaliser: CTranslate2's int8 GEMMs round differently at another batch shape, which can
    move a final period (seen: "kilometers." vs "kilometers")."""
    texts = [GENERAL[0], HARD_DRUGS["metformin"], GENERAL[3], HARD_DRUGS["hydroxyzine"]]
    clips = [piper.synthesize(t) for t in texts]
    clips.insert(2, Audio.silence(0.0))
    one_by_one = [whisper.transcribe(c) for c in clips]
    assert [normalize(t) for t in whisper.transcribe_batch(clips)] == \
        [normalize(t) for t in one_by_one]
    assert one_by_one[2] == ""


def test_silence_transcribes_to_little(whisper: WhisperTranscriber) -> None:
    assert len(whisper.transcribe(Audio.silence(1.0)).split()) <= 3
    assert whisper.transcribe(Audio.silence(0.0)) == ""


def test_candidates_and_budget() -> None:
    names, medical = drug_candidates("I took 50 micrograms of levithyric sign this morning")
    assert medical and "levothyroxine" in names[:3]
    names, medical = drug_candidates("what's the weather in paris tomorrow")
    assert not medical
    assert hotwords_within(["aa", "bb", "cc"], lambda s: len(s.split()), 2) == "aa, bb"
