"""LFM2-Audio's decoding loop, token for token upstream's, plus what a voice assistant needs.

`generate` follows `LFM2AudioModel.generate_sequential` / `generate_interleaved` step by step
(same hard-coded ids, same modality switching, same samplers; `tests/test_lfm2_generate.py`
checks the tokens are identical) and adds:
- a cancel token checked before every step (barge-in stops within one token);
- a cached static prefix: the system turn (persona + tool list) is the same every turn, so
  its KV / conv state is computed once and copied, instead of re-running it on every turn;
- an optional text-logits hook (a grammar or a test script can steer tokens);
- `first_token_sequential`: start like interleaved mode, but if the very first text token is,
  say, `<|tool_call_start|>`, continue in sequential (text-only) mode. The first step of both
  upstream modes is the same text token, so the output equals what the chosen mode gives.
- an optional faster text head (int8), see `assistant.engines.lfm2.fast`.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Collection, Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import nn

IM_END = 7
AUDIO_START = 128
TEXT_END = 130
AUDIO_EOS = 2048

Mode = Literal["sequential", "interleaved"]
TextHook = Callable[[torch.Tensor, Sequence[int]], torch.Tensor]


@dataclass(frozen=True)
class Sampling:
    """Upstream's sampling knobs. None temperature = greedy."""

    text_temperature: float | None = None
    text_top_k: int | None = None
    audio_temperature: float | None = 1.0
    audio_top_k: int | None = 4


GREEDY = Sampling(audio_temperature=None, audio_top_k=None)


class PrefixCache:
    """The backbone state after a fixed text prefix, computed once per distinct prefix."""

    def __init__(self) -> None:
        self._tokens: tuple[int, ...] | None = None
        self._state: Any = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def state_for(self, model: Any, tokens: torch.Tensor) -> Any:
        """A private copy of the backbone cache after `tokens` (shape (1, P))."""
        key = tuple(int(t) for t in tokens[0])
        with self._lock:
            if key != self._tokens:
                self.misses += 1
                with torch.no_grad():
                    emb = model.lfm.embed_tokens(tokens)
                    out = model.lfm(inputs_embeds=emb, use_cache=True)
                self._tokens, self._state = key, out.past_key_values
            else:
                self.hits += 1
            # Decoding writes into the cache in place: every generation gets its own copy.
            return copy.deepcopy(self._state)


def text_logits(model: Any, hidden: torch.Tensor) -> torch.Tensor:
    head = getattr(model, "assistant_text_head", None)
    if head is not None:  # an int8 copy of the tied embedding (lfm2_fast)
        return head(hidden[None, :])[0]
    return nn.functional.linear(hidden, model.lfm.embed_tokens.weight)


def _prefix_len(inputs: Mapping[str, torch.Tensor], wanted: int) -> int:
    from liquid_audio.utils import LFMModality

    flags = inputs["modality_flag"][0, :wanted]
    if wanted <= 0 or len(flags) < wanted or bool((flags != LFMModality.TEXT).any()):
        return 0
    return wanted


@torch.no_grad()
def generate(
    model: Any,
    inputs: Mapping[str, torch.Tensor],
    *,
    mode: Mode = "sequential",
    max_new_tokens: int = 256,
    sampling: Sampling = GREEDY,
    prefix: PrefixCache | None = None,
    prefix_len: int = 0,
    cancel: threading.Event | None = None,
    text_hook: TextHook | None = None,
    first_token_sequential: Collection[int] = (),
) -> Generator[torch.Tensor, None, None]:
    """Yield text tokens (shape (1,)) and audio frames (shape (codebooks,)) as upstream does."""
    in_emb = model._prefill(
        text=inputs["text"],
        audio_in=inputs["audio_in"],
        audio_in_lens=inputs["audio_in_lens"],
        audio_out=inputs["audio_out"],
        modality_flag=inputs["modality_flag"],
    )
    cache: Any = None
    skip = _prefix_len(inputs, prefix_len) if prefix is not None else 0
    if prefix is not None and skip:
        cache = prefix.state_for(model, inputs["text"][:, :skip])
        in_emb = in_emb[:, skip:]

    interleaved = mode == "interleaved"
    text_modality = True
    modality_left = model.conf.interleaved_n_text
    text_done = False
    text_so_far: list[int] = []

    for step in range(max_new_tokens):
        if cancel is not None and cancel.is_set():
            return
        if interleaved:
            modality_left -= 1
        out = model.lfm(inputs_embeds=in_emb, past_key_values=cache, use_cache=True)
        hidden = out.last_hidden_state[0, -1]
        cache = out.past_key_values

        if text_modality:
            logits = text_logits(model, hidden)
            if text_hook is not None:
                logits = text_hook(logits, text_so_far)
            token = model._sample_text_token(
                logits, temperature=sampling.text_temperature, top_k=sampling.text_top_k
            )
            tid = int(token)
            text_so_far.append(tid)
            if step == 0 and interleaved and tid in first_token_sequential:
                interleaved = False
            if interleaved:
                if tid == IM_END:
                    return
                yield token
                if tid == TEXT_END:
                    text_done = True
                if not modality_left or text_done:
                    text_modality = False
                    modality_left = model.conf.interleaved_n_audio
            else:
                yield token
                if tid == AUDIO_START:
                    text_modality = False
                if tid == IM_END:
                    return
            in_emb = model.lfm.embed_tokens(token)[None, :]
        else:
            frame = model._sample_audio_frame(
                hidden, temperature=sampling.audio_temperature, top_k=sampling.audio_top_k
            )
            if interleaved and not modality_left and not text_done:
                text_modality = True
                modality_left = model.conf.interleaved_n_text
            if frame[0] == AUDIO_EOS:
                frame[:] = AUDIO_EOS
                text_modality = True
            yield frame
            in_emb = model.audio_embedding(frame + model.codebook_offsets).sum(0)[None, None, :]
