"""Arguments the user never said are dropped before a call runs (assistant.grounding)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from assistant.engines.scripted import ScriptedEngine
from assistant.events import Answer, CallsGrounded, CallsHeldBack, CallsProposed, Event, ToolStarted
from assistant.grounding import (
    as_routine,
    as_said,
    cannot_do_without,
    ground,
    ground_amount,
    ground_count,
    ground_day,
    ground_duration,
    ground_moment,
    ground_place,
    ground_strength,
    ground_times,
    ground_unit,
    made_up,
    no_day_ahead,
    said,
    said_ids,
    said_numbers,
    said_place,
    said_units,
    says_a_time,
)
from assistant.loop import Conversation, LoopOptions, UserInput
from assistant.toolcall import ToolCall, render_lfm2
from assistant.tools.asking import NO_DAY_AHEAD, NOT_ASKED, NOT_SAID
from assistant.tools.base import SideEffect, Strength, Tool
from assistant.tools.daytimes import clock, said_times, says_routine
from assistant.tools.durations import said_durations
from assistant.tools.registry import Registry
from assistant.tools.when import parse_day, parse_when, said_day, said_moment


@pytest.mark.parametrize(("value", "heard"), [
    ("Oslo", "temperature in Oslo please"),
    ("Paris, France", "is it raining in paris"),
    ("New York", "weather in new york city tomorrow"),
    ("New York City", "how cold is it in NYC"),
    ("Seattle", "what's the forecast for seatle"),  # an ASR spelling
    ("Paris", "what's the temperature in pairs right now"),  # Whisper: alike in sound only
    ("St. Louis", "weather in saint louis"),
])
def test_a_place_said_is_kept(value: str, heard: str) -> None:
    assert said(value, heard)


@pytest.mark.parametrize(("value", "heard"), [
    ("Paris", "what's the weather like"),
    ("London", "is there snow on the way tomorrow"),
    ("Rome", "how's the weather at home"),  # close to a word said, but not it
    ("Tokyo", "what's it like out today"),
    ("Saxony", "will the sun be out on Saturday"),  # the shipped brain's, on the everyday set
    ("Tokyo", "how many Tylenol can I safely take in a day"),  # alike in sound only ("taka")
])
def test_a_place_never_said_is_not(value: str, heard: str) -> None:
    assert not said(value, heard)


def test_ground_drops_only_grounded_strings_not_said() -> None:
    call = ToolCall("get_weather", {"location": "Paris", "day": "Friday"})
    assert ground(call, ("location",), "weather on friday") == ToolCall("get_weather",
                                                                        {"day": "Friday"})
    assert ground(call, ("location",), "weather in paris on friday") is call
    assert ground(call, (), "weather on friday") is call


def _weather(ran: list[dict[str, Any]]) -> Registry:
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"location": {"type": "string", "minLength": 1},
                             "day": {"type": "string"}},
              "required": ["location"]}

    def fn(location: str = "home", day: str = "today") -> dict[str, Any]:
        ran.append({"location": location, "day": day})
        return {"summary": f"Sunny in {location}."}

    return Registry([Tool("get_weather", "Weather.", schema, fn, grounded=("location",))])


def _turns(outputs: list[str], texts: list[str]) -> tuple[list[list[Event]], list[dict[str, Any]],
                                                          Conversation]:
    ran: list[dict[str, Any]] = []
    bot = Conversation(ScriptedEngine.from_outputs(outputs), _weather(ran),
                       options=LoopOptions(speak=False))
    return [list(bot.turn(UserInput(text=t))) for t in texts], ran, bot


def test_a_made_up_place_is_dropped_and_the_tool_runs_without_it() -> None:
    paris = render_lfm2([ToolCall("get_weather", {"location": "Paris"})])
    [events], ran, bot = _turns([paris, "Sunny."], ["what's the weather like"])
    assert ran == [{"location": "home", "day": "today"}]
    grounded = next(e for e in events if isinstance(e, CallsGrounded))
    assert grounded.calls == (ToolCall("get_weather", {}),)
    assert grounded.dropped == ("get_weather.location='Paris'",)
    # The model's own call stays in the stream; what ran, and the history, are without it.
    assert next(e for e in events if isinstance(e, CallsProposed)).calls[0].arguments == {
        "location": "Paris"}
    assert next(e for e in events if isinstance(e, ToolStarted)).call == ToolCall("get_weather", {})
    assert bot.history[1].calls == (ToolCall("get_weather", {}),)


def test_a_place_said_in_an_earlier_turn_is_kept() -> None:
    oslo = [render_lfm2([ToolCall("get_weather", {"location": "Oslo", **d})])
            for d in ({}, {"day": "tomorrow"})]
    turns, ran, _ = _turns([oslo[0], "Sunny.", oslo[1], "Sunny."],
                           ["weather in Oslo", "and tomorrow?"])
    assert ran == [{"location": "Oslo", "day": "today"}, {"location": "Oslo", "day": "tomorrow"}]
    assert not any(isinstance(e, CallsGrounded) for events in turns for e in events)


def test_validation_lets_a_grounded_argument_be_left_out_but_not_another() -> None:
    reg = _weather([])
    assert reg.validate(ToolCall("get_weather", {})) is None
    assert reg.validate(ToolCall("get_weather", {"day": 3})) is not None
    with pytest.raises(ValueError, match="grounded 'day' is not a string"):
        Registry([Tool("t", "T.", {"type": "object", "properties": {"day": {"type": "integer"}}},
                       lambda day=0: None, grounded=("day",))])


def test_the_weather_tool_grounds_its_place_behind_the_schema_the_adapter_knows() -> None:
    from assistant.tools.weather import TOOLS

    tool = next(t for t in TOOLS if t.name == "get_weather")
    assert tool.grounded == ("location",)
    # The shipped adapter is pinned to the prompt head, which includes this schema.
    assert tool.spec.parameters["required"] == ["location"]


@pytest.mark.parametrize(("heard", "seconds"), [
    ("I need a timer of a minute and a half", [90]),
    ("alright, I need a timer of a quarter of an hour", [900]),
    ("can you time half an hour for me", [1800]),
    ("three quarters of an hour", [2700]),
    ("start a countdown: two minutes thirty", [150]),
    ("2 hours 15, please", [8100]),
    ("can u do a timer for 2 hrs 15 for the roast", [8100]),  # was 7200: everyday-17
    ("a timer for 5 mins 30 then remind me to stir", [330]),
    ("a 25 minute one for the lasagne", [1500]),
    ("set a timer for 10 minutes 2 times", [600]),
    ("fourteen minutes on the pizza timer", [840]),
    ("set a 10 minute timer and one for an hour and a half", [600, 5400]),
    ("1 hour and 20 minutes", [4800]),
    ("two and a half hours", [9000]),
    ("a 1-hour timer for the pizza", [3600]),
    ("set a second timer for five minutes", [300]),  # "a second" is not one
    ("set a timer for 2 minutes for 2 people", [120]),
    # A quarter or three after the whole, either side of the unit (was 3600, and none).
    ("an hour and a quarter on the timer", [4500]),
    ("the lamb needs two and a quarter hours", [8100]),
    ("2 hours and a quarter", [8100]),
    ("two and three quarter hours", [9900]),
    ("delete timer four", []),
    ("set the thermostat to 20 degrees", []),
    ("rouse me at 7:15 am", []),
])
def test_durations_said(heard: str, seconds: list[int]) -> None:
    assert said_durations(heard) == seconds


TIMER = {"hours": 3600, "minutes": 60, "seconds": 1}


def test_a_duration_other_than_the_one_said_is_set_to_it() -> None:
    half = ToolCall("set_timer", {"label": "tea", "hours": 30})
    assert ground_duration(half, TIMER, "a tea timer for half an hour") == ToolCall(
        "set_timer", {"label": "tea", "minutes": 30})
    assert ground_duration(ToolCall("set_timer", {"minutes": 1}), TIMER,
                           "a timer of a minute and a half") == ToolCall(
        "set_timer", {"minutes": 1, "seconds": 30})
    right = ToolCall("set_timer", {"minutes": 90})  # the same length in other units: kept
    assert ground_duration(right, TIMER, "an hour and a half") is right
    # Nothing said, or two durations: the call stays as the model wrote it.
    assert ground_duration(half, TIMER, "set the thermostat to 20 degrees") is half
    assert ground_duration(half, TIMER, "5 minutes, then 10 minutes") is half
    assert ground_duration(half, {}, "half an hour") is half


def test_the_loop_runs_the_timer_for_the_duration_said() -> None:
    from assistant.tools.timers import TOOLS

    tool = next(t for t in TOOLS if t.name == "set_timer")
    assert tool.duration == TIMER
    ran: list[dict[str, Any]] = []
    timer = Tool("set_timer", "Timer.", tool.parameters,
                 lambda **kw: ran.append(kw) or {"ok": True}, duration=tool.duration)
    call = render_lfm2([ToolCall("set_timer", {"hours": 1})])
    bot = Conversation(ScriptedEngine.from_outputs([call, "Started."]), Registry([timer]),
                       options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(text="a timer for a quarter of an hour")))
    assert ran == [{"minutes": 15}]
    grounded = next(e for e in events if isinstance(e, CallsGrounded))
    assert grounded.corrected == ("set_timer {'hours': 1} -> {'minutes': 15}",)
    assert grounded.dropped == ()
    assert bot.history[1].calls == (ToolCall("set_timer", {"minutes": 15}),)
    with pytest.raises(ValueError, match="duration 'label' is not an integer"):
        Registry([Tool("t", "T.", tool.parameters, lambda **kw: None, duration={"label": 1})])


# --- numbers nobody said -----------------------------------------------------------------------


def _declared(name: str) -> Tool:
    from assistant.tools import medication, notes, timers

    return next(t for t in (*timers.TOOLS, *notes.TOOLS, *medication.TOOLS) if t.name == name)


@pytest.mark.parametrize(("name", "args", "heard", "made"), [
    # A duration nobody said: the brain's stock 10 minutes, for a timer talked about.
    ("set_timer", {"label": "pizza", "minutes": 10}, "Keep the pizza timer running, do not "
     "cancel it.", ("minutes",)),
    ("set_timer", {"label": "beep", "minutes": 10}, "make the timer beep louder next time",
     ("minutes",)),
    ("set_timer", {"hours": 1}, "start the roast timer when the oven's hot", ("hours",)),
    # Said, in any of the ways people say it, or in other units than written.
    ("set_timer", {"minutes": 10}, "a ten-minute timer", ()),
    ("set_timer", {"minutes": 90}, "an hour and a half on the timer", ()),
    ("set_timer", {"seconds": 8100}, "the lamb needs two and a quarter hours, time it", ()),
    ("set_timer", {"minutes": 5}, "timer for five", ()),
    ("set_timer", {"minutes": 1, "seconds": 0}, "a minute's timer", ()),
    # A vague count: the number is a reading of it, not made up.
    ("set_timer", {"minutes": 2}, "give me a couple of minutes on the timer", ()),
    ("set_timer", {"minutes": 5}, "timer for a few minutes", ()),
    # An id: a number or an ordinal said, not "one" as a thing.
    ("delete_note", {"note_id": 1}, "oops, can you undo deleting that note?", ("note_id",)),
    ("delete_note", {"note_id": 1}, "delete that one", ("note_id",)),
    ("delete_note", {"note_id": 12}, "get rid of note number twelve", ()),
    ("delete_note", {"note_id": 3}, "remove the third note", ()),
    ("cancel_timer", {"timer_id": 2}, "kill the 2nd timer", ()),
    ("cancel_timer", {"label": "pasta", "timer_id": 1}, "cancel the pasta timer", ("timer_id",)),
    ("cancel_timer", {"label": "pasta"}, "cancel the pasta timer", ()),
    # Not a whole number: invalid, for validation to report, not made up.
    ("set_timer", {"seconds": 600.5}, "do it", ()),
    ("delete_note", {"note_id": "one"}, "do it", ()),
])
def test_a_number_nobody_said(name: str, args: dict[str, Any], heard: str,
                              made: tuple[str, ...]) -> None:
    assert made_up(ToolCall(name, args), _declared(name), heard) == made


@pytest.mark.parametrize(("heard", "says"), [
    ("thanks for reminding me about the bins!", False),
    ("Keep my dentist reminder exactly where it is.", False),
    ("Postpone the study reminder until I know when my exam is", False),
    ("remind me to call mum after lunch", True),
    ("remind me in a bit to check the oven", True),
    ("remind me tonight", True),
    ("first thing, remind me about the bins", True),
    ("put the bins out reminder for Thursday", True),
    ("remind me at half six", True),
    ("remind me at 7 to water the plants", True),
    ("nudge me before bed about my pills", True),
])
def test_whether_a_request_says_a_time(heard: str, says: bool) -> None:
    assert says_a_time(heard) is says


def test_a_time_nobody_said_holds_back_a_reminder_and_is_dropped_from_a_dose() -> None:
    remind = ToolCall("set_reminder", {"text": "the bins", "when": "in 20 minutes"})
    tool = _declared("set_reminder")
    assert made_up(remind, tool, "thanks for reminding me about the bins!") == ("when",)
    assert cannot_do_without(remind, tool, ("when",))  # a reminder is nothing without it
    assert made_up(remind, tool, "remind me about the bins in twenty minutes") == ()
    dose = ToolCall("log_dose", {"drug": "paracetamol", "amount": 2, "unit": "tablets",
                                 "time": "8 am"})
    tool = _declared("log_dose")
    assert made_up(dose, tool, "just took 2 paracetamol, log it") == ("time",)
    assert not cannot_do_without(dose, tool, ("time",))  # logged as taken now
    assert made_up(dose, tool, "took 2 paracetamol with breakfast") == ()
    assert made_up(dose, tool, "took 2 paracetamol at 8") == ()
    # A number of what to remind of is not a time either.
    pills = ToolCall("set_reminder", {"text": "take 2 pills", "when": "in 20 minutes"})
    assert made_up(pills, _declared("set_reminder"), "remind me to take 2 pills") == ("when",)
    assert made_up(pills, _declared("set_reminder"), "remind me to take 2 pills at 2") == ()



@pytest.mark.parametrize(("heard", "made"), [
    ("I just took some ibuprofen", ("amount",)),
    ("took my ibuprofen after breakfast", ("amount",)),
    ("is it alright to double up on ibuprofen if I missed this morning's?", ()),  # a count word
    ("took 2 ibuprofen", ()),
    ("took two ibuprofen", ()),
    ("had an ibuprofen", ()),
    ("had half a tablet of ibuprofen", ()),
    ("a couple of ibuprofen just now", ()),
])
def test_a_dose_amount_nobody_said_is_made_up(heard: str, made: tuple[str, ...]) -> None:
    dose = ToolCall("log_dose", {"drug": "ibuprofen", "amount": 10, "unit": "ml"})
    tool = _declared("log_dose")
    assert made_up(dose, tool, heard) == made
    if made:
        assert cannot_do_without(dose, tool, made)  # a dose is nothing without its amount

def test_an_id_a_tool_showed_is_not_made_up() -> None:
    shown = '[{"ok": true, "result": [{"note_id": 4, "text": "boiler at 1.5 bar"}]}]'
    delete = ToolCall("delete_note", {"note_id": 4})
    assert made_up(delete, _declared("delete_note"), "delete that", shown) == ()
    assert made_up(delete, _declared("delete_note"), "delete that") == ("note_id",)
    assert said_ids("the third one, then timer two") == {3, 2}
    assert said_ids("that one") == set()


def _timers_and_notes(*outputs: str) -> tuple[Conversation, list[tuple[str, dict[str, Any]]]]:
    from dataclasses import replace

    ran: list[tuple[str, dict[str, Any]]] = []

    def bound(tool: Tool) -> Tool:
        def fn(**kw: Any) -> Any:
            ran.append((tool.name, kw))
            return [{"note_id": 4, "text": "boiler"}] if tool.name == "read_notes" else {"ok": True}
        # Run without asking: what is checked here is the number, not the confirmation.
        return replace(tool, fn=fn, accepts_confirmation=False, side_effect=SideEffect.WRITE)

    registry = Registry([bound(_declared(n)) for n in
                         ("set_timer", "cancel_timer", "read_notes", "delete_note",
                          "set_reminder", "log_dose")])
    return Conversation(ScriptedEngine.from_outputs(list(outputs)), registry,
                        options=LoopOptions(speak=False)), ran


def test_the_loop_holds_back_a_call_with_a_made_up_number_and_asks_for_it() -> None:
    timer = ToolCall("set_timer", {"label": "pizza", "minutes": 10})
    bot, ran = _timers_and_notes(render_lfm2([timer]), "Started.")
    events = list(bot.turn(UserInput(text="start the pizza timer")))
    assert ran == []
    assert [(e.calls, e.why) for e in events if isinstance(e, CallsHeldBack)] == [
        ((timer,), NOT_SAID)]
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED[NOT_SAID]]
    # Said to be kept as it is, it is held for that first (left-alone, stop 54).
    bot, ran = _timers_and_notes(render_lfm2([timer]), "Started.")
    events = list(bot.turn(UserInput(text="keep the pizza timer running, don't touch it")))
    assert ran == [] and [e.why for e in events if isinstance(e, CallsHeldBack)] == \
        ["left as it is"]
    # Said, it runs.
    bot, ran = _timers_and_notes(render_lfm2([timer]), "Started.")
    list(bot.turn(UserInput(text="ten minutes on the pizza timer")))
    assert ran == [("set_timer", {"label": "pizza", "minutes": 10})]


@pytest.mark.parametrize(("day", "heard", "none"), [
    # Past days, and months or seasons with no day of them: no forecast was asked.
    ("last Tuesday", "what was the weather like in Manchester last Tuesday?", True),
    ("yesterday afternoon", "was it raining yesterday afternoon?", True),
    ("july", "what's the weather usually like in Bali in July?", True),
    ("last summer", "was it as hot as this last summer?", True),
    ("spring trip", "For a spring trip, would you pick Kyoto or Seoul?", True),
    # A year gone by, with a day the parser cannot read (everyday-16).
    ("christmas day 2010", "what was the weather like in london on christmas day 2010", True),
    ("new year 2020", "was it cold at new year 2020 in berlin", True),
    ("christmas day 2026", "will it snow on christmas day 2026 in oslo", False),
    # Days ahead, however said.
    ("tomorrow", "rain tomorrow?", False),
    ("friday", "forecast friday", False),
    ("march 21", "Will it be sunny on March 21st?", False),
    ("the fifteenth of may", "weather on the fifteenth of may", False),
    ("this weekend", "will it rain this weekend", False),
    # A day ahead said: the day said is the call's (`ground_day`), not the brain's.
    ("last friday", "will it rain on friday", False),
])
def test_a_forecast_for_no_day_ahead(day: str, heard: str, none: bool) -> None:
    from assistant.tools.weather import TOOLS

    call = ToolCall("get_weather", {"location": "Leeds", "day": day})
    assert no_day_ahead(call, TOOLS[0], heard, NOW) is none


def test_the_loop_holds_back_a_forecast_of_the_past() -> None:
    from assistant.tools.weather import TOOLS

    past = ToolCall("get_weather", {"location": "Manchester", "day": "last Tuesday"})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([past])]),
                       Registry([replace_fn(TOOLS[0])]), options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(text="what was the weather like in Manchester last Tuesday?")))
    assert not [e for e in events if isinstance(e, ToolStarted)]
    assert [e.why for e in events if isinstance(e, CallsHeldBack)] == [NO_DAY_AHEAD]
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED[NO_DAY_AHEAD]]


def test_the_loop_reads_the_dose_log_only_for_a_drug_that_may_be_a_medicine() -> None:
    from assistant.tools.asking import NOT_ABOUT

    eye_test = ToolCall("last_dose", {"drug": "eye test"})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([eye_test])]),
                       Registry([replace_fn(_declared("last_dose"))]), options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(text="My last eye test was in 2019. Is that too long ago?")))
    assert not [e for e in events if isinstance(e, ToolStarted)]
    assert [e.why for e in events if isinstance(e, CallsHeldBack)] == [NOT_ABOUT]
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED[NOT_ABOUT]]


def test_the_loop_reads_the_dose_log_only_for_a_request_that_names_a_medicine() -> None:
    from assistant.tools.asking import NOT_ABOUT

    snow = ToolCall("last_dose", {"drug": "snow"})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([snow])]),
                       Registry([replace_fn(_declared("last_dose"))]), options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(text="how much snow did Buffalo get last winter")))
    assert not [e for e in events if isinstance(e, ToolStarted)]
    assert [e.why for e in events if isinstance(e, CallsHeldBack)] == [NOT_ABOUT]
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED[NOT_ABOUT]]
    # A medicine named in an earlier turn of the window is named: "and before that?" reads it.
    nurofen = ToolCall("last_dose", {"drug": "nurofen"})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([nurofen]), "At 8.",
                                                    render_lfm2([nurofen]), "At 8."]),
                       Registry([replace_fn(_declared("last_dose"))]), options=LoopOptions(speak=False))
    list(bot.turn(UserInput(text="last nurofen?")))
    events = list(bot.turn(UserInput(text="sorry, when was that again?")))
    assert [e.call for e in events if isinstance(e, ToolStarted)] == [nurofen]


def test_the_loop_saves_no_dose_of_an_everyday_thing() -> None:
    from assistant.tools.asking import NOT_ABOUT

    coffee = ToolCall("log_dose", {"drug": "coffee", "amount": 2, "unit": "cups"})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([coffee])]),
                       Registry([replace_fn(_declared("log_dose"))]), options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(text="Is two cups of coffee a day bad for you?")))
    assert not [e for e in events if isinstance(e, ToolStarted)]
    assert [e.why for e in events if isinstance(e, CallsHeldBack)] == [NOT_ABOUT]


def test_the_loop_saves_no_dose_of_a_medicine_nobody_named() -> None:
    from assistant.tools.asking import NOT_ABOUT

    guess = ToolCall("log_dose", {"drug": "metformin", "amount": 500, "unit": "ml"})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([guess])]),
                       Registry([replace_fn(_declared("log_dose"))]), options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(
        text="what sorts of units are allowed when recording a dose? drops, puffs, that kind of thing?")))
    assert not [e for e in events if isinstance(e, ToolStarted)]
    assert [e.why for e in events if isinstance(e, CallsHeldBack)] == [NOT_ABOUT]
    assert [e.text for e in events if isinstance(e, Answer)] == [NOT_ASKED[NOT_ABOUT]]
    # Named in an earlier turn of the window: "log 500 mg of it" saves it.
    dose = ToolCall("log_dose", {"drug": "metformin", "amount": 500, "unit": "mg"})
    bot = Conversation(ScriptedEngine.from_outputs(["Okay.", render_lfm2([dose]), "Logged."]),
                       Registry([replace_fn(_declared("log_dose"))]), options=LoopOptions(speak=False))
    list(bot.turn(UserInput(text="I'm on metformin now")))
    events = list(bot.turn(UserInput(text="log 500 mg of it")))
    assert [e.call for e in events if isinstance(e, ToolStarted)] == [dose]


@pytest.mark.parametrize(("heard", "count"), [
    ("Show me my latest note.", 1),
    ("read me my most recent note", 1),
    ("what's my last saved note say", 1),
    ("what was the last thing I noted? in my notes", 1),
    ("just the newest one of my notes", 1),
    ("read my last 3 notes", 3),
    ("the three newest notes pls", 3),
    ("my 2 most recent notes", 2),
    ("show me the last couple of notes", 2),
    ("read my notes", None),
    ("read my last few notes", None),
    ("read my notes from last week", None),
    ("whats in note 3", None),
    ("the last thing I need is another timer", None),
])
def test_the_notes_a_request_counts(heard: str, count: int | None) -> None:
    from assistant.tools.notes import notes_asked

    assert notes_asked(heard) == count


def test_the_loop_reads_as_many_notes_as_the_request_counts() -> None:
    """"Show me my latest note." read back five (everyday-18): the brain left the limit out."""
    for text, written, limit in (("Show me my latest note.", {}, 1),
                                 ("read my last three notes", {"limit": 5}, 3),
                                 ("read my notes", {"limit": 5}, 5),
                                 ("read my notes", {}, None)):
        bot, ran = _timers_and_notes(render_lfm2([ToolCall("read_notes", written)]), "Here.")
        list(bot.turn(UserInput(text=text)))
        assert ran == [("read_notes", {} if limit is None else {"limit": limit})], text
    with pytest.raises(ValueError, match="counted 'label' is not an integer"):
        Registry([replace_fn(_declared("set_timer"), counted={"label": len})])


def test_the_loop_drops_a_made_up_id_beside_a_label_and_keeps_an_id_it_was_shown() -> None:
    cancel = ToolCall("cancel_timer", {"label": "pasta", "timer_id": 1})
    bot, ran = _timers_and_notes(render_lfm2([cancel]), "Cancelled.")
    events = list(bot.turn(UserInput(text="cancel the pasta timer")))
    assert ran == [("cancel_timer", {"label": "pasta"})]
    assert next(e for e in events if isinstance(e, CallsGrounded)).dropped == (
        "cancel_timer.timer_id=1",)
    # Note 4 was read out a turn before: "delete it" picks it. Note 1 was never seen.
    bot, ran = _timers_and_notes(render_lfm2([ToolCall("read_notes", {})]), "Note 4: boiler.",
                                 render_lfm2([ToolCall("delete_note", {"note_id": 4})]), "Gone.",
                                 render_lfm2([ToolCall("delete_note", {"note_id": 1})]), "Gone.")
    list(bot.turn(UserInput(text="read my notes")))
    list(bot.turn(UserInput(text="delete it")))
    events = list(bot.turn(UserInput(text="and undo deleting that other note")))
    assert ran == [("read_notes", {}), ("delete_note", {"note_id": 4})]
    assert [e.why for e in events if isinstance(e, CallsHeldBack)] == [NOT_SAID]
    with pytest.raises(ValueError, match="id 'label' is not an integer"):
        Registry([replace_fn(_declared("cancel_timer"), ids=("label",))])


def test_the_loop_asks_when_for_a_reminder_and_logs_a_dose_as_now() -> None:
    remind = ToolCall("set_reminder", {"text": "the bins", "when": "in 20 minutes"})
    bot, ran = _timers_and_notes(render_lfm2([remind]), "Set.")
    events = list(bot.turn(UserInput(text="thanks for reminding me about the bins!")))
    assert ran == []
    assert [e.why for e in events if isinstance(e, CallsHeldBack)] == [NOT_SAID]
    dose = ToolCall("log_dose", {"drug": "paracetamol", "amount": 2, "unit": "tablets",
                                 "time": "8 am"})
    bot, ran = _timers_and_notes(render_lfm2([dose]), "Logged.")
    list(bot.turn(UserInput(text="just took 2 paracetamol tablets, log it")))
    assert ran == [("log_dose", {"drug": "paracetamol", "amount": 2, "unit": "tablets"})]
    # An amount nobody said: not logged, the user is asked how much.
    some = ToolCall("log_dose", {"drug": "ibuprofen", "amount": 10, "unit": "ml"})
    bot, ran = _timers_and_notes(render_lfm2([some]), "Logged.")
    events = list(bot.turn(UserInput(text="I just took some ibuprofen")))
    assert ran == [] and [e.why for e in events if isinstance(e, CallsHeldBack)] == [NOT_SAID]
    assert "how much of a medicine you took" in next(e.text for e in events if isinstance(e, Answer))


def replace_fn(tool: Tool, **changes: Any) -> Tool:
    from dataclasses import replace

    return replace(tool, fn=lambda **kw: None, **changes)


# --- moments said -------------------------------------------------------------------------------

NOW = datetime(2026, 12, 5, 15, 0, tzinfo=ZoneInfo("Europe/London"))  # a Saturday afternoon


@pytest.mark.parametrize(("heard", "prefer", "phrase"), [
    ("remind me to put the bins out tonight at 8", "future", "tonight at 8"),
    ("don't let me forget to water the tomatoes at 6 this evening", "future", "at 6 this evening"),
    ("can you set me an alarm for 7 tonight, I'll nod off otherwise", "future", "7 tonight"),
    ("nudge me at half six tonight to ring Grandma", "future", "at half six tonight"),
    ("set an alarm for quarter to seven tomorrow", "future", "quarter to seven tomorrow"),
    ("reminder for 8 am Monday: submit timesheet", "future", "8 am Monday"),
    ("remind me in 20 minutes to check the oven", "future", "in 20 minutes"),
    ("had my 500 mg metformin with breakfast about an hour ago", "past", "about an hour ago"),
    ("note that I took 20 units of insulin last night at 10", "past", "last night at 10"),
    ("Remind me on Thursday to return the library books at 4 in the afternoon.", "future",
     "on Thursday at 4 in the afternoon"),  # the day said apart from the time
    ("Remind me on the 3rd of May at noon to renew my passport.", "future",
     "on the 3rd of May at noon"),
    ("remind me on 12 June at 2 pm that the warranty expires", "future", "on 12 June at 2 pm"),
    ("Remind me at ten to nine to log into the exam.", "future", "at ten to nine"),
    ("Remind me to call Dad at 8:30 PM.", "future", "at 8:30 PM"),
    ("remind me the day after tomorrow at 8 am to call the bank", "future",
     "day after tomorrow at 8 am"),
    ("remind me at 8.30 p.m. to call dad", "future", "at 8.30 p.m"),  # as Whisper writes it
    ("Remind me in an hour and a half to stretch.", "future", "in an hour and a half"),
    ("remind me in a couple of hours to check the bread", "future", "in a couple of hours"),
    ("half an hour ago I took 2 tablets", "past", "half an hour ago"),
    ("remind me in a quarter of an hour to turn the oven off", "future",
     "in a quarter of an hour"),
    ("remind me to call mom", "future", None),  # no moment said
    ("on Friday remind me to call the bank at 9 about Saturday's delivery", "future", None),
    ("remind me on the 14th to renew my passport", "future", "on the 14th"),  # a day alone
    ("on Friday the 11th remind me to book the MOT", "future", "on Friday the 11th"),
    ("remind me on the 1st that the bill is due on the 5th", "future", None),  # two days
    ("remind me at 5 to book the 7 pm table", "future", None),  # two: which is the reminder's?
    ("I may need a reminder to take 2 tablets", "future", None),
])
def test_the_moment_a_request_says(heard: str, prefer: Any, phrase: str | None) -> None:
    assert said_moment(heard, NOW, prefer) == phrase


@pytest.mark.parametrize(("said", "hour", "minute"), [
    ("at half six tonight", 18, 30), ("half past 3 pm", 15, 30), ("quarter to seven", 6, 45),
    ("a quarter past 9 tonight", 21, 15), ("quarter to one", 12, 45), ("ten to nine", 8, 50),
    ("twenty past 6 this evening", 18, 20), ("5 minutes past 3 pm", 15, 5), ("midday", 12, 0),
    ("tomorrow at midday", 12, 0),
])
def test_the_clocks_idioms_are_read(said: str, hour: int, minute: int) -> None:
    when = parse_when(said, NOW)
    assert when is not None and (when.hour, when.minute) == (hour, minute), when


def test_a_moment_other_than_the_one_said_is_set_to_it() -> None:
    wrong = ToolCall("set_reminder", {"text": "bins", "when": "tomorrow at 8 am"})
    assert ground_moment(wrong, {"when": "future"}, "put the bins out tonight at 8", NOW) == \
        ToolCall("set_reminder", {"text": "bins", "when": "tonight at 8"})
    # The dose's amount copied as a time, and a time said but left out.
    dose = {"drug": "ibuprofen", "amount": 400, "unit": "mg"}
    for written in ({"time": "400 am"}, {}):
        call = ToolCall("log_dose", {**dose, **written})
        assert ground_moment(call, {"time": "past"}, "took 400 mg ibuprofen an hour ago",
                             NOW) == ToolCall("log_dose", {**dose, "time": "an hour ago"})
    # The same moment in other words stays as written; a bare hour said is either half of the day.
    for when, heard in (("20:00 today", "remind me tonight at 8"), ("5 pm", "remind me at 5"),
                        ("5 am", "remind me at 5")):
        right = ToolCall("set_reminder", {"text": "x", "when": when})
        assert ground_moment(right, {"when": "future"}, heard, NOW) is right, heard
    # Nothing said, or two moments: the call as written.
    for heard in ("remind me to call mom", "remind me at 5 to book the 7 pm table"):
        assert ground_moment(wrong, {"when": "future"}, heard, NOW) is wrong


def test_the_loop_sets_the_reminder_for_the_moment_said() -> None:
    from assistant.tools.timers import TOOLS

    tool = next(t for t in TOOLS if t.name == "set_reminder")
    assert tool.moments == {"when": "future"}
    ran: list[dict[str, Any]] = []
    reminder = Tool("set_reminder", "Reminder.", tool.parameters,
                    lambda **kw: ran.append(kw) or {"ok": True}, moments=tool.moments)
    call = render_lfm2([ToolCall("set_reminder", {"text": "bins", "when": "tomorrow at 8 am"})])
    bot = Conversation(ScriptedEngine.from_outputs([call, "Set."]), Registry([reminder]),
                       options=LoopOptions(speak=False), now=lambda: NOW)
    events = list(bot.turn(UserInput(text="remind me to put the bins out tonight at 8")))
    assert ran == [{"text": "bins", "when": "tonight at 8"}]
    grounded = next(e for e in events if isinstance(e, CallsGrounded))
    assert grounded.corrected == (
        "set_reminder {'when': 'tomorrow at 8 am'} -> {'when': 'tonight at 8'}",)
    with pytest.raises(ValueError, match="moment 'text' is not a string argument read"):
        Registry([Tool("r", "R.", tool.parameters, lambda **kw: None, moments={"text": "soon"})])


# --- a dose's unit and amount -------------------------------------------------------------------


def test_the_units_and_numbers_a_request_says() -> None:
    from assistant.tools.medication import _UNIT_OF

    assert said_units("log 8 units of Lantus at 10 pm last night", _UNIT_OF) == {"units"}
    assert said_units("took 400mg ibuprofen", _UNIT_OF) == {"mg"}
    assert said_units("took 1000 international units of vitamin D", _UNIT_OF) == {"units"}
    assert said_units("can u log it", _UNIT_OF) == set()  # "u" only after a number
    assert said_units("had a 250 mg capsule of amoxicillin", _UNIT_OF) == {"mg", "capsules"}
    assert said_numbers("took my levothyroxine at half nine, 50 micrograms") == [9, 50]
    assert said_numbers("I've taken seven and a half mg of mirtazapine") == [7.5]
    assert said_numbers("half a tablet, my 2nd dose today") == [0.5]  # not the ordinal


def test_the_parts_and_signs_of_numbers_said() -> None:
    spoken = {
        "how many tablespoons in three quarters of a cup": [0.75],
        "how many tablespoons in a quarter cup": [0.25],
        "two and a quarter cups of water, in ml?": [2.25],
        "one and three quarter cups": [1.75],
        "two thirds of a cup in ml": [0.6666666667],
        "an eighth of a teaspoon": [0.125],
        "a mile and a half in km": [1.5],
        "3/4 tsp in ml": [0.75],
        "1 1/2 pounds in kilos": [1.5],
        "1½ cups": [1.5],
        "minus forty celsius in f": [-40],
        "it's negative 5 outside": [-5],
        "-5 degrees c in f": [-5],
    }
    for heard, numbers in spoken.items():
        assert said_numbers(heard) == numbers, heard
    # Not parts: ordinals, clock times, dates, rates; and a minus between numbers is arithmetic.
    not_parts = {
        "log a third dose of ibuprofen 400mg": [400],
        "I had a second dose": [],
        "a quarter past six": [6],
        "on 12/25": [12, 25],
        "open 24/7": [24, 7],
        "what is 10 minus 3": [10, 3],
        "it is 2-3 tablets": [2, 3],
    }
    for heard, numbers in not_parts.items():
        assert said_numbers(heard) == numbers, heard


def test_a_conversion_is_of_the_amount_said() -> None:
    from assistant.tools.units import TOOLS

    convert = next(t for t in TOOLS if t.name == "convert_units")
    three = ToolCall("convert_units", {"value": 3, "from_unit": "cup", "to_unit": "tablespoon"})
    heard = "how many tablespoons in three quarters of a cup"
    assert as_said(three, convert, heard, NOW).arguments["value"] == 0.75
    cold = ToolCall("convert_units", {"value": 40, "from_unit": "degC", "to_unit": "degF"})
    assert as_said(cold, convert, "minus forty celsius in fahrenheit", NOW).arguments[
        "value"] == -40
    # A value said stays; with two numbers said nothing is guessed.
    tall = ToolCall("convert_units", {"value": 70, "from_unit": "inch", "to_unit": "cm"})
    assert as_said(tall, convert, "I'm 5 foot 10, what's that in cm", NOW) == tall
    cups = ToolCall("convert_units", {"value": 0.75, "from_unit": "cup", "to_unit": "ml"})
    assert as_said(cups, convert, "3/4 cup in ml", NOW) == cups


@pytest.mark.parametrize(("heard", "written", "held"), [
    # The unit said after the number is converted from; the one asked for, to.
    ("my oven is in fahrenheit but recipe says 180c, whats that",
     (180, "fahrenheit", "celsius"), (180, "c", "fahrenheit")),
    ("speed limit over here is 100 km/h what's that in mph",
     (100, "kilometer", "mile"), (100, "km/h", "mph")),
    ("how fast is 65 miles per hour in kilometers per hour",
     (65, "mile", "kilometer"), (65, "miles per hour", "kilometers per hour")),
    ("what is 350 f in c", (350, "celsius", "fahrenheit"), (350, "f", "c")),
    ("I'm one point eight metres tall, what's that in feet?",
     (1.8, "point", "foot"), (1.8, "metres", "foot")),
    # As written: units said where the call has them, in other words or symbols.
    ("minus forty celsius in fahrenheit", (-40, "degC", "degF"), (-40, "degC", "degF")),
    ("how many tablespoons in three quarters of a cup",
     (0.75, "cup", "tablespoon"), (0.75, "cup", "tablespoon")),
    ("how many ml in a cup", (1, "cup", "ml"), (1, "cup", "ml")),
    # A target the request says stays: one call per target said.
    ("convert 10 km to miles and feet", (10, "kilometer", "foot"), (10, "kilometer", "foot")),
    # No unit said after the value, or none of one kind with the target: nothing guessed.
    ("I'm 5 foot 10, what's that in cm", (70, "inch", "cm"), (70, "inch", "cm")),
    ("it's 30 degrees here, what's that in fahrenheit",
     (30, "celsius", "fahrenheit"), (30, "celsius", "fahrenheit")),
    ("Did 5 sets with a 60 kilo bar at the gym. How many pounds is that bar?",
     (5, "bar", "pound"), (5, "bar", "pound")),
])
def test_a_conversion_is_of_the_units_said(heard: str, written: tuple, held: tuple) -> None:
    from assistant.tools.units import TOOLS

    convert = next(t for t in TOOLS if t.name == "convert_units")
    names = ("value", "from_unit", "to_unit")
    call = ToolCall("convert_units", dict(zip(names, written, strict=True)))
    assert as_said(call, convert, heard, NOW).arguments == dict(zip(names, held, strict=True))


def test_a_dose_gets_the_unit_and_amount_said() -> None:
    from assistant.tools.medication import _UNIT_OF

    units = {"unit": _UNIT_OF}
    lantus = ToolCall("log_dose", {"drug": "Lantus", "amount": 8, "unit": "L"})
    assert ground_unit(lantus, units, "log 8 units of Lantus") == ToolCall(
        "log_dose", {"drug": "Lantus", "amount": 8, "unit": "units"})
    same = ToolCall("log_dose", {"drug": "x", "amount": 8, "unit": "milligrams"})
    assert ground_unit(same, units, "log 8 mg of x") is same  # another form of the unit said
    for heard in ("took 2 paracetamol", "a 250 mg capsule of amoxicillin"):  # none, or two
        assert ground_unit(lantus, units, heard) is lantus, heard
    # A bare count: with no unit said, a form the tool cannot read is the count's unit; one it
    # reads stays (the model may know "2 Excedrin" are caplets), and so does a unit said.
    counts = {"unit": "tablets"}
    pm = ToolCall("log_dose", {"drug": "Tylenol", "amount": 2, "unit": "pm"})
    assert ground_unit(pm, units, "Two Tylenol at 3 pm please log that", counts) == ToolCall(
        "log_dose", {"drug": "Tylenol", "amount": 2, "unit": "tablets"})
    assert ground_unit(pm, units, "Two Tylenol at 3 pm please log that") is pm  # no count unit
    bare = ToolCall("log_dose", {"drug": "Imodium", "amount": 3})
    assert ground_unit(bare, units, "took 3 Imodium", counts).arguments["unit"] == "tablets"
    caps = ToolCall("log_dose", {"drug": "Imodium", "amount": 3, "unit": "caps"})
    assert ground_unit(caps, units, "took 3 Imodium", counts) is caps
    assert ground_unit(lantus, units, "log 8 units of Lantus", counts).arguments["unit"] == "units"
    wrong = ToolCall("log_dose", {"drug": "levothyroxine", "amount": 90, "unit": "mcg"})
    assert ground_amount(wrong, ("amount",), "took my levothyroxine at half nine, 50 micrograms",
                         "at half nine").arguments["amount"] == 50
    # An amount said stays; with two numbers said beside the time nothing is guessed.
    right = ToolCall("log_dose", {"drug": "co-codamol", "amount": 2, "unit": "tablets"})
    assert ground_amount(right, ("amount",), "co-codamol 30/500, two tablets", None) is right
    assert ground_amount(wrong, ("amount",), "co-codamol 30/500 at half nine",
                         "at half nine") is wrong


@pytest.mark.parametrize(("written", "heard", "unit"), [
    # A bare count the brain wrote as a measure: the user counted tablets.
    (("Tylenol", 2, "mg"), "Took two Tylenol", "tablets"),
    (("Advil", 2, "ml"), "just had two Advil, can you put that in the log", "tablets"),
    (("Xanax", 0.25, "ml"), "ok so I've had a quarter of a Xanax", "tablets"),
    # A unit said, a measured form said, or an amount above 4 (a strength said bare) stays.
    (("Tylenol", 2, "mg"), "took 2 mg of something called Tylenol", "mg"),
    (("Calpol", 1, "ml"), "a spoon of Calpol", "ml"),
    (("amlodipine", 5, "mg"), "took my 5 amlodipine", "mg"),
    (("Ventolin", 2, "puffs"), "2 ventolin just now", "puffs"),  # not a measure: the brain knows
])
def test_a_bare_count_is_of_tablets_not_a_measure(written: tuple[str, float, str], heard: str,
                                                  unit: str) -> None:
    from assistant.tools.medication import _UNIT_OF

    drug, amount, wrote = written
    call = ToolCall("log_dose", {"drug": drug, "amount": amount, "unit": wrote})
    got = ground_count(call, {"unit": _UNIT_OF}, {"unit": "tablets"}, ("amount",), heard)
    assert got.arguments["unit"] == unit
    assert ground_count(call, {"unit": _UNIT_OF}, {}, ("amount",), heard) is call  # no count unit


@pytest.mark.parametrize(("written", "heard", "unit"), [
    # strength-said: a strength said bare right after the name is in milligrams.
    (("pan", 40, "ml"), "had my pan 40 at 8 this morning", "mg"),
    (("dolo", 650, "tablets"), "dolo 650 taken just now", "mg"),
    (("crestor 10", 10, "tablets"), "crestor 10 at night, 9pm, every day pls", "mg"),
    (("coversyl", 5, "ml"), "coversyl 5 taken, 7am", "mg"),
    # class-units: an insulin's units, an inhaler's puffs, an eye drop's drops, a decimal
    # strength's milligrams where the brain wrote a count.
    (("lantus", 22, "ml"), "lantus 22 at bedtime", "units"),
    (("tresiba", 30, "tablets"), "tresiba 30 every night at 10", "units"),
    (("lantus", 26, "mg"), "lantus 26 tonight mate, chuck it in the log", "units"),
    (("ventolin", 2, "tablets"), "ventolin 2 this morning", "puffs"),
    (("lumigan", 1, "tablets"), "lumigan 1 in each eye at 9pm", "drops"),
    (("bisoprolol", 2.5, "tablets"), "bisoprolol 2.5 at 8", "mg"),
    (("flomax", 0.4, "tablets"), "I've taken my flomax 0.4 after dinner", "mg"),
    # A thyroid hormone, a unit or a measured form said, a count before the name, a small
    # number, a clock time, a small decimal written as a volume, an inhaler's strength: as
    # written.
    (("eltroxin", 50, "tablets"), "eltroxin 50 this morning", "tablets"),
    (("calpol", 2.5, "ml"), "calpol 2.5 at bedtime", "ml"),
    (("ventolin", 100, "mcg"), "ventolin 100 two puffs", "mcg"),
    (("seretide", 250, "tablets"), "seretide 250 this morning", "tablets"),
    (("panadol", 1, "tablets"), "panadol 1 now", "tablets"),
    (("humalog", 6, "units"), "humalog 6 units", "units"),
    (("calpol", 5, "ml"), "calpol 5 ml at 6", "ml"),
    (("ibuprofen", 10, "ml"), "ibuprofen syrup 10 at bedtime", "ml"),
    (("panadol", 2, "tablets"), "panadol 2 at 9", "tablets"),
    (("paracetamol", 10, "ml"), "paracetamol 10am", "ml"),
    (("metformin", 8, "tablets"), "metformin at 8 and 8", "tablets"),
    (("digoxin", 125, "mcg"), "digoxin 125 taken at 8am", "mcg"),  # the brain's own mass
])
def test_a_strength_said_bare_after_the_name_is_in_milligrams(
        written: tuple[str, float, str], heard: str, unit: str) -> None:
    from assistant.tools.medication import _STRENGTH, _UNIT_OF

    drug, amount, wrote = written
    call = ToolCall("log_dose", {"drug": drug, "amount": amount, "unit": wrote})
    got = ground_strength(call, {"unit": _UNIT_OF}, _STRENGTH, heard)
    assert got.arguments["unit"] == unit
    assert ground_strength(call, {"unit": _UNIT_OF}, None, heard) is call


def test_a_dose_and_a_schedule_take_a_bare_strength_as_said() -> None:
    from assistant.tools.medication import TOOLS

    for name, extra in (("log_dose", {}), ("add_medication_schedule", {"times": ["7 am"]})):
        tool = next(t for t in TOOLS if t.name == name)
        call = ToolCall(name, {"drug": "telma", "amount": 40, "unit": "tablets", **extra})
        assert as_said(call, tool, "telma 40 every morning at 7", NOW).arguments["unit"] == "mg"
        call = ToolCall(name, {"drug": "tresiba", "amount": 30, "unit": "tablets", **extra})
        assert as_said(call, tool, "tresiba 30 every night at 10", NOW).arguments["unit"] == \
            "units"


def test_the_loop_logs_the_dose_as_said() -> None:
    from assistant.tools.medication import TOOLS

    tool = next(t for t in TOOLS if t.name == "log_dose")
    ran: list[dict[str, Any]] = []
    log = Tool("log_dose", "Log.", tool.parameters, lambda **kw: ran.append(kw) or {"ok": True},
               moments=tool.moments, units=tool.units, amounts=tool.amounts)
    call = render_lfm2([ToolCall("log_dose", {"drug": "latanoprost", "amount": 9,
                                              "unit": "last night"})])
    bot = Conversation(ScriptedEngine.from_outputs([call, "Logged."]), Registry([log]),
                       options=LoopOptions(speak=False), now=lambda: NOW)
    list(bot.turn(UserInput(text="1 drop of latanoprost at 9 last night, please log it")))
    assert ran == [{"drug": "latanoprost", "amount": 1, "unit": "drops",
                    "time": "at 9 last night"}]
    with pytest.raises(ValueError, match="amount 'drug' is not a number argument"):
        Registry([Tool("d", "D.", tool.parameters, lambda **kw: None, amounts=("drug",))])
    with pytest.raises(ValueError, match="count unit 'unit' is not one of its units"):
        Registry([Tool("d", "D.", tool.parameters, lambda **kw: None, units=tool.units,
                       count_units={"unit": "bottles"})])
    with pytest.raises(ValueError, match="strength 'drug', 'time' is not a string and a number"):
        Registry([Tool("d", "D.", tool.parameters, lambda **kw: None, units=tool.units,
                       strength=Strength("drug", "time", lambda drug, amount: "mg"))])


def test_the_loop_logs_a_bare_count_as_tablets() -> None:
    from assistant.tools.medication import TOOLS

    tool = next(t for t in TOOLS if t.name == "log_dose")
    ran: list[dict[str, Any]] = []
    log = Tool("log_dose", "Log.", tool.parameters, lambda **kw: ran.append(kw) or {"ok": True},
               moments=tool.moments, units=tool.units, count_units=tool.count_units,
               amounts=tool.amounts)
    call = render_lfm2([ToolCall("log_dose", {"drug": "zopiclone", "amount": 0.5,
                                              "unit": "zopiclone"})])
    bot = Conversation(ScriptedEngine.from_outputs([call, "Logged."]), Registry([log]),
                       options=LoopOptions(speak=False), now=lambda: NOW)
    list(bot.turn(UserInput(text="I've just taken half a zopiclone, can you log it")))
    assert ran == [{"drug": "zopiclone", "amount": 0.5, "unit": "tablets"}]
    ran.clear()  # a measure the tool reads, for a bare count: "Took two Tylenol" was 2 mg
    call = render_lfm2([ToolCall("log_dose", {"drug": "Tylenol", "amount": 2, "unit": "mg"})])
    bot = Conversation(ScriptedEngine.from_outputs([call, "Logged."]), Registry([log]),
                       options=LoopOptions(speak=False), now=lambda: NOW)
    list(bot.turn(UserInput(text="Took two Tylenol")))
    assert ran == [{"drug": "Tylenol", "amount": 2, "unit": "tablets"}]


def _clock(heard: str) -> list[str]:
    return [f"{clock(t.minutes)}{'~' if t.either_half else ''}" for t in said_times(heard)]


@pytest.mark.parametrize(("heard", "times"), [
    # Bare hours in a list: a day in order, from the morning.
    ("amoxicillin 500 mg three times a day at 8, 2 and 8", ["08:00", "14:00", "20:00"]),
    ("one Sinemet at 6, 10, 2 and 6", ["06:00", "10:00", "14:00", "18:00"]),
    ("two paracetamol at eight, twelve, four and eight", ["08:00", "12:00", "16:00", "20:00"]),
    ("Humalog, 8 units at 7:30, 12:30 and 6:30 with meals", ["07:30", "12:30", "18:30"]),
    ("Creon at 12 and 5", ["12:00", "17:00"]),
    ("Humalog 6 units with meals, 7:30, 12:30 and 6:30", ["07:30", "12:30", "18:30"]),
    ("at 9 pm and 7", ["21:00", "07:00"]),  # after the evening: the next morning
    # Said with its half of the day, 24-hour, or a word.
    ("Seretide at 7:30 in the morning and 7:30 at night", ["07:30", "19:30"]),
    ("metoprolol 25 mg at 07:30 and 19:30", ["07:30", "19:30"]),
    ("8 units with meals at 7 am, noon and 6 pm", ["07:00", "12:00", "18:00"]),
    ("gabapentin 300 mg, 8 am, 4 pm and midnight", ["08:00", "16:00", "00:00"]),
    ("lithium 400 milligrams at 2:30 am and 7 a.m.", ["02:30", "07:00"]),
    ("Whisper's forms: at 8.30 a.m. and 6 p.m.", ["08:30", "18:00"]),
    ("omeprazole at half seven every morning", ["07:30"]),
    ("atorvastatin 20 mg at 10 every night", ["22:00"]),
    ("amoxicillin at 8, 2 and 8.", ["08:00", "14:00", "20:00"]),
    # A bare hour alone, or before a fixed one: either half.
    ("atorvastatin 20 mg at 10", ["10:00~"]),
    ("every morning at 7", ["07:00"]),
    ("at 9, in the morning or at night", ["09:00~"]),
    ("propranolol 40 milligrams twice daily at 9 and 21:00", ["09:00~", "21:00"]),
    ("at 6 and 10 pm", ["06:00~", "22:00"]),
    # Counts, doses and dates are not times; no list, or two, is nothing.
    ("warfarin 1.5 tablets at 6 p.m. daily", ["18:00"]),
    ("every day at 9 pm, one atorvastatin", ["21:00"]),
    ("2 capsules, 3 times a day, every 8 hours", []),
    ("Creon 25000 with each meal, so 8, 1 and 6", []),  # no clock time starts it
    ("I take 2 at 8 am and 1 at 8 pm", []),  # two lists
    ("how are you", []),
])
def test_the_times_a_request_lists(heard: str, times: list[str]) -> None:
    assert _clock(heard) == times


def test_a_schedule_gets_the_times_said() -> None:
    heard = "new prescription, amoxicillin 500 mg three times a day at 8, 2 and 8"
    day = ["08:00", "14:00", "20:00"]
    for written in (["8:00", "2:00", "8:00"], ["8", "2", "8"], ["8 am", "2 pm"],
                    ["8 am", "2 pm", "8 pm", "meals"], ["eight"], None):
        args = {"drug": "amoxicillin"} | ({"times": written} if written else {})
        got = ground_times(ToolCall("s", args), ("times",), heard, NOW)
        assert got.arguments == {"drug": "amoxicillin", "times": day}, written
    right = ToolCall("s", {"times": ["8am", "2 PM", "20:00"]})
    assert ground_times(right, ("times",), heard, NOW) is right
    # A bare hour alone keeps the model's half of the day, and gets the hour said.
    night = ToolCall("s", {"times": ["10 pm"]})
    assert ground_times(night, ("times",), "atorvastatin at 10", NOW) is night
    assert ground_times(ToolCall("s", {"times": ["11 pm"]}), ("times",),
                        "atorvastatin at 10", NOW).arguments == {"times": ["10:00"]}
    assert ground_times(ToolCall("s", {"times": ["10 pm", "20 pm"]}), ("times",),
                        "atorvastatin at 10", NOW).arguments == {"times": ["22:00"]}
    # No list said: as written.
    vague = ToolCall("s", {"times": ["8 am"]})
    assert ground_times(vague, ("times",), "my Keppra, morning and evening", NOW) is vague


def test_the_loop_schedules_the_times_said() -> None:
    from assistant.tools.medication import TOOLS

    tool = next(t for t in TOOLS if t.name == "add_medication_schedule")
    ran: list[dict[str, Any]] = []
    schedule = Tool(tool.name, "Schedule.", tool.parameters,
                    lambda **kw: ran.append(kw) or {"ok": True}, times_of_day=tool.times_of_day)
    call = render_lfm2([ToolCall(tool.name, {"drug": "Sinemet", "amount": 1, "unit": "tablet",
                                             "times": ["6 am", "10 am", "2 am", "6 pm"]})])
    bot = Conversation(ScriptedEngine.from_outputs([call, "Done."]), Registry([schedule]),
                       options=LoopOptions(speak=False), now=lambda: NOW)
    events = list(bot.turn(UserInput(text="schedule one Sinemet at 6, 10, 2 and 6")))
    assert ran == [{"drug": "Sinemet", "amount": 1, "unit": "tablet",
                    "times": ["06:00", "10:00", "14:00", "18:00"]}]
    assert any(isinstance(e, CallsGrounded) and e.corrected for e in events)
    with pytest.raises(ValueError, match="times of day 'drug' is not a list of strings"):
        Registry([Tool("d", "D.", tool.parameters, lambda **kw: None, times_of_day=("drug",))])


@pytest.mark.parametrize(("heard", "routine"), [
    # Two times or more, or one that recurs: a routine.
    ("sertraline 50 mg at 9 and 9", True),
    ("two co-codamol at 6, 12 and 6 till my knee heals", True),
    ("Lantus 20 units every night at 10", True),
    ("aspirin 75 mg daily at 8 am", True),
    ("warfarin 3 mg twice a day, 9 am and 9 pm", True),
    # One time said alone may be a dose; a dose taken or to be logged is not a routine.
    ("cetirizine 10 mg at 8", False),
    ("I took 400 mg ibuprofen at 8 and 2 more at 2", False),
    ("log 2 puffs of Ventolin at 7 and 11", False),
    ("had my metformin at 8 am and 8 pm yesterday", False),
    ("Lantus 20 units every night", False),  # no time said
    ("how are you", False),
])
def test_a_daily_routine_said(heard: str, routine: bool) -> None:
    assert says_routine(heard) is routine


def _medication(name: str) -> Tool:
    from assistant.tools.medication import TOOLS

    return next(t for t in TOOLS if t.name == name)


def test_a_dose_said_as_a_routine_is_a_schedule() -> None:
    log, schedule = _medication("log_dose"), _medication("add_medication_schedule")
    dose = ToolCall("log_dose", {"drug": "sertraline", "amount": 50, "unit": "mg",
                                 "time": "9 am"})
    assert as_routine(dose, log, schedule, "sertraline 50 mg at 9 and 9") == ToolCall(
        "add_medication_schedule",
        {"drug": "sertraline", "amount": 50, "unit": "mg", "times": ["09:00", "21:00"]})
    assert as_routine(dose, log, schedule, "I took sertraline 50 mg at 9") is dose
    # Only the tool's own routine: a schedule is not another tool's.
    assert as_routine(dose, schedule, schedule, "sertraline 50 mg at 9 and 9") is dose


def _recording(tool: Tool, ran: list[tuple[str, dict[str, Any]]]) -> Tool:
    """`tool` with only what grounding reads (no reasons to hold it back), recording its calls
    in `ran` instead of running."""
    def fn(**kw: Any) -> dict[str, bool]:
        ran.append((tool.name, kw))
        return {"ok": True}
    return Tool(tool.name, tool.description, tool.parameters, fn, moments=tool.moments,
                units=tool.units, amounts=tool.amounts, times_of_day=tool.times_of_day,
                routine=tool.routine, taken=tool.taken)


def test_the_loop_schedules_a_lone_dose_said_as_a_routine() -> None:
    log, schedule = _medication("log_dose"), _medication("add_medication_schedule")
    ran: list[tuple[str, dict[str, Any]]] = []

    def bound(tool: Tool) -> Tool:
        return _recording(tool, ran)

    def turn(text: str, *calls: ToolCall) -> list[Event]:
        engine = ScriptedEngine.from_outputs([render_lfm2(list(calls)), "Done."])
        bot = Conversation(engine, Registry([bound(log), bound(schedule)]),
                           options=LoopOptions(speak=False), now=lambda: NOW)
        return list(bot.turn(UserInput(text=text)))

    dose = ToolCall("log_dose", {"drug": "co-codamol", "amount": 2, "unit": "tablets",
                                 "time": "6 am"})
    events = turn("two co-codamol at 6, 12 and 6 till my knee heals", dose)
    assert ran == [("add_medication_schedule", {"drug": "co-codamol", "amount": 2,
                                                "unit": "tablets",
                                                "times": ["06:00", "12:00", "18:00"]})]
    grounded = next(e for e in events if isinstance(e, CallsGrounded))
    assert "log_dose -> add_medication_schedule (a daily routine said)" in grounded.corrected
    # Two doses written: the brain read two doses, and they are logged as written.
    ran.clear()
    second = ToolCall("log_dose", {**dose.arguments, "time": "12 pm"})
    turn("two co-codamol at 6, 12 and 6 till my knee heals", dose, second)
    assert [name for name, _ in ran] == ["log_dose", "log_dose"]
    with pytest.raises(ValueError, match="its routine log_dose takes no times of day"):
        Registry([bound(log), Tool("x", "X.", log.parameters, lambda **kw: None,
                                   routine="log_dose")])
    with pytest.raises(ValueError, match="its routine is itself"):
        Registry([Tool("x", "X.", log.parameters, lambda **kw: None, routine="x")])


@pytest.mark.parametrize(("heard", "place"), [
    ("what time is it in japan", "japan"),
    ("Lagos time now?", "Lagos"),
    ("whats the current UTC time", "UTC"),
    ("time in the UK please", "UK"),
    ("what's the time over in New York right now", "New York"),
    ("what time is it for my sister in Nairobi", "Nairobi"),
    ("what time is it, I'm back from Paris", None),  # not where to tell the time
    ("what time is it in Paris or in Rome", None),  # two places: the model's to choose
    ("what time is it in Narnia", None),  # not a place the clock knows offline
    ("what time is it", None),
    # Asked of here: the place is a phone's, a caller's or a trip's.
    ("what's the time here? my phone is still on tokyo time", None),
    ("local time please, my laptop's on Berlin time", None),
    ("what's my time, the call is with someone in Sydney", None),
    ("what's the local time in Tokyo", "Tokyo"),
    ("here's one: time in Lima?", "Lima"),
])
def test_the_place_a_request_names(heard: str, place: str | None) -> None:
    from assistant.tools.clock import offline_zone

    assert said_place(heard, offline_zone) == place


def test_the_clock_gets_the_place_the_model_left_out() -> None:
    from assistant.tools.clock import TOOLS, offline_zone

    places = next(t for t in TOOLS if t.name == "get_time").places
    assert places == {"location": offline_zone}
    none = ToolCall("get_time", {})
    assert ground_place(none, places, "what time is it in japan").arguments == {
        "location": "japan"}
    written = ToolCall("get_time", {"location": "Tokyo"})
    assert ground_place(written, places, "what time is it in japan") is written
    assert ground_place(none, places, "what time is it") is none
    # Asked of here, a place the model wrote is taken out; asked of there, it stays.
    berlin = ToolCall("get_time", {"location": "Berlin"})
    heard = "my watch is still on Berlin time, can you give me the local time"
    assert ground_place(berlin, places, heard).arguments == {}
    assert ground_place(none, places, heard) is none
    assert ground_place(berlin, places, "what's the local time in Berlin") is berlin
    with pytest.raises(ValueError, match="place 'n' is not a string argument"):
        Registry([Tool("p", "P.", {"type": "object", "properties": {"n": {"type": "number"}}},
                       lambda **kw: None, places={"n": offline_zone})])


@pytest.mark.parametrize(("heard", "there"), [
    ("what time is it there", True),
    ("my sister just moved to Perth, is it raining there?", True),
    ("flying to tokyo next week, what's the time over there", True),
    ("Sydney trip soon - how hot is it out there", True),
    ("is there a timer running", False),
    ("there's rain coming, isn't there", False),
    ("how long will it take to get there", False),
    ("hi there, what time is it", False),
    ("there are 3 timers, right?", False),
    # "it is there" is a place (there-said-2's set: "tell me what time it is there now").
    ("tell me what time it is there now", True),
    ("is there rain where it is there", True),
])
def test_says_there(heard: str, there: bool) -> None:
    from assistant.grounding import says_there

    assert says_there(heard) is there


@pytest.mark.parametrize(("heard", "here"), [
    ("local time please, not London", True),
    ("what time is it here", True),
    ("local time in Tokyo", False),
    # "the local time there" asks of the place said (there-said-2's set: "Is it raining in
    # Bergen, Norway? And what's the local time there?").
    ("what's the local time there", False),
])
def test_asks_here(heard: str, here: bool) -> None:
    from assistant.grounding import asks_here

    assert asks_here(heard) is here


def test_a_place_spoken_of_as_there_is_the_place_named_last() -> None:
    from assistant.grounding import ground_there
    from assistant.tools.clock import TOOLS, offline_zone

    there = next(t for t in TOOLS if t.name == "get_time").there
    assert there == {"location": offline_zone}
    none = ToolCall("get_time", {})
    heard = "What's the weather like in London tomorrow, and what time is it there now?"
    assert ground_there(none, there, heard, heard).arguments == {"location": "London"}
    sydney = "Sydney trip soon - what time is it there"
    assert ground_there(none, there, sydney, sydney).arguments == {"location": "Sydney"}
    # Named in an earlier turn of the window; the last named when several are.
    said = "I'm in Leeds but my son is in Sydney. what time is it there?"
    assert ground_there(none, there, "what time is it there?", said).arguments == {
        "location": "Sydney"}
    # A place the call has stays; no "there", or "here" asked, or no place named: as written.
    tokyo = ToolCall("get_time", {"location": "Tokyo"})
    assert ground_there(tokyo, there, heard, heard) is tokyo
    assert ground_there(none, there, "is there a timer running in London", "") is none
    assert ground_there(none, there, "what time is it here and there", "in London") is none
    assert ground_there(none, there, "what time is it there", "what time is it there") is none


def test_the_loop_reads_the_place_said_for_there() -> None:
    from assistant.tools.clock import TOOLS as CLOCK
    from assistant.tools.weather import TOOLS as WEATHER

    weather = ToolCall("get_weather", {"location": "London", "day": "tomorrow"})
    clock = ToolCall("get_time", {})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([weather, clock]), "Done."]),
                       Registry([replace_fn(CLOCK[0]), replace_fn(WEATHER[0])]),
                       options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(
        text="What's the weather like in London tomorrow, and what time is it there now?")))
    assert [e.call for e in events if isinstance(e, ToolStarted)] == [
        weather, ToolCall("get_time", {"location": "London"})]


@pytest.mark.parametrize(("said", "future", "past"), [
    # Said on Saturday 5 December 2026 (NOW): a day to come is this month's, one gone the next's.
    ("on the 20th", "2026-12-20 00:00", "2026-11-20 00:00"),
    ("on the 2nd at 9am", "2027-01-02 09:00", "2026-12-02 09:00"),  # dateparser: 12 February
    ("the 3rd at noon", "2027-01-03 12:00", "2026-12-03 12:00"),  # dateparser: today at noon
    ("the third at noon", "2027-01-03 12:00", "2026-12-03 12:00"),
    ("the twenty-first at 8 pm", "2026-12-21 20:00", "2026-11-21 20:00"),
    ("the 31st", "2026-12-31 00:00", "2026-10-31 00:00"),  # no 31 November
    ("the 2nd of next month", "2027-01-02 00:00", "2027-01-02 00:00"),
    ("the 5th of this month", "2026-12-05 00:00", "2026-12-05 00:00"),
    ("saturday the 19th at 7pm", "2026-12-19 19:00", "2026-11-19 19:00"),
    # With its month, dateparser reads it: left alone.
    ("the 3rd of january at 9am", "2027-01-03 09:00", "2026-01-03 09:00"),
    ("january 3rd", "2027-01-03 00:00", "2026-01-03 00:00"),
])
def test_a_day_of_the_month_said_without_its_month(said: str, future: str, past: str) -> None:
    from assistant.tools.when import parse_when

    got = [parse_when(said, NOW, prefer) for prefer in ("future", "past")]
    assert [g.strftime("%Y-%m-%d %H:%M") if g else None for g in got] == [future, past]


def test_a_day_said_alone_holds_the_day_not_the_time() -> None:
    reminder = {"when": "future"}
    heard = "remind me on the 20th to pay the rent"
    for written, held in [("in 20 minutes", "on the 20th"), ("the 20th at 9 am", "the 20th at 9 am"),
                          ("tomorrow", "on the 20th")]:
        call = ToolCall("set_reminder", {"text": "pay the rent", "when": written})
        assert ground_moment(call, reminder, heard, NOW).arguments["when"] == held
    call = ToolCall("set_reminder", {"text": "call mum", "when": "in 2 hours"})
    assert ground_moment(call, reminder, "remind me tomorrow to call mum", NOW).arguments == {
        "text": "call mum", "when": "tomorrow"}


def test_a_clock_time_in_words_without_at_is_not_a_day_alone() -> None:
    heard = "ten o'clock tonight remind me to take the chicken out of the freezer"
    assert said_moment(heard, NOW, "future") == "ten o'clock tonight"
    call = ToolCall("set_reminder", {"text": "take the chicken out", "when": "ten o'clock tonight"})
    assert ground_moment(call, {"when": "future"}, heard, NOW) == call


class _ByClause:
    """An engine that read the request one clause at a time, as the chat brain does: its
    `ClauseCalls` (used or not), then `calls`; after the results, "Done."."""

    name, native_audio = "by-clause", False

    def __init__(self, parts: tuple[str, ...], calls: list[ToolCall], used: bool) -> None:
        self.parts, self.calls, self.used = parts, calls, used

    def transcribe(self, audio: object) -> str:
        raise NotImplementedError

    def respond(self, request: Any, cancel: Any) -> Any:
        from assistant.events import ClauseCalls
        from assistant.outcome import outcome

        if request.history[-1].role == "user":
            yield ClauseCalls(clauses=self.parts, p_calls=(0.96,) * len(self.parts),
                              threshold=0.54, names=tuple(c.name for c in self.calls),
                              used=self.used)
            yield outcome(render_lfm2(self.calls))
        else:
            yield outcome("Done.")


def test_a_call_written_from_one_clause_is_held_to_that_clauses_words() -> None:
    """"Note that it renews on the 14th, and log 1 puff of Symbicort", read one clause at a time
    (`ClauseCalls`): the 14th is the note's, not the dose's time. Held to the whole request, the
    dose was logged on the 14th (measured on the several-asks set)."""
    from dataclasses import replace

    log = replace(_medication("log_dose"), routine="")  # no schedule tool here
    ran: list[tuple[str, dict[str, Any]]] = []
    note = Tool("add_note", "Save a note.", {"type": "object", "properties": {
        "text": {"type": "string"}}, "required": ["text"]}, lambda **kw: ran.append(("add_note", kw)))
    text = "note that the car insurance renews on the 14th, and log 1 puff of Symbicort"
    parts = ("note that the car insurance renews on the 14th", "log 1 puff of Symbicort")
    calls = [ToolCall("add_note", {"text": "the car insurance renews on the 14th"}),
             ToolCall("log_dose", {"drug": "Symbicort", "amount": 1, "unit": "puff"})]
    for used in (True, False):
        ran.clear()
        bot = Conversation(_ByClause(parts, calls, used), Registry([note, _recording(log, ran)]),
                           options=LoopOptions(speak=False), now=lambda: NOW)
        list(bot.turn(UserInput(text=text)))
        dose = next(kw for name, kw in ran if name == "log_dose")
        if used:
            assert "time" not in dose, dose  # logged as taken now
        else:  # read as one request, the dose is held to all of it
            assert dose.get("time"), dose


def test_an_ask_that_says_there_reads_the_place_the_other_ask_named() -> None:
    """"what's the weather in rome and what time is it there", read one ask at a time: the
    clock's ask is held to its own words, which name no place; it read the clock here (probes
    at 04eb621, there-said-2's bar). "there" written for the place is no place either."""
    from assistant.tools.clock import TOOLS as CLOCK
    from assistant.tools.weather import TOOLS as WEATHER

    text = "what's the weather in rome and what time is it there"
    parts = ("what's the weather in rome", "what time is it there")
    for time_call in (ToolCall("get_time", {}), ToolCall("get_time", {"location": "there"})):
        calls = [ToolCall("get_weather", {"location": "rome"}), time_call]
        bot = Conversation(_ByClause(parts, calls, True),
                           Registry([replace_fn(CLOCK[0]), replace_fn(WEATHER[0])]),
                           options=LoopOptions(speak=False), now=lambda: NOW)
        started = [e.call for e in bot.turn(UserInput(text=text)) if isinstance(e, ToolStarted)]
        assert started == [calls[0], ToolCall("get_time", {"location": "rome"})]
    # The weather's ask says "there" of the clock's place; "here" asked keeps it here.
    parts = ("what time is it in tokyo", "is it raining there")
    calls = [ToolCall("get_time", {"location": "Tokyo"}), ToolCall("get_weather", {})]
    bot = Conversation(_ByClause(parts, calls, True),
                       Registry([replace_fn(CLOCK[0]), replace_fn(WEATHER[0])]),
                       options=LoopOptions(speak=False), now=lambda: NOW)
    started = [e.call for e in bot.turn(UserInput(text=" and ".join(parts)))
               if isinstance(e, ToolStarted)]
    assert started == [calls[0], ToolCall("get_weather", {"location": "tokyo"})]


def test_a_call_written_from_one_clause_is_held_back_only_by_that_clauses_words(
        tmp_path: Any) -> None:
    """"When was my last dose of Ventolin? and what time is it in Chicago": the first clause
    asks a thing's time, which holds back the clock for the whole request; the second asks the
    clock's, and is told it (measured on the several-asks set)."""
    from tools_helpers import make_ctx, open_registry

    parts = ("when was my last dose of Ventolin", "what time is it in chicago")
    calls = [ToolCall("last_dose", {"drug": "Ventolin"}),
             ToolCall("get_time", {"location": "Chicago"})]
    for used in (True, False):
        with open_registry(make_ctx(tmp_path / str(used))) as registry:
            bot = Conversation(_ByClause(parts, calls, used), registry,
                               options=LoopOptions(speak=False), now=lambda: NOW)
            events = list(bot.turn(UserInput(text=f"{parts[0]}? and {parts[1]}")))
        ran = [e.call.name for e in events if isinstance(e, ToolStarted)]
        held = [e for e in events if isinstance(e, CallsHeldBack)]
        if used:
            assert ran == ["last_dose", "get_time"] and not held, held
        else:
            assert ran == ["last_dose"] and held[0].why == "a thing's time"


# A forecast's day and a dose list's day held to the one day said (NOW: Saturday 5 December).
@pytest.mark.parametrize(("days", "written", "heard", "want"), [
    ({"day": "future"}, {"location": "Sydney", "day": "tomorrow"},
     "forecast for Sydney day after tomorrow", "day after tomorrow"),
    ({"day": "future"}, {"location": "Tokyo"}, "temperature in Tokyo on tuesday", "on tuesday"),
    ({"day": "future"}, {"location": "Leeds", "day": "friday"}, "rain in Leeds on the 10th?",
     "on the 10th"),
    ({"day": "past"}, {"day": "today"}, "what did I take on monday?", "on monday"),
])
def test_a_day_written_otherwise_gets_the_day_said(days: dict[str, str], written: dict[str, Any],
                                                   heard: str, want: str) -> None:
    new = ground_day(ToolCall("t", written), days, heard, NOW)
    assert new.arguments["day"] == want
    prefer = days["day"]
    assert parse_day(new.arguments["day"], NOW, prefer) == parse_day(want, NOW, prefer)


@pytest.mark.parametrize(("written", "heard"), [
    ({"day": "today"}, "weather tonight in Paris"),  # the same day
    ({"day": "2026-12-07"}, "rain on monday?"),  # the same day, as a date
    ({"day": "saturday"}, "weather on Saturday and Sunday"),  # two days: the list's
    ({"day": "tomorrow"}, "will it rain"),  # none said
    ({"day": "tmrw"}, "is it gonna rain in nyc tmrw"),  # typed short, read as said
    ({"day": "week"}, "what will the weather be a week from today"),  # counted from today
])
def test_a_day_said_alike_or_not_one_leaves_the_call(written: dict[str, Any], heard: str) -> None:
    call = ToolCall("t", written)
    assert ground_day(call, {"day": "future"}, heard, NOW) is call


@pytest.mark.parametrize("typed", ["tmrw", "tmr", "2moro", "tomoz", "tommorow", "Tmrw"])
def test_tomorrow_typed_short_or_misspelt_is_tomorrow(typed: str) -> None:
    tomorrow = NOW.date() + timedelta(days=1)
    assert parse_day(typed, NOW) == tomorrow
    assert said_day(f"rain {typed}?", NOW) == "tomorrow"
    assert said_day("forecast for the day after tomorrow", NOW) == "the day after tomorrow"
    reminder = parse_when(f"{typed} at 9am", NOW)
    assert reminder is not None and reminder.date() == tomorrow


def test_the_shipped_weather_and_dose_list_hold_their_day() -> None:
    from assistant.tools.medication import TOOLS as MEDICATION
    from assistant.tools.weather import TOOLS as WEATHER

    days = {t.name: dict(t.days) for t in (*WEATHER, *MEDICATION) if t.days}
    assert days == {"get_weather": {"day": "future"}, "list_doses": {"day": "past"}}


@pytest.mark.parametrize(("place", "heard"), [
    ("tomorow", "will it be cold tomorow morning"),
    ("march 25", "gimme the forecast for march 25"),
    ("saturday", "ok so rain on saturday then"),
])
def test_a_place_that_is_the_day_said_is_no_place(place: str, heard: str) -> None:
    call = ToolCall("get_weather", {"location": place, "day": "x"})
    assert ground(call, ("location",), heard, NOW) == ToolCall("get_weather", {"day": "x"})
    assert ground(call, ("location",), heard) is call  # without `now`, as before


@pytest.mark.parametrize(("place", "heard"), [
    ("Paris", "weather in Paris tomorrow"),
    ("March", "weather in March tomorrow"),  # a town, not the day said
    ("Moro", "wats the wether 2moro"),  # no day: said, so kept
])
def test_a_place_that_is_not_the_day_said_stays(place: str, heard: str) -> None:
    call = ToolCall("get_weather", {"location": place})
    assert ground(call, ("location",), heard, NOW) is call


def test_the_loop_drops_the_day_written_as_the_place() -> None:
    tomorrow = render_lfm2([ToolCall("get_weather", {"location": "tomorrow", "day": "tomorrow"})])
    [events], ran, _ = _turns([tomorrow, "Cold."], ["will it be cold tomorrow?"])
    assert ran == [{"location": "home", "day": "tomorrow"}]
    grounded = next(e for e in events if isinstance(e, CallsGrounded))
    assert grounded.dropped == ("get_weather.location='tomorrow'",)


@pytest.mark.parametrize(("heard", "taken"), [
    # doses-timed: a dose told as taken, or asked to be logged, with no routine said.
    ("2 capsules omeprazole at 6am, log please", True),
    ("had 1 dolo 650 at 2 pm and 1 pan 40 at 3 pm", True),
    ("log 1000 mg paracetamol at 9:15 this morning", True),
    ("duphalac 15ml at 8 this morning", True),
    ("popped 2 nurofen at 3", True),
    # A routine said beside it, a habit, a list of times, or no dose taken: not one.
    ("I take 10mg of lisinopril every morning at 8, and log today's, I took it at 8", False),
    ("azithral 500 once daily for 3 days, took today's at 9am", False),
    ("I take metformin 500 at 8, had today's", False),
    ("add metformin 500 at 8am to my schedule and log the one i just had", False),
    ("levothyroxine at 6 and 6:30 this morning", False),
    ("citalopram 20mg at 7", False),
    ("missed my 8am metformin", False),
])
def test_a_dose_told_as_taken(heard: str, taken: bool) -> None:
    from assistant.tools.daytimes import says_taken

    assert says_taken(heard) is taken


def test_a_schedule_written_for_a_dose_taken_is_the_dose() -> None:
    from assistant.grounding import as_taken

    log, schedule = _medication("log_dose"), _medication("add_medication_schedule")
    written = ToolCall("add_medication_schedule", {"drug": "omeprazole", "amount": 2,
                                                   "unit": "capsules", "times": ["6 am"]})
    assert as_taken(written, schedule, log, "2 capsules omeprazole at 6am, log please") == \
        ToolCall("log_dose", {"drug": "omeprazole", "amount": 2, "unit": "capsules",
                              "time": "6 am"})
    # Two times are no one dose's: the time is left to what was said.
    two = ToolCall(written.name, {**written.arguments, "times": ["8 am", "9 am"]})
    assert as_taken(two, schedule, log, "had my metformin 500 at 8") == ToolCall(
        "log_dose", {"drug": "omeprazole", "amount": 2, "unit": "capsules"})
    assert as_taken(written, schedule, log, "omeprazole 2 capsules every day at 6am") is written
    assert as_taken(written, log, log, "2 capsules omeprazole at 6am, log please") is written


def test_the_loop_logs_a_dose_taken_the_brain_wrote_as_a_schedule() -> None:
    log, schedule = _medication("log_dose"), _medication("add_medication_schedule")
    ran: list[tuple[str, dict[str, Any]]] = []
    engine = ScriptedEngine.from_outputs([render_lfm2([ToolCall(
        "add_medication_schedule", {"drug": "omeprazole", "amount": 2, "unit": "capsules",
                                    "times": ["6 am"]})]), "Done."])
    bot = Conversation(engine, Registry([_recording(log, ran), _recording(schedule, ran)]),
                       options=LoopOptions(speak=False), now=lambda: NOW)
    events = list(bot.turn(UserInput(text="2 capsules omeprazole at 6am, log please")))
    assert ran == [("log_dose", {"drug": "omeprazole", "amount": 2, "unit": "capsules",
                                 "time": "6 am"})]
    # Told once, with the calls as they run (evalkit scores the turn's first `CallsGrounded`).
    grounded = [e for e in events if isinstance(e, CallsGrounded)]
    assert len(grounded) == 1 and grounded[0].calls[0].name == "log_dose"
    assert "add_medication_schedule -> log_dose (a dose told as taken)" in grounded[0].corrected
    with pytest.raises(ValueError, match="its dose taken is itself"):
        Registry([Tool("x", "X.", schedule.parameters, lambda **kw: None, times_of_day=("times",),
                       taken="x")])
    with pytest.raises(ValueError, match="its dose taken add_medication_schedule takes no moment"):
        Registry([_recording(schedule, ran), Tool("x", "X.", schedule.parameters,
                                                  lambda **kw: None, times_of_day=("times",),
                                                  taken="add_medication_schedule")])
