"""A model's own chat template, rendered with `tools=` the way `transformers` does it.

`tokenizer.apply_chat_template(messages, tools=...)` is the standard; GGUF files carry the same
Jinja template in their metadata (`tokenizer.chat_template`) but no `transformers` tokenizer, and
importing `transformers` costs seconds a text turn should not pay. So the template is rendered
here with the same sandboxed Jinja environment and globals transformers uses (`tojson` without
ASCII escaping, `raise_exception`, `strftime_now`); `tests/test_chat_brain.py` checks the two give
the same text.

Our conversation maps onto the template's messages: an assistant turn that called tools carries
`tool_calls` (OpenAI shape), a tool turn is `role: "tool"` with the loop's JSON as its content.
A template that ignores `tool_calls` (LFM2's first templates render only `content`) gets the call
written in its own format as the content, so the model still sees what it called.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.engine import Message, ToolSpec
from assistant.toolcall import ToolCall, render_pythonic


@dataclass(frozen=True)
class CallFormat:
    """How a model family writes a call block."""

    start: str
    end: str
    # True: one JSON object {"name", "arguments"} per block, one block per call (Qwen2.5,
    # Hermes): a JSON schema can constrain it. False: one Pythonic list of calls in one block
    # (LFM2: `[get_weather(city="Paris")]`), decoded freely and checked by the parser.
    json_body: bool
    sep: str  # between the start marker and the body, and the body and the end marker
    signs: tuple[str, ...]  # text that identifies the family in a chat template


    def block(self, calls: Sequence[ToolCall]) -> str:
        """`calls` as this family writes them (for templates that do not render tool_calls)."""
        if self.json_body:
            return "\n".join(
                f"{self.start}{self.sep}{json.dumps(c.to_dict(), ensure_ascii=False)}"
                f"{self.sep}{self.end}" for c in calls)
        return f"{self.start}{render_pythonic(calls)}{self.end}"


# The call formats of the templates we know, found by their signs in the template text.
KNOWN_FORMATS: tuple[CallFormat, ...] = (
    # LFM2's first templates never write a call themselves, only the tool list and responses.
    CallFormat("<|tool_call_start|>", "<|tool_call_end|>", json_body=False, sep="",
               signs=("<|tool_call_start|>", "<|tool_list_start|>", "<|tool_response_start|>")),
    CallFormat("<tool_call>", "</tool_call>", json_body=True, sep="\n", signs=("<tool_call>",)),
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
                                            extensions=["jinja2.ext.loopcontrols",
                                                        _generation_tag()])
        env.filters["tojson"] = tojson
        env.globals["raise_exception"] = raise_exception
        env.globals["strftime_now"] = strftime_now
        return env.from_string(self.source)

    @property
    def supports_tools(self) -> bool:
        return "tools" in self.source

    @property
    def call_format(self) -> CallFormat | None:
        """How this template's model writes calls, if it is a format we know."""
        for fmt in KNOWN_FORMATS:
            if any(sign in self.source for sign in fmt.signs):
                return fmt
        return None

    @property
    def call_markers(self) -> tuple[str, str] | None:
        """(start, end) of a call block in this template's native format, if it has one."""
        fmt = self.call_format
        return None if fmt is None else (fmt.start, fmt.end)

    def messages(self, history: Sequence[Message], system: str | None = None
                 ) -> list[dict[str, Any]]:
        """`chat_messages` for this template: calls as `tool_calls` where it renders them, else
        written into the assistant's content in the model's own format."""
        fmt = self.call_format
        written = fmt.block if fmt is not None and "tool_calls" not in self.source else None
        return chat_messages(history, system, write_calls=written)

    def render(self, messages: Sequence[dict[str, Any]], tools: Sequence[ToolSpec] = (),
               add_generation_prompt: bool = True) -> str:
        return str(self._compiled.render(
            messages=list(messages), tools=[t.to_openai() for t in tools] or None,
            add_generation_prompt=add_generation_prompt, bos_token=self.bos,
            eos_token=self.eos))


def _generation_tag() -> Any:
    """`{% generation %}...{% endgeneration %}`, which transformers adds to Jinja to mark the
    assistant's tokens for training masks (LFM2.5's templates use it): rendered as its body."""
    from jinja2.ext import Extension

    class Generation(Extension):
        tags = {"generation"}  # noqa: RUF012 (Jinja's own API: a set class attribute)

        def parse(self, parser: Any) -> Any:
            next(parser.stream)
            return parser.parse_statements(("name:endgeneration",), drop_needle=True)

    return Generation


def chat_messages(history: Sequence[Message], system: str | None = None, *,
                  write_calls: Callable[[Sequence[ToolCall]], str] | None = None
                  ) -> list[dict[str, Any]]:
    """Our history as chat-template messages (text only: the cascade transcribed any audio).
    `write_calls`: put an assistant turn's calls into its content with this, instead of
    `tool_calls`."""
    out: list[dict[str, Any]] = []
    given = [m.text for m in history if m.role == "system" and m.text]
    if given or system:
        out.append({"role": "system", "content": given[-1] if given else system})
    for m in history:
        if m.role == "system":
            continue
        if m.role == "assistant" and m.calls and write_calls is not None:
            # `text` is the raw block the model wrote (our markers): the calls say it again
            out.append({"role": "assistant", "content": write_calls(m.calls)})
        elif m.role == "assistant" and m.calls:
            out.append({"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": c.name, "arguments": dict(c.arguments)}}
                for c in m.calls]})
        else:
            out.append({"role": m.role, "content": m.text})
    return out


__all__ = ["KNOWN_FORMATS", "CallFormat", "ChatTemplate", "chat_messages"]
