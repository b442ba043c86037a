"""A model's own chat template, rendered with `tools=` the way `transformers` does it.

`tokenizer.apply_chat_template(messages, tools=...)` is the standard; GGUF files carry the same
Jinja template in their metadata (`tokenizer.chat_template`) but no `transformers` tokenizer, and
importing `transformers` costs seconds a text turn should not pay. So the template is rendered
here with the same sandboxed Jinja environment and globals transformers uses (`tojson` without
ASCII escaping, `raise_exception`, `strftime_now`); `tests/test_chat_brain.py` checks the two give
the same text.

Our conversation maps onto the template's messages: an assistant turn that called tools carries
`tool_calls` (OpenAI shape), a tool turn is `role: "tool"` with the loop's JSON as its content.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.engine import Message, ToolSpec

# The call markers of the templates we know, found in the template text. Qwen2.5 and Hermes-style
# models write `<tool_call>{json}</tool_call>`; LFM2 writes its Pythonic list between its tokens.
KNOWN_MARKERS: tuple[tuple[str, str], ...] = (
    ("<|tool_call_start|>", "<|tool_call_end|>"),
    ("<tool_call>", "</tool_call>"),
)


@dataclass(frozen=True)
class ChatTemplate:
    source: str  # the Jinja text
    bos: str = ""
    eos: str = ""

    @functools.cached_property
    def _compiled(self) -> Any:
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        def raise_exception(message: str) -> None:
            from jinja2.exceptions import TemplateError

            raise TemplateError(message)

        def tojson(x: Any, ensure_ascii: bool = False, indent: int | None = None,
                   separators: Any = None, sort_keys: bool = False) -> str:
            return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                              sort_keys=sort_keys)

        def strftime_now(fmt: str) -> str:
            return datetime.datetime.now().strftime(fmt)

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                            extensions=["jinja2.ext.loopcontrols"])
        env.filters["tojson"] = tojson
        env.globals["raise_exception"] = raise_exception
        env.globals["strftime_now"] = strftime_now
        return env.from_string(self.source)

    @property
    def supports_tools(self) -> bool:
        return "tools" in self.source

    @property
    def call_markers(self) -> tuple[str, str] | None:
        """(start, end) of a call block in this template's native format, if it has one."""
        for start, end in KNOWN_MARKERS:
            if start in self.source:
                return start, end
        return None

    def render(self, messages: Sequence[dict[str, Any]], tools: Sequence[ToolSpec] = (),
               add_generation_prompt: bool = True) -> str:
        return str(self._compiled.render(
            messages=list(messages), tools=[t.to_openai() for t in tools] or None,
            add_generation_prompt=add_generation_prompt, bos_token=self.bos,
            eos_token=self.eos))


def chat_messages(history: Sequence[Message], system: str | None = None) -> list[dict[str, Any]]:
    """Our history as chat-template messages (text only: the cascade transcribed any audio)."""
    out: list[dict[str, Any]] = []
    given = [m.text for m in history if m.role == "system" and m.text]
    if given or system:
        out.append({"role": "system", "content": given[-1] if given else system})
    for m in history:
        if m.role == "system":
            continue
        if m.role == "assistant" and m.calls:
            out.append({"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": c.name, "arguments": dict(c.arguments)}}
                for c in m.calls]})
        else:
            out.append({"role": m.role, "content": m.text})
    return out


__all__ = ["ChatTemplate", "chat_messages"]
