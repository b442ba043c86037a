"""A call the request plainly asks for, made where the brain was unsure of its tool's name
(`Tool.plainly_asked`; docs/brain-eval/clock-yet/)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from assistant.engine import Request
from assistant.events import Answer, CallAsked, CallsHeldBack, Event, NameDecision, Reply
from assistant.loop import Conversation, LoopOptions, UserInput
from assistant.toolcall import ToolCall
from assistant.tools import clock, medication, timers
from assistant.tools.base import Tool
from assistant.tools.clock import asks_the_clock
from assistant.tools.registry import Registry

UNSURE = "Sorry, I'm not sure what you'd like me to do. Could you say it another way?"


@pytest.mark.parametrize(("heard", "asked"), [
    ("Is it Thursday yet in Seoul?", True),
    ("is it morning yet in Auckland?", True),
    ("Is it business hours in Dubai yet?", True),
    ("Is it lunchtime yet in São Paulo?", True),
    ("is it after office hours in manila already", True),
    ("is it past 10 in London? don't want to wake her", True),
    ("is it 5pm in london yet", True),
    ("is it still before noon?", True),
    ("Is it a weekday today?", True),
    ("is it the weekend yet or am i dreaming", True),
    ("hey is today the 14th or the 15th", True),
    ("has Melbourne already hit the weekend? what day is it there", True),
    ("whats the date in auckland, are they on tomorrow already", True),
    ("hong kong clock check, is it dinner time over there yet", True),
    ("what day is it in Tokyo", True),
    # A forecast, a judgement, the weather, a shop's hours, a countdown, a timer: not the clock.
    ("is it going to be cold in Oslo tomorrow?", False),
    ("will it still be light at 9pm in Stockholm", False),
    ("is it ok to take my metformin at bedtime", False),
    ("is it better to take atorvastatin at night or in the morning", False),
    ("is it too late to call mum in Sydney", False),
    ("is it rude to text someone at 11pm", False),
    ("is it raining in Cork yet", False),
    ("is tesco open on sunday", False),
    ("are the shops open on the weekend", False),
    ("Is it long until Easter Sunday? how many days", False),
    ("is the pie ready yet", False),
    ("Is it 'on the weekend' or 'at the weekend'?", False),
    ("is it bin day tomorrow", False),
])
def test_when_a_request_asks_the_clock(heard: str, asked: bool) -> None:
    assert asks_the_clock(heard) is asked


class _Unsure:
    """A brain that opens a call but is unsure of the name it wrote (the chat engine's name
    check held it back), then answers the tool's result."""

    name, native_audio = "unsure", False

    def __init__(self, written: ToolCall) -> None:
        self.written = written
        self.requests: list[Request] = []

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        self.requests.append(request)
        if request.history[-1].role == "tool":
            yield Reply(text="")  # the tuned brain writes no words: the tool's summary is said
            return
        yield NameDecision(name=self.written.name, p_name=0.17, threshold=0.3, raw="...",
                           calls=(self.written,))
        yield Reply(text=UNSURE)

    def transcribe(self, audio: object) -> str:
        return ""


def _bot(written: ToolCall) -> tuple[Conversation, list[tuple[str, dict[str, Any]]]]:
    ran: list[tuple[str, dict[str, Any]]] = []

    def bound(tool: Tool) -> Tool:
        def fn(**kw: Any) -> dict[str, str]:
            ran.append((tool.name, kw))
            return {"summary": f"{tool.name} ran"}
        return replace(tool, fn=fn)

    tools = Registry([bound(t) for t in (*medication.TOOLS, *clock.TOOLS, *timers.TOOLS)])
    return Conversation(_Unsure(written), tools, options=LoopOptions(speak=False)), ran


@pytest.mark.parametrize(("heard", "written", "read"), [
    # The brain's own call, unsure of its name.
    ("Is it Thursday yet in Seoul?", ToolCall("get_time", {"location": "Seoul"}), {"location": "Seoul"}),
    # Another tool's name: the clock is read in the place said.
    ("Is it lunchtime yet in São Paulo?", ToolCall("last_dose", {"drug": "lunchtime"}),
     {"location": "São Paulo"}),
    ("Is it business hours in Dubai yet?", ToolCall("list_timers", {}), {"location": "Dubai"}),
    # Here: no place, and a place the brain made up is not read.
    ("is it still before noon?", ToolCall("get_time", {"location": "Tokyo"}), {}),
    ("is it past midnight yet? lost track", ToolCall("list_timers", {}), {}),
    # A place said without "in": the one the brain wrote, where the request says it.
    ("has Melbourne already hit the weekend? what day is it there",
     ToolCall("get_time", {"location": "Melbourne"}), {"location": "Melbourne"}),
])
def test_the_clock_is_read_for_a_clock_question_the_brain_was_unsure_of(
        heard: str, written: ToolCall, read: dict[str, str]) -> None:
    bot, ran = _bot(written)
    events = list(bot.turn(UserInput(text=heard)))
    assert [(e.call, e.held) for e in events if isinstance(e, CallAsked)] == [
        (ToolCall("get_time", read), written.name)]
    assert ran == [("get_time", read)]
    assert [e.text for e in events if isinstance(e, Answer)] == ["get_time ran"]


@pytest.mark.parametrize(("heard", "written"), [
    ("is the pie ready yet", ToolCall("last_dose", {"drug": "pie"})),  # no clock question
    ("is it going to rain in Cork later", ToolCall("get_time", {"location": "Cork"})),
    # "there" with no place known: the user is asked to say it again, not read the time here.
    ("is it still working hours there", ToolCall("list_timers", {})),
])
def test_no_call_is_made_up_for_other_requests(heard: str, written: ToolCall) -> None:
    bot, ran = _bot(written)
    events = list(bot.turn(UserInput(text=heard)))
    assert ran == [] and not any(isinstance(e, CallAsked) for e in events)
    assert [e.text for e in events if isinstance(e, Answer)] == [UNSURE]


def test_the_call_made_keeps_the_loops_rules() -> None:
    # A request that leads with an action no tool does holds back any call, the one made too.
    bot, ran = _bot(ToolCall("list_timers", {}))
    events = list(bot.turn(UserInput(text="call my sister, is it already evening in Sydney?")))
    assert ran == []
    assert [(e.calls, e.why) for e in events if isinstance(e, CallsHeldBack)] == [
        ((ToolCall("get_time", {"location": "Sydney"}),), "an action no tool does")]
