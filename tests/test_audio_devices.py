"""Capture and playback logic, on a fake `sounddevice` (no machine here has a microphone)."""

from __future__ import annotations

import builtins
import sys
import types
from typing import Any

import numpy as np
import pytest

from assistant.audio import Audio, devices
from assistant.audio.io import AudioError


class PortAudioError(Exception):
    pass


class CallbackStop(Exception):
    pass


def fake_sounddevice(input_channels: int = 1, rate_ok: bool = True) -> types.ModuleType:
    sd: Any = types.ModuleType("sounddevice")
    sd.PortAudioError = PortAudioError
    sd.CallbackStop = CallbackStop
    info = {"name": "fake mic", "max_input_channels": input_channels, "max_output_channels": 2,
            "default_samplerate": 48_000.0}

    def query_devices(kind: str | None = None) -> Any:
        if kind is None:
            return [info]
        if kind == "input" and not input_channels:
            raise PortAudioError("Error querying device -1")
        return info

    class InputStream:
        def __init__(self, samplerate: float | None, callback: Any, **kw: Any) -> None:
            if samplerate is not None and not rate_ok:
                raise PortAudioError("Invalid sample rate")
            self.samplerate = samplerate or 48_000.0
            self.callback = callback

        def start(self) -> None:  # one second of a 0.5-amplitude square wave, in 30 blocks
            n = int(self.samplerate) // 30
            for i in range(30):
                block = np.full((n, 1), 0.5 if i % 2 else -0.5, np.float32)
                self.callback(block, n, None, None)

        def stop(self) -> None: ...

        def close(self) -> None: ...

    sd.query_devices = query_devices
    sd.InputStream = InputStream
    return sd


def test_no_input_device_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice(input_channels=0))
    with pytest.raises(AudioError) as info:
        devices.Recorder().start()
    assert info.value.code == "no-input-device"
    assert "microphone" in str(info.value)


def test_missing_portaudio_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    with pytest.raises(AudioError) as info:
        devices.list_devices()
    assert info.value.code == "portaudio-missing"
    assert "libportaudio2" in str(info.value)


@pytest.mark.parametrize("rate_ok", [True, False])
def test_recorder_returns_16khz_audio_and_levels(monkeypatch: pytest.MonkeyPatch,
                                                 rate_ok: bool) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice(rate_ok=rate_ok))
    levels: list[float] = []
    rec = devices.Recorder(on_level=levels.append)
    rec.start()
    assert rec.recording
    audio = rec.stop()
    assert not rec.recording
    assert audio.sample_rate == 16_000
    assert audio.duration_s == pytest.approx(1.0, abs=0.02)  # 48 kHz fallback resampled
    assert len(levels) == 30 and levels[0] == pytest.approx(-6.02, abs=0.1)  # 0.5 RMS


def test_playback_stops_at_once() -> None:
    pb = devices._Playback(np.ones(1000, np.float32))
    out = np.zeros((256, 1), np.float32)
    assert pb.fill(out) and out[:, 0].min() == 1.0
    pb.cancel()  # barge-in: the very next block is silence and the stream ends
    assert not pb.fill(out)
    assert not out.any() and pb.finished.is_set()


def test_playback_finishes_with_a_padded_block() -> None:
    pb = devices._Playback(np.ones(300, np.float32))
    out = np.zeros((256, 1), np.float32)
    assert pb.fill(out)
    assert not pb.fill(out)
    assert out[:44, 0].min() == 1.0 and not out[44:].any()


def test_rms_dbfs() -> None:
    assert devices.rms_dbfs(np.zeros(10, np.float32)) == -120.0
    assert devices.rms_dbfs(np.ones(10, np.float32)) == pytest.approx(0.0)
    assert Audio(np.zeros(1, np.float32), 16_000).duration_s > 0
