"""Audio files and the checks on spoken requests: each bad input gets its stable error code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.audio import Audio
from assistant.audio.io import (
    SPEECH_RATE,
    AudioError,
    check_speech,
    decode_audio,
    encode_wav,
    load_speech,
    read_audio,
    resample,
    to_mono,
    write_audio,
)


def tone(freq: float = 440.0, seconds: float = 1.0, rate: int = SPEECH_RATE, amp: float = 0.5
         ) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_hz(audio: Audio) -> float:
    spectrum = np.abs(np.fft.rfft(audio.samples))
    return float(np.fft.rfftfreq(len(audio.samples), 1 / audio.sample_rate)[spectrum.argmax()])


@pytest.mark.parametrize("suffix", [".wav", ".flac"])
def test_write_read_roundtrip(tmp_path: Path, suffix: str) -> None:
    audio = Audio(tone(), SPEECH_RATE)
    path = write_audio(tmp_path / f"x{suffix}", audio)
    back = read_audio(path)
    assert back.sample_rate == SPEECH_RATE and len(back.samples) == len(audio.samples)
    assert np.max(np.abs(back.samples - audio.samples)) < 1e-3  # 16-bit quantisation


def test_stereo_is_averaged_to_mono(tmp_path: Path) -> None:
    import soundfile as sf

    left = tone(amp=0.8)
    sf.write(tmp_path / "st.wav", np.stack([left, np.zeros_like(left)], axis=1), SPEECH_RATE)
    mono = read_audio(tmp_path / "st.wav")
    assert mono.samples.ndim == 1
    assert np.max(np.abs(mono.samples)) == pytest.approx(0.4, abs=0.01)
    assert to_mono(np.ones((10, 3), np.float32)).shape == (10,)


def test_8khz_is_resampled_to_16khz(tmp_path: Path) -> None:
    write_audio(tmp_path / "phone.wav", Audio(tone(300, rate=8000), 8000))
    audio = load_speech(tmp_path / "phone.wav")
    assert audio.sample_rate == SPEECH_RATE
    assert len(audio.samples) == pytest.approx(SPEECH_RATE, abs=2)
    assert peak_hz(audio) == pytest.approx(300, abs=2)


def test_resample_down_keeps_pitch() -> None:
    audio = resample(Audio(tone(1000, rate=44_100), 44_100), SPEECH_RATE)
    assert audio.sample_rate == SPEECH_RATE and peak_hz(audio) == pytest.approx(1000, abs=2)
    same = Audio(tone(), SPEECH_RATE)
    assert resample(same, SPEECH_RATE) is same


@pytest.mark.parametrize(
    ("samples", "code"),
    [
        (np.zeros(0, np.float32), "empty"),
        (tone(seconds=0.05), "too-short"),
        (np.zeros(SPEECH_RATE, np.float32), "silent"),
        (tone() * 1e-5, "silent"),
        (np.where(np.arange(SPEECH_RATE) % 100 == 0, np.nan, tone()).astype(np.float32), "nan"),
        (np.clip(tone(amp=3.0), -1, 1), "clipped"),
        (tone(seconds=61), "too-long"),
    ],
    ids=["empty", "too-short", "zeros", "near-silent", "nan", "clipped", "too-long"],
)
def test_bad_speech_has_a_stable_code(samples: np.ndarray, code: str) -> None:
    with pytest.raises(AudioError) as info:
        check_speech(Audio(samples, SPEECH_RATE))
    assert info.value.code == code
    assert str(info.value)  # a message for people


def test_mild_clipping_and_overrange_floats_are_converted() -> None:
    x = tone()
    x[:50] = 1.0  # 0.3 % at full scale: kept
    assert check_speech(Audio(x, SPEECH_RATE)).samples.max() == pytest.approx(1.0)
    loud = check_speech(Audio(tone(amp=2.0), SPEECH_RATE))  # float file beyond full scale
    assert np.max(np.abs(loud.samples)) == pytest.approx(1.0, abs=1e-3)


def test_not_audio_missing_and_unsupported(tmp_path: Path) -> None:
    fake = tmp_path / "notes.wav"
    fake.write_text("this is not a wave file")
    with pytest.raises(AudioError) as info:
        load_speech(fake)
    assert info.value.code == "not-audio"
    with pytest.raises(AudioError) as info:
        read_audio(tmp_path / "missing.wav")
    assert info.value.code == "not-found"
    with pytest.raises(AudioError) as info:
        write_audio(tmp_path / "x.mp3", Audio(tone(), SPEECH_RATE))
    assert info.value.code == "unsupported-format"
    with pytest.raises(AudioError) as info:
        decode_audio(b"")
    assert info.value.code == "empty"


def test_bytes_roundtrip() -> None:
    data = encode_wav(Audio(tone(), SPEECH_RATE))
    back = decode_audio(data, rate=8000)
    assert back.sample_rate == 8000 and len(back.samples) == 8000
