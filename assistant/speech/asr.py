"""Transcribers by name. Names: "whisper-base" (offline, from PyPI), "whisper-small" (hub),
"whisper:<CTranslate2 directory or hub id>"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.speech import Transcriber

if TYPE_CHECKING:
    from assistant.speech.whisper import Lexicon

DEFAULT = "whisper-base"


def create_transcriber(name: str = DEFAULT, biasing: bool | str = True,
                       threads: int | None = None, lexicon: Lexicon | None = None) -> Transcriber:
    """`biasing`: True = "targeted" (the default), False = "off", or a mode name
    ("off", "static", "targeted"; see `assistant.speech.whisper`). `lexicon`: the names to
    bias towards (the caller's formulary); without one biasing has only the tool words."""
    from assistant.speech.whisper import WhisperOptions, WhisperTranscriber

    if name.startswith("whisper:"):
        model = name.split(":", 1)[1]
    elif name.startswith("whisper-"):
        model = name.removeprefix("whisper-")
    else:
        raise ValueError(f"unknown ASR {name!r}; use whisper-base, whisper-small or "
                         "whisper:<directory or hub id>")
    if isinstance(biasing, bool):
        biasing = "targeted" if biasing else "off"
    if biasing not in ("off", "static", "targeted"):
        raise ValueError(f"biasing must be off, static or targeted, not {biasing!r}")
    return WhisperTranscriber(WhisperOptions(model=model, biasing=biasing,  # type: ignore[arg-type]
                                             threads=threads or 0, lexicon=lexicon))


__all__ = ["DEFAULT", "create_transcriber"]
