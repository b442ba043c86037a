"""espeak-ng: robotic but fully offline, with many English accents and voice variants, which is
what an ASR test set needs for diversity. Runs the `espeak-ng` program (Debian: `apt-get install
espeak-ng`; CI installs it too). Text goes in on stdin, never on the command line, so no text
can be read as an option.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.audio.clip import Audio
from assistant.speech import BackendUnavailable

# Native (non-MBROLA) English voices shipped with espeak-ng.
ENGLISH_VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan",
                  "en-gb-x-gbcwmd", "en-029", "en-us-nyc")
# A spread of its voice variants (pitch, formants, breathiness): male, female, and others.
VARIANTS = ("m1", "m3", "m7", "f1", "f2", "f3", "f4", "klatt", "klatt4", "Alex", "Annie",
            "Andy", "belinda", "iven3", "kaukovalta", "Michael", "quincy", "steph")


@dataclass(frozen=True)
class EspeakOptions:
    voice: str = "en-us"  # an English voice, optionally "+variant", e.g. "en-gb+f3"
    speed: int = 150  # words per minute (espeak-ng default 175 is hard for ASR)
    pitch: int = 50  # 0..99
    binary: str = "espeak-ng"
    timeout_s: float = 30.0


@functools.cache
def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackendUnavailable(
            f"espeak TTS: the {name!r} program is not installed; install it with "
            "`apt-get install espeak-ng` (Debian/Ubuntu) or `brew install espeak-ng` (macOS)"
        )
    return path


def voices(binary: str = "espeak-ng") -> list[str]:
    """Every `voice+variant` combination of the English voices and the variants listed above
    that this espeak-ng has."""
    exe = _binary(binary)
    listing = subprocess.run([exe, "--voices=variant"], capture_output=True, text=True,
                             timeout=10, check=True).stdout
    have = {line.split()[4].split("/")[-1] for line in listing.splitlines()[1:] if line.split()}
    variants = [v for v in VARIANTS if v in have]
    return [voice + (f"+{v}" if v else "") for voice in ENGLISH_VOICES for v in ("", *variants)]


class EspeakSynthesizer:
    def __init__(self, options: EspeakOptions | None = None) -> None:
        self.options = options or EspeakOptions()
        self._exe = _binary(self.options.binary)
        self.name = f"espeak:{self.options.voice}"

    def synthesize(self, text: str) -> Audio:
        if not text.strip():
            raise ValueError("espeak TTS: nothing to say (empty text)")
        from assistant.audio.io import read_audio

        o = self.options
        with tempfile.TemporaryDirectory(prefix="espeak-") as tmp:
            out = Path(tmp) / "say.wav"
            # espeak-ng's --stdout WAV header has no length; a file is read reliably.
            proc = subprocess.run(
                [self._exe, "-v", o.voice, "-s", str(o.speed), "-p", str(o.pitch), "-w", str(out)],
                input=text, capture_output=True, text=True, timeout=o.timeout_s, check=False,
            )
            if proc.returncode != 0 or not out.is_file():
                raise RuntimeError(f"espeak-ng failed ({proc.returncode}) for voice {o.voice!r}: "
                                   f"{proc.stderr.strip()[:300]}")
            return read_audio(out)


def build(voice: str | None = None) -> EspeakSynthesizer:
    return EspeakSynthesizer(EspeakOptions(voice=voice or "en-us"))


__all__ = ["ENGLISH_VOICES", "VARIANTS", "EspeakOptions", "EspeakSynthesizer", "build", "voices"]
