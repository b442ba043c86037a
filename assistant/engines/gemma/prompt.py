"""The base model's "few-shot" prompt: the shared persona and call format
(`assistant.prompt`) with the tools one line each or as JSON, a few worked examples, and the
conversation as "User:" / "Assistant:" / "Tool:" lines. (With an adapter the prompt is
`assistant.prompt.text_prompt`, the one it was trained on.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.engine import Message, Request, ToolSpec
from assistant.loop import tool_turn_text
from assistant.prompt import system_text
from assistant.toolcall import CALL_START, ToolCall, render_lfm2
from assistant.tools.base import ToolResult

ROLE_LABEL = {"user": "User", "assistant": "Assistant", "tool": "Tool", "system": "System"}
TOOL_TEXT_LIMIT = 800  # characters of a tool result shown to the model

# Worked examples in the conversation format. They use the call syntax of the real catalogue;
# a tool missing from the request's tool list drops its example.
def _result(call: ToolCall, data: dict[str, Any]) -> str:
    """A tool turn exactly as the loop writes it (`assistant.loop.tool_turn_text`)."""
    return tool_turn_text([ToolResult(call, True, data)])


_TIMER = ToolCall("set_timer", {"seconds": 300})
_DOSE = ToolCall("log_dose", {"drug": "ibuprofen", "amount": 200, "unit": "mg"})
EXAMPLES: tuple[tuple[str, str, str | None, str | None], ...] = (
    # (user, assistant: a call or an answer, tool result, answer after the result)
    ("set a timer for five minutes", render_lfm2([_TIMER]),
     _result(_TIMER, {"timer_id": 1, "label": "5 minute timer", "seconds": 300,
                      "summary": "Timer set for 5 minutes."}),
     "Done, your five minute timer is running."),
    ("log 200 milligrams of ibuprofen", render_lfm2([_DOSE]),
     _result(_DOSE, {"dose_id": 1, "drug": "ibuprofen", "amount": 200, "unit": "mg",
                     "summary": "Logged 200 mg of ibuprofen at 9:14."}),
     "Logged 200 milligrams of ibuprofen."),
    ("what's the weather in Berlin", render_lfm2([ToolCall("get_weather", {"location": "Berlin"})]),
     None, None),
    ("tell me a joke", "Why did the scarecrow win an award? He was outstanding in his field.",
     None, None),
)
EXAMPLE_TOOLS = ("set_timer", "log_dose", "get_weather", None)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_message(m: Message) -> str:
    written = m.role == "assistant" and m.calls and CALL_START not in m.text
    body = render_lfm2(m.calls) if written else m.text
    if m.role == "tool" and len(body) > TOOL_TEXT_LIMIT:
        body = body[:TOOL_TEXT_LIMIT] + "..."
    return f"{ROLE_LABEL[m.role]}: {_one_line(body)}\n"


def render_system(tools: Sequence[ToolSpec], tool_list: str = "full") -> str:
    """The system text, with the JSON tool list ("full": `assistant.prompt.system_text`, ~2500
    tokens for the whole catalogue) or one line per tool ("compact", a tenth of that)."""
    if tool_list == "full":
        return system_text(tools)
    from assistant.prompt import system_prompt

    return system_prompt(tools, tool_list)  # type: ignore[arg-type]


def render_head(tools: Sequence[ToolSpec], few_shot: bool = True, tool_list: str = "full"
                ) -> str:
    """The constant part of the prompt: system text and examples."""
    head = render_system(tools, tool_list) + "\n\n"
    if not few_shot:
        return head
    names = {t.name for t in tools}
    lines: list[str] = []
    for (user, answer, result, after), tool in zip(EXAMPLES, EXAMPLE_TOOLS, strict=True):
        if tool is not None and tool not in names:
            continue
        lines += [f"User: {user}\n", f"Assistant: {answer}\n"]
        if result is not None and after is not None:
            lines += [f"Tool: {result}\n", f"Assistant: {after}\n"]
    return head + "".join(lines) + "\n" if lines else head


def render_turns(history: Sequence[Message]) -> str:
    """The conversation, ending with the cue for the model's next line."""
    return "".join(render_message(m) for m in history if m.role != "system") + "Assistant:"


def render_prompt(request: Request, few_shot: bool = True, tool_list: str = "full") -> str:
    """The whole few-shot prompt (the base model's; adapters use `assistant.prompt.text_prompt`)."""
    return render_head(request.tools, few_shot, tool_list) + render_turns(request.history)


__all__ = ["EXAMPLES", "EXAMPLE_TOOLS", "render_head", "render_message", "render_prompt",
           "render_system", "render_turns"]
