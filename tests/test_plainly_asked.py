"""A call the request plainly asks for, made where the brain's call takes nothing from it
(`Tool.plainly_asked`; docs/brain-eval/clock-yet/, docs/brain-eval/plainly-asked/)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from assistant.engine import Request
from assistant.events import (
    Answer,
    CallAsked,
    CallsHeldBack,
    CallsProposed,
    ConfirmationRequested,
    Event,
    NameDecision,
    Reply,
)
from assistant.loop import Conversation, LoopOptions, UserInput
from assistant.toolcall import ToolCall, render_lfm2
from assistant.tools import clock, medication, timers
from assistant.tools.base import Tool
from assistant.tools.clock import asks_the_clock
from assistant.tools.registry import Registry
from assistant.tools.timers import asks_time_left, asks_to_cancel

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
    ("has it gone five o'clock yet", True),
    ("wondering if its teatime in england yet", True),
    ("Can you tell me whether it's past midnight in Moscow", True),
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
    ("if it's 9am in London what time is that in LA", False),  # a sum of time zones
])
def test_when_a_request_asks_the_clock(heard: str, asked: bool) -> None:
    assert asks_the_clock(heard) is asked


class _Brain:
    """A brain that writes one call, sure of its name or not (the chat engine's name check held
    it back), then answers the tool's result."""

    name, native_audio = "brain", False

    def __init__(self, written: ToolCall, sure: bool) -> None:
        self.written, self.sure = written, sure
        self.requests: list[Request] = []

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        self.requests.append(request)
        if request.history[-1].role == "tool":
            yield Reply(text="")  # the tuned brain writes no words: the tool's summary is said
            return
        yield NameDecision(name=self.written.name, p_name=0.9 if self.sure else 0.17,
                           threshold=0.3, raw="...", calls=(self.written,))
        if self.sure:
            yield CallsProposed(calls=(self.written,), raw=render_lfm2([self.written]))
        else:
            yield Reply(text=UNSURE)

    def transcribe(self, audio: object) -> str:
        return ""


def _bot(written: ToolCall, sure: bool = False
         ) -> tuple[Conversation, list[tuple[str, dict[str, Any]]]]:
    ran: list[tuple[str, dict[str, Any]]] = []

    def bound(tool: Tool) -> Tool:
        def fn(**kw: Any) -> dict[str, str]:
            ran.append((tool.name, kw))
            return {"summary": f"{tool.name} ran"}
        return replace(tool, fn=fn)

    tools = Registry([bound(t) for t in (*medication.TOOLS, *clock.TOOLS, *timers.TOOLS)])
    return Conversation(_Brain(written, sure), tools, options=LoopOptions(speak=False)), ran


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
    assert [(e.call, e.written) for e in events if isinstance(e, CallAsked)] == [
        (ToolCall("get_time", read), written.name)]
    assert ran == [("get_time", read)]
    assert [e.text for e in events if isinstance(e, Answer)] == ["get_time ran"]


@pytest.mark.parametrize(("heard", "left"), [
    ("is the roast chicken done yet or what", True),
    ("Is the Pie ready yet?", True),
    ("are the cookies ready or not", True),
    ("is my nap over yet", True),
    ("hey is the tea done steeping", True),
    ("check if the rice is done pls", True),
    ("did the brownies finish", True),
    ("has the roast got long to go?", True),
    ("How long's left on my meditation?", True),
    ("how long has the dough got left to prove", True),
    ("how much longer for the fish fingers", True),
    ("hair dye, how many more minutes", True),
    ("wats left on toms gaming time", True),
    ("is my parking about to run out? set one when i parked", True),
    ("hey, how long till the washing machine finishes? I put a timer on for it", True),
    ("how many minutes before the rice timer rings?", True),
    # How long a thing takes, an event or a person done, the past, a countdown, the clock.
    ("how long do jacket potatoes take", False),
    ("how long does a 2kg chicken need to roast", False),
    ("is the meeting over yet", False),
    ("is the match finished", False),
    ("is the download done", False),
    ("are the kids ready for school", False),
    ("how long ago did the oven timer go off?", False),
    ("how long to go till the Melbourne Cup", False),
    ("is the dog ready for a walk", False),
    ("are the cookies ready to eat, or should they cool", False),
    ("how many days till friday", False),
    ("what's the best time to wake up", False),
    ("what's left on the packing list", False),
    ("What's the time over in Berlin right now?", False),
    ("is it lunchtime yet", False),
])
def test_when_a_request_asks_the_time_left_on_a_timer(heard: str, left: bool) -> None:
    assert asks_time_left(heard) is left


@pytest.mark.parametrize(("heard", "written", "asked"), [
    # A read with no argument, of another tool.
    ("has it gone five o'clock yet", ToolCall("list_timers", {}), ToolCall("get_time", {})),
    ("Is it the 25th yet in Beijing?", ToolCall("list_timers", {}),
     ToolCall("get_time", {"location": "Beijing"})),
    ("is the pie ready yet", ToolCall("get_time", {}), ToolCall("list_timers", {})),
    # Held back as not about the request, or for a number nobody said.
    ("are the cookies done yet??", ToolCall("last_dose", {"drug": "cookies"}),
     ToolCall("list_timers", {})),
    ("wondering if its teatime in england yet", ToolCall("last_dose", {"drug": "teatime"}),
     ToolCall("get_time", {"location": "england"})),
    ("is the dishwasher finished? i set a timer when i started it",
     ToolCall("set_timer", {"label": "dishwasher", "minutes": 10}), ToolCall("list_timers", {})),
])
def test_a_plain_question_gets_its_tool_where_the_brains_call_takes_nothing_from_it(
        heard: str, written: ToolCall, asked: ToolCall) -> None:
    bot, ran = _bot(written, sure=True)
    events = list(bot.turn(UserInput(text=heard)))
    assert [(e.call, e.written) for e in events if isinstance(e, CallAsked)] == [
        (asked, written.name)]
    assert ran == [(asked.name, dict(asked.arguments))]


@pytest.mark.parametrize(("heard", "written"), [
    ("is it lunchtime yet? set a timer for 10 minutes anyway",  # a call with an argument
     ToolCall("set_timer", {"minutes": 10})),
    ("what time is it", ToolCall("get_time", {})),  # the tool that plainly answers
    ("is the pie ready yet", ToolCall("list_timers", {})),
])
def test_a_call_of_the_request_runs_as_written(heard: str, written: ToolCall) -> None:
    bot, ran = _bot(written, sure=True)
    events = list(bot.turn(UserInput(text=heard)))
    assert ran == [(written.name, dict(written.arguments))]
    assert not any(isinstance(e, CallAsked) for e in events)


@pytest.mark.parametrize(("heard", "written"), [
    ("is the pie ready yet? and is it lunchtime in Tokyo", ToolCall("list_reminders", {})),
    ("is the pie ready yet? and is it lunchtime in Tokyo", ToolCall("get_weather", {})),
])
def test_no_tool_is_chosen_where_two_plainly_answer(heard: str, written: ToolCall) -> None:
    bot, _ = _bot(written, sure=True)
    assert not any(isinstance(e, CallAsked) for e in bot.turn(UserInput(text=heard)))


@pytest.mark.parametrize(("heard", "written"), [
    ("is the dog ready for a walk", ToolCall("last_dose", {"drug": "dog"})),  # no timer asked
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


@pytest.mark.parametrize(("heard", "cancel"), [
    ("cancel my reminder about the dentist, I've rebooked it", True),
    ("the reminder about mom's birthday, delete it please", True),
    ("get rid of reminder 7", True),
    ("no more reminding me about the gym, cancel it", True),
    ("I don't need the reminder about the plumber any more", True),
    ("i dont need to be reminded to water the plants anymore", True),
    ("scrap the pasta timer", True),
    # cancel-kept: another thing kept, in another clause, before or after.
    ("cancel my reminder to call the bank, but keep the dentist one", True),
    ("Leave the reminder for Mum's birthday, but cancel the one about the car wash.", True),
    ("the reminder about the vet \u2014 cancel it. leave the one about the pharmacy alone.", True),
    # Said not to, another change no tool makes, the past, a question; the same thing kept.
    ("keep the pasta timer, don't cancel it", False),
    ("leave the reminder for now, I'll cancel it later", False),
    ("cancel the reminder... actually leave it", False),
    ("kill the timer, no wait, keep it", False),
    ("don't cancel the reminder about the parcel pickup", False),
    ("I was going to ask you to cancel my reminder about the gym, but leave it for now.", False),
    ("snooze that reminder for ten minutes", False),
    ("move the reminder about the plumber to 5pm", False),
    ("is the rice timer still running or did I cancel it?", False),
    ("how do I delete a reminder?", False),
    ("If I delete a reminder by accident, can I get it back?", False),
    ("what if you cancel the wrong timer", False),
    ("cancel my gym membership", False),
    ("thanks for the reminder!", False),
])
def test_when_a_request_asks_to_cancel(heard: str, cancel: bool) -> None:
    assert asks_to_cancel(heard) is cancel


def test_a_cancel_the_brain_doubted_is_run_as_written_and_confirmed() -> None:
    written = ToolCall("cancel_timer", {"label": "the dentist"})
    bot, ran = _bot(written)
    events = list(bot.turn(UserInput(text="cancel my reminder about the dentist, I've rebooked it")))
    assert [(e.call, e.written) for e in events if isinstance(e, CallAsked)] == [
        (written, "cancel_timer")]
    assert ran == [] and [e.call for e in events if isinstance(e, ConfirmationRequested)] == [written]
    list(bot.confirm("yes"))
    assert ran == [("cancel_timer", {"label": "the dentist", "confirmed": True})]


@pytest.mark.parametrize(("heard", "written"), [
    # The brain wrote another tool: no label to cancel by, so nothing is made up.
    ("cancel the reminder about my bus pass", ToolCall("list_reminders", {})),
    ("don't cancel the reminder about the parcel pickup", ToolCall("cancel_timer", {"label": "parcel"})),
])
def test_no_cancel_is_made_without_the_brains_own(heard: str, written: ToolCall) -> None:
    bot, ran = _bot(written)
    events = list(bot.turn(UserInput(text=heard)))
    assert ran == [] and not any(isinstance(e, CallAsked) for e in events)
