"""The Gemma 3n engine: the user's audio (and the conversation) in, a tool call or a text answer
out. Gemma 3n hears audio directly (its own USM-style audio encoder), so there is no separate ASR
step; it has no voice, so the loop's TTS speaks the answer (`native_audio = False`).

One `respond` is one greedy generation through Gemma's own chat template (`chat.messages`).
Text deltas stream while the output does not look like a call; the moment the generated text
holds `<|tool_call_end|>` generation stops and the text goes through the one parser
(`assistant.outcome`, via `chat.read`): `CallsProposed` / `CallMalformed`, else `Reply`. The
cancel token is checked before every token.

    create_engine("gemma3n", EngineOptions(model="google/gemma-3n-E2B-it" | model_dir=DIR,
                                           device=..., threads=...))
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.audio import Audio
from assistant.backend import TranscriptCache
from assistant.engine import Request
from assistant.events import Event, TextDelta
from assistant.outcome import Outcome
from assistant.prompt import CHAT_PERSONA
from assistant.toolcall import CALL_END

# (logits of the next token, ids generated so far) -> logits. Tests steer random weights with it.
TextHook = Callable[[Any, list[int]], Any]


@dataclass(frozen=True)
class Gemma3nSettings:
    max_new_tokens: int = 256  # one generation: a call or a one-or-two-sentence answer
    max_asr_tokens: int = 128
    max_audio_s: float = 30.0  # Gemma 3n's audio window (188 soft tokens); longer is cut
    persona: str = CHAT_PERSONA


class Gemma3nEngine:
    native_audio = False

    def __init__(self, loaded: Any, settings: Gemma3nSettings | None = None, *,
                 text_hook: TextHook | None = None) -> None:
        self.loaded = loaded
        self.settings = settings or Gemma3nSettings()
        self.text_hook = text_hook  # only for tests and grammars; None in normal use
        self.name = "gemma3n"
        self._lock = threading.Lock()  # one generation at a time on one model
        self._transcripts = TranscriptCache()
        tok = loaded.processor.tokenizer
        stops = {tok.eos_token_id, tok.convert_tokens_to_ids("<end_of_turn>")}
        eos = getattr(loaded.model.generation_config, "eos_token_id", None)
        stops |= set(eos if isinstance(eos, list) else [eos])
        self._stop = {int(i) for i in stops if isinstance(i, int) and i >= 0}

    # --- helpers ---------------------------------------------------------------------------

    def _inputs(self, conversation: list[dict[str, Any]], clips: list[Audio]) -> Any:
        """Token ids, mel features and masks for one prompt, on the model's device."""
        from assistant.audio.io import resample

        proc = self.loaded.processor
        text = proc.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)
        rate = int(proc.feature_extractor.sampling_rate)
        cut = int(self.settings.max_audio_s * rate)
        audio = [resample(clip, rate).samples[:cut] for clip in clips]
        inputs = proc(text=[text], audio=audio or None, return_tensors="pt")
        inputs = inputs.to(self.loaded.device)
        if "input_features" in inputs:
            inputs["input_features"] = inputs["input_features"].to(self.loaded.dtype)
        return inputs

    def _tokens(self, inputs: Any, max_new_tokens: int,
                cancel: threading.Event | None) -> Generator[int, None, None]:
        """Greedy decoding with the KV cache, one token id at a time (stop tokens excluded).
        Inference mode wraps each forward pass only, so it never leaks to the caller between
        tokens."""
        import torch

        model = self.loaded.model

        def forward(**kw: Any) -> Any:
            with torch.inference_mode():
                return model(**kw, use_cache=True, logits_to_keep=1)

        mask = inputs["attention_mask"]
        so_far: list[int] = []
        out = forward(**inputs)
        for _ in range(max_new_tokens):
            if cancel is not None and cancel.is_set():
                return
            logits = out.logits[0, -1].float()
            if self.text_hook is not None:
                logits = self.text_hook(logits, so_far)
            token = int(torch.argmax(logits))
            if token in self._stop:
                return
            so_far.append(token)
            yield token
            mask = torch.cat([mask, mask.new_ones((1, 1))], dim=1)
            out = forward(input_ids=torch.tensor([[token]], device=self.loaded.device),
                          attention_mask=mask, cache=out.cache)

    def _text(self, ids: list[int]) -> str:
        return str(self.loaded.processor.tokenizer.decode(ids, skip_special_tokens=True))

    # --- Engine protocol -------------------------------------------------------------------

    def transcribe(self, audio: Audio, cancel: threading.Event | None = None) -> str:
        """Plain ASR with the same model: the clip and "Transcribe this audio exactly"."""
        from assistant.engines.gemma3n.chat import asr_messages

        cached = self._transcripts.get(audio)
        if cached is not None:
            return cached
        inputs = self._inputs(asr_messages(), [audio])
        with self._lock:
            ids = list(self._tokens(inputs, self.settings.max_asr_tokens, cancel))
        text = self._text(ids).strip()
        if cancel is None or not cancel.is_set():
            self._transcripts.put(audio, text)
        return text

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        from assistant.engines.gemma3n.chat import held_back, messages

        if cancel.is_set():
            return
        conversation, clips = messages(request.history, request.tools, self.settings.persona)
        inputs = self._inputs(conversation, clips)
        ids: list[int] = []
        shown = ""
        with self._lock:
            tokens = self._tokens(inputs, self.settings.max_new_tokens, cancel)
            try:
                for token in tokens:
                    ids.append(token)
                    text = self._text(ids)
                    if CALL_END in text:  # the call block is closed: dispatch now
                        yield self._outcome(text)
                        return
                    # held back: the start of a possible call, and unfinished UTF-8 characters
                    visible = text[: len(text) - held_back(text)].rstrip("\ufffd")
                    if len(visible) > len(shown) and visible.startswith(shown):
                        yield TextDelta(text=visible[len(shown):])
                        shown = visible
            finally:
                tokens.close()
        if cancel.is_set():
            return
        yield self._outcome(self._text(ids))

    @staticmethod
    def _outcome(text: str) -> Outcome:
        from assistant.engines.gemma3n.chat import read

        return read(text)


@dataclass(frozen=True)
class Options:
    model: str | None = None  # a hub id or a directory; None: google/gemma-3n-E2B-it
    model_dir: Path | None = None  # a local checkpoint; wins over `model`
    adapter: Path | None = None  # not supported yet: refused with a clear error
    device: str | None = None
    threads: int | None = None


def build(options: Options) -> Gemma3nEngine:
    """Without `model` or `model_dir` it is google/gemma-3n-E2B-it from the hub."""
    from assistant.engines.gemma3n.load import load

    if options.adapter is not None:
        raise ValueError("gemma3n: adapters are not supported yet; merge a LoRA into the "
                         "checkpoint and pass it with --model-dir")
    loaded = load(options.model, options.model_dir, device=options.device,
                  threads=options.threads)
    return Gemma3nEngine(loaded)


__all__ = ["Gemma3nEngine", "Gemma3nSettings", "Options", "TextHook", "build"]
