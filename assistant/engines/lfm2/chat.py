"""Turning the assistant's conversation into LFM2-Audio model inputs.

Upstream's `ChatState` knows system / user / assistant turns with text and audio; it has no
tool turn and no tool tokens. `ToolChat` adds the tool turn in LFM2's format:

    <|im_start|>tool
    <|tool_response_start|>[{...}]<|tool_response_end|><|im_end|>

and assistant call turns as `<|tool_call_start|>[name(arg=...)]<|tool_call_end|>`. The system
turn (persona + tool list) comes first and alone, so its tokens are a fixed prefix that
`lfm2_generate.PrefixCache` computes once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from assistant.audio import Audio
from assistant.audio.io import resample
from assistant.engine import Message, ToolSpec
from assistant.prompt import system_text
from assistant.toolcall import render_lfm2

TOOL_RESPONSE_START = "<|tool_response_start|>"
TOOL_RESPONSE_END = "<|tool_response_end|>"
ASR_PROMPT = "Perform ASR."
MIN_AUDIO_S = 0.1  # the conformer needs >= 9 mel frames; shorter clips are padded with silence


def chat_class() -> type[Any]:
    from liquid_audio import ChatState

    class ToolChat(ChatState):
        """`ChatState` with the tool turn and our `Audio` type."""

        @property
        def input_rate(self) -> int:
            # The rate the processor's mel front end was configured with (16 kHz for LFM2-Audio).
            return int(getattr(self.proc.audio, "_sample_rate", 16_000))

        def add_clip(self, audio: Audio) -> None:
            if audio.samples.size == 0:
                raise ValueError("empty audio: nothing to listen to")
            rate = self.input_rate
            samples = resample(audio, rate).samples
            if not np.isfinite(samples).all():
                raise ValueError("audio contains NaN or infinite samples")
            minimum = int(MIN_AUDIO_S * rate)
            if samples.size < minimum:
                samples = np.pad(samples, (0, minimum - samples.size))
            # upstream resamples to 16 kHz itself; at the processor's rate that is a no-op
            self.add_audio(torch.from_numpy(samples)[None, :], rate)

        def add_tool_turn(self, results_json: str) -> None:
            self.new_turn("tool")  # type: ignore[arg-type]
            self.add_text(f"{TOOL_RESPONSE_START}{results_json}{TOOL_RESPONSE_END}")
            self.end_turn()

    return ToolChat


def new_chat(processor: Any, dtype: torch.dtype) -> Any:
    return chat_class()(processor, dtype=dtype)


def system_prefix(chat: Any, tools: Sequence[ToolSpec], system: str | None = None) -> int:
    """Add the system turn; return its length in tokens (the cacheable static prefix)."""
    chat.new_turn("system")
    chat.add_text(system if system is not None else system_text(tools))
    chat.end_turn()
    return int(chat.text.shape[1])


def render(
    processor: Any,
    dtype: torch.dtype,
    history: Sequence[Message],
    tools: Sequence[ToolSpec],
    *,
    transcript_of: Callable[[Audio], str] | None = None,
) -> tuple[Any, int]:
    """The whole conversation as model inputs, ending with an open assistant turn.

    Returns (chat, prefix_len). With `transcript_of` (the two-step variant) user audio is
    replaced by its transcript; otherwise the audio itself goes in (end to end).
    """
    chat = new_chat(processor, dtype)
    extra_system = [m.text for m in history if m.role == "system" and m.text]
    prefix_len = system_prefix(chat, tools)
    if extra_system:  # after the cached prefix, so the cache stays valid
        chat.new_turn("system")
        chat.add_text("\n".join(extra_system))
        chat.end_turn()
    for message in history:
        if message.role == "system":
            continue
        if message.role == "tool":
            chat.add_tool_turn(message.text)
            continue
        chat.new_turn(message.role)
        if message.role == "assistant":
            text = (render_lfm2(message.calls) if message.calls else "") + message.text
            chat.add_text(text)
        else:
            if message.audio is not None and transcript_of is None:
                chat.add_clip(message.audio)  # end to end: the model hears the audio itself
            elif message.text:
                chat.add_text(message.text)
            elif message.audio is not None and transcript_of is not None:
                chat.add_text(transcript_of(message.audio))
            else:
                raise ValueError("a user message needs text or audio")
        chat.end_turn()
    chat.new_turn("assistant")
    return chat, prefix_len


def asr_chat(processor: Any, dtype: torch.dtype, audio: Audio) -> Any:
    """LFM2-Audio's ASR prompt: system `Perform ASR.`, the user's audio, an open assistant turn."""
    chat = new_chat(processor, dtype)
    system_prefix(chat, (), ASR_PROMPT)
    chat.new_turn("user")
    chat.add_clip(audio)
    chat.end_turn()
    chat.new_turn("assistant")
    return chat


def tts_chat(processor: Any, dtype: torch.dtype, text: str, voice_prompt: str) -> Any:
    """LFM2-Audio's TTS prompt: system `Perform TTS. Use the ... voice.`, the text."""
    chat = new_chat(processor, dtype)
    system_prefix(chat, (), voice_prompt)
    chat.new_turn("user")
    chat.add_text(text)
    chat.end_turn()
    chat.new_turn("assistant")
    return chat
