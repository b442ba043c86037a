"""The push-to-talk turn: input -> engine -> calls -> policy -> tools -> engine -> answer -> speech.

`Conversation.turn()` is a generator of events: the CLI prints them, the Qt bridge turns them into
signals, evalkit records them. Nothing here knows which engine or UI is in use.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from assistant import grounding, listing, policy, talk
from assistant.audio import Audio
from assistant.audio.io import AudioError, check_speech
from assistant.backend import Synthesizer
from assistant.corrections import settled
from assistant.engine import Engine, Message, Request
from assistant.events import (
    Answer,
    AudioChunk,
    CallAsked,
    CallMalformed,
    CallsGrounded,
    CallsHeldBack,
    CallsListed,
    CallsProposed,
    ClauseCalls,
    ConfirmationRequested,
    Done,
    Event,
    Failed,
    Heard,
    LoopError,
    NameDecision,
    Reply,
    Speaking,
    Stage,
    ToolFinished,
    ToolStarted,
    TurnStarted,
    TurnStatus,
)
from assistant.toolcall import ToolCall, render_lfm2
from assistant.tools.asking import (
    ADVICE_UNNAMED,
    ANY_TOOL,
    COUNTS,
    NO_DAY_AHEAD,
    NOT_ABOUT,
    NOT_ASKED,
    NOT_SAID,
    asks,
    of_the_past,
    unasked,
    unmeasured,
)
from assistant.tools.base import ErrorCode, SideEffect, ToolResult
from assistant.tools.context import local_now
from assistant.tools.registry import Registry

APOLOGY = "Sorry, I couldn't work out how to do that. Could you say it another way?"
ENGINE_APOLOGY = "Sorry, something went wrong on my side. Please try again."
AUDIO_APOLOGY = "Sorry, I couldn't hear a request in that recording. Please try again."
CRASHED = "Sorry, that didn't work: the tool ran into a problem."
MALFORMED = "malformed-call"  # the code of a CallMalformed that carries no parse error
_THERE = re.compile(r"\b(?:there|over\s+there)\b")  # "what day is it there": a place meant


@dataclass(frozen=True)
class UserInput:
    text: str | None = None
    audio: Audio | None = None

    def __post_init__(self) -> None:
        if self.text is None and self.audio is None:
            raise ValueError("a turn needs text or audio")


@dataclass(frozen=True)
class LoopOptions:
    max_tool_rounds: int = 4  # engine generations that may end in calls, per turn
    malformed_retries: int = 1  # a bad call is fed back once, then we apologise
    speak: bool = True  # produce answer audio (native, or through the TTS)
    max_history_messages: int = 24  # keeps prompts bounded in long sessions


@dataclass(frozen=True)
class Pending:
    """A call waiting for the user's yes, no, or choice of candidate."""

    call: ToolCall
    prompt: str
    reason: str  # "destructive" | "after-untrusted-text" | "ambiguous"
    options: tuple[str, ...] = ()
    argument: str | None = None
    # The rest of its batch ("cancel the egg timer and start a new one"): run after a yes, not
    # after a no; and what the batch's calls before it said, told with the answer either way.
    rest: tuple[ToolCall, ...] = ()
    told: tuple[str, ...] = ()
    # Calls of the same tool right after it, asked about with it in one question ("Should I
    # delete note with note id 3 and with note id 7?"): a list's items, all run after one yes.
    also: tuple[ToolCall, ...] = ()


@dataclass
class _Turn:
    number: int
    cancel: threading.Event
    retries_left: int
    untrusted_seen: bool = False
    spoke_natively: bool = False
    # What this turn's tools said in words (their `summary`, or a failure's message): the
    # answer when the model, after the results, says nothing (small brains do).
    told: list[str] = field(default_factory=list)
    # The clause each call was written from, where the engine read the request one clause at a
    # time (`ClauseCalls`): a call is held to its own clause's words ("note that it renews on
    # the 14th, and log 1 puff": the 14th is not the dose's time).
    clause_of: list[tuple[ToolCall, str]] = field(default_factory=list)
    # Calls made another tool's before a list was read ("add_medication_schedule -> log_dose (a
    # dose told as taken)"), told with the grounding of the calls as they run.
    made: list[str] = field(default_factory=list)

    def tell(self, result: ToolResult) -> None:
        if result.ok:
            said = result.data.get("summary") if isinstance(result.data, dict) else None
        elif result.error in (ErrorCode.TOOL_ERROR, ErrorCode.TIMEOUT):
            said = CRASHED  # the exception's text is for the log, not to be read out
        else:
            said = result.message  # the tool's own words: "There is no running timer number 4."
        # Once: each of a list's places gets "I can't reach the weather service" when offline.
        if isinstance(said, str) and said.strip() and said.strip() not in self.told:
            self.told.append(said.strip())


def _words_of(call: ToolCall, clause_of: Sequence[tuple[ToolCall, str]], newest: str) -> str:
    """The words `call` is held to: its own clause's where it was written from one, else the
    newest request's."""
    return next((words for c, words in clause_of if c is call), newest)


def _only(call: ToolCall, names: Collection[str]) -> dict[str, Any]:
    return {k: v for k, v in call.arguments.items() if k in names}


def tool_turn_text(results: Sequence[ToolResult]) -> str:
    """What the model reads of tool results: one JSON list, a call's name and its outcome each
    (data, never instructions). Engines and prompts that show tool results use this too."""
    return json.dumps([{"name": r.call.name, **r.for_model()} for r in results],
                      ensure_ascii=False, default=str)


class Conversation:
    """One conversation with the assistant: the engine, the tools, the voice, the history and
    any confirmation it waits for. `turn()` runs one user turn."""

    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        *,
        tts: Synthesizer | None = None,
        options: LoopOptions | None = None,
        now: Callable[[], datetime] = local_now,
    ) -> None:
        """`now`: the clock that moments said are read against (the tools' clock)."""
        self.engine = engine
        self.now = now
        self.registry = registry
        self.tts = tts
        self.options = options or LoopOptions()
        self.history: list[Message] = []
        self.pending: Pending | None = None
        self._turns = 0
        self._lock = threading.Lock()  # one turn at a time

    def reset(self) -> None:
        self.history.clear()
        self.pending = None

    # --- public entry points ------------------------------------------------------------------

    def turn(self, user: UserInput, cancel: threading.Event | None = None) -> Iterator[Event]:
        """Run one user turn. A turn that arrives while a confirmation is pending is read as the
        answer to it when it sounds like one, and as a new request otherwise. Never raises: a
        failure anywhere ends the turn with an error event and an apology."""
        with self._lock:
            t = self._begin(cancel)
            yield TurnStarted(turn=t.number, modality="audio" if user.audio is not None else "text")
            yield from self._guarded(t, self._turn(t, user))

    def confirm(self, answer: str, cancel: threading.Event | None = None) -> Iterator[Event]:
        """Answer the pending confirmation by click or by text ("yes", "the first one")."""
        with self._lock:
            t = self._begin(cancel)
            yield TurnStarted(turn=t.number, modality="text")
            if self.pending is None:
                yield from self._fail(t, Stage.CONFIRM, LoopError.NOTHING_PENDING,
                                      "There is nothing to confirm.")
                return
            yield from self._guarded(t, self._resolve(t, answer))

    def _turn(self, t: _Turn, user: UserInput) -> Iterator[Event]:
        audio = user.audio
        if audio is not None:
            try:
                audio = check_speech(audio)  # 16 kHz mono in [-1, 1], or a reason why not
            except AudioError as exc:
                # Silence or a broken clip gives ASR nothing to hear, and Whisper invents
                # words for silence: say what is wrong instead of acting on a guess.
                yield from self._fail(t, Stage.AUDIO, exc.code, str(exc))
                return
        text = user.text
        if self.pending is not None:
            if text is None and audio is not None:
                try:
                    text = self.engine.transcribe(audio)
                except Exception as exc:  # ASR failure: ask again rather than guess
                    yield from self._fail(t, Stage.ASR, LoopError.TRANSCRIBE_FAILED, str(exc))
                    return
                yield Heard(text)
            if text is not None and policy.read_answer(text, self.pending.options).understood:
                yield from self._resolve(t, text)
                return
            self.pending = None  # the user moved on: drop the question
        # The words as the user settled them ("8 mins. no wait, 10"): what every reader reads.
        self._remember(Message("user", text=settled(text or ""), audio=audio))
        yield from self._rounds(t)

    def _guarded(self, t: _Turn, events: Iterator[Event]) -> Iterator[Event]:
        """The last line of defence: an engine event of an unexpected shape (or a bug here)
        costs one turn, with an error event and an apology, never the session."""
        try:
            yield from events
        except Exception as exc:
            self.pending = None  # a question half asked is not one to answer later
            yield from self._fail(t, Stage.LOOP, LoopError.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")

    # --- the rounds of one turn ---------------------------------------------------------------

    def _begin(self, cancel: threading.Event | None) -> _Turn:
        self._turns += 1
        return _Turn(self._turns, cancel or threading.Event(), self.options.malformed_retries)

    def _rounds(self, t: _Turn) -> Iterator[Event]:
        for _ in range(self.options.max_tool_rounds + 1):
            outcome: Event | None = None
            clauses: tuple[str, ...] = ()
            unsure: NameDecision | None = None
            request = Request(tuple(self.history), self.registry.specs, speak=self.options.speak)
            fresh = self.history[-1].role == "user"  # not a round after a tool result
            try:
                for event in self.engine.respond(request, t.cancel):
                    if t.cancel.is_set():
                        break
                    if isinstance(event, Heard):
                        self._attach_transcript(event.text)
                    elif isinstance(event, ClauseCalls) and event.used:
                        clauses = event.clauses
                    elif isinstance(event, NameDecision) and event.p_name < event.threshold:
                        unsure = event
                    elif isinstance(event, AudioChunk) and not t.spoke_natively:
                        t.spoke_natively = True
                        yield Speaking(source="native")
                    if isinstance(event, (CallsProposed, CallMalformed, Reply)):
                        outcome = event
                    yield event
                    if isinstance(event, (CallsProposed, CallMalformed)):
                        break  # the call block is closed: dispatch now, don't wait for more
            except Exception as exc:
                if t.cancel.is_set():
                    break
                yield from self._fail(t, Stage.ENGINE, LoopError.ENGINE_ERROR, f"{type(exc).__name__}: {exc}")
                return
            if t.cancel.is_set():
                yield Done(turn=t.number, status=TurnStatus.CANCELLED)
                return
            if fresh and isinstance(outcome, Reply) and not t.spoke_natively and (
                    asked := (self._plainly_asked(unsure.calls) if unsure else None)
                    or self._dictated(self._newest_words())):
                yield CallAsked(call=asked, written=unsure.name if unsure else "")
                outcome = CallsProposed(calls=(asked,), raw=render_lfm2([asked]))
            why = self._why_not_answered(self._newest_words()) if fresh and \
                isinstance(outcome, Reply) and not t.spoke_natively else None
            if why is not None:  # the model's words would claim the action, or advise
                yield from self._answer(t, NOT_ASKED[why], spoken=False)
                return
            if isinstance(outcome, Reply) and (outcome.text.strip() or t.spoke_natively):
                yield from self._answer(t, outcome.text, spoken=outcome.spoken or t.spoke_natively)
                return
            if isinstance(outcome, Reply) and t.told:
                yield from self._answer(t, " ".join(t.told), spoken=False)
                return
            if isinstance(outcome, Reply) and fresh and (said := talk.answer(self._newest_words())):
                yield from self._answer(t, said, spoken=False)  # small talk, answered in kind
                return
            if isinstance(outcome, Reply) and fresh and \
                    (said := talk.unanswered(self._newest_words())):
                yield from self._answer(t, said, spoken=False)  # no tool could have done it
                return
            if isinstance(outcome, Reply):
                # Nothing said and nothing done: the model did not know what to do (the tuned
                # brain writes no words), not a crash: ask for other words.
                yield from self._fail(t, Stage.ENGINE, LoopError.EMPTY_REPLY,
                                      "The model answered with nothing.", APOLOGY)
                return
            if isinstance(outcome, CallMalformed):
                self._remember(Message("assistant", text=outcome.raw))
                # `assistant.outcome` always gives an error; an engine of its own may not.
                code = str(outcome.errors[0].code) if outcome.errors else MALFORMED
                detail = "; ".join(f"{e.code}: {e.detail}" for e in outcome.errors) or \
                    "the tool call could not be read"
                if not (yield from self._retry_or_give_up(t, Stage.PARSE, code, detail)):
                    return
                continue
            if isinstance(outcome, CallsProposed):
                t.clause_of = list(zip(outcome.calls, clauses, strict=True)) \
                    if len(clauses) == len(outcome.calls) else []
                listed = yield from self._each_listed(t, self._each_taken(t, outcome.calls))
                if t.cancel.is_set():  # while the engine was asked about a list's items
                    yield Done(turn=t.number, status=TurnStatus.CANCELLED)
                    return
                if fresh and len(listed) == 1 and self._takes_nothing(listed[0]) and \
                        (asked := self._plainly_asked(listed)) and asked.name != listed[0].name:
                    yield CallAsked(call=asked, written=listed[0].name)  # a read of nothing said
                    listed = (asked,)
                calls, why = yield from self._asked(listed, t.clause_of)
                if fresh and why in (NOT_ABOUT, NOT_SAID):  # an ask held back that dictates
                    calls, why = yield from self._dictated_instead(t, listed, calls, why)
                if fresh and not calls and why in (NOT_ABOUT, NOT_SAID) and \
                        (asked := self._plainly_asked(listed)) and \
                        all(asked.name != c.name for c in listed):  # a call of nothing said
                    yield CallAsked(call=asked, written=listed[0].name)
                    calls, why = yield from self._asked((asked,))
                if not calls and why:  # nothing asked for: say so, and what would do it
                    yield from self._answer(t, self._not_asked(why), spoken=False)
                    return
                raw = outcome.raw if calls == outcome.calls else render_lfm2(list(calls))
                self._remember(Message("assistant", text=raw, calls=calls))
                finished = yield from self._dispatch(t, calls)
                if finished:
                    return
                continue
            yield from self._fail(t, Stage.ENGINE, LoopError.NO_OUTPUT, "The engine produced no answer.")
            return
        yield from self._fail(t, Stage.LOOP, LoopError.TOO_MANY_ROUNDS,
                              f"Gave up after {self.options.max_tool_rounds} tool rounds.")

    def _dispatch(self, t: _Turn, calls: tuple[ToolCall, ...], *, grounded: bool = False
                  ) -> Generator[Event, None, bool]:
        """Run a batch of calls; return True when the turn is over (it now waits for the user,
        or gave up), False when results went into the history for another engine round."""
        if not grounded:
            calls = yield from self._ground(calls, t.clause_of, t.made)
            t.made.clear()
        results: list[ToolResult] = []
        told_before = len(t.told)
        for i, call in enumerate(calls):
            rest, told = calls[i + 1:], tuple(t.told[told_before:])
            invalid = self.registry.validate(call)
            if invalid is not None:
                self._remember_results([*results, invalid])
                code = str(invalid.error)
                return not (yield from self._retry_or_give_up(t, Stage.VALIDATE, code, invalid.message))
            tool = self.registry.get(call.name)
            assert tool is not None  # validate() checked it
            # One question for a list's items ("delete notes 3 and 7"): the calls of this tool
            # right after it are asked about with it.
            same = next((j for j, c in enumerate(rest) if c.name != call.name), len(rest))
            decision = policy.decide(tool, call, *rest[:same],
                                     after_untrusted_text=t.untrusted_seen)
            if decision.ask:
                also, rest = rest[:same], rest[same:]
                self._remember_results(results)
                yield from self._ask(t, Pending(call, decision.prompt, decision.reason,
                                                rest=rest, told=told, also=also))
                return True
            result = yield from self._run(call, confirmed=False)
            if result.error is ErrorCode.NEEDS_CONFIRMATION:
                self._remember_results(results)
                yield from self._ask(t, Pending(call, result.message, "ambiguous",
                                                result.options, result.argument, rest, told))
                return True
            t.untrusted_seen |= tool.returns_untrusted_text and result.ok
            t.tell(result)
            results.append(result)
        self._remember_results(results)
        return False

    def _each_listed(self, t: _Turn, calls: tuple[ToolCall, ...]
                     ) -> Generator[Event, None, tuple[ToolCall, ...]]:
        """`calls` with a call for each further item of a list the request says where one takes
        a single value ("remove notes 3 and 7"): the engine is asked again with the request's
        words less the items before each, and its call kept where it names that item as said;
        a list the engine wrote as one value is one call per item (`assistant.listing`). Each
        such call is held to the words it was written from."""
        newest = self._newest_words()
        out: list[ToolCall] = []
        asked: list[str] = []
        said: list[str] = []
        split: list[ToolCall] = []
        failed = ""
        for call in calls:
            tool = self.registry.get(call.name)
            words = _words_of(call, t.clause_of, newest)
            if tool is None or not tool.listed or not words:
                out.append(call)
                continue
            items = listing.split_value(call, tool.listed, words)
            if items is not None:
                split.append(call)
                out.extend(items)
                t.clause_of.extend((item, words) for item in items)
                continue
            out.append(call)
            for _ in range(listing.MAX_ITEMS - 1):
                item = listing.next_item(call, tool.listed, words)
                if item is None or t.cancel.is_set():
                    break
                kind = tool.listed[item.argument]
                nxt = listing.as_said(call, item, kind) if item.argument in tool.as_said else None
                if nxt is not None:  # a thing of its kind as said: no engine pass to check
                    said.append(item.words)
                else:  # the engine writes the item's call, kept if it names the item
                    asked.append(item.words)
                    try:
                        nxt = self._call_for(t, item.words)
                    except Exception as exc:  # the list's calls so far still run; the log says
                        failed = f"{type(exc).__name__}: {exc}"
                        break
                    nxt = nxt and self._as_taken(nxt, item.words)
                    if nxt is None or not listing.is_next(nxt, call, item, kind):
                        break
                out.append(nxt)
                t.clause_of.append((nxt, item.words))
                if item.before:  # the item before said its own time: hold its call to it
                    t.clause_of.insert(0, (call, item.before))
                call, words = nxt, item.words
        if asked or said or split:
            yield CallsListed(calls=tuple(out), asked=tuple(asked), failed=failed,
                              split=tuple(split), said=tuple(said))
        return tuple(out)

    def _each_taken(self, t: _Turn, calls: tuple[ToolCall, ...]) -> tuple[ToolCall, ...]:
        """`calls` with each schedule written for a dose told as taken made that dose
        (`grounding.as_taken`), before a list is read: its further items are doses too. Told
        in the one `CallsGrounded` of the calls as they run (`t.made`)."""
        newest = self._newest_words()
        meant = tuple(self._as_taken(c, _words_of(c, t.clause_of, newest)) for c in calls)
        swap = {id(c): m for c, m in zip(calls, meant, strict=True) if m is not c}
        t.clause_of = [(swap.get(id(c), c), w) for c, w in t.clause_of]
        t.made += [f"{c.name} -> {m.name} (a dose told as taken)"
                   for c, m in zip(calls, meant, strict=True) if m is not c]
        return meant

    def _as_taken(self, call: ToolCall, words: str) -> ToolCall:
        tool = self.registry.get(call.name)
        taken = self.registry.get(tool.taken) if tool is not None and tool.taken else None
        if tool is None or taken is None or not words:
            return call
        return grounding.as_taken(call, tool, taken, words)

    def _call_for(self, t: _Turn, words: str) -> ToolCall | None:
        """The one call the engine writes for `words` said in place of the newest request, with
        the history before it; None for no call or several."""
        last = max(i for i, m in enumerate(self.history) if m.role == "user")
        history = (*self.history[:last], Message("user", text=words))
        for event in self.engine.respond(Request(history, self.registry.specs, speak=False),
                                         t.cancel):
            if isinstance(event, CallsProposed):
                return event.calls[0] if len(event.calls) == 1 else None
            if isinstance(event, (CallMalformed, Reply)) or t.cancel.is_set():
                return None
        return None

    def _asked(self, calls: tuple[ToolCall, ...], clause_of: Sequence[tuple[ToolCall, str]] = ()
               ) -> Generator[Event, None, tuple[tuple[ToolCall, ...], str | None]]:
        """`calls` without those the newest request did not ask for, by its tools' reasons
        ("is 800 mg too much?" logs no dose: `assistant.tools.asking`), and the first reason. A
        call written from one clause is judged by that clause's words ("when was my last dose,
        and what time is it in Chicago": the first clause asks a thing's time, the second asks
        the clock's)."""
        newest = self._newest_words()
        whys = [self._why_held(c, _words_of(c, clause_of, newest)) for c in calls]
        held = tuple(c for c, why in zip(calls, whys, strict=True) if why)
        why = next((w for w in whys if w), None)
        if why is None:
            return calls, None
        yield CallsHeldBack(calls=held, why=why)
        return tuple(c for c, w in zip(calls, whys, strict=True) if not w), why

    def _plainly_asked(self, written: Sequence[ToolCall]) -> ToolCall | None:
        """The call of the one tool that plainly answers the newest request
        (`Tool.plainly_asked`), in place of the brain's calls (`written`). A tool of places is
        called with the place the request names, or else a place the brain wrote where the
        request says it, or none for a request of here; None where the request points at a
        place ("there") and names none that is known. Another tool is called as the brain wrote
        it (a cancel with the label it wrote), or with no argument where it takes none. None
        where no tool or several plainly answer."""
        newest = self._newest_words()
        tools = [t for t in self.registry if t.plainly_asked and t.plainly_asked(newest)]
        if len(tools) != 1:
            return None
        tool = tools[0]
        if not tool.places:
            own = next((c for c in written if c.name == tool.name), None)
            return own or (None if tool.parameters.get("properties") else ToolCall(tool.name, {}))
        args: dict[str, Any] = {}
        for name, known in tool.places.items():
            said = [v for c in written for v in c.arguments.values()
                    if isinstance(v, str) and known(v) and grounding.said(v, newest)]
            place = grounding.said_place(newest, known) or next(iter(said), None)
            if place is not None:
                args[name] = place
            elif _THERE.search(newest.lower()) and not grounding.asks_here(newest):
                return None
        return ToolCall(tool.name, args)

    def _dictated(self, words: str) -> ToolCall | None:
        """The call `words` (a request, or one of its asks) dictate outright (`Tool.dictated`:
        "note to self: the spare key is under the blue pot"), where one tool's does."""
        found = [ToolCall(tool.name, dict(args)) for tool in self.registry
                 if tool.dictated and (args := tool.dictated(words))]
        return found[0] if len(found) == 1 else None

    def _dictated_instead(self, t: _Turn, listed: tuple[ToolCall, ...],
                          calls: tuple[ToolCall, ...], why: str | None
                          ) -> Generator[Event, None, tuple[tuple[ToolCall, ...], str | None]]:
        """`calls` and the call each held back call's own words dictate ("note: parked on level
        3, bay 42. also set a 2 hour timer": the brain's `delete_note(1)` for the first ask,
        held back for a number not said, is that ask's note)."""
        newest = self._newest_words()
        for held in (c for c in listed if c not in calls):
            asked = self._dictated(_words_of(held, t.clause_of, newest))
            if asked is None or asked.name == held.name:
                continue
            yield CallAsked(call=asked, written=held.name)
            more, _ = yield from self._asked((asked,))
            calls, why = (*calls, *more), (why if not (calls or more) else None)
        return calls, why

    def _takes_nothing(self, call: ToolCall) -> bool:
        """Whether `call` only reads and takes no argument: the brain wrote no word of the
        request into it (`list_timers()` for "has it gone five o'clock yet")."""
        tool = self.registry.get(call.name)
        return tool is not None and tool.side_effect == SideEffect.READ and not call.arguments

    def _why_held(self, call: ToolCall, newest: str) -> str | None:
        """Why `call` is not run for `newest`: a reason its words say (a countdown holds back a
        read of a place only where the place is none said: `grounding.place_unsaid`), advice
        asked about a medicine, whatever the tool (`_asks_advice`), a number or time made up
        that it cannot do without (one it can, a dose's time or an id beside a label, is
        dropped in `_ground`), a forecast's day that is no day ahead, or user turns that name
        none of what the tool is about (`Tool.about`, `Tool.about_args`)."""
        tool = self.registry.get(call.name)
        if tool is None:
            return None
        why = unasked(newest, (*tool.held_back_by, *ANY_TOOL), tool.action,
                      tool.side_effect == SideEffect.READ)
        if why == "a countdown" and tool.places and not grounding.place_unsaid(call, tool, newest):
            why = None  # the time and date here, or in the place said, half answer a countdown
        # "How much paracetamol can an adult take in a day?" -> the clock; a sum or a conversion
        # only where it can be done with what was said ("the calpol says 7.5 ml - how many
        # teaspoons is that"; not "is 5mg of melatonin too much for a 7 year old?" -> `5mg*7`).
        if why is None and self._asks_advice(newest) and \
                (tool.action not in COUNTS or not grounding.counts_as_said(call, tool, newest)):
            return "advice"
        if why is None and newest:
            said = self._said()
            made = grounding.made_up(call, tool, said, self._shown())
            if grounding.cannot_do_without(call, tool, made):
                return NOT_SAID
            if grounding.no_day_ahead(call, tool, newest, self.now()):
                return NO_DAY_AHEAD
            if not ((tool.about is None or tool.about(said)) and
                    (tool.about_args is None or tool.about_args(call.arguments, said))):
                return NOT_ABOUT
        return why

    def _why_not_answered(self, request: str) -> str | None:
        """Why a `request` the brain made no call for gets the loop's answer whatever the model
        said: it asks for an action no tool does (the base 0.5B says "Yes, I can play music."),
        or asks about a thing a tool gives no advice on (a medicine: "Yes, ibuprofen is safe
        with alcohol."); not where it tells of one ("had an ibuprofen after lunch") or asks of
        the past ("when did I last have my atorvastatin?"): a dose or a read the brain missed,
        which "say it another way" may get done. "" (audio the model heard itself): none."""
        if not request:
            return None
        if (why := unasked(request, ANY_TOOL)) is not None:
            return why
        asked = asks(request) or unasked(request, ("advice",)) is not None
        if not asked or of_the_past(request):
            return None
        return "advice" if self._names_no_advice_thing(request) else None

    def _not_asked(self, why: str) -> str:
        """What the user is told for a call held back for `why`: advice where no medicine is
        named is not sent to a pharmacist ("how much will I have after 26 weeks?")."""
        if why == "advice" and not self._names_no_advice_thing(self._newest_words()):
            return ADVICE_UNNAMED
        return NOT_ASKED[why]

    def _asks_advice(self, request: str) -> bool:
        """Whether `request` asks for advice about a thing a tool gives none on (a medicine:
        "whats the max dose of ibuprofen in 24 hrs"; a unit alone names none), not of the past
        and asking for no record: no call runs for it but a sum's or a conversion's."""
        return bool(request) and unasked(request, ("advice",)) is not None and \
            not of_the_past(request) and self._names_no_advice_thing(unmeasured(request))

    def _names_no_advice_thing(self, request: str) -> bool:
        tests = {t.no_advice_on for t in self.registry if t.no_advice_on is not None}
        return any(test(request) for test in tests)  # each test once

    def _said(self) -> str:
        """The words of every user turn in the window."""
        return " ".join(m.text for m in self.history if m.role == "user" and m.text)

    def _shown(self) -> str:
        """What the tools told the model in the window (the numbers of notes it listed)."""
        return " ".join(m.text for m in self.history if m.role == "tool" and m.text)

    def _newest_words(self) -> str:
        """The newest request's words: "" when the model heard it as audio, untranscribed."""
        return next((m.text for m in reversed(self.history) if m.role == "user"), "")

    def _ground(self, calls: tuple[ToolCall, ...], clause_of: Sequence[tuple[ToolCall, str]] = (),
                made: Sequence[str] = ()) -> Generator[Event, None, tuple[ToolCall, ...]]:
        """`calls` without arguments the user never said, with the duration said, and a lone
        dose said as a daily routine made a schedule (`assistant.grounding`). Places are
        checked against every user turn in the window ("and tomorrow?" keeps the city said
        before), as are made-up numbers and times (`grounding.made_up`: a dose's time nobody
        said is dropped), the rest against the newest; with no words to check (audio heard by
        the model itself) the calls stay as they are. A call written from one clause of the
        request (`clause_of`) is held to that clause's words instead of the newest's. `made`:
        the calls already made another tool's, told with the rest."""
        said = self._said()
        if not said.strip():
            return calls
        newest = self._newest_words()  # not an older turn's, when this one was heard as audio
        grounded: list[ToolCall] = []
        dropped: list[str] = []
        corrected: list[str] = list(made)
        for call in calls:
            tool = self.registry.get(call.name)
            if tool is None:
                grounded.append(call)
                continue
            heard = _words_of(call, clause_of, newest)
            meant, routine = call, self.registry.get(tool.routine)
            if routine is not None and len(calls) == 1:  # "at 8 and 4" logged: a schedule
                meant = grounding.as_routine(call, tool, routine, newest)
                if meant is not call:
                    corrected.append(f"{call.name} -> {meant.name} (a daily routine said)")
                    tool = routine
            kept = grounding.ground(meant, tool.grounded, said, self.now())
            if newest and (made := grounding.made_up(kept, tool, said, self._shown())):
                kept = ToolCall(kept.name, {k: v for k, v in kept.arguments.items() if k not in made})
            dropped += [f"{meant.name}.{k}={v!r}" for k, v in meant.arguments.items()
                        if k not in kept.arguments]
            new = grounding.as_said(kept, tool, heard, self.now())
            new = grounding.ground_there(new, tool.there, heard, said)
            new = grounding.ground_asked(new, tool.there, newest)
            if new != kept:
                names = {*tool.places, *tool.there, *tool.counted, *tool.duration, *tool.moments,
                         *tool.days, *tool.times_of_day, *tool.units, *tool.amounts}
                corrected.append(f"{kept.name} {_only(kept, names)} -> {_only(new, names)}")
            if new != call:
                self._amend_call(call, new)
            grounded.append(new)
        if not dropped and not corrected:
            return calls
        yield CallsGrounded(calls=tuple(grounded), dropped=tuple(dropped),
                            corrected=tuple(corrected))
        return tuple(grounded)

    def _run(self, call: ToolCall, *, confirmed: bool) -> Generator[Event, None, ToolResult]:
        tool = self.registry.get(call.name)
        yield ToolStarted(call=call, side_effect=str(tool.side_effect) if tool else "unknown")
        result = self.registry.run(call, confirmed=confirmed)
        yield ToolFinished(call=call, ok=result.ok, data=result.data,
                           error_code=str(result.error) if result.error else None,
                           message=result.message, seconds=result.seconds)
        return result

    def _resolve(self, t: _Turn, text: str) -> Iterator[Event]:
        pending = self.pending
        assert pending is not None
        reply = policy.read_answer(text, pending.options)
        if reply.no:
            self.pending = None
            self._remember_results([ToolResult(c, False, error=ErrorCode.DECLINED,
                                               message="The user declined.")
                                    for c in (pending.call, *pending.also)])
            yield from self._answer(t, " ".join([*pending.told, "Okay, I won't do that."]),
                                    spoken=False)
            return
        if not reply.understood or (pending.options and reply.option is None):
            yield from self._ask(t, pending)  # "yes" to "A or B?", or a mumble: ask again
            return
        self.pending = None
        call = pending.call
        if reply.option is not None and pending.argument:
            call = ToolCall(call.name, {**call.arguments, pending.argument: pending.options[reply.option]})
            self._amend_call(pending.call, call)
        start = len(t.told)
        t.told.extend(pending.told)
        results: list[ToolResult] = []
        for i, each in enumerate((call, *pending.also)):
            result = yield from self._run(each, confirmed=True)
            if result.error is ErrorCode.NEEDS_CONFIRMATION:
                self._remember_results(results)
                yield from self._ask(t, Pending(
                    each, result.message, "ambiguous", result.options, result.argument,
                    (*pending.also[i:], *pending.rest), tuple(t.told[start:])))
                return
            t.tell(result)
            results.append(result)
        self._remember_results(results)
        if pending.rest and (yield from self._dispatch(t, pending.rest, grounded=True)):
            return
        yield from self._rounds(t)

    # --- helpers ------------------------------------------------------------------------------

    def _retry_or_give_up(self, t: _Turn, stage: Stage, code: str,
                          detail: str) -> Generator[Event, None, bool]:
        """Feed a bad call's error back for one more try. Returns True to retry."""
        if t.retries_left > 0:
            t.retries_left -= 1
            feedback = {"ok": False, "error": code,
                        "message": f"That tool call was not valid ({detail}). Call again with valid "
                                   "syntax and arguments, or answer without a tool."}
            self._remember(Message("tool", text=json.dumps([feedback])))
            return True
        yield from self._fail(t, stage, code, detail)
        return False

    def _ask(self, t: _Turn, pending: Pending) -> Iterator[Event]:
        self.pending = pending
        yield ConfirmationRequested(call=pending.call, prompt=pending.prompt, options=pending.options)
        yield from self._say(t, pending.prompt)
        yield Done(turn=t.number, status=TurnStatus.NEEDS_CONFIRMATION)

    def _answer(self, t: _Turn, text: str, *, spoken: bool) -> Iterator[Event]:
        self._remember(Message("assistant", text=text))
        yield Answer(text)
        if not spoken:
            yield from self._say(t, text)
        yield Done(turn=t.number, status=TurnStatus.ANSWERED)

    def _say(self, t: _Turn, text: str) -> Iterator[Event]:
        if not (self.options.speak and self.tts and text.strip()) or t.cancel.is_set():
            return
        try:
            audio = self.tts.synthesize(text)
        except Exception as exc:  # the answer stands in text; speech is best effort
            yield Failed(stage=Stage.TTS, code=LoopError.TTS_FAILED,
                         message=f"{type(exc).__name__}: {exc}")
            return
        yield Speaking(source=self.tts.name)
        yield AudioChunk(audio)

    def _fail(self, t: _Turn, stage: Stage, code: str, message: str,
              text: str | None = None) -> Iterator[Event]:
        yield Failed(stage=stage, code=code, message=message)
        text = text or {Stage.ENGINE: ENGINE_APOLOGY, Stage.AUDIO: AUDIO_APOLOGY}.get(stage, APOLOGY)
        yield Answer(text)
        yield from self._say(t, text)
        yield Done(turn=t.number, status=TurnStatus.FAILED)

    def _remember(self, message: Message) -> None:
        self.history.append(message)
        overflow = len(self.history) - self.options.max_history_messages
        if overflow > 0:
            del self.history[:overflow]
            while self.history and self.history[0].role != "user":
                del self.history[0]  # never start the window mid-exchange

    def _remember_results(self, results: list[ToolResult]) -> None:
        if results:
            self._remember(Message("tool", text=tool_turn_text(results)))

    def _amend_call(self, old: ToolCall, new: ToolCall) -> None:
        """The history shows the call as it runs (a candidate the user picked, an argument
        never said dropped)."""
        for i in range(len(self.history) - 1, -1, -1):
            message = self.history[i]
            if message.role == "assistant" and old in message.calls:
                calls = tuple(new if c == old else c for c in message.calls)
                self.history[i] = replace(message, calls=calls, text=render_lfm2(calls))
                return

    def _attach_transcript(self, text: str) -> None:
        """Keep the transcript beside the audio so text-only rounds need no second ASR pass."""
        for i in range(len(self.history) - 1, -1, -1):
            if self.history[i].role == "user":
                self.history[i] = replace(self.history[i], text=settled(text))
                return


__all__ = ["Conversation", "LoopOptions", "Pending", "UserInput", "tool_turn_text"]
