"""Pipeline variants registered by name: which engine, which input (text or audio), which answer
voice. A variant that cannot run here says why (`unavailable()`), and the report lists it as
*not run* with that reason, never silently dropped.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.engine import Engine
from assistant.engines import EngineOptions, create_engine

TINY_MAX_TOKENS = 48
TINY_CAVEAT = ("tiny random-weight LFM2-Audio checkpoint (no real weights can be had here): the "
               "code path is real, accuracy is chance level, generation is capped at 48 tokens and timings "
               "are not the real model's")


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    engine: str  # a name for assistant.engines.create_engine
    options: EngineOptions = field(default_factory=EngineOptions)
    modality: str = "text"  # "text": the item text goes in; "audio": its synthesised speech
    answer_tts: str | None = None  # TTS backend for answers; None: native audio or no speech
    speak: bool = False  # produce answer audio (measured: answer intelligibility, latency)
    asr_for_scripted: bool = False  # the scripted engine with Whisper in front of it
    caveat: str = ""
    needs: tuple[str, ...] = ()  # modules that must be importable
    blocked: str = ""  # set by `resolve` when a model is missing
    max_units: int = 0  # > 0: run on an evenly spread subset of this many units (slow paths)

    @property
    def pipeline(self) -> str:
        """Which kind of pipeline decides: the report compares them in one table."""
        if self.engine == "lfm2":
            return "sequential" if self.options.variant == "sequential" else "end to end"
        return {"cascade": "cascade", "scripted": "rules", "gemma3n": "end to end"}.get(
            self.engine, self.engine)

    def unavailable(self) -> str | None:
        """None when this variant can run here, else why not."""
        if self.blocked:
            return self.blocked
        for module in (f"assistant.engines.{self.engine}", *self.needs):
            try:
                if importlib.util.find_spec(module) is None:
                    return f"module {module} is not installed"
            except ModuleNotFoundError:
                return f"module {module} is not installed"
        return None

    def build_engine(self) -> Engine:
        if self.asr_for_scripted:
            from assistant.engines.scripted import ScriptedEngine
            from evalkit.backends import transcriber

            asr = transcriber(self.options.asr or "base",
                              "targeted" if self.options.asr_biasing else "off")
            return ScriptedEngine(asr=asr.transcribe)
        if self.engine == "lfm2" and self.caveat:
            # Random weights never stop on their own: cap the generation so the plumbing runs
            # in seconds. A real checkpoint gets the engine's own settings.
            from assistant.engines.lfm2 import LFM2Engine, LFM2Settings
            from assistant.engines.lfm2.load import load

            if self.options.variant == "sequential":
                return _tiny_sequential(self.options)
            loaded = load(None, self.options.model_dir, adapter=self.options.adapter,
                          device="cpu", threads=self.options.threads)
            return LFM2Engine(loaded, LFM2Settings(variant=self.options.variant or "e2e",
                                                   max_new_tokens=TINY_MAX_TOKENS))
        return create_engine(self.engine, self.options)


def _tiny_sequential(options: EngineOptions) -> Engine:
    """The sequential pipeline on tiny random checkpoints, every generation capped."""
    from assistant.engines.lfm2 import LFM2Settings

    engine: Any = create_engine("lfm2", replace(options, device="cpu"))
    engine.asr.settings = LFM2Settings(max_new_tokens=TINY_MAX_TOKENS,
                                       max_asr_tokens=TINY_MAX_TOKENS)
    engine.brain.settings = replace(engine.brain.settings, max_call_tokens=TINY_MAX_TOKENS,
                                    max_reply_tokens=TINY_MAX_TOKENS)
    if engine.voice is not None:
        engine.voice.max_frames = TINY_MAX_TOKENS
    return engine


VARIANTS: dict[str, Variant] = {}


def register(variant: Variant) -> Variant:
    if variant.name in VARIANTS:
        raise ValueError(f"variant {variant.name} is already registered")
    VARIANTS[variant.name] = variant
    return variant


def _tiny_dir() -> Path:
    root = Path(os.environ.get("EVALKIT_CACHE", Path.home() / ".cache" / "evalkit"))
    return root / "tiny-lfm2"


def _tiny_brain_dir() -> Path:
    return _tiny_dir().with_name("tiny-lfm2-text")


def lfm2_options(variant: str, model_dir: Path | None,
                 brain: str | None = None) -> tuple[EngineOptions, str]:
    """Options for an LFM2 variant: a real checkpoint when given, else the tiny random one.
    `brain`: the sequential pipeline's text model (None: the offline default brain with a
    real checkpoint, a tiny random LFM2 text model with the tiny one)."""
    if model_dir is not None:
        return EngineOptions(model_dir=model_dir, variant=variant, device="cpu", brain=brain), ""
    if variant == "sequential" and brain is None:
        brain = str(_tiny_brain_dir())
    return (EngineOptions(model_dir=_tiny_dir(), variant=variant, device="cpu", brain=brain),
            TINY_CAVEAT)


def ensure_tiny_checkpoint() -> Path:
    out = _tiny_dir()
    if not (out / "config.json").is_file():
        from assistant.engines.lfm2.tiny import write_tiny_checkpoint

        write_tiny_checkpoint(out)
    if not (_tiny_brain_dir() / "config.json").is_file():
        from assistant.engines.chat.tiny_lfm2 import write_tiny_lfm2_text

        write_tiny_lfm2_text(_tiny_brain_dir())
    return out


_CASCADE_NEEDS = ("assistant.speech.asr", "llama_cpp")
_GEMMA_NEEDS = ("assistant.speech.asr", "assistant.engines.gemma")
_GEMMA = EngineOptions(asr="whisper-base", brain="gemma-270m")  # the old brain, with its adapter
_GEMMA_BASE = replace(_GEMMA, default_adapter=False)

for _v in (
    Variant("scripted-text", "rule-based engine on the request text: the floor", "scripted"),
    Variant("scripted-asr", "Whisper base (no biasing) then the rule-based engine", "scripted",
            EngineOptions(asr="base", asr_biasing=False), modality="audio",
            asr_for_scripted=True, needs=("faster_whisper",)),
    Variant("scripted-asr-bias", "Whisper base with targeted drug-name biasing, then the "
            "rule-based engine", "scripted", EngineOptions(asr="base", asr_biasing=True),
            modality="audio", asr_for_scripted=True, needs=("faster_whisper",)),
    # The default brain: Qwen2.5-Coder-0.5B-Instruct + our LoRA, on llama.cpp.
    Variant("cascade-bias", "cascade: Whisper base with drug-name hotwords, then the default "
            "brain (Qwen2.5-Coder-0.5B + LoRA)", "cascade",
            EngineOptions(asr="whisper-base", asr_biasing=True), modality="audio",
            needs=_CASCADE_NEEDS),
    Variant("cascade-nobias", "cascade: Whisper base without biasing, then the default brain",
            "cascade", EngineOptions(asr="whisper-base", asr_biasing=False), modality="audio",
            needs=_CASCADE_NEEDS),
    Variant("cascade-text", "the default brain (Qwen2.5-Coder-0.5B + LoRA) alone, on the request text",
            "cascade", EngineOptions(asr="whisper-base"), modality="text", needs=_CASCADE_NEEDS),
    Variant("cascade-text-1.5b", "Qwen2.5-Coder-1.5B (no adapter) alone, on the request text",
            "cascade", EngineOptions(asr="whisper-base", brain="qwen-1.5b"), modality="text",
            needs=_CASCADE_NEEDS),
    Variant("cascade-bias-1.5b", "cascade: Whisper base with drug-name hotwords, then "
            "Qwen2.5-Coder-1.5B (no adapter)", "cascade",
            EngineOptions(asr="whisper-base", asr_biasing=True, brain="qwen-1.5b"),
            modality="audio", needs=_CASCADE_NEEDS),
    Variant("cascade-text-0.5b", "Qwen2.5-Coder-0.5B alone, on the request text", "cascade",
            EngineOptions(asr="whisper-base", brain="qwen-0.5b"), modality="text",
            needs=_CASCADE_NEEDS),
    Variant("cascade-text-0.5b-tools", "Qwen2.5-Coder-0.5B + our LoRA (finetune/chat.py) "
            "alone, on the request text", "cascade",
            EngineOptions(asr="whisper-base", brain="qwen-0.5b-tools"), modality="text",
            needs=_CASCADE_NEEDS),
    Variant("cascade-text-0.5b-tools-iq4", "Qwen2.5-Coder-0.5B requantized to IQ4_NL + our "
            "LoRA, on the request text", "cascade",
            EngineOptions(asr="whisper-base", brain="qwen-0.5b-tools-iq4"), modality="text",
            needs=_CASCADE_NEEDS),
    Variant("cascade-text-0.5b-tools-merged", "Qwen2.5-Coder-0.5B with our LoRA merged in "
            "(Q8_0), on the request text", "cascade",
            EngineOptions(asr="whisper-base", brain="qwen-0.5b-tools-merged"), modality="text",
            needs=_CASCADE_NEEDS),
    Variant("cascade-bias-0.5b-tools", "cascade: Whisper base with drug-name hotwords, then "
            "Qwen2.5-Coder-0.5B + our LoRA", "cascade",
            EngineOptions(asr="whisper-base", asr_biasing=True, brain="qwen-0.5b-tools"),
            modality="audio", needs=_CASCADE_NEEDS),
    # The old brain: Gemma 3 270M base, with and without the shipped LoRA adapter.
    Variant("gemma-text", "the old brain (Gemma 3 270M + LoRA adapter) on the request text",
            "cascade", _GEMMA, modality="text", needs=_GEMMA_NEEDS),
    Variant("gemma-text-base", "Gemma 3 270M without the adapter (few-shot prompt), on the "
            "request text", "cascade", _GEMMA_BASE, modality="text", needs=_GEMMA_NEEDS),
    Variant("gemma-bias", "cascade with drug-name hotwords and the old brain (Gemma + adapter)",
            "cascade", _GEMMA, modality="audio", needs=_GEMMA_NEEDS),
    Variant("gemma-bias-base", "cascade with drug-name hotwords, Gemma without the adapter",
            "cascade", _GEMMA_BASE, modality="audio", needs=_GEMMA_NEEDS),
    Variant("gemma-nobias-base", "cascade without biasing, Gemma without the adapter",
            "cascade", replace(_GEMMA_BASE, asr_biasing=False), modality="audio",
            needs=_GEMMA_NEEDS),
    Variant("lfm2-e2e", "LFM2-Audio end to end: audio in, call or spoken answer out", "lfm2",
            EngineOptions(variant="e2e"), modality="audio", speak=True),
    Variant("lfm2-two-step", "LFM2-Audio transcribes first, then decides from the text", "lfm2",
            EngineOptions(variant="two-step"), modality="audio"),
    # Liquid's own voice-with-tools pipeline; the vanilla audio model calls no tools end to end.
    Variant("lfm2-sequential", "LFM2-Audio transcribes, a text brain with native tool calling "
            "(--lfm2-brain: LFM2.5-1.2B-Instruct; default: the offline default brain) decides "
            "and calls, LFM2-Audio speaks the answer", "lfm2",
            EngineOptions(variant="sequential"), modality="audio", speak=True),
    Variant("gemma3n-e2e", "Gemma 3n E2B end to end: it hears the audio and writes the call "
            "from the prompt; Piper speaks the answer", "gemma3n",
            EngineOptions(model="google/gemma-3n-E2B-it"), modality="audio"),
    Variant("answer-native", "answers in LFM2-Audio's own interleaved speech", "lfm2",
            EngineOptions(variant="e2e"), modality="text", speak=True),
    Variant("answer-piper", "answers from the rule-based engine spoken by Piper (joe)",
            "scripted", answer_tts="piper", speak=True, needs=("piper",)),
    Variant("answer-kokoro", "answers from the rule-based engine spoken by Kokoro", "scripted",
            answer_tts="kokoro", speak=True, needs=("kokoro",)),
):
    register(_v)


NO_GEMMA3N = ("no Gemma 3n weights on this machine (the hub is unreachable); pass "
             "--gemma3n-model-dir DIR (google/gemma-3n-E2B-it, downloaded with the hub)")
NO_LFM2 = ("no LFM2-Audio weights on this machine (the hub is unreachable); pass "
           "--lfm2-model-dir DIR, or --tiny-lfm2 to run the real code on a tiny random checkpoint")


def resolve(name: str, *, lfm2_model_dir: Path | None = None, tiny_lfm2: bool = False,
            tiny_units: int = 8, slow_units: int = 0, lfm2_brain: str | None = None,
            gemma3n_model_dir: Path | None = None) -> Variant:
    """The registered variant, with LFM2 variants pointed at a checkpoint.

    Decision: without real weights the LFM2 variants are *not run* by default. Random weights
    give chance-level accuracy and meaningless speech, so numbers from them would mislead in a
    table beside real ones; `--tiny-lfm2` runs them anyway (few items, clearly marked) to prove
    the audio-in, call-or-speech-out path end to end.
    """
    if name not in VARIANTS:
        raise ValueError(f"unknown variant {name!r}; choose from {', '.join(VARIANTS)}")
    v = VARIANTS[name]
    if v.engine == "cascade":
        v = replace(v, max_units=slow_units)
    if v.engine == "gemma3n":
        if gemma3n_model_dir is None:
            return replace(v, blocked=NO_GEMMA3N)
        v = replace(v, options=replace(v.options, model_dir=gemma3n_model_dir),
                    max_units=slow_units)
    if v.engine == "lfm2":
        if lfm2_model_dir is None and not tiny_lfm2:
            return replace(v, blocked=NO_LFM2)
        opts, caveat = lfm2_options(v.options.variant or "e2e", lfm2_model_dir, lfm2_brain)
        v = replace(v, options=opts, caveat=caveat, max_units=tiny_units if caveat else slow_units)
    return v


QUICK_VARIANTS = ("scripted-text", "scripted-asr", "scripted-asr-bias", "cascade-bias",
                  "cascade-nobias", "cascade-text", "gemma-text", "gemma-text-base", "lfm2-e2e",
                  "lfm2-two-step", "lfm2-sequential", "gemma3n-e2e", "answer-native",
                  "answer-piper", "answer-kokoro")

Factory = Callable[[Variant], Engine]
