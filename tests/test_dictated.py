"""A note dictated with its label ("note to self: ...", "memo - ...") is saved (note-dictated):
where the brain called nothing, held its call back, or was unsure of the tool."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from test_grounding import _ByClause

from assistant.engines.scripted import ScriptedEngine
from assistant.events import CallAsked, ToolStarted
from assistant.loop import Conversation, LoopOptions, UserInput
from assistant.toolcall import ToolCall, render_lfm2
from assistant.tools.base import Tool
from assistant.tools.notes import TOOLS as NOTES
from assistant.tools.notes import dictated_note
from assistant.tools.registry import Registry
from assistant.tools.timers import TOOLS as TIMERS


@pytest.mark.parametrize(("heard", "text"), [
    ("note: parked on level 3, bay 42", "parked on level 3, bay 42"),
    ("nte to self tyre pressure is 36 psi front 38 rear", "tyre pressure is 36 psi front 38 rear"),
    ("note - bin day moved to wednesday", "bin day moved to wednesday"),
    ("Note to self: the spare key is under the blue pot.", "the spare key is under the blue pot"),
    ("memo: call the plumber", "call the plumber"),
    ("quick note \u2014 kids dentist is dr patel", "kids dentist is dr patel"),
    ("notes: locker 117, code 4410", "locker 117, code 4410"),
    ("note that the car is due a service", None),  # no label: the brain's to read
    ("read my notes", None),
    ("note to self", None),
    ("note 4 - delete it", None),
    ("notes?", None),
])
def test_a_note_dictated_with_its_label(heard: str, text: str | None) -> None:
    assert dictated_note(heard) == (None if text is None else {"text": text})


def _registry(ran: list[tuple[str, dict[str, Any]]]) -> Registry:
    def bound(tool: Tool) -> Tool:
        def fn(**kw: Any) -> Any:
            ran.append((tool.name, kw))
            return {"ok": True, "summary": "Done."}
        return replace(tool, fn=fn, accepts_confirmation=False)
    return Registry([bound(t) for t in (*NOTES, *TIMERS)])


@pytest.mark.parametrize("brain", [
    "",  # no call (everyday-18: "nte to self tyre pressure is 36 psi front 38 rear")
    render_lfm2([ToolCall("delete_note", {"note_id": 1})]),  # held back: a number not said
])
def test_the_loop_saves_a_dictated_note_the_brain_missed(brain: str) -> None:
    ran: list[tuple[str, dict[str, Any]]] = []
    bot = Conversation(ScriptedEngine.from_outputs([brain, "Saved."]), _registry(ran),
                       options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(text="note: parked on level 3, bay 42")))
    assert ran == [("add_note", {"text": "parked on level 3, bay 42"})]
    assert [e.call.name for e in events if isinstance(e, CallAsked)] == ["add_note"]


def test_the_brains_own_call_runs_as_written() -> None:
    ran: list[tuple[str, dict[str, Any]]] = []
    reminder = ToolCall("add_note", {"text": "the spare key"})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([reminder]), "Saved."]),
                       _registry(ran), options=LoopOptions(speak=False))
    list(bot.turn(UserInput(text="note to self: the spare key is under the blue pot")))
    assert ran == [("add_note", {"text": "the spare key"})]


def test_an_ask_held_back_that_dictates_a_note_is_that_note() -> None:
    """"note: parked on level 3, bay 42. also set a 2 hour timer for the parking" set the timer
    only (everyday-18): the brain wrote delete_note(1) for the first ask."""
    ran: list[tuple[str, dict[str, Any]]] = []
    parts = ("note: parked on level 3, bay 42", "set a 2 hour timer for the parking")
    calls = [ToolCall("delete_note", {"note_id": 1}),
             ToolCall("set_timer", {"label": "parking", "hours": 2})]
    bot = Conversation(_ByClause(parts, calls, True), _registry(ran),
                       options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(text=". also ".join(parts))))
    assert sorted(ran) == [("add_note", {"text": "parked on level 3, bay 42"}),
                           ("set_timer", {"label": "parking", "hours": 2})]
    assert not any(isinstance(e, ToolStarted) and e.call.name == "delete_note" for e in events)
