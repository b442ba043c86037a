"""Kokoro-82M TTS (the `kokoro` package): the best-sounding voice, and the default where its
weights can be had. They come from the Hugging Face hub (hexgrad/Kokoro-82M, ~330 MB) at first
use, and its English G2P (misaki) needs spaCy's en_core_web_sm. With no hub, pass a local
directory holding config.json, kokoro-v1_0.pth and voices/<voice>.pt. There is no offline
fallback: without weights this raises `BackendUnavailable` saying how to get them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.clip import Audio
from assistant.speech import BackendUnavailable

REPO_ID = "hexgrad/Kokoro-82M"
MODEL_FILE = "kokoro-v1_0.pth"
SAMPLE_RATE = 24_000
# American (a*) and British (b*) English voices of Kokoro v1.0.
ENGLISH_VOICES = ("af_heart", "af_bella", "af_nicole", "af_sarah", "am_michael", "am_fenrir",
                  "am_puck", "bf_emma", "bf_isabella", "bm_george", "bm_fable")


@dataclass(frozen=True)
class KokoroOptions:
    voice: str = "af_heart"
    model_dir: Path | None = None  # offline: config.json, kokoro-v1_0.pth, voices/<voice>.pt
    repo_id: str = REPO_ID
    speed: float = 1.0


def _how_to_get(repo_id: str) -> str:
    return (f"kokoro TTS needs the {repo_id} weights: on a machine that reaches the Hugging Face "
            f"hub they download at first use; offline, copy config.json, {MODEL_FILE} and "
            "voices/<voice>.pt into a directory and pass it as model_dir. "
            "Use --tts piper for the offline voice.")


def _files(o: KokoroOptions) -> tuple[Path, Path, Path]:
    """config, model and voice files: from `model_dir`, the hub cache, or the hub."""
    names = ("config.json", MODEL_FILE, f"voices/{o.voice}.pt")
    if o.model_dir is not None:
        paths = tuple(Path(o.model_dir) / n for n in names)
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise BackendUnavailable(f"kokoro TTS: missing {', '.join(missing)}. "
                                     + _how_to_get(o.repo_id))
        return paths[0], paths[1], paths[2]
    from huggingface_hub import hf_hub_download

    from assistant.weights import hub_reachable

    try:  # cached from an earlier online run?
        cached = [Path(hf_hub_download(o.repo_id, n, local_files_only=True)) for n in names]
        return cached[0], cached[1], cached[2]
    except Exception:
        pass
    if not hub_reachable():
        raise BackendUnavailable("kokoro TTS: the Hugging Face hub is unreachable and the "
                                 "weights are not cached. " + _how_to_get(o.repo_id))
    try:
        got = [Path(hf_hub_download(o.repo_id, n)) for n in names]
    except Exception as exc:
        raise BackendUnavailable(f"kokoro TTS: download failed ({type(exc).__name__}: {exc}). "
                                 + _how_to_get(o.repo_id)) from None
    return got[0], got[1], got[2]


def _check_g2p() -> None:
    import spacy.util

    if not spacy.util.is_package("en_core_web_sm"):
        import spacy.cli

        try:  # what misaki would do itself; done here so a failure gets a clear message
            spacy.cli.download("en_core_web_sm")
        except (Exception, SystemExit) as exc:
            raise BackendUnavailable(
                "kokoro TTS: its English G2P needs spaCy's en_core_web_sm, which could not be "
                f"installed ({exc}): run `python -m spacy download en_core_web_sm` online"
            ) from None


class KokoroSynthesizer:
    def __init__(self, options: KokoroOptions | None = None) -> None:
        self.options = o = options or KokoroOptions()
        config, model, voice = _files(o)  # first: fails in seconds offline, before torch loads
        try:
            from kokoro import KModel, KPipeline
        except ImportError as exc:
            raise BackendUnavailable(f"kokoro TTS: the kokoro package is not importable ({exc}): "
                                     "pip install kokoro") from None
        _check_g2p()
        kmodel = KModel(repo_id=o.repo_id, config=str(config), model=str(model)).eval()
        lang = "b" if o.voice.startswith("b") else "a"
        self._pipeline: Any = KPipeline(lang_code=lang, repo_id=o.repo_id, model=kmodel)
        self._voice = str(voice)
        self.name = f"kokoro:{o.voice}"

    def synthesize(self, text: str) -> Audio:
        if not text.strip():
            raise ValueError("kokoro TTS: nothing to say (empty text)")
        parts = [np.asarray(r.audio, dtype=np.float32)
                 for r in self._pipeline(text, voice=self._voice, speed=self.options.speed)
                 if r.audio is not None]
        if not parts:
            raise ValueError(f"kokoro TTS: nothing pronounceable in {text[:60]!r}")
        return Audio(np.concatenate(parts), SAMPLE_RATE)


def build(voice: str | None = None, model_dir: Path | None = None) -> KokoroSynthesizer:
    return KokoroSynthesizer(KokoroOptions(voice=voice or "af_heart", model_dir=model_dir))


__all__ = ["ENGLISH_VOICES", "KokoroOptions", "KokoroSynthesizer", "build"]
