"""A deterministic engine without a model: for tests, demos and the eval's floor.

Two modes:
- rules (the default): a few regular expressions per tool family map a request to a call, and
  tool results to an answer built from their "summary". It understands only phrasings it was
  written for, which is the point: evalkit shows what a keyword matcher gets right and wrong.
- outputs: `ScriptedEngine.from_outputs([...])` replays raw model texts in order, parsed exactly
  like a real model's output. Tests use it to drive malformed calls, retries and odd answers.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from assistant.audio import Audio
from assistant.engine import Message, Request
from assistant.events import Event, Heard, TextDelta
from assistant.outcome import outcome
from assistant.speech import BackendUnavailable
from assistant.toolcall import ToolCall, render_lfm2

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
    "half an": 0.5, "a hundred": 100, "five hundred": 500, "two hundred": 200,
}
_SECONDS = {"second": 1, "minute": 60, "hour": 3600}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + ")"


def _number(text: str) -> float:
    text = text.strip().lower()
    return float(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else float(_NUMBER_WORDS[text])


def _int_or_float(value: float) -> int | float:
    return int(value) if value == int(value) else value


Builder = Callable[[re.Match[str]], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    tool: str
    build: Builder


def _rule(pattern: str, tool: str, build: Builder = lambda m: {}) -> Rule:
    return Rule(re.compile(pattern, re.I), tool, build)


def _clean(s: str | None) -> str:
    return (s or "").strip(" .?!,")


def _timer(m: re.Match[str]) -> dict[str, Any]:
    seconds = _number(m["n"]) * _SECONDS[m["unit"].lower().rstrip("s")]
    args: dict[str, Any] = {"seconds": int(seconds)}
    if m["label"]:
        args["label"] = _clean(m["label"])
    return args


RULES: tuple[Rule, ...] = (
    _rule(rf"\blog(?:ged)? {_NUM} ?(?P<unit>mg|milligrams?|mcg|micrograms?|ml|milliliters?|units?|"
          r"tablets?|pills?|capsules?) of (?P<drug>[a-z][\w-]*)(?: at (?P<time>.+))?",
          "log_dose", lambda m: {"drug": m["drug"].lower(), "amount": _int_or_float(_number(m[1])),
                                 "unit": m["unit"].lower(),
                                 **({"time": _clean(m["time"])} if m["time"] else {})}),
    _rule(r"when did i (?:last )?take (?:my )?(?P<drug>[a-z][\w-]*)", "last_dose",
          lambda m: {"drug": m["drug"].lower()}),
    _rule(r"(?:what|which) (?:medications?|meds|doses|pills) (?:did i|have i) (?:take|taken)",
          "list_doses"),
    _rule(rf"(?:set|start) a (?:(?P<label>[a-z]+) )?timer for {_NUM.replace('(', '(?P<n>', 1)} "
          r"(?P<unit>seconds?|minutes?|hours?)", "set_timer", _timer),
    _rule(r"(?:list|what are) (?:my |the )?timers", "list_timers"),
    _rule(r"cancel (?:the |my )?(?:(?P<label>[a-z]+) )?timer", "cancel_timer",
          lambda m: {"label": m["label"]} if m["label"] else {}),
    _rule(r"remind me to (?P<text>.+?) (?P<when>(?:tomorrow|today|tonight|in|at|on|next) .+)",
          "set_reminder", lambda m: {"text": _clean(m["text"]), "when": _clean(m["when"])}),
    _rule(r"(?:what are )?my reminders", "list_reminders"),
    _rule(r"weather (?:like )?(?:in|for) (?P<loc>[a-z .'-]+?)(?: (?P<day>today|tomorrow|on \w+))?"
          r"[?.!]*$", "get_weather",
          lambda m: {"location": _clean(m["loc"]).title(),
                     **({"day": m["day"].removeprefix("on ")} if m["day"] else {})}),
    _rule(r"(?:what's|what is|how's) the weather(?: like)?(?: (?P<day>today|tomorrow))?[?.!]*$",
          "get_weather", lambda m: {"day": m["day"]} if m["day"] else {}),  # the user's home
    _rule(rf"convert {_NUM} (?P<from>[a-z ]+?) (?:to|into) (?P<to>[a-z ]+)", "convert_units",
          lambda m: {"value": _int_or_float(_number(m[1])), "from_unit": _clean(m["from"]),
                     "to_unit": _clean(m["to"])}),
    _rule(r"(?:what is|what's|calculate) (?P<expr>[\d\s+\-*/().^]+\d[\s)]*)\??$", "calculate",
          lambda m: {"expression": m["expr"].strip()}),
    _rule(r"(?:take a note|add a note|note down|make a note)(?: that)?:? (?P<text>.+)", "add_note",
          lambda m: {"text": _clean(m["text"])}),
    _rule(r"search (?:my )?notes (?:for|about) (?P<q>.+)", "search_notes",
          lambda m: {"query": _clean(m["q"])}),
    _rule(r"read (?:me )?(?:back )?my notes", "read_notes"),
    _rule(r"delete note (?:number )?(?P<id>\d+)", "delete_note",
          lambda m: {"note_id": int(m["id"])}),
    _rule(r"what(?:'s| is) the time(?: in (?P<loc>[a-z .'-]+))?|what time is it(?: in "
          r"(?P<loc2>[a-z .'-]+))?", "get_time",
          lambda m: {"location": _clean(m["loc"] or m["loc2"]).title()}
          if (m["loc"] or m["loc2"]) else {}),
)

FALLBACK = "I can help with weather, timers, reminders, notes, unit conversions, sums, the time, " \
           "and your medication log."


class ScriptedEngine:
    name = "scripted"
    native_audio = False

    def __init__(
        self,
        rules: Iterable[Rule] = RULES,
        *,
        outputs: Iterable[str] | None = None,
        asr: Callable[[Audio], str] | None = None,
    ) -> None:
        self.rules = tuple(rules)
        self._outputs = list(outputs) if outputs is not None else None
        self._asr = asr

    @staticmethod
    def from_outputs(outputs: Iterable[str], asr: Callable[[Audio], str] | None = None) -> ScriptedEngine:
        return ScriptedEngine(outputs=outputs, asr=asr)

    def transcribe(self, audio: Audio) -> str:
        if self._asr is None:
            raise BackendUnavailable(
                "The scripted engine has no speech recogniser: give it `asr=` or use --engine cascade."
            )
        return self._asr(audio)

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        if self._outputs is not None:
            if not self._outputs:
                raise RuntimeError("the scripted engine ran out of outputs")
            yield from self._emit(self._outputs.pop(0))
            return
        last = request.history[-1] if request.history else Message("user", "")
        if last.role == "tool":
            yield from self._emit(self._summarise(last.text))
            return
        text = last.text
        if not text and last.audio is not None:
            text = self.transcribe(last.audio)
            yield Heard(text)
        known = {t.name for t in request.tools}
        for rule in self.rules:
            m = rule.pattern.search(text)
            if m and rule.tool in known:
                yield from self._emit(render_lfm2([ToolCall(rule.tool, rule.build(m))]))
                return
        yield from self._emit(FALLBACK)

    @staticmethod
    def _summarise(tool_json: str) -> str:
        try:
            results = json.loads(tool_json)
        except json.JSONDecodeError:
            return "Done."
        parts = []
        for r in results if isinstance(results, list) else [results]:
            if not isinstance(r, dict):
                continue
            if r.get("ok"):
                body = r.get("result")
                summary = body.get("summary") if isinstance(body, dict) else None
                parts.append(str(summary or "Done."))
            else:
                parts.append(str(r.get("message") or "That didn't work."))
        return " ".join(parts) or "Done."

    @staticmethod
    def _emit(raw: str) -> Iterator[Event]:
        yield TextDelta(raw)
        yield outcome(raw)


@dataclass(frozen=True)
class Options:
    asr: str | None = None  # e.g. "whisper-base": spoken requests are transcribed first
    asr_biasing: bool = True  # Whisper hotwords from the formulary
    threads: int | None = None


def build(options: Options) -> ScriptedEngine:
    if options.asr is None:
        return ScriptedEngine()
    from assistant.speech.asr import create_transcriber
    from assistant.tools import formulary

    transcriber = create_transcriber(options.asr, biasing=options.asr_biasing,
                                     threads=options.threads, lexicon=formulary.core())
    return ScriptedEngine(asr=transcriber.transcribe)
