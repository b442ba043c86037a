"""Calls the request did not ask for are not run (assistant.tools.asking)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from assistant.engine import Request
from assistant.engines.scripted import ScriptedEngine
from assistant.events import Answer, CallsHeldBack, Event
from assistant.loop import APOLOGY, Conversation, LoopOptions, UserInput
from assistant.toolcall import ToolCall, render_lfm2
from assistant.tools import clock, medication, timers
from assistant.tools.asking import (
    ACTIONS,
    ADVICE_UNNAMED,
    ANY_TOOL,
    NO_DAY_AHEAD,
    NOT_ABOUT,
    NOT_ASKED,
    NOT_SAID,
    REASONS,
    RECORD,
    TOPICS,
    unasked,
)
from assistant.tools.base import SideEffect, Tool
from assistant.tools.registry import Registry


@pytest.mark.parametrize(("heard", "why"), [
    ("should I take another 400 mg of ibuprofen before bed", "advice"),
    ("is 2 puffs of Ventolin every 2 hours too many", "advice"),
    ("is it safe to have 20 mg of citalopram with a glass of wine", "advice"),
    ("what's the maximum amount of Tylenol in a day", "advice"),
    ("does sertraline need to be taken with food", "advice"),
    ("my dad's on 40 mg of simvastatin at night", "someone else's"),
    ("my son took 10 ml of Calpol at 6 and he's still hot", "someone else's"),
    ("when I was pregnant I took folic acid 400 mcg every morning", "in the past"),
    ("I used to take 50 mg of sertraline at 8", "in the past"),
    ("the GP might switch me to 10 mg of ramipril at night", "a plan"),
    # doses-prescribed: each logged or scheduled at 3057985.
    ("my doctor doubled my sertraline to 100mg, is that a lot??", "advice"),
    ("is 100mg of sertraline a lot", "advice"),
    ("the vet put our dog on 2 tablets of carprofen a day, poor guy", "someone else's"),
    ("the pediatrician said my son can have 5 ml of tylenol every 6 hours", "someone else's"),
    ("my dr upped my metformin to 1000 mg twice a day", "a prescription told"),
    ("the pharmacist said to take 2 puffs of ventolin before running", "a prescription told"),
    ("they switched me from lisinopril to losartan 50mg yesterday", "a prescription told"),

    ("I'll take 2 paracetamol at 9 but don't log it", "said not to"),
    # Asked for: left to the brain.
    ("I took 400 mg of ibuprofen at 8", None),
    ("Ventolin 2 puffs at 7, log it please", None),
    ("can you put down 10 ml of Calpol for my son at 6", None),
    ("is it too late to log my 8 am metformin? I had it at 8", None),
    ("could you set up 20 mg citalopram every morning at 8", None),
    ("sertraline 50 mg at 9 and 9", None),
    ("ugh, had to take 2 more Rennies after dinner", None),  # a feeling does not unsay a dose
    # doses-prescribed-2: each recorded at 4370870.
    ("so apparently my endo wants me on ozempic", "a prescription told"),
    ("dentist gave me amoxicillin", "a prescription told"),
    ("had my med review, they've reduced my bisoprolol to 2.5", "a prescription told"),
    ("saw the GP today and she put me on amitriptyline 10mg", "a prescription told"),
    ("went to the clinic and they started me on 20mg omeprazole", "a prescription told"),
    ("my daughter's allergist put her on zyrtec", "someone else's"),
    ("vet has Bella on gabapentin", "someone else's"),
    ("is 1000mg metformin twice a day considered high", "advice"),
    ("is 75mg aspirin a day normal after a stent", "advice"),
    # doses-prescribed-3: each recorded at 2502cc8.
    ("Whiskers is on 2.5 mg methimazole twice a day per the vet", "someone else's"),
    ("wife's on 50mg of tramadol after her knee surgery", "someone else's"),
    ("the vet gave Biscuit 10mg of prednisolone for his itching", "someone else's"),
    ("According to my oncologist I'll be on tamoxifen 20 mg for five years.", "a prescription told"),
    ("my kid's flovent is 2 puffs twice a day according to the clinic", "a prescription told"),
    ("hospital discharged dad yesterday with 40 mg furosemide daily", "a prescription told"),
    ("eye doc says one drop of latanoprost in each eye at night", "a prescription told"),
    ("cardiologist took me off warfarin and started me on eliquis 5 mg", "a prescription told"),
    ("1000 mcg b12 daily... normal or overkill?", "advice"),
    ("does 0.5 mg of xanax count as a normal dose?", "advice"),
    ("for type 2, 50 units of insulin a day, thats a lot right?", "advice"),
    ("took 2 advil per the doctor", None),
    ("just used 2 sprays of flonase (doctor's orders lol)", None),  # made wrong on its set; mended after
    ("i take 20mg lisinopril at 8 every morning per my doctor", None),
    ("my exam is on monday at 9", None),
    # A dose the user took, or a record asked for, beside what a doctor said.
    ("took my amlodipine like the doctor said", None),
    ("one ferrous sulphate a day at lunch, the GP said 3 months", None),
    ("metformin 500mg, doctor says twice a day", None),
    # Mended on reading the guard's texts: the user's own taking, "have ... on", "he" with no
    # prescriber named, a note asked for.
    ("ok so the GP's put me on ramipril 2.5 mg, I'm having it at 8 o'clock every morning", None),
    ("do I have anything on tomorrow", None),
    ("Landlord emailed, he's putting the rent up 6% from 1,450 a month", None),
    ("note the pharmacist said not to have grapefruit juice with my atorvastatin", None),
    ("took 2 advil like the doctor said", None),
    ("my doctor upped my dose so i took 100mg this morning", None),
    ("the nurse gave me 4mg of zofran in the er last night", None),
    ("doctor said to take 500mg metformin twice a day, set that up", None),
    ("the doctor switched me to 20mg citalopram, add it to my schedule at 8", None),
    ("how are you", None),
])
def test_why_a_request_does_not_ask_for_a_record(heard: str, why: str | None) -> None:
    assert unasked(heard, RECORD) == why
    assert unasked(heard, ()) is None


@pytest.mark.parametrize(("heard", "thing"), [
    ("what time does the post office shut on Saturdays", True),
    ("when's the next bus into town", True),
    ("what time is the match on telly tonight", True),
    ("how late is the chemist open", True),
    ("is the big Sainsbury's open on bank holidays", True),
    ("what time is it", False),
    ("what time is it in Auckland right now", False),
    ("what time do you have", False),
    ("how late is it in Denver", False),
    ("time in Lagos please", False),
])
def test_when_a_request_asks_the_time_of_a_thing(heard: str, thing: bool) -> None:
    assert (unasked(heard, ("a thing's time",)) is not None) is thing


@pytest.mark.parametrize(("heard", "countdown"), [
    ("how long until 5pm", True),
    ("how many days till friday", True),
    ("How many weeks until Easter?", True),
    ("how many sleeps till my birthday? it's the 3rd of june", True),
    ("days left until new year's eve?", True),
    ("how long till the weekend, I'm shattered", True),
    ("how long until my mum's birthday on the 14th of August", True),
    ("how long until half three", True),
    ("countdown to thanksgiving pls", True),
    # Hours to a time, an event, "how soon", a date beside "how long have we got left".
    ("How many hours are left until midnight?", True),
    ("How many hours till 7:30 tomorrow morning?", True),
    ("how long till the FA Cup final, lads", True),
    ("how soon is nowruz", True),
    ("our family holiday to Greece starts July 14th, how long have we got left", True),
    # Time left on a thing, a timer's length, how long a thing takes: no countdown to a day.
    ("how long till the cookies come out", False),
    ("how long is left on my 5pm timer", False),
    ("how many minutes until the oven timer goes", False),
    ("set a 10 minute timer, dinner's at 6pm", False),
    ("timer for 45 mins till the bread is done", False),
    ("how long to boil an egg", False),
    ("how many minutes till the pasta is done", False),
    ("how long till the game timer goes off", False),
    ("how long have I got left on the laundry", False),
    ("how long until the pie is done, we eat at 7:30", False),
])
def test_when_a_request_asks_a_countdown(heard: str, countdown: bool) -> None:
    assert (unasked(heard, ("a countdown",)) is not None) is countdown


def test_the_loop_sets_no_timer_and_lists_none_for_a_countdown() -> None:
    for call in (ToolCall("set_timer", {"hours": 5}), ToolCall("list_timers", {})):
        bot, _, ran = _bot(render_lfm2([call]), "Done.")
        events = list(bot.turn(UserInput(text="how long until 5pm")))
        assert ran == []
        assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED["a countdown"]]
    # Asked again in a later clause: the timer is set, and the list read.
    timer = ToolCall("set_timer", {"minutes": 20})
    bot, _, ran = _bot(render_lfm2([timer]), "Done.")
    list(bot.turn(UserInput(text="how long until 5pm? actually just set a 20 minute timer")))
    assert ran == [("set_timer", {"minutes": 20})]
    bot, _, ran = _bot(render_lfm2([ToolCall("list_timers", {})]), "Done.")
    list(bot.turn(UserInput(text="how many days till friday, and what's left on my timer?")))
    assert ran == [("list_timers", {})]


@pytest.mark.parametrize(("heard", "why"), [
    ("I need to cancel my flight to Denver on Thursday", "a thing no tool keeps"),
    ("please cancel our dinner reservation at Luigi's for tonight", "a thing no tool keeps"),
    ("Can you call the dentist's office and cancel my cleaning on Friday?", "a thing no tool keeps"),
    ("move the call mom reminder to tomorrow", "a change to a reminder"),
    ("make the yoga reminder 15 minutes earlier", "a change to a reminder"),
    ("Can you push my reminder about the gym back to 7pm?", "a change to a reminder"),
    # reminder-moved: other words for the change, a reminder named by its day, the change later.
    ("bump the meeting reminder to after lunch, like 1:30", "a change to a reminder"),
    ("I need the reminder for my doctor's appointment moved to Thursday.", "a change to a reminder"),
    ("The reminder about the delivery, can it go off an hour earlier?", "a change to a reminder"),
    ("the laundry reminder... make it later, 7ish", "a change to a reminder"),
    ("move tomorrow's 7am reminder to 7:30", "a change to a reminder"),
    ("turn my 'call the bank' reminder into a daily one", "a change to a reminder"),
    # reminder-moved-2: a fault or a wish, "it" after the name, a split particle, a clock time.
    ("The reminder for my sister's flight is wrong, it ought to be 7:45 pm.", "a change to a reminder"),
    ("I need Thursday's reminder to fire at noon, not at nine.", "a change to a reminder"),
    ("Make my check-the-oven reminder go off ten minutes sooner.", "a change to a reminder"),
    ("I keep sleeping through the 7am reminder. Can you move it to 7:30?", "a change to a reminder"),
    ("Put my 'ring the plumber' reminder back till after lunch, would you?", "a change to a reminder"),
    ("Reschedule the 11:15 reminder for quarter to twelve.", "a change to a reminder"),
    # A reminder or a timer named, a cancel done already, a new reminder.
    ("cancel my reminder about the dentist appointment", None),
    ("cancel the meeting reminder", None),
    ("never mind the reminder about the dentist, I've cancelled the appointment", None),
    ("cancel the timer for the pizza delivery", None),
    ("set a reminder for the meeting later today", None),
    ("remind me to move the car at 5", None),
    ("set a reminder for when the couch is moved", None),
    ("remind me tomorrow at 8 to reschedule the plumber", None),
    ("remind me at 6 to take my pills, I take them daily", None),
    ("can you remind me to update my reminder app later", None),
    ("set a reminder for tomorrow at 9, it should say call mum", None),
    ("set a reminder for the dentist, it should go off at 9", None),
    ("set a reminder to put the bins back at 7", None),
])
def test_when_a_request_asks_what_no_tool_keeps_or_changes(heard: str, why: str | None) -> None:
    reasons = ("a thing no tool keeps", "a change to a reminder")
    assert unasked(heard, reasons) == why


@pytest.mark.parametrize(("heard", "why"), [
    # not-ours-2: a question whether a thing was cancelled; stopping a delivery; more bookings.
    ("was my flight to Denver cancelled?", "asked if cancelled"),
    ("did my amazon order actually get cancelled or not", "asked if cancelled"),
    ("any idea if the gig got cancelled?", "asked if cancelled"),
    ("stop the couch delivery, they've got the wrong colour", "a thing no tool keeps"),
    ("Cancel the Airbnb for next month.", "a thing no tool keeps"),
    ("cancel my hair appt pls", "a thing no tool keeps"),
    # Told, not asked, beside a cancel asked for; a timer stopped.
    ("my flight was cancelled, cancel the airport reminder", None),
    ("cancel the reminder, the meeting was cancelled", None),
    ("The meeting's cancelled, can you get rid of the reminder for it?", None),
    ("stop the gym timer", None),
    ("cancel the massage reminder", None),
])
def test_no_cancel_for_a_question_if_cancelled_or_a_booking(heard: str, why: str | None) -> None:
    tool = next(t for t in timers.TOOLS if t.name == "cancel_timer")
    assert unasked(heard, tool.held_back_by, tool.action) == why


def test_the_loop_cancels_no_timer_for_a_flight_and_sets_no_reminder_for_a_move() -> None:
    cases = [("cancel my flight to Denver", ToolCall("cancel_timer", {"label": "flight to Denver"}),
              "a thing no tool keeps"),
             ("postpone the rent reminder till friday",
              ToolCall("set_reminder", {"text": "rent", "when": "friday"}), "a change to a reminder")]
    for heard, call, why in cases:
        bot, _, ran = _bot(render_lfm2([call]), "Done.")
        events = list(bot.turn(UserInput(text=heard)))
        assert ran == [] and [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED[why]]
    # reminder-moved: held whatever the tool the brain wrote, but a cancel: a cancel changes
    # nothing ("scrap the yoga reminder, I'll go later").
    schedule = ToolCall("add_medication_schedule", {"drug": "water", "amount": 1, "unit": "ml",
                                                    "times": ["9 am"]})
    bot, _, ran = _bot(render_lfm2([schedule]), "Done.")
    events = list(bot.turn(UserInput(text="make the water the plants reminder repeat every day")))
    assert ran == [] and [e.text for e in events if isinstance(e, Answer)] == \
        [NOT_ASKED["a change to a reminder"]]
    bot, _, ran = _bot(render_lfm2([ToolCall("cancel_timer", {"label": "yoga"})]), "Done.")
    events = list(bot.turn(UserInput(text="scrap the yoga reminder, I'll go later")))
    assert not any(isinstance(e, CallsHeldBack) for e in events)
    # Asked again in a later clause: the reminder's cancel runs (the policy asks first).
    cancel = ToolCall("cancel_timer", {"label": "packing"})
    bot, _, ran = _bot(render_lfm2([cancel]), "Done.")
    events = list(bot.turn(UserInput(text="cancel my flight, and cancel the packing reminder too")))
    assert not any(isinstance(e, CallsHeldBack) for e in events)


@pytest.mark.parametrize(("heard", "place", "held"), [
    ("How many days until Easter?", "Easter", True),  # the day as the place
    ("how long till the weekend lol", "London", True),  # a place nobody said
    ("how many weeks till my holiday to Spain?", "Spain", True),  # said, but not as the clock's
    ("how long until midnight in Tokyo", "Tokyo", False),  # the place said
    ("how long until noon", None, False),  # here: the time now half answers it
    ("what time is it in Sydney", "Sydney", False),  # no countdown
])
def test_a_countdown_reads_no_clock_in_a_place_nobody_said(heard: str, place: str | None,
                                                           held: bool) -> None:
    call = ToolCall("get_time", {"location": place} if place else {})
    bot, _, ran = _bot(render_lfm2([call]), "Done.")
    events = list(bot.turn(UserInput(text=heard)))
    assert (ran == []) is held
    if held:
        assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED["a countdown"]]


def test_every_reason_has_an_answer_and_is_checked_by_the_registry() -> None:
    # A number not said, a day that is no day ahead and a request that names none of what the
    # tool is about are no tool's to declare: the loop reads them in a call and `Tool.about`.
    assert set(NOT_ASKED) == {*REASONS, NOT_SAID, NO_DAY_AHEAD, NOT_ABOUT}
    with pytest.raises(ValueError, match="held back by reasons no words say"):
        Registry([Tool("x", "X.", {"type": "object"}, lambda **kw: None,
                       held_back_by=("a hunch",))])


class _Recording(ScriptedEngine):
    """A scripted engine that keeps the requests it was given."""

    requests: list[Request]

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        self.requests.append(request)
        return super().respond(request, cancel)


def _bot(*outputs: str) -> tuple[Conversation, _Recording, list[tuple[str, dict[str, Any]]]]:
    ran: list[tuple[str, dict[str, Any]]] = []

    def bound(tool: Tool) -> Tool:
        def fn(**kw: Any) -> dict[str, bool]:
            ran.append((tool.name, kw))
            return {"ok": True}
        return Tool(tool.name, tool.description, tool.parameters, fn,
                    side_effect=tool.side_effect, held_back_by=tool.held_back_by,
                    action=tool.action, places=tool.places, no_advice_on=tool.no_advice_on)

    engine = _Recording(outputs=list(outputs))
    engine.requests = []
    bot = Conversation(engine, Registry([bound(t) for t in (*medication.TOOLS, *clock.TOOLS,
                                                          *timers.TOOLS)]),
                       options=LoopOptions(speak=False))
    return bot, engine, ran


def test_the_loop_holds_back_a_dose_nobody_asked_to_log() -> None:
    dose = ToolCall("log_dose", {"drug": "ibuprofen", "amount": 800, "unit": "mg"})
    bot, engine, ran = _bot(render_lfm2([dose]), "Bad advice the brain would give.")
    events = list(bot.turn(UserInput(text="is 800 mg of ibuprofen too much at once")))
    assert ran == []
    assert [(e.calls, e.why) for e in events if isinstance(e, CallsHeldBack)] == [
        ((dose,), "advice")]
    # The user is told so in fixed words, not the brain's, and the held call is not remembered.
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED["advice"]]
    assert len(engine.requests) == 1
    assert [m.role for m in bot.history] == ["user", "assistant"]
    assert not any(m.calls for m in bot.history)
    # Asked for, it runs; a tool that writes no record of the user's is never held back.
    bot, _, ran = _bot(render_lfm2([dose]), "Logged.")
    list(bot.turn(UserInput(text="I had 800 mg of ibuprofen, log it")))
    assert ran == [("log_dose", dict(dose.arguments))]
    last = ToolCall("last_dose", {"drug": "ibuprofen"})
    bot, _, ran = _bot(render_lfm2([last]), "At 8.")
    list(bot.turn(UserInput(text="how long since my last ibuprofen, is it too soon")))
    assert ran == [("last_dose", {"drug": "ibuprofen"})]


def test_the_loop_does_not_read_the_clock_for_a_thing_s_time() -> None:
    now = ToolCall("get_time", {"location": "Mill Lane"})
    bot, _, ran = _bot(render_lfm2([now]), "It's 7:42.")
    events = list(bot.turn(UserInput(text="what time does the chemist on Mill Lane close")))
    assert ran == []
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED["a thing's time"]]
    bot, _, ran = _bot(render_lfm2([ToolCall("get_time", {"location": "Perth"})]), "It's 3.")
    list(bot.turn(UserInput(text="what time is it in Perth")))
    assert ran == [("get_time", {"location": "Perth"})]


_NAMED = ("set_timer", "cancel_timer", "set_reminder", "add_note")


@pytest.mark.parametrize(("heard", "held"), [
    ("pause the pasta timer and set a new one for 5 minutes", set()),
    ("Pause. Okay, now you can start it: a 3 minute timer", {"cancel_timer", "set_reminder",
                                                              "add_note"}),
    ("text mum and remind me to call her at 6", {"set_timer", "cancel_timer", "add_note"}),
    ("text Sarah that I'll be there by six", set(_NAMED)),
    ("pause the rice timer", set(_NAMED)),
    ("can you edit note 3 so it says twelve eggs", set(_NAMED)),  # the edit's own clause
])
def test_a_request_after_one_no_tool_does_is_still_done(heard: str, held: set[str]) -> None:
    from assistant.tools import notes, timers

    assert {t.name for t in (*timers.TOOLS, *notes.TOOLS) if t.name in _NAMED
            and unasked(heard, ANY_TOOL, t.action)} == held


@pytest.mark.parametrize(("heard", "topic", "held"), [
    ("play some lo-fi beats then tell me what 15 percent of 240 is", "sum", False),
    ("call the chemist. Then, when did I last take my Tylenol?", "dose", False),
    ("play some jazz, and how many kilometres is 26.2 miles?", "convert", False),
    ("order a pizza, and what time is it in Tokyo?", "time", False),
    # A question about no tool's topic, or a comment, lifts nothing.
    ("stream the cricket. Who won the World Cup in 1966, by the way?", "time", True),
    ("call mum, she's worried about the time", "time", True),
    ("play some jazz, and how many kilometres is 26.2 miles?", "dose", True),
    # The clock answers now, not the past; the user's records do.
    ("order a pizza, and what time was it in Tokyo when the quake hit?", "time", True),
    ("ring the pharmacy. When did I last take my metformin?", "dose", False),
    # The weather names no topic (its tool's action is ""): it keeps the hold, forecast or not.
    ("switch the heating on, and what'll the weather be in Glasgow tomorrow?", "", True),
    ("Call the gym. How cold does it get at the South Pole in winter?", "", True),
])
def test_a_question_for_a_reading_tool_after_a_request_no_tool_does(heard: str, topic: str,
                                                                     held: bool) -> None:
    assert (unasked(heard, ANY_TOOL, topic, reads=True) is not None) is held


def test_the_loop_answers_a_question_after_a_request_no_tool_does_but_the_weather() -> None:
    from dataclasses import replace

    from assistant.tools import units, weather

    ran: list[str] = []
    tools = [replace(t, fn=lambda _n=t.name, **kw: ran.append(_n) or {"ok": True})
             for t in (*units.TOOLS, *weather.TOOLS)]
    for heard, call, runs in [
        ("Play some jazz, and how many kilometres is 26.2 miles?",
         ToolCall("convert_units", {"value": 26.2, "from_unit": "mile", "to_unit": "km"}), True),
        ("Play some jazz. Is it going to rain in Oslo tomorrow?",
         ToolCall("get_weather", {"location": "Oslo", "day": "tomorrow"}), False),
    ]:
        ran.clear()
        bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([call]), "Done."]),
                           Registry(tools), options=LoopOptions(speak=False))
        list(bot.turn(UserInput(text=heard)))
        assert (ran == [call.name]) is runs, heard


def test_every_tool_that_only_reads_names_its_topic() -> None:
    import importlib

    from assistant.tools import FAMILIES

    reading = [t for family in FAMILIES
               for t in importlib.import_module(f"assistant.tools.{family}").TOOLS
               if t.side_effect == SideEffect.READ]
    assert len(reading) == 10
    named = [t for t in reading if t.name != "get_weather"]  # the weather names none, on purpose
    assert all(t.action in TOPICS or t.action in ACTIONS for t in named), named
    assert next(t for t in reading if t.name == "get_weather").action == ""


@pytest.mark.parametrize(("heard", "none"), [
    ("text Dave that I'm running late", True),
    ("ok can you please send the shopping list to my wife", True),
    ("I need you to book a taxi for 7", True),
    ("hey, pause the rice timer", True),
    ("snooze it for ten minutes", True),
    ("take a screenshot of this", True),
    ("turn the heating up", True),
    ("check me in for the 9:40 to Malaga", True),
    # dose-things: paying through an app ("venmo chris 25 for the pizza" logged 25 ml of pizza).
    ("venmo chris 25 for the pizza", True),
    ("paypal sam 20 for the tickets", True),
    ("transfer $200 from checking to savings please", True),
    # money-said: "cashapp" and "reorder" too.
    ("cashapp mike 25 for gas", True),
    ("reorder the 500g oats from amazon", True),
    # A tool's verb leads, or "me" follows: left to the brain.
    ("remind me to text Dave at 6", False),
    ("add a note to book the MOT", False),
    ("cancel the rice timer", False),
    ("turn off the timer", False),
    ("text me at 6 to take the bins out", False),
    ("post-it note saying buy milk", False),
    ("what's the weather for my flight to Rome on Friday", False),
])
def test_an_action_no_tool_does(heard: str, none: bool) -> None:
    assert (unasked(heard, ANY_TOOL) is not None) is none


def test_the_loop_runs_no_tool_for_an_action_none_does() -> None:
    reminder = ToolCall("set_reminder", {"text": "text Dave", "when": "6 pm"})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([reminder]), "Done."]),
                       Registry([Tool("set_reminder", "Remind.", {"type": "object"},
                                      lambda **kw: pytest.fail("ran"))]),
                       options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(text="text Dave that I'm running late")))
    assert [e.text for e in events if isinstance(e, Answer)] == [
        NOT_ASKED["an action no tool does"]]


def _words_bot(*outputs: str) -> tuple[Conversation, list[str]]:
    """The real medicine and timer tools (what they hold back and name), run into a list."""
    ran: list[str] = []

    def bound(tool: Tool) -> Tool:
        return replace(tool, fn=lambda **kw: ran.append(tool.name) or {"summary": "Done."})

    tools = Registry([bound(t) for t in (*medication.TOOLS, *timers.TOOLS)])
    return Conversation(ScriptedEngine.from_outputs(outputs), tools,
                        options=LoopOptions(speak=False)), ran


WORDS = "Yes, I can do that, and it's safe."


@pytest.mark.parametrize(("heard", "about_me"), [
    # about-me: a limit, whether a kind of thing can be done at all, how it works or is kept,
    # getting back what was deleted.
    ("is there a limit to how many timers you can run at once", True),
    ("how many notes can I save", True),
    ("How many notes do you read out if I don't say a number?", True),
    ("Can reminders repeat, or are they one-off only?", True),
    ("can you set alarms or only timers", True),
    ("what sort of stuff can you remind me about?", True),
    ("do you save my notes in the cloud or on this computer?", True),
    ("do timers keep running if I close the app?", True),
    ("If I delete a reminder by accident, can I get it back?", True),
    ("oops, can you undo deleting that note?", True),
    ("undo the reminder u set for book club", False),  # a cancel (seen on cancel-words' set)
    # Requests, if phrased as questions; advice about a medicine.
    ("can you set a timer for 10 minutes", False),
    ("can you set reminders for me tomorrow at 9 to call mum", False),
    ("how many reminders do I have?", False),
    ("how many timers do you have running", False),
    ("will the timer go off at 5?", False),
    ("where is my note about the wifi", False),
    ("remind me to get my jacket back from Tom at 6", False),
    ("how many doses of paracetamol can I take", False),
    ("how long do you need to leave between doses of Nurofen", False),
])
def test_a_question_about_what_the_assistant_can_do(heard: str, about_me: bool) -> None:
    assert (unasked(heard, ANY_TOOL) == "a question about me") is about_me


def test_the_loop_answers_a_question_about_itself_and_runs_nothing() -> None:
    bot, _, ran = _bot(render_lfm2([ToolCall("list_reminders", {})]), "Done.")
    events = list(bot.turn(UserInput(text="Can reminders repeat, or are they one-off only?")))
    assert ran == [] and [e.text for e in events if isinstance(e, Answer)] == \
        [NOT_ASKED["a question about me"]]
    # Asked for in a later clause: the call runs.
    bot, _, ran = _bot(render_lfm2([ToolCall("list_timers", {})]), "Done.")
    list(bot.turn(UserInput(text="can you set alarms or only timers? and list my timers")))
    assert ran == [("list_timers", {})]


@pytest.mark.parametrize(("heard", "left"), [
    # left-alone: a clause that leads with leaving, keeping or letting a thing be as it is.
    ("Leave the egg timer alone.", True),
    ("Hands off my pharmacy pickup reminder.", True),
    ("Leave the rice and beans timers running, never mind", True),
    ("Keep the pizza timer running, do not cancel it.", True),
    ("no no, keep the timer going, I didn't mean cancel", True),
    ("Hang on, keep the roast timer going for now because I want to check the meat first.", True),
    ("let the rice timer finish on its own", True),
    # A call asked for beside it, before or after; leave, keep or let inside what is asked.
    ("Cancel the pizza timer but keep the other ones running.", False),
    ("Set a 12 minute timer for the eggs and leave my other timers alone", False),
    ("Kill the timer called pizza and leave the others alone", False),
    # Not a negation: a word that ends in "nt" (seen on left-alone's set).
    ("Set a reminder for Friday at 5 pm to pay the rent. Leave Thursday's reminder as it is.",
     False),
    ("delete note 2 but don't touch any of the others", False),
    ("keep a note that the wifi password is on the router", False),
    ("remind me to leave the oven on low at 5", False),
    ("let me know when the timer finishes", False),
    ("keep it going for another 5 minutes", False),
])
def test_a_thing_left_as_it_is(heard: str, left: bool) -> None:
    assert (unasked(heard, ANY_TOOL, "cancel") == "left as it is") is left


def test_the_loop_cancels_nothing_and_sets_nothing_for_a_timer_left_running() -> None:
    for heard, call in [("Leave the egg timer alone.", ToolCall("cancel_timer", {"label": "egg"})),
                        ("Keep the pizza timer running, do not cancel it.",
                         ToolCall("set_timer", {"label": "pizza", "minutes": 10}))]:
        bot, _, ran = _bot(render_lfm2([call]), "Done.")
        events = list(bot.turn(UserInput(text=heard)))
        assert ran == [] and [e.text for e in events if isinstance(e, Answer)] == \
            [NOT_ASKED["left as it is"]]
    # A read asked for beside it runs.
    bot, _, ran = _bot(render_lfm2([ToolCall("list_timers", {})]), "Done.")
    list(bot.turn(UserInput(text="Leave the reminders as they are and just list my timers.")))
    assert ran == [("list_timers", {})]
    # The weather reads and names no topic: a question beside it asks (it raised KeyError: '').
    assert unasked("Leave the timer running. What's the weather in Leeds?", ANY_TOOL, "",
                   reads=True) is None
    assert unasked("Leave the timer running.", ANY_TOOL, "", reads=True) == "left as it is"


@pytest.mark.parametrize(("heard", "plan"), [
    # plans-told: the user's own plan, or a decline, that asks for nothing (everyday-13's false
    # alarms: a timer cancelled, "paper diary" cancelled, the weather read in "telly").
    ("I'll use the microwave timer, don't worry about it", True),
    ("No need to write that down, it's already in my paper diary.", True),
    ("I'll check the forecast on the telly later", True),
    ("i'll cancel the pizza timer myself when it beeps, dont worry", True),
    ("eh, I'll sort it out later", True),
    ("gonna take my lipitor 20 after dinner tonight", True),
    ("no worries, I've got it", True),
    # A request beside the plan, a wish or a need, what the user will be, "don't forget".
    ("I'm going to the gym, set a 45 minute timer", False),
    ("I'll be late tonight so remind me at 6 to call mum", False),
    ("I'm gonna be in Leeds tomorrow, what's the weather like there", False),
    ("I'll need a reminder at 5 for the dentist", False),
    ("I'll have to call mum at 6", False),
    ("no reminder, just a 10 minute timer", False),
    ("don't worry about the rice, but start a timer for the pasta", False),
    ("don't forget to remind me at 6", False),
    ("There's no need to keep the reminder about the plumber, cancel it.", False),
    ("I'll take 2 paracetamol now, log it", False),
    ("I'll forget otherwise, remind me at 6 to ring the bank", False),
    ("gonna be sunny in leeds tomorrow?", False),
    ("don't let me forget to ring the vet in an hour", False),
    ("dont need the reminder for my 9am standup anymore", False),
    # deeds-said: a deed of the user's own, told with or without an "I" (deeds-told's false
    # alarms: a note saved, a timer set, a cancel).
    ("already jotted the garage door code on the fridge whiteboard", True),
    ("put a 20 min timer on the oven for the pie, all sorted", True),
    ("cleared out all the old timers on my phone earlier", True),
    ("noted down the meter reading in my little notebook, 04871", True),
    ("I set my alarm for 6 but I'm exhausted", True),
    ("we've booked the vet for friday at 3", True),
    ("rang the council about the bins this morning, they were useless", True),
    ("noted", True),
    # Not a dose told, an instruction that reads the same ("set", "put"), a regular past
    # without its object, a deed beside a request or an undoing.
    ("took 400mg ibuprofen at 2", False),
    ("stuck a new nicorette patch on", False),
    ("worked out the fahrenheit myself but double check for me, 38.5 C to F", False),
    ("finally remembered to take my metformin at 9", False),
    ("put a reminder in for 3pm", False),
    ("set a timer for 5 minutes, the pasta's on", False),
    ("saved notes please", False),
    ("need a timer for 10 min", False),
    ("hundred grams in ounces", False),
    ("already preheated the oven, start a 35 minute timer for the lasagne", False),
    ("paid the electric already, read me my last 3 notes", False),
    ("deleted note 3?", False),
    ("just landed in delhi 🛬 what's the time back home in london", False),
    ("walked the dog 5 miles round the reservoir how far is that in km", False),
    ("I've cancelled the plumber, so delete my reminder to ring the plumber", False),
])
def test_the_users_own_plan_or_a_decline(heard: str, plan: bool) -> None:
    assert (unasked(heard, ANY_TOOL, "cancel") == "the user's own plan") is plan


@pytest.mark.parametrize(("heard", "action", "reads", "held"), [
    # how-to-asked: a question how to do a thing (everyday-14's and everyday-15's false alarms).
    ("how do i set the timer on my microwave, it's a panasonic", "timer", False, True),
    ("How do I set the timer on my oven", "timer", False, True),
    ("quick q, how can I cancel a reminder", "cancel", False, True),
    ("hey do you know how to add a note", "note", False, True),
    ("what's the easiest way to log my insulin", "dose", False, True),
    ("how do i check the weather on my watch", "", True, True),
    # A tool that only reads, asked how with no other device named; a question that asks for a
    # value; how to know or say a thing; a later clause that asks; a how-to after the ask.
    ("how do I convert 5 miles to km", "convert", True, False),
    ("how long is left on my timer", "timer", False, False),
    ("how do you say hello in french", "", True, False),
    ("no idea how to do this, just set a 10 minute timer", "timer", False, False),
    ("set a 5 minute timer, how do I cancel it later?", "timer", False, False),
])
def test_a_question_how_to_do_a_thing(heard: str, action: str, reads: bool, held: bool) -> None:
    assert (unasked(heard, ANY_TOOL, action, reads) == "asked how to") is held


def test_the_loop_runs_nothing_for_the_users_own_plan() -> None:
    for heard, call in [("I'll use the microwave timer, don't worry about it",
                         ToolCall("cancel_timer", {})),
                        ("I'll check the forecast on the telly later",
                         ToolCall("get_time", {"location": "telly"}))]:
        bot, _, ran = _bot(render_lfm2([call]), "Done.")
        events = list(bot.turn(UserInput(text=heard)))
        assert ran == [] and [e.text for e in events if isinstance(e, Answer)] == \
            [NOT_ASKED["the user's own plan"]]
    bot, _, ran = _bot(render_lfm2([ToolCall("add_note", {"text": "garage door code"})]),
                       "Done.")
    list(bot.turn(UserInput(text="already jotted the garage door code on the fridge whiteboard")))
    assert ran == []
    bot, _, ran = _bot(render_lfm2([ToolCall("set_timer", {"label": "panasonic"})]), "Done.")
    events = list(bot.turn(UserInput(text="how do i set the timer on my microwave")))
    assert ran == [] and [e.text for e in events if isinstance(e, Answer)] == \
        [NOT_ASKED["asked how to"]]
    bot, _, ran = _bot(render_lfm2([ToolCall("set_timer", {"minutes": 45})]), "Done.")
    list(bot.turn(UserInput(text="I'm going to the gym, set a 45 minute timer")))
    assert ran == [("set_timer", {"minutes": 45})]


@pytest.mark.parametrize(("heard", "said", "answered"), [
    # The model's words would claim an action, or advise on a medicine: the loop answers.
    ("can you play some jazz?", WORDS, NOT_ASKED["an action no tool does"]),
    ("text Sam that I'm late", "", NOT_ASKED["an action no tool does"]),
    ("is ibuprofen safe with alcohol?", WORDS, NOT_ASKED["advice"]),
    ("does grapefruit juice interfere with statins", "", NOT_ASKED["advice"]),
    ("why do people on warfarin need so many blood tests", "", NOT_ASKED["advice"]),
    ("how far ahead can I set a reminder?", "", NOT_ASKED["a question about me"]),
    # A dose told, or the user's own doses asked of: a call the brain missed, not advice.
    ("had an ibuprofen after lunch", "", APOLOGY),
    ("when did I last have my atorvastatin?", "", APOLOGY), ("codeine - when?", "", APOLOGY),
    # Its own words otherwise; where it said nothing, an apology that asks for other words.
    ("should I take an umbrella today?", WORDS, WORDS),
    ("should I take an umbrella today?", "", APOLOGY),
])
def test_a_request_the_brain_calls_nothing_for_gets_the_loops_answer_where_its_words_mislead(
        heard: str, said: str, answered: str) -> None:
    bot, ran = _words_bot(said)
    answers = [e.text for e in bot.turn(UserInput(text=heard)) if isinstance(e, Answer)]
    assert answers == [answered] and ran == []


def test_after_a_tool_result_the_models_words_stand_though_a_medicine_is_named() -> None:
    dose = ToolCall("log_dose", {"drug": "ibuprofen", "amount": 200, "unit": "mg"})
    bot, ran = _words_bot(render_lfm2([dose]), "Logged 200 mg of ibuprofen.")
    answers = [e.text for e in bot.turn(UserInput(text="log 200 mg of ibuprofen"))
               if isinstance(e, Answer)]
    assert ran == ["log_dose"] and answers == ["Logged 200 mg of ibuprofen."]


@pytest.mark.parametrize(("heard", "why"), [
    ("should I water the tomatoes at 7 or at 8 tonight", "advice"),
    ("my brother's got his driving test at 10 on Monday", "someone else's"),
    # "might" alone is no plan, but it is the user's news, asking for nothing (news-told).
    ("I might go for a run at 6 tomorrow, we'll see", "news told"),
    ("thinking about cleaning the car on Sunday", "a plan"),
    # Words that ask to save it keep the call.
    ("note to self: ask if it's ok to park there overnight", None),
    ("if I forget my pills tonight, nudge me at 10", None),
    ("don't let me forget to ask the vet if it's ok to skip the worming tablet", None),
])
def test_a_reminder_or_note_nobody_asked_for(heard: str, why: str | None) -> None:
    from assistant.tools import notes, timers

    for tool in (*notes.TOOLS, *timers.TOOLS):
        if tool.name in ("set_reminder", "add_note"):
            assert unasked(heard, tool.held_back_by) == why, tool.name


_WRITES = ("set_timer", "cancel_timer", "set_reminder", "add_note", "delete_note", "log_dose",
           "add_medication_schedule")


@pytest.mark.parametrize(("heard", "held"), [
    ("no need to set a timer, I'll keep an eye on it", {"set_timer", "cancel_timer"}),
    ("I don't need a reminder for that", {"set_reminder", "cancel_timer"}),
    ("not a reminder, I'll remember", {"set_reminder", "cancel_timer"}),
    ("don't bother making a note of the wifi password, it's on the router",
     {"add_note", "delete_note"}),
    ("log 400 mg ibuprofen, don't set a schedule", {"add_medication_schedule"}),
    ("please don't delete anything", {"cancel_timer", "delete_note"}),
    ("I'll take 2 paracetamol at 9 but don't log it", set(_WRITES)),  # names nothing: any
    ("dont save that", set(_WRITES)),
    # Another action named: the one asked for is left to the brain.
    ("no reminder, just a 10 minute timer", {"set_reminder", "cancel_timer"}),
    ("don't remind me, just set a timer for 10", {"set_reminder", "cancel_timer"}),
    ("I don't need the pasta timer anymore", {"set_timer"}),  # "anymore": the cancel is asked
    # Naming what a cancel or delete would undo holds it back too, unless the undoing is asked.
    ("nah no timer", {"set_timer", "cancel_timer"}),
    ("pls dont set any reminders for me today", {"set_reminder", "cancel_timer"}),
    ("no need to keep a note of it", {"add_note", "delete_note"}),
    ("I don't need the reminder about the dentist anymore, cancel it", {"set_reminder"}),
    ("stop the tea timer, don't need it", set()),
    ("okay, never mind the tea timer", {"set_timer"}),
    # Held off, put off, or not had to: nothing is set, cancelled or deleted now.
    ("hold off on the timer", {"set_timer", "cancel_timer"}),
    ("you don't have to start a timer", {"set_timer", "cancel_timer"}),
    ("not yet, I'll tell you when to start the timer", set(_WRITES)),
    ("wait till I say go", set(_WRITES)),
    ("leave it alone for now", set(_WRITES)),
    # "No need to keep it" asks for a cancel or a delete; "hold on" is not "hold off".
    ("note 8 can go, there's no need to keep it", set(_WRITES) - {"cancel_timer", "delete_note"}),
    ("no need to keep the pasta timer, cancel it", set(_WRITES) - {"cancel_timer", "delete_note"}),
    ("don't keep the pasta timer", {"set_timer"}),
    ("hold on, set a 5 minute timer", set()),
    ("hold off on the laundry, remind me to do it tomorrow at 10", set()),
    ("remind me at 6 to tell Sam the parcel is not yet here", set()),
    # Asked again later, in the imperative: the hold on what it names (or on any) is lifted.
    ("Not yet, not yet... okay now, start a 2 minute timer", set(_WRITES) - {"set_timer"}),
    ("don't delete note 6, delete note 16", set()),
    ("don't set it for an hour, make it 40 minutes", set()),
    ("hold on... ok, go ahead and set it for 8 minutes", set()),
    ("don't set a timer, I'll set it myself", {"set_timer", "cancel_timer"}),  # no request
    ("wait, don't set anything yet... right, go now: a 2 minute timer", set(_WRITES) - {"set_timer"}),
    # Asked for, with a "not" in it.
    ("don't forget to remind me to call mum at 5", set()),
    ("do not forget to add milk to my list", set()),
    ("never let me forget to log my insulin", set()),
    ("remind me not to add sugar to the stew at 6", set()),
    ("note to self: never add salt before tasting", set()),
    ("set a timer for 10 minutes so I don't burn the toast", set()),
    ("cancel the pasta timer, I don't need it", set()),
    ("delete note 4, don't need it anymore", set()),
    ("if I'm not home by 6 remind me to call Sam", set()),
    ("there's no reminder for tomorrow, set one at 9", set()),
])
def test_said_not_to_holds_back_the_calls_it_names(heard: str, held: set[str]) -> None:
    from assistant.tools import notes, timers

    tools = [t for t in (*timers.TOOLS, *notes.TOOLS, *medication.TOOLS) if t.name in _WRITES]
    assert {t.name for t in tools} == set(_WRITES)
    assert {t.name for t in tools
            if unasked(heard, t.held_back_by, t.action) == "said not to"} == held


def test_the_loop_runs_the_call_asked_for_beside_one_said_not_to() -> None:
    timer = ToolCall("set_timer", {"minutes": 10})
    reminder = ToolCall("set_reminder", {"text": "pasta", "when": "in 10 minutes"})
    bot, _, ran = _bot(render_lfm2([reminder, timer]), "Timer set.")
    events = list(bot.turn(UserInput(text="no reminder, just a 10 minute timer")))
    assert [(e.calls, e.why) for e in events if isinstance(e, CallsHeldBack)] == [
        ((reminder,), "said not to")]
    assert ran == [("set_timer", {"minutes": 10})]
    bot, _, ran = _bot(render_lfm2([timer]), "Timer set.")
    events = list(bot.turn(UserInput(text="no need for a timer, I'll watch the pot")))
    assert ran == []
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED["said not to"]]


@pytest.mark.parametrize(("heard", "back"), [
    # Taken back whole as it is said (taken-back; probes at 6a00fc9 did each).
    ("set a timer for 5 minutes... actually never mind, I'll keep an eye on it myself", True),
    ("Weather in Chicago? Actually I'm fine, don't bother.", True),
    ("remind me to call the bank at 3, or rather, don't, I'll do it right now", True),
    ("log 2 ibuprofen. wait no, ignore that", True),
    ("set a 10 min timer. nvm", True),
    ("what time is it in tokyo? nevermind, found it", True),
    ("add a note saying buy milk... scratch that", True),
    ("set a timer for 10 min \u2014 actually forget it, I'll just watch the pot", True),
    # Still asking: a cancel, a new ask, a new value, the user's own words with no take-back.
    ("never mind the tea timer", False),
    ("never mind, set one for 10 minutes", False),
    ("set a timer for 5 min. never mind, what time is it in oslo", False),
    ("remind me to move the car in 15 min, scratch that, 20 min", False),
    ("Actually, scratch that, keep the tea timer.", False),
    ("remind me to take my pills, I always forget it", False),
    ("set a timer for 10 min, don't let me forget", False),
    ("remind me at 5 to call mum - don't forget!", False),
    ("log 2 puffs ventolin, no need for a reminder", False),
    ("nvm", False),  # nothing asked before it
    # The user's reason after it, no stop before or after it, other words (taken-back-2; each
    # ran at 9638575).
    ("remind me to move the car at 6, scrap that, my neighbour already moved it for me", True),
    ("set a reminder to pick up the kids at 3. Never mind, their dad's getting them today.", True),
    ("set a 40 min timer for the roast, actually never mind, the oven isn't even on yet", True),
    ("whats the weather in leeds, scratch that, delivery guy's at the door", True),
    ("pls set a 3 min timer for my tea oh nvm its already steeped", True),
    ("how many ml in 3 cups, never mind I'll just use the measuring jug", True),
    ("remind me to stretch at 3, never mind i know what time it is", True),
    ("log my inhaler. don't worry about it", True),
    ("set a timer for 20 min. skip it", True),
    ("remind me to buy a boat jk", True),
    ("delete all my notes. just kidding!", True),
    ("whats 15% of 80, please ignore", True),
    ("set a timer for 10. neverm ind", True),
    ("convert 5 miles to km. actually no", True),
    # Still asking: a thing, a new value, a new ask after it.
    ("never mind the tea timer, it's done", False),
    ("don't worry about the dentist reminder, delete it", False),
    ("stop timer 2, never mind it", False),
    ("timer for 5 mins nvm make it 8", False),
    ("set a timer for 5 min nvm just 8", False),
    ("set a timer for 5, never mind, do 10 instead", False),
    ("ok don't worry, what's the time in oslo", False),
    ("skip the first one, just set the pasta timer", False),
    ("nvm that, just check leeds", False),
    # A joke takes back the aside before it, not the ask (taken-back-2's one made wrong).
    ("read my newest note, i can never remember what i wrote lol jk i can, just lazy", False),
    ("remind me at 6pm to feed the cat (she'll starve otherwise lol jk she's very fat)", False),
    # "it" and the user's words after a bare "don't" (taken-back-3's other one made wrong).
    ("cancel the pasta timer. wait no, dont, it still needs a few more min", True),
    ("log 400 mg ibuprofen jk it was 600", False),  # a new value, "it" or not
    ("what's 48 times 12. jk i meant 48 times 21", False),
])
def test_a_request_taken_back_as_it_is_said(heard: str, back: bool) -> None:
    assert (unasked(heard, ANY_TOOL) == "taken back") is back


@pytest.mark.parametrize(("heard", "news"), [
    # The user's news, asking for nothing (news-told; at 15aacf7 the first 7 each set a reminder).
    ("picked up the kids at 3:15 and we got ice cream, good day", True),
    ("my dentist appointment is thursday at 2:30, not looking forward to it", True),
    ("our anniversary dinner is saturday at 8, can't wait", True),
    ("the car's booked in for its MOT on tuesday at 10", True),
    ("mum's birthday party is sunday at 2", True),
    ("my exam is on monday at 9, wish me luck", True),
    ("I start my new job on the 3rd at 9am", True),
    ("parents evening is on the 14th at 6pm, should be fine", True),
    ("gym class moved to 7pm tonight", True),
    # Asking: a word for a record, a request, a question, a need; or no statement.
    ("my flight leaves at 6, remind me at 4", False),
    ("the dentist is at 3, dont let me forget", False),
    ("wrote it on the whiteboard but stick it in notes too - bin day is tuesday now", False),
    ("my to-do list needs 'email the landlord'", False),
    ("I need to call mum at 5", False),
    ("my exam is monday at 9, remember that for me", False),
    ("is the dentist at 3", False),
    ("what's on at 3 tomorrow", False),
    ("dentist thursday 2:30", False),
])
def test_the_users_news_asks_for_no_reminder_or_note(heard: str, news: bool) -> None:
    from assistant.tools import notes, timers

    for tool in (*timers.TOOLS, *notes.TOOLS):
        if tool.name in ("set_reminder", "add_note"):
            assert (unasked(heard, tool.held_back_by, tool.action) == "news told") is news
    # A dose told is still logged.
    log = next(t for t in medication.TOOLS if t.name == "log_dose")
    assert unasked(f"{heard}, took 2 paracetamol", log.held_back_by, log.action) != "news told"


def test_the_loop_sets_no_reminder_for_the_users_news() -> None:
    reminder = ToolCall("set_reminder", {"text": "anniversary dinner", "when": "saturday at 8"})
    bot, _, ran = _bot(render_lfm2([reminder]), "Reminder set.")
    events = list(bot.turn(UserInput(text="our anniversary dinner is saturday at 8, can't wait")))
    assert ran == []
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED["news told"]]


def test_the_loop_leaves_a_request_taken_back() -> None:
    timer = ToolCall("set_timer", {"minutes": 5})
    bot, _, ran = _bot(render_lfm2([timer]), "Timer set.")
    events = list(bot.turn(UserInput(
        text="set a timer for 5 minutes... actually never mind, I'll keep an eye on it myself")))
    assert ran == []
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED["taken back"]]


def _advised(*outputs: str) -> tuple[Conversation, list[str]]:
    """A conversation over every tool that takes a call of the dose log, the clock, timers or
    units, with each tool's own declarations, recording the names of the tools run."""
    from assistant.tools import units

    ran: list[str] = []

    def bound(tool: Tool) -> Tool:
        def fn(**kw: Any) -> dict[str, bool]:
            ran.append(tool.name)
            return {"ok": True}
        return replace(tool, fn=fn)

    tools = (*medication.TOOLS, *clock.TOOLS, *timers.TOOLS, *units.TOOLS)
    engine = _Recording(outputs=list(outputs))
    engine.requests = []
    return Conversation(engine, Registry([bound(t) for t in tools]),
                        options=LoopOptions(speak=False)), ran


@pytest.mark.parametrize(("heard", "call", "held"), [
    # Advice about a medicine: no tool's call runs, and the advice answer is given.
    ("How much paracetamol can an adult take in a day?", ToolCall("get_time", {}), True),
    ("whats the max dose of ibuprofen in 24 hrs",
     ToolCall("log_dose", {"drug": "ibuprofen", "amount": 24, "unit": "tablets"}), True),
    ("If you miss a dose of gabapentin, should you double the next one?",
     ToolCall("last_dose", {"drug": "gabapentin"}), True),
    ("Best time to take magnesium, morning or bedtime?", ToolCall("set_timer", {"minutes": 5}),
     True),
    # A sum or a conversion asks how much of its own accord; a unit alone is no medicine.
    ("the calpol says 7.5 ml - how many teaspoons is that",
     ToolCall("convert_units", {"value": 7.5, "from_unit": "ml", "to_unit": "teaspoon"}), False),
    ("how many ml is 3 cups, then start a 20 min timer", ToolCall("set_timer", {"minutes": 20}),
     False),
    ("how many mg is 1.5 g of Augmentin",
     ToolCall("convert_units", {"value": 1.5, "from_unit": "g", "to_unit": "mg"}), False),
    ("I have 28 tablets of metformin and take 2 a day, is that enough for 2 weeks?",
     ToolCall("calculate", {"expression": "28/2"}), False),
    # advice-counted: ... but not one the tools cannot do with what was said (each ran at 86b05aa).
    ("Is 5mg of melatonin too much for a 7 year old?", ToolCall("calculate", {"expression": "5mg*7"}),
     True),
    ("How many puffs of salbutamol are OK during an asthma attack?",
     ToolCall("calculate", {"expression": "20*500/100"}), True),
    ("is 15 units of Lantus a lot for someone with type 2?",
     ToolCall("convert_units", {"value": 15, "from_unit": "Lantus", "to_unit": "milliliter"}), True),
    ("How much ibuprofen counts as too much in 24 hours?",
     ToolCall("convert_units", {"value": 24, "from_unit": "hour", "to_unit": "minute"}), True),
    # The log asked beside the advice, or a record asked for.
    ("What have I taken so far today? Is that too much Tylenol?",
     ToolCall("list_doses", {"day": "today"}), False),
    ("had 2 ibuprofen at 8, log it - is that too much?",
     ToolCall("log_dose", {"drug": "ibuprofen", "amount": 2, "unit": "tablets", "time": "8"}),
     False),
])
def test_no_call_runs_for_advice_about_a_medicine(heard: str, call: ToolCall, held: bool) -> None:
    bot, ran = _advised(render_lfm2([call]), "Done.")
    events = list(bot.turn(UserInput(text=heard)))
    assert (ran == []) is held
    if held:
        assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED["advice"]]


@pytest.mark.parametrize("heard", [
    "If I manage to put aside 35 a week, how much will I have after 26 weeks?",
    "should I bother with a coat this morning",
])
def test_advice_where_no_medicine_is_named_is_not_sent_to_a_pharmacist(heard: str) -> None:
    reminder = ToolCall("set_reminder", {"text": "put aside 35 a week", "when": "in 26 weeks"})
    bot, ran = _advised(render_lfm2([reminder]), "Done.")
    events = list(bot.turn(UserInput(text=heard)))
    assert ran == []
    assert [(e.why) for e in events if isinstance(e, CallsHeldBack)] == ["advice"]
    assert [e.text for e in events if isinstance(e, Answer)] == [ADVICE_UNNAMED]
