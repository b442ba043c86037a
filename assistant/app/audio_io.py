"""The sound devices the window uses, opened from the settings. Missing devices become
messages, never a failed start; tests build `AudioIO` from fakes."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.app.player import Speaker, open_player
from assistant.app.portaudio import check
from assistant.app.recorder import DeviceRecorder, Microphone
from assistant.app.settings import Settings


@dataclass
class AudioIO:
    """The sound devices the window uses; tests pass fakes."""

    recorder: Microphone | None
    player: Speaker
    chime: Speaker | None = None  # a second output so a timer can ring over (or after) speech
    input_problem: str | None = None  # e.g. no microphone: shown at start and beside the meter
    output_problem: str | None = None

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p for p in (self.input_problem, self.output_problem) if p)


def open_audio(settings: Settings) -> AudioIO:
    """The real devices, through assistant/audio/devices.py."""
    player, output_problem = open_player(settings.output_device)
    chime_player, _ = open_player(settings.output_device)
    # The recorder is kept even without a microphone: plugging one in later just works.
    return AudioIO(DeviceRecorder(settings.input_device), player, chime_player,
                   input_problem=check("input", settings.input_device),
                   output_problem=output_problem)
