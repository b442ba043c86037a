"""The `Engine` protocol: what every model pipeline (LFM2-Audio, the offline cascade, the scripted
fake) implements. Engines turn model output into typed events once; nothing above them ever sees
a tensor.

One `respond` call is one generation. It ends either with `CallsProposed` / `CallMalformed` (the
loop runs the tools and calls `respond` again with the results in the history) or with `Reply`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from assistant.audio import Audio
from assistant.events import Event
from assistant.toolcall import ToolCall, ToolSpec

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True)
class Message:
    """One turn of the conversation. Tool results travel as `role="tool"` with JSON `text`."""

    role: Role
    text: str = ""
    audio: Audio | None = None
    calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class Request:
    history: tuple[Message, ...]
    tools: tuple[ToolSpec, ...]
    speak: bool = False  # ask for native answer audio where the engine has it


class Cancelled(Exception):
    """Raised inside an engine when its cancel token is set (barge-in)."""


@runtime_checkable
class Engine(Protocol):
    name: str
    native_audio: bool  # can the engine speak its answers itself?

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]: ...

    def transcribe(self, audio: Audio) -> str:
        """Plain ASR, used for spoken confirmations ("yes", "the first one")."""
        ...


__all__ = ["Cancelled", "Engine", "Message", "Request", "Role", "ToolSpec"]
