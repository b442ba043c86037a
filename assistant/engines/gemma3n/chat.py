"""Our conversation as Gemma 3n chat messages, and Gemma's text back as one of our events.

Gemma 3n has no tool role and no tool tokens, so tools travel as text:
- the system text is the shared one (`assistant.prompt.system_text`: persona, the call format
  `<|tool_call_start|>[name(arg=value)]<|tool_call_end|>`, the JSON tool list); Gemma's template
  puts it at the start of the first user turn;
- an assistant turn that called tools shows the call in that same format (`render_lfm2`);
- a tool turn is a user turn holding the loop's JSON between `<|tool_response_start|>` and
  `<|tool_response_end|>`, as in `assistant.prompt.text_prompt`.
Gemma's template demands strictly alternating user/model turns starting with the user, so
consecutive turns of one role (a failed turn's user message, then the next one) are merged.

Nothing here imports torch: prompt building and output reading are tested without a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assistant.engine import Message, ToolSpec
from assistant.events import CallsProposed, Reply
from assistant.outcome import Outcome, outcome
from assistant.prompt import CHAT_PERSONA, system_text
from assistant.toolcall import CALL_END, CALL_START, render_lfm2

RESPONSE_START = "<|tool_response_start|>"
RESPONSE_END = "<|tool_response_end|>"
ASR_PROMPT = "Transcribe this audio exactly. Write only the words that were spoken."


def system_for(history: Sequence[Message], tools: Sequence[ToolSpec],
               persona: str = CHAT_PERSONA) -> str:
    """The conversation's own system text (the last one given), else persona + tools."""
    given = [m.text for m in history if m.role == "system" and m.text]
    return given[-1] if given else system_text(tools, persona)


def _content(m: Message) -> list[dict[str, Any]]:
    if m.role == "assistant":
        return [{"type": "text", "text": render_lfm2(m.calls) if m.calls else m.text}]
    if m.role == "tool":
        return [{"type": "text", "text": f"{RESPONSE_START}{m.text}{RESPONSE_END}"}]
    if m.audio is not None:  # Gemma hears the audio itself; a transcript beside it is not needed
        return [{"type": "audio"}]
    return [{"type": "text", "text": m.text}]


def _merge(into: list[dict[str, Any]], more: list[dict[str, Any]]) -> None:
    """Append a turn's content to the previous turn of the same role. The template trims every
    text item, so adjacent texts are joined into one item with a blank line between them."""
    if into and more and into[-1]["type"] == "text" and more[0]["type"] == "text":
        into[-1] = {"type": "text", "text": f"{into[-1]['text']}\n\n{more[0]['text']}"}
        more = more[1:]
    into.extend(more)


def messages(history: Sequence[Message], tools: Sequence[ToolSpec],
             persona: str = CHAT_PERSONA) -> tuple[list[dict[str, Any]], list[Any]]:
    """Chat-template messages for `history`, and the user audio clips in the order the
    template places their `<audio_soft_token>`s."""
    turns: list[dict[str, Any]] = []
    clips: list[Any] = []
    for m in history:
        if m.role == "system":
            continue
        role = "assistant" if m.role == "assistant" else "user"
        if not turns and role != "user":
            continue  # the template starts with the user; the loop never starts otherwise
        content = _content(m)
        if m.role == "user" and m.audio is not None:
            clips.append(m.audio)
        if turns and turns[-1]["role"] == role:
            _merge(turns[-1]["content"], content)
        else:
            turns.append({"role": role, "content": content})
    if not turns:
        turns.append({"role": "user", "content": [{"type": "text", "text": ""}]})
    system = system_for(history, tools, persona)
    if system:
        turns.insert(0, {"role": "system", "content": [{"type": "text", "text": system}]})
    return turns, clips


def asr_messages() -> list[dict[str, Any]]:
    """One user turn: the clip, then the request to transcribe it."""
    return [{"role": "user", "content": [{"type": "audio"}, {"type": "text", "text": ASR_PROMPT}]}]


# A whole reply in one Markdown code fence (```json ...```, ```tool_code ...```): instruction-tuned
# Gemma models like to wrap calls that way.
_FENCE = re.compile(r"^```[A-Za-z_]*\s*\n?(.*?)\n?```$", re.S)
_PYTHONIC = re.compile(r"^\[\s*[A-Za-z_][A-Za-z0-9_]*\s*\(")


def read(raw: str) -> Outcome:
    """Gemma's generated text as the loop's event, through the one parser (`outcome`).

    Before parsing, a reply that is nothing but one code fence is unwrapped, and a fenced body
    in our Pythonic call syntax gets the markers the prompt asked for. That only changes
    what counts as a call when the fence holds a call; any other text stays a `Reply` of the
    original text. Never raises, never evaluates model text."""
    text = raw.strip()
    fenced = _FENCE.match(text)
    if fenced:
        body = fenced.group(1).strip()
        if _PYTHONIC.match(body):
            body = f"{CALL_START}{body}{CALL_END}"
        inner = outcome(body)
        if not isinstance(inner, Reply):
            return inner
    event = outcome(text)
    start = text.find(CALL_START)
    if isinstance(event, CallsProposed) and start > 0:
        return replace(event, raw=text[start:])  # the history keeps the call block alone
    if isinstance(event, Reply):
        return Reply(text=text)
    return event


def held_back(text: str) -> int:
    """How many characters at the end of streamed text must wait: the start of what may become a
    call marker. Text that opens like a call (`{`, `[`, a code fence, a marker) is held whole."""
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[", "`", "<") or CALL_START in text:
        return len(text)
    for k in range(min(len(CALL_START) - 1, len(text)), 0, -1):
        if CALL_START.startswith(text[-k:]):
            return k
    return 0


__all__ = ["ASR_PROMPT", "asr_messages", "held_back", "messages", "read", "system_for"]
