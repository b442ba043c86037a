"""Audio values and I/O. `Audio` is light; file and device I/O live in submodules."""

from assistant.audio.clip import Audio

__all__ = ["Audio"]
