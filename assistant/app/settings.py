"""The app's persisted settings: a frozen dataclass stored as JSON in the user config directory.

JSON rather than QSettings so the file is readable, diffable and testable without Qt. A file that
cannot be read is kept beside the new one (`settings.json.bad`) so nothing the user set is lost.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from assistant.engines import ENGINES as REGISTERED
from assistant.engines import TTS_BACKENDS as ANSWER_VOICES
from assistant.engines.lfm2 import VARIANTS as LFM2_VARIANTS


def engine_names() -> tuple[str, ...]:
    """The registered engines that hear (the app takes spoken requests), in registry order."""
    return tuple(name for name, e in REGISTERED.items() if e.hears)

VARIANTS = ("", *LFM2_VARIANTS)  # "" = the engine's default
# The CLI's names, plus "auto": the engine's own speech where it has one (LFM2), else piper.
# "lfm2" = LFM2-Audio's TTS voices; "none" = text only.
TTS_BACKENDS = ("auto", *ANSWER_VOICES, "none")


@dataclass(frozen=True)
class Settings:
    engine: str = "cascade"
    variant: str = ""
    model: str = ""  # hub id or text model name; "" = the engine's default
    model_dir: str = ""  # a local checkpoint directory; wins over `model`
    adapter: str = ""  # a peft LoRA adapter directory
    brain: str = ""  # the text model that decides (cascade, lfm2 sequential); "" = the default
    tts: str = "auto"
    voice: str = ""  # "" = the backend's default voice
    input_device: str = ""  # "" = the system default
    output_device: str = ""
    global_hotkey: str = ""  # e.g. "f9" or "ctrl_r"; "" = off (Space in the window always works)
    speak: bool = True  # speak answers aloud
    home: str = ""  # the user's city, for weather asked without a place ("" = ask which)

    def validated(self) -> Settings:
        """Raise ValueError naming the first bad field, so a broken file gets a clear message."""
        if self.engine not in engine_names():
            raise ValueError(f"engine must be one of {', '.join(engine_names())}, "
                             f"not {self.engine!r}")
        if self.variant not in VARIANTS:
            raise ValueError(f"variant must be one of e2e, two-step or empty, not {self.variant!r}")
        if self.tts not in TTS_BACKENDS:
            raise ValueError(f"tts must be one of {', '.join(TTS_BACKENDS)}, not {self.tts!r}")
        return self

    def with_overrides(self, **values: Any) -> Settings:
        """Apply command-line values; None means "not given"."""
        given = {k: v for k, v in values.items() if v is not None}
        known = {f.name for f in fields(self)}
        unknown = set(given) - known
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        updates: dict[str, Any] = {k: (bool(v) if k == "speak" else str(v)) for k, v in given.items()}
        return replace(self, **updates)


def default_path() -> Path:
    """`$LFM_ASSISTANT_CONFIG` or the platform's user config dir (platformdirs)."""
    env = os.environ.get("LFM_ASSISTANT_CONFIG")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("lfm-voice-assistant", appauthor=False)) / "settings.json"


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    warning: str | None = None  # set when the file was unreadable and defaults were used


def load(path: Path | None = None) -> Loaded:
    path = path or default_path()
    if not path.exists():
        return Loaded(Settings())
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("the file does not hold a JSON object")
        known = {f.name: f for f in fields(Settings)}
        # Unknown keys (from a newer version) are ignored rather than fatal.
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                continue
            if key == "speak":
                if not isinstance(value, bool):
                    raise ValueError("speak must be true or false")
            elif not isinstance(value, str):
                raise ValueError(f"{key} must be a string")
            values[key] = value
        return Loaded(Settings(**values).validated())
    except (OSError, ValueError) as exc:
        backup = path.with_name(path.name + ".bad")
        try:
            path.replace(backup)
            kept = f"; the old file was kept as {backup}"
        except OSError:
            kept = ""
        return Loaded(Settings(), f"Settings file {path} could not be read ({exc}){kept}. "
                      "Using defaults; open Settings to set them again.")


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write atomically (temp file + rename) so a crash never leaves half a file."""
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(settings.validated()), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
