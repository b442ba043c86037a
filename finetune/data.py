"""evalkit items -> supervised examples: a conversation so far, and the assistant text to learn.

Three kinds of example, all with the loss on the assistant's tokens only:
- call: the request -> `<|tool_call_start|>[name(arg=value)]<|tool_call_end|>` (the first
  acceptable value of each required argument, rendered by `assistant.toolcall.render_lfm2`);
- negative: a request no tool fits -> a short spoken answer with no call;
- answer: request, call, tool result (the loop's JSON) -> a short spoken answer.

The text path renders conversations in Gemma's turn format (`text_prompt`); the LFM2 path maps
the same examples to liquid-audio's chat format (finetune/lfm2.py).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.engine import Message, ToolSpec
from assistant.prompt import TURN_END, ToolListMode, text_prompt
from assistant.toolcall import ToolCall, render_lfm2
from evalkit.values import DURATION_PARTS

if TYPE_CHECKING:
    from evalkit.items import Item
    from finetune.config import DataOptions


@dataclass(frozen=True)
class Example:
    id: str
    history: tuple[Message, ...]  # the conversation before the target (no system turn)
    target: str  # the assistant text the loss is on
    kind: str  # "call" | "negative" | "answer"
    item_id: str = ""


# --- targets ------------------------------------------------------------------------------------


def gold_calls(item: Item) -> tuple[ToolCall, ...]:
    """The calls to train on: required arguments with their first acceptable value. Optional
    arguments the request did not mention (evalkit marks them `optional`) are left out."""
    calls = []
    for exp in item.expected:
        args = {k: _jsonable(v[0]) for k, v in exp.args.items() if k not in exp.optional}
        calls.append(ToolCall(exp.name, args))
    return tuple(calls)


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# Short spoken answers with no call, by evalkit's negative kind. Deliberately plain: the point is
# to answer without a tool, not to teach facts to a 270M model.
NEGATIVE_ANSWERS: dict[str, tuple[str, ...]] = {
    "chit-chat": ("I'm doing well, thanks for asking. How can I help?",
                  "Happy to chat. What can I do for you?",
                  "Thanks! Let me know if you need a timer, a note or the weather."),
    "general-knowledge": ("I can't look that up with my tools, sorry.",
                          "That's outside what my tools can answer, sorry."),
    "out-of-scope": ("Sorry, I can't do that: none of my tools can.",
                     "I don't have a tool for that, sorry."),
    "near-miss": ("Okay. Tell me if you want me to do something about it.",
                  "Got it. Just ask if you need a hand with that."),
}
_DEFAULT_NEGATIVE = ("Sorry, I can't help with that.",)


def negative_answer(item: Item, rng: random.Random) -> str:
    return rng.choice(NEGATIVE_ANSWERS.get(item.category, _DEFAULT_NEGATIVE))


def _arg(call: ToolCall, name: str, default: str = "") -> str:
    value = call.arguments.get(name, default)
    if isinstance(value, list):
        return " and ".join(str(v) for v in value)
    return str(value)


# Fabricated tool summaries for answer examples: what a successful tool says, in its own words.
_SUMMARIES: dict[str, str] = {
    "get_weather": "In {location} it is 14 degrees and partly cloudy.",
    "set_timer": "Timer set for {duration}.",
    "list_timers": "You have one timer running, with 3 minutes left.",
    "cancel_timer": "Timer cancelled.",
    "set_reminder": "I'll remind you to {text}, {when}.",
    "list_reminders": "You have one reminder: call mom tomorrow at 9.",
    "add_note": "Noted.",
    "search_notes": "I found one note about {query}.",
    "read_notes": "Your latest note says: buy eggs and milk.",
    "delete_note": "Note {note_id} deleted.",
    "convert_units": "{value} {from_unit} is about 12.3 {to_unit}.",
    "calculate": "That's 42.",
    "log_dose": "Logged {amount} {unit} of {drug}.",
    "last_dose": "Your last dose of {drug} was today at 8 in the morning.",
    "list_doses": "You logged two doses today.",
    "add_medication_schedule": "Scheduled {amount} {unit} of {drug} at {times}.",
    "get_time": "It's 10:30 in the morning.",
}
_FAILURE_MESSAGE = "I couldn't find that."


def tool_result(call: ToolCall, rng: random.Random) -> tuple[str, str]:
    """(the tool turn's JSON text exactly as `assistant.loop` writes it, the answer to learn)."""
    if rng.random() < 0.15:
        failure = {"name": call.name, "ok": False, "error": "not-found",
                   "message": _FAILURE_MESSAGE}
        return json.dumps([failure], ensure_ascii=False), _FAILURE_MESSAGE
    template = _SUMMARIES.get(call.name, "Done.")
    names = {n: _arg(call, n) for n in
             ("location", "text", "when", "query", "note_id", "value", "from_unit",
              "to_unit", "amount", "unit", "drug", "times")}
    names["duration"] = " ".join(f"{call.arguments[k]} {k}" for k in DURATION_PARTS
                                 if k in call.arguments)
    summary = template.format(**names)
    ok = {"name": call.name, "ok": True, "result": {"summary": summary}}
    return json.dumps([ok], ensure_ascii=False), summary


def build_examples(items: Iterable[Item], opts: DataOptions, seed: int = 0) -> list[Example]:
    """Examples from items (one split), in a fixed shuffled order."""
    rng = random.Random(seed)
    out: list[Example] = []
    for item in items:
        user = Message("user", item.text)
        if item.is_negative:
            if rng.random() < opts.negatives:
                out.append(Example(f"{item.id}#neg", (user,), negative_answer(item, rng),
                                   "negative", item.id))
            continue
        calls = gold_calls(item)
        out.append(Example(f"{item.id}#call", (user,), render_lfm2(calls), "call", item.id))
        if rng.random() < opts.answers:
            result, answer = tool_result(calls[0], rng)
            # As the loop records it: the raw call block as text, the parsed calls beside it.
            call_turn = Message("assistant", text=render_lfm2(calls), calls=calls)
            history = (user, call_turn, Message("tool", result))
            out.append(Example(f"{item.id}#answer", history, answer, "answer", item.id))
    rng.shuffle(out)
    if opts.max_train:
        out = out[: opts.max_train]
    return out


@dataclass(frozen=True)
class Encoded:
    input_ids: tuple[int, ...]
    labels: tuple[int, ...]  # -100 where there is no loss


def encode_example(tokenizer: Any, ex: Example, tools: Sequence[ToolSpec],
                   mode: ToolListMode) -> Encoded:
    """Prompt and target tokenised apart (as at serving, where the prompt is tokenised alone),
    the loss only on the target and its end-of-turn marker."""
    bos = tokenizer.bos_token or ""
    prompt = tokenizer(text_prompt(ex.history, tools, mode, bos=bos),
                       add_special_tokens=False)["input_ids"]
    target = tokenizer(ex.target + TURN_END, add_special_tokens=False)["input_ids"]
    return Encoded(tuple(prompt) + tuple(target), (-100,) * len(prompt) + tuple(target))


def stratified_sample(items: Sequence[Item], n: int, seed: int = 0) -> list[Item]:
    """A fixed sample of `n` items keeping each category's and tool's share (for quick dev
    evaluation during a sweep); the whole list when `n` is 0 or too large."""
    if n <= 0 or n >= len(items):
        return list(items)
    groups: dict[str, list[Item]] = {}
    for it in items:
        groups.setdefault(it.tool or it.category, []).append(it)
    rng = random.Random(seed)
    out: list[Item] = []
    for _key, group in sorted(groups.items()):
        k = max(1, round(n * len(group) / len(items)))
        out.extend(rng.sample(group, min(k, len(group))))
    return sorted(out, key=lambda it: it.id)
