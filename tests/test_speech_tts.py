"""Every TTS backend that has weights here is run for real; the others fail clearly."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.audio import Audio
from assistant.speech import BackendUnavailable, Synthesizer
from assistant.speech.tts import BACKENDS, create_synthesizer


def assert_speechlike(audio: Audio, min_s: float = 0.5, max_s: float = 8.0) -> None:
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert min_s < audio.duration_s < max_s, audio.duration_s
    assert np.all(np.isfinite(audio.samples)) and np.max(np.abs(audio.samples)) <= 1.0
    rms = float(np.sqrt(np.mean(audio.samples**2)))
    assert rms > 0.01  # not silence


@pytest.fixture(scope="module")
def piper() -> Synthesizer:
    return create_synthesizer("piper")


@pytest.mark.slow
def test_piper_joe_speaks(piper: Synthesizer) -> None:
    assert isinstance(piper, Synthesizer) and piper.name == "piper:joe"
    one = piper.synthesize("Set a timer for ten minutes.")
    two = piper.synthesize("Set a timer for ten minutes. Then log a dose of ibuprofen.")
    assert one.sample_rate == 22_050
    assert_speechlike(one)
    assert two.duration_s > one.duration_s + 1.0  # the second sentence is there
    with pytest.raises(ValueError, match="nothing to say"):
        piper.synthesize("   ")


@pytest.mark.parametrize("voice", ["en-us", "en-gb+f3", "en-gb-scotland+m3"])
def test_espeak_voices_speak_and_differ(voice: str) -> None:
    synth = create_synthesizer("espeak", voice)
    audio = synth.synthesize("What's the weather in Paris tomorrow?")
    assert synth.name == f"espeak:{voice}"
    assert_speechlike(audio)
    reference = create_synthesizer("espeak", "en-us").synthesize(
        "What's the weather in Paris tomorrow?")
    if voice != "en-us":
        same_length = len(reference.samples) == len(audio.samples)
        assert not (same_length and np.allclose(reference.samples, audio.samples))


def test_espeak_reads_text_not_options() -> None:
    # Text goes in on stdin: "--version" is spoken, not obeyed.
    audio = create_synthesizer("espeak").synthesize("--version")
    assert_speechlike(audio, min_s=0.3)


def test_espeak_lists_many_english_voices() -> None:
    from assistant.speech.espeak import voices

    listed = voices()
    assert len(listed) >= 50 and "en-gb+f3" in listed and "en-us" in listed


def test_kokoro_without_weights_says_how_to_get_them(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import weights

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))  # nothing cached
    monkeypatch.setattr(weights, "hub_reachable", lambda timeout_s=3.0: False)
    started = time.monotonic()
    with pytest.raises(BackendUnavailable) as info:
        create_synthesizer("kokoro")
    message = str(info.value)
    assert "kokoro" in message and "hexgrad/Kokoro-82M" in message and "model_dir" in message
    assert time.monotonic() - started < 10  # fails before loading torch
    with pytest.raises(BackendUnavailable, match="missing"):
        create_synthesizer("kokoro", model_dir=tmp_path)


@pytest.mark.slow
def test_kokoro_speaks_where_its_weights_are() -> None:
    from assistant.weights import hub_reachable

    if not hub_reachable():
        pytest.skip("Kokoro's weights need the Hugging Face hub, unreachable here "
                    "(the unavailable path is tested above)")
    audio = create_synthesizer("kokoro").synthesize("Set a timer for ten minutes.")
    assert audio.sample_rate == 24_000
    assert_speechlike(audio)


def test_lfm2_backend_is_the_lfm2_voice_module(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.engines.lfm2.voice as lfm2_voice
    from assistant.engines import EngineOptions
    from assistant.engines import create_synthesizer as any_synthesizer
    from assistant.engines.lfm2 import Options as LFM2Options

    seen: dict[str, Any] = {}

    def fake_build(options: Any = None, voice: str = "us-female") -> Any:
        seen.update(options=options, voice=voice)
        return "lfm2-voice"

    monkeypatch.setattr(lfm2_voice, "build", fake_build)
    options = EngineOptions(model_dir=Path("/models/lfm"), brain="qwen-1.5b")
    assert any_synthesizer("lfm2", "uk-male", options=options) == "lfm2-voice"
    # the LFM2 engine's own options, from the settings bag
    assert seen == {"options": LFM2Options(model_dir=Path("/models/lfm"), brain="qwen-1.5b"),
                    "voice": "uk-male"}


def test_unknown_backend() -> None:
    from assistant.engines import TTS_BACKENDS
    from assistant.engines import create_synthesizer as any_synthesizer

    assert BACKENDS == ("piper", "espeak", "kokoro")  # speech/ knows no model's voice
    assert (*BACKENDS, "lfm2") == TTS_BACKENDS
    with pytest.raises(ValueError, match="piper, espeak, kokoro"):
        create_synthesizer("festival")
    with pytest.raises(ValueError, match="piper, espeak, kokoro, lfm2"):
        any_synthesizer("festival")
