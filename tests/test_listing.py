"""A list said where a call takes one value gets a call per item (`assistant.listing`, the
loop's `_each_listed`), and nothing else does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.events import CallsGrounded, CallsListed, Event
from assistant.listing import Next, is_next, next_item, split_value
from assistant.loop import Conversation, LoopOptions, UserInput
from assistant.toolcall import ToolCall, render_lfm2
from assistant.tools.base import Tool
from assistant.tools.clock import offline_zone
from assistant.tools.registry import Registry

C = ToolCall


def ANY(value: object) -> bool:
    """A kind every item is of: what the list itself checks, apart from the tools' tests."""
    return True


@pytest.mark.parametrize(("words", "call", "rest"), [
    ("remove notes 3 and 7", C("delete_note", {"note_id": 3}), "remove notes 7"),
    ("Could you check tomorrow's forecast for Leeds and for York, please?",
     C("get_weather", {"location": "Leeds", "day": "tomorrow"}),
     "Could you check tomorrow's forecast for York, please?"),
    ("What time is it in New York and in LA?", C("get_time", {"location": "New York"}),
     "What time is it in LA?"),
    ("No need to keep note 4 or note 5, get rid of both.", C("delete_note", {"note_id": 4}),
     "No need to keep note 5, get rid of both."),
    ("delete notes three, five and seven", C("delete_note", {"note_id": 3}),
     "delete notes 5 and 7"),
    ("weather in leeds & york", C("get_weather", {"location": "Leeds"}), "weather in york"),
    ("Please get rid of note number 12, note 15 and note 18", C("delete_note", {"note_id": 12}),
     "Please get rid of note number 15 and note 18"),
    ("30 degrees celsius in fahrenheit? and kelvin?",  # after the sentence, with "and"
     C("convert_units", {"to_unit": "fahrenheit"}), "30 degrees celsius in kelvin?"),
    ("weather in Rome on March 20th, and again on the 21st",
     C("get_weather", {"location": "Rome", "day": "March 20th"}), "weather in Rome on the 21st"),
    ("last dose of amoxicillin, prednisone, omeprazole & sertraline?",  # a list ending in "&"
     C("last_dose", {"drug": "amoxicillin"}), "last dose of prednisone, omeprazole & sertraline?"),
])
def test_a_value_followed_by_another_item_is_a_list(words: str, call: ToolCall, rest: str
                                                   ) -> None:
    item = next_item(call, ("location", "note_id", "to_unit", "day", "drug"), words)
    assert item is not None and item.words == rest
    assert item.words[item.at:].split()[0] in {"7", "York,", "LA?", "5,", "5", "york", "15",
                                                "kelvin?", "the", "prednisone,"}


@pytest.mark.parametrize(("words", "call", "rest", "whole"), [
    ("How's the weather in Glasgow today? And what about Inverness?",
     C("get_weather", {"location": "Glasgow"}), "How's the weather in Inverness today?",
     "Inverness"),
    ("When did I have my last amoxicillin? Same question for omeprazole.",
     C("last_dose", {"drug": "amoxicillin"}), "When did I have my last omeprazole?", "omeprazole"),
    ("Is it evening in Mumbai? What about Singapore, too?", C("get_time", {"location": "Mumbai"}),
     "Is it evening in Singapore?", "Singapore"),
    ("What time is it in Berlin right now. And in Moscow?", C("get_time", {"location": "Berlin"}),
     "What time is it in Moscow right now.", "Moscow"),
    ("What did I take on Sunday? Saturday too?", C("list_doses", {"day": "Sunday"}),
     "What did I take on Saturday?", "Saturday"),
    ("Remove note 12. Oh, and 13 while you're at it.", C("delete_note", {"note_id": 12}),
     "Remove note 13 while you're at it.", "13 while you're at it"),
    # past the words before the value said again, with a number in words
    ("Stop timer number one. Number four as well.", C("cancel_timer", {"timer_id": 1}),
     "Stop timer number 4.", "4"),
])
def test_a_follow_up_naming_only_the_next_item_asks_the_first_sentence_of_it(
        words: str, call: ToolCall, rest: str, whole: str) -> None:
    item = next_item(call, ("location", "drug", "day", "note_id", "timer_id"), words)
    assert item is not None and (item.words, item.whole) == (rest, whole)


@pytest.mark.parametrize("words", ["What time is it in Tokyo? Great.",
                                   "What's the weather in Paris? It's for my trip.",
                                   "what's the time in Oslo? thanks, please"])
def test_a_sentence_after_the_value_that_is_no_follow_up_is_no_item(words: str) -> None:
    assert next_item(C("get_time", {"location": "Tokyo"}), ("location",), words) is None


@pytest.mark.parametrize(("words", "call"), [
    ("what's the weather in Paris, Texas", C("get_weather", {"location": "Paris"})),
    ("weather in Trinidad and Tobago", C("get_weather", {"location": "Trinidad and Tobago"})),
    ("is it raining in Leeds and", C("get_weather", {"location": "Leeds"})),
    ("what's the weather in Los Angeles and York", C("get_weather", {"location": "LA"})),  # not said
    ("delete note 13 and 7", C("delete_note", {"note_id": 3})),  # 3 is not said: 13 is
    ("remind me to buy bread and milk", C("set_reminder", {"text": "buy bread"})),  # not listed
])
def test_no_list_where_none_follows_the_value_as_said(words: str, call: ToolCall) -> None:
    assert next_item(call, ("location", "note_id", "day", "label", "drug"), words) is None


@pytest.mark.parametrize(("words", "call"), [
    ("weather in Leeds and what time is it in York", C("get_weather", {"location": "Leeds"})),
    ("When did I last take Zyrtec, and how long ago was that?", C("last_dose", {"drug": "Zyrtec"})),
    ("weather in Rome and book me a table", C("get_weather", {"location": "Rome"})),
    ("Do I need a coat in Chicago today or will a hoodie do?",
     C("get_weather", {"location": "Chicago", "day": "today"})),
    ("Kill the timer called pizza and leave the others alone", C("cancel_timer", {"label": "pizza"})),
    ("weather in Cork, and please tell me if I need an umbrella", C("get_weather", {"location": "Cork"})),
])
def test_what_follows_the_joining_word_that_opens_a_clause_is_no_item(words: str, call: ToolCall
                                                                      ) -> None:
    assert next_item(call, ("location", "note_id"), words) is None


@pytest.mark.parametrize(("words", "call", "rest", "second"), [
    # doses-joined: a dose's amount, before or after the name, is its item's own.
    ("Took 20mg omeprazole and 5mg ramipril with breakfast.",
     C("log_dose", {"drug": "omeprazole", "amount": 20, "unit": "mg"}),
     "Took 5mg ramipril with breakfast.", "ramipril"),
    ("took metformin 500 and atorvastatin 20 with brekkie",
     C("log_dose", {"drug": "metformin", "amount": 500, "unit": "mg"}),
     "took atorvastatin 20 with brekkie", "atorvastatin"),
    ("just had my lisinopril 10 plus metoprolol 25",
     C("log_dose", {"drug": "lisinopril", "amount": 10, "unit": "mg"}), "just had my metoprolol 25",
     "metoprolol"),
    ("took 2 paracetamol and 200mg ibuprofen at 8",
     C("log_dose", {"drug": "paracetamol", "amount": 2, "unit": "tablets", "time": "8"}),
     "took 200mg ibuprofen at 8", "ibuprofen"),
])
def test_a_doses_amount_is_its_items_own(words: str, call: ToolCall, rest: str, second: str
                                         ) -> None:
    item = next_item(call, ("drug",), words)
    assert item is not None and item.words == rest
    assert is_next(C("log_dose", {"drug": second, "amount": 1, "unit": "mg"}), call, item, ANY)
    assert not is_next(C("log_dose", {"drug": "aspirin", "amount": 1, "unit": "mg"}), call, item,
                       ANY)


@pytest.mark.parametrize(("words", "call", "rest", "before"), [
    # doses-timed: a time said right after an item is its own, before the joining word.
    ("had my metformin 500 at 8 and the atorvastatin 20 at 9",
     C("log_dose", {"drug": "metformin", "amount": 500, "unit": "mg"}),
     "had my the atorvastatin 20 at 9", "had my metformin 500 at 8"),
    ("log 2 paracetamol at 7am and 1 ibuprofen at noon",
     C("log_dose", {"drug": "paracetamol", "amount": 2, "unit": "tablets"}),
     "log 1 ibuprofen at noon", "log 2 paracetamol at 7am"),
    ("Levothyroxine 100mcg at 6am, then omeprazole 20 mg at 6.30",
     C("log_dose", {"drug": "levothyroxine", "amount": 100, "unit": "mcg"}),
     "omeprazole 20 mg at 6.30", "Levothyroxine 100mcg at 6am"),
    ("took paracetamol 30 mins ago and ibuprofen just now",
     C("log_dose", {"drug": "paracetamol", "amount": 1, "unit": "tablets"}),
     "took ibuprofen just now", "took paracetamol 30 mins ago"),
    ("metformin with breakfast and atorvastatin with dinner",
     C("log_dose", {"drug": "metformin", "amount": 500, "unit": "mg"}),
     "atorvastatin with dinner", "metformin with breakfast"),
    # A count said in words is the item's, like a number; no time after it, nothing before.
    ("took two panadol & a nurofen", C("log_dose", {"drug": "panadol", "amount": 2,
                                                     "unit": "tablets"}),
     "took a nurofen", ""),
    ("took 2 paracetamol and 200mg ibuprofen at 8",
     C("log_dose", {"drug": "paracetamol", "amount": 2, "unit": "tablets", "time": "8"}),
     "took 200mg ibuprofen at 8", ""),
])
def test_a_doses_own_time_and_count_are_its_items(words: str, call: ToolCall, rest: str,
                                                  before: str) -> None:
    item = next_item(call, ("drug",), words)
    assert item is not None and (item.words, item.before) == (rest, before)


@pytest.mark.parametrize("words", [
    "Humalog 6 units at 7:30, 12:30 and 6:30",  # a list of times, not of medicines
    "Keppra 500 mg at midday and midnight",
    "gabapentin 300 at 8, 2 and 8",
    "Took 600 mg of ibuprofen at 1pm and then at 5pm I had 1g of paracetamol.",
])
def test_times_after_an_items_own_time_are_no_item(words: str) -> None:
    drug = words.split()[0] if words[0] != "T" else "ibuprofen"
    call = C("add_medication_schedule", {"drug": drug, "amount": 6, "unit": "units"})
    assert next_item(call, ("drug",), words) is None


def test_a_count_in_words_opens_the_next_item() -> None:
    first = C("log_dose", {"drug": "panadol", "amount": 1, "unit": "tablets"})
    item = next_item(first, ("drug",), "took a panadol and two nurofen")
    assert item is not None and item.words == "took two nurofen"
    assert is_next(C("log_dose", {"drug": "nurofen", "amount": 2, "unit": "tablets"}), first,
                   item, ANY)


def test_a_number_the_call_does_not_hold_is_no_part_of_the_item() -> None:
    call = C("log_dose", {"drug": "metformin", "amount": 850, "unit": "mg"})
    assert next_item(call, ("drug",), "took metformin 500 and atorvastatin 20") is None


def test_an_amount_with_no_name_after_it_is_no_item() -> None:
    from assistant.tools.medication import _drug_named

    # A schedule's amount and times after its name: no second medicine, no engine pass.
    call = C("add_medication_schedule", {"drug": "metformin", "amount": 500, "unit": "mg",
                                         "times": ["8 am", "6 pm"]})
    words = "set up a daily schedule for metformin, 500 mg at 8 in the morning and 6 at night"
    assert next_item(call, {"drug": _drug_named}, words) is None
    call = C("log_dose", {"drug": "omeprazole", "amount": 20, "unit": "mg"})
    assert next_item(call, {"drug": _drug_named}, "Took 20mg omeprazole and 5mg ramipril") == \
        Next("drug", "Took 5mg ramipril", 5)


def test_the_next_call_must_name_the_next_item_as_said() -> None:
    first = C("get_weather", {"location": "Leeds"})
    item = next_item(first, ("location",), "weather in Leeds and York please")
    assert item == Next("location", "weather in York please", 11)
    assert is_next(C("get_weather", {"location": "York"}), first, item, ANY)
    assert not is_next(C("get_time", {"location": "York"}), first, item, ANY)  # another tool
    assert not is_next(C("get_weather", {"location": "Leeds"}), first, item, ANY)  # the same call
    assert not is_next(C("get_weather", {"location": "Hull"}), first, item, ANY)  # not said
    assert not is_next(C("get_weather", {}), first, item, ANY)
    # "...in Leeds, and the pool in York": read as a list, the pool is no place.
    item = next_item(first, ("location",), "weather in Leeds, and the pool in York")
    assert item is not None and not is_next(C("get_weather", {"location": "York"}), first, item, ANY)
    # What follows "and" may be another ask, which the brain copies as the value: no name.
    zyrtec = C("last_dose", {"drug": "Zyrtec"})
    item = Next("drug", "When did I last take so how long ago was that?", 21)
    assert not is_next(C("last_dose", {"drug": "so how long ago was that"}), zyrtec, item, ANY)
    rome = C("get_weather", {"location": "Rome"})
    item = Next("location", "weather in Peter will book a table", 11)
    assert not is_next(C("get_weather", {"location": "Peter will book a table"}), rome, item, ANY)
    tokyo = C("get_time", {"location": "Tokyo"})
    item = next_item(tokyo, ("location",), "What time is it in Tokyo? And thanks!")
    assert item is not None and not is_next(C("get_time", {"location": "thanks"}), tokyo, item, ANY)
    # A follow-up's item is all of the value: "flights there" is no place.
    paris = C("get_time", {"location": "Paris"})
    item = next_item(paris, ("location",), "What's the time in Paris? What about flights there?")
    assert item is not None and not is_next(C("get_time", {"location": "flights"}), paris, item, ANY)
    item = next_item(paris, ("location",), "What's the time in Paris? What about Tokyo?")
    assert item is not None and is_next(C("get_time", {"location": "Tokyo"}), paris, item, ANY)
    rome = C("get_weather", {"location": "Rome", "day": "March 20th"})
    item = next_item(rome, ("day",), "weather in Rome on March 20th, and again on the 21st")
    assert item is not None and is_next(C("get_weather", {"location": "Rome", "day": "March 21st"}),
                                        rome, item, ANY)  # "the" is not the item's first word
    notes = next_item(C("delete_note", {"note_id": 3}), ("note_id",), "delete notes 3 and seven")
    assert notes is not None and is_next(C("delete_note", {"note_id": 7}),
                                         C("delete_note", {"note_id": 3}), notes, ANY)


class _ByWords:
    """An engine that writes the call `calls` maps the newest request's words to (none for
    words it lacks, which are then answered "OK."); after results, `after`."""

    name, native_audio = "by-words", False

    def __init__(self, calls: dict[str, list[ToolCall]], fail: str = "", stop: str = "",
                 after: str = "Done.") -> None:
        self.calls, self.fail, self.stop, self.after = calls, fail, stop, after
        self.asked: list[str] = []

    def transcribe(self, audio: object) -> str:
        raise NotImplementedError

    def respond(self, request: Any, cancel: Any) -> Iterator[Event]:
        from assistant.outcome import outcome

        last = request.history[-1]
        if last.role != "user":
            yield outcome(self.after)
            return
        self.asked.append(last.text)
        if last.text == self.fail:
            raise RuntimeError("the brain fell over")
        if last.text == self.stop:
            cancel.set()  # the user let go of the hotkey while the item was asked about
        calls = self.calls.get(last.text)
        yield outcome(render_lfm2(calls) if calls else "OK.")


def _clock(ran: list[dict[str, Any]]) -> Tool:
    def fn(**kw: Any) -> dict[str, str]:
        ran.append(kw)
        return {"summary": f"It's noon in {kw['location']}."}
    return Tool("get_time", "The time in a place.", {"type": "object", "properties": {
        "location": {"type": "string"}}, "required": []}, fn, listed={"location": offline_zone})


def _weather(ran: list[dict[str, Any]]) -> Tool:
    from assistant.tools.weather import TOOLS

    def fn(**kw: Any) -> dict[str, str]:
        ran.append(kw)
        return {"summary": f"Sunny in {kw['location']}."}
    return replace(TOOLS[0], fn=fn)


def _time(ran: list[dict[str, Any]]) -> Tool:
    from assistant.tools.clock import TOOLS

    def fn(**kw: Any) -> dict[str, str]:
        ran.append(kw)
        return {"summary": f"It's noon in {kw.get('location')}."}
    return replace(TOOLS[0], fn=fn)


def _turn(engine: _ByWords, text: str, tool: Callable[[list[dict[str, Any]]], Tool] = _clock
          ) -> tuple[list[Event], list[dict[str, Any]]]:
    ran: list[dict[str, Any]] = []
    bot = Conversation(engine, Registry([tool(ran)]), options=LoopOptions(speak=False))
    return list(bot.turn(UserInput(text=text))), ran


def test_the_loop_runs_a_call_per_item_of_a_list() -> None:
    text = "What time is it in New York, Tokyo and in LA?"
    engine = _ByWords({text: [C("get_time", {"location": "New York"})],
                       "What time is it in Tokyo and in LA?": [C("get_time", {"location": "Tokyo"})],
                       "What time is it in LA?": [C("get_time", {"location": "Los Angeles"})]})
    events, ran = _turn(engine, text)
    assert [kw["location"] for kw in ran] == ["New York", "Tokyo", "Los Angeles"]
    listed = next(e for e in events if isinstance(e, CallsListed))
    assert listed.asked == ("What time is it in Tokyo and in LA?", "What time is it in LA?")
    assert not listed.failed


def test_the_loop_logs_each_dose_of_a_request() -> None:
    from assistant.tools.medication import TOOLS

    log = next(t for t in TOOLS if t.name == "log_dose")

    def dose_log(ran: list[dict[str, Any]]) -> Tool:
        return replace(log, fn=lambda **kw: ran.append(kw) or {"ok": True})

    said = "Took 20mg omeprazole and 5mg ramipril with breakfast."
    engine = _ByWords({
        said: [C("log_dose", {"drug": "omeprazole", "amount": 20, "unit": "mg"})],
        "Took 5mg ramipril with breakfast.": [C("log_dose", {"drug": "ramipril", "amount": 5,
                                                            "unit": "mg"})]})
    _, ran = _turn(engine, said, dose_log)
    assert [(kw["drug"], kw["amount"]) for kw in ran] == [("omeprazole", 20), ("ramipril", 5)]


def test_the_loop_logs_each_dose_at_its_own_time() -> None:
    from assistant.tools.medication import TOOLS

    tools = {t.name: t for t in TOOLS}

    def dose_tools(ran: list[dict[str, Any]]) -> list[Tool]:
        return [replace(t, fn=lambda t=t, **kw: ran.append({"tool": t.name, **kw}) or {"ok": True})
                for t in (tools["log_dose"], tools["add_medication_schedule"])]

    grounded: list[CallsGrounded] = []

    def turn(text: str, calls: dict[str, list[ToolCall]]) -> list[dict[str, Any]]:
        ran: list[dict[str, Any]] = []
        bot = Conversation(_ByWords(calls), Registry(dose_tools(ran)),
                           options=LoopOptions(speak=False))
        grounded[:] = [e for e in bot.turn(UserInput(text=text)) if isinstance(e, CallsGrounded)]
        return ran

    said = "log 2 paracetamol at 7am and 1 ibuprofen at noon"
    ran = turn(said, {
        said: [C("log_dose", {"drug": "paracetamol", "amount": 2, "unit": "tablets",
                              "time": "7 am and 1 ibuprofen at noon"})],
        "log 1 ibuprofen at noon": [C("log_dose", {"drug": "ibuprofen", "amount": 1,
                                                   "unit": "tablets", "time": "noon"})]})
    assert [(kw["drug"], kw["time"]) for kw in ran] == [("paracetamol", "at 7am"),
                                                        ("ibuprofen", "noon")]
    # Told as taken, written as schedules: each a dose, at its own time.
    said = "had my metformin 500 at 8 and the atorvastatin 20 at 9"
    ran = turn(said, {
        said: [C("add_medication_schedule", {"drug": "metformin", "amount": 500, "unit": "mg",
                                             "times": ["8 am", "9 am"]})],
        "had my the atorvastatin 20 at 9": [C("add_medication_schedule", {
            "drug": "atorvastatin", "amount": 20, "unit": "mg", "times": ["9 am"]})]})
    assert [(kw["tool"], kw["drug"], kw["amount"]) for kw in ran] == [
        ("log_dose", "metformin", 500), ("log_dose", "atorvastatin", 20)]
    assert [kw.get("time", "") for kw in ran][1] == "9 am"
    assert ran[0]["time"] == "at 8"
    # Told once, with every call as it runs (evalkit scores a turn's first `CallsGrounded`).
    assert len(grounded) == 1 and [c.name for c in grounded[0].calls] == ["log_dose"] * 2


def test_an_item_whose_call_is_not_that_item_adds_nothing() -> None:
    text = "what time is it in Paris and the others there"
    # Read as a list, "...in the others there": the engine's call names no item said there.
    engine = _ByWords({text: [C("get_time", {"location": "Paris"})],
                       "what time is it in the others there": [C("get_time", {"location": "Rome"})]})
    events, ran = _turn(engine, text)
    assert ran == [{"location": "Paris"}]
    assert next(e for e in events if isinstance(e, CallsListed)).calls == (
        C("get_time", {"location": "Paris"}),)


def test_the_same_failure_for_each_item_is_said_once() -> None:
    from assistant.events import Answer
    from assistant.tools.base import ErrorCode, ToolFailure

    def offline(ran: list[dict[str, Any]]) -> Tool:
        def fn(**kw: Any) -> dict[str, str]:
            ran.append(kw)
            raise ToolFailure(ErrorCode.UNAVAILABLE, "I can't reach the weather service.")
        return Tool("get_time", "The time in a place.", {"type": "object", "properties": {
            "location": {"type": "string"}}, "required": []}, fn, listed={"location": offline_zone})

    text = "time in Oslo and Lima"
    engine = _ByWords({text: [C("get_time", {"location": "Oslo"})],
                       "time in Lima": [C("get_time", {"location": "Lima"})]},
                      after="")  # small brains say nothing after results: the tools' words do
    events, ran = _turn(engine, text, offline)
    assert len(ran) == 2
    assert [e.text for e in events if isinstance(e, Answer)] == [
        "I can't reach the weather service."]


def test_an_engine_that_fails_on_an_item_still_runs_the_calls_before() -> None:
    text = "time in Oslo and Lima"
    engine = _ByWords({text: [C("get_time", {"location": "Oslo"})]}, fail="time in Lima")
    events, ran = _turn(engine, text)
    assert ran == [{"location": "Oslo"}]
    assert next(e for e in events if isinstance(e, CallsListed)).failed == (
        "RuntimeError: the brain fell over")


def test_a_turn_cancelled_while_an_item_is_asked_about_runs_nothing() -> None:
    text = "time in Oslo and Lima"
    engine = _ByWords({text: [C("get_time", {"location": "Oslo"})]}, stop="time in Lima")
    events, ran = _turn(engine, text)
    assert ran == [] and events[-1].to_dict()["status"] == "cancelled"


def test_a_value_of_an_argument_not_listed_is_never_read_as_a_list() -> None:
    """A reminder "to buy bread and milk" is one value, whatever the brain cut it to."""
    text = "remind me to buy bread and milk"
    engine = _ByWords({text: [C("set_reminder", {"text": "buy bread"})]})

    def reminder(ran: list[dict[str, Any]]) -> Tool:
        return Tool("set_reminder", "A reminder.", {"type": "object", "properties": {
            "text": {"type": "string"}}, "required": ["text"]},
            lambda **kw: ran.append(kw) or {"ok": True})
    events, ran = _turn(engine, text, reminder)
    assert ran == [{"text": "buy bread"}] and engine.asked == [text]
    assert not any(isinstance(e, CallsListed) for e in events)


def test_the_shipped_tools_list_places_days_notes_timers_medicines_and_units(tmp_path: Path
                                                                             ) -> None:
    from tools_helpers import make_ctx, open_registry

    with open_registry(make_ctx(tmp_path)) as registry:
        listed = {t.name: tuple(t.listed) for t in registry if t.listed}
    # Not a timer's label: no name can be told from another ask before the tool runs.
    assert listed == {"get_weather": ("location", "day"), "get_time": ("location",),
                      "delete_note": ("note_id",), "cancel_timer": ("timer_id",),
                      "last_dose": ("drug",), "list_doses": ("day",),
                      "convert_units": ("to_unit",), "log_dose": ("drug",),
                      "add_medication_schedule": ("drug",)}


# Each shipped listed argument's test of kind, on items said after "and" or "or": those of the
# kind, and the asks that the five versions before the test read as items (../twice*/).
KINDS = [
    ("get_weather", "location", ["York", "Stoke on Trent", "Rio de Janeiro", "paris", "porto"],
     ["book me a table", "preheat the oven", "the pool", "will a hoodie do", "narnia"]),
    ("get_weather", "day", ["Saturday", "tomorrow", "the 21st", "March 21st"],
     ["will", "preheat the oven", "a hoodie"]),
    ("get_time", "location", ["LA", "Tokyo", "new delhi", "Europe/Paris", "Japan", "porto",
                              "Springfield"],
     ["the others there", "what time is it", "flights", "Narnia", "best"]),
    ("last_dose", "drug", ["omeprazole", "Zyrtec", "ibuprofin"],
     ["how long ago was that", "so", "my vitamins"]),
    ("list_doses", "day", ["Saturday", "yesterday", "2026-11-30"], ["will", "the others"]),
    ("convert_units", "to_unit", ["kelvin", "pounds", "meters", "°F", "cups"],
     ["preheat", "turn", "count", "percent", "the oven"]),
    ("delete_note", "note_id", [7, 12], [True, "seven"]),
    ("cancel_timer", "timer_id", [2], [2.5]),
]


@pytest.mark.parametrize(("tool", "argument", "kind", "other"), KINDS)
def test_each_listed_argument_tests_an_item_of_its_kind(tmp_path: Path, tool: str, argument: str,
                                                        kind: list[object], other: list[object]
                                                        ) -> None:
    from tools_helpers import make_ctx, open_registry

    with open_registry(make_ctx(tmp_path)) as registry:
        test = registry.get(tool).listed[argument]
        assert [v for v in kind if test(v) is None or test(v) is False] == []
        assert [v for v in other if not (test(v) is None or test(v) is False)] == []


def test_an_item_not_of_its_kind_adds_no_call() -> None:
    """"Convert 350 Fahrenheit to Celsius and preheat the oven" (twice-5's item made wrong): the
    brain, asked about "preheat the oven" as the next item, wrote a unit of it."""
    from assistant.tools.units import named_unit

    text = "Convert 350 Fahrenheit to Celsius and preheat the oven"
    first = C("convert_units", {"value": 350, "from_unit": "fahrenheit", "to_unit": "celsius"})
    item = next_item(first, ("to_unit",), text)
    assert item is not None and item.words == "Convert 350 Fahrenheit to preheat the oven"
    preheat = C("convert_units", {"value": 350, "from_unit": "fahrenheit", "to_unit": "preheat"})
    assert is_next(preheat, first, item, ANY) and not is_next(preheat, first, item, named_unit)
    kelvin = next_item(first, ("to_unit",), "Convert 350 Fahrenheit to Celsius and Kelvin")
    assert kelvin is not None and is_next(
        C("convert_units", {"value": 350, "from_unit": "fahrenheit", "to_unit": "kelvin"}),
        first, kelvin, named_unit)


def test_evalkit_scores_the_listed_calls_and_times_them_to_the_last(tmp_path: Path) -> None:
    from assistant.events import CallsProposed, Done, Reply, TurnStarted, TurnStatus
    from evalkit.items import ExpectedCall, Item
    from evalkit.runner import Unit, build_registry, record

    item = Item(id="x", text="remove notes 3 and 7", category="twice", tool="delete_note",
                template_id="byo", split="byo",
                expected=(ExpectedCall("delete_note", {"note_id": (3,)}),
                          ExpectedCall("delete_note", {"note_id": (7,)})))
    first, both = (C("delete_note", {"note_id": 3}),), (C("delete_note", {"note_id": 3}),
                                                       C("delete_note", {"note_id": 7}))
    events = [TurnStarted(turn=1, modality="text", t=0.0), CallsProposed(calls=first, raw="", t=1.0),
              CallsListed(calls=both, asked=("remove notes 7",), t=2.0), Reply(text="Done.", t=3.0),
              Done(turn=1, status=TurnStatus.ANSWERED, t=3.0)]
    registry = build_registry(tmp_path)
    try:
        r = record(Unit(item), events, registry)
    finally:
        registry.close()
    assert r.passed and len(r.calls) == 2 and r.latency_call_s == 2.0


# A list the brain wrote as one value, with each listed argument's shipped test of kind.
SPLIT = [
    ("Current time in London, Dubai, Singapore, and Los Angeles?",
     C("get_time", {"location": "London, Dubai, Singapore, Los Angeles"}),
     ["London", "Dubai", "Singapore", "Los Angeles"]),
    ("weather in Dubai, Mumbai and in Singapore tomorrow",
     C("get_weather", {"location": "Dubai, Mumbai, Singapore", "day": "tomorrow"}),
     ["Dubai", "Mumbai", "Singapore"]),
    ("what is seventy kilos in pounds & stone",
     C("convert_units", {"value": 70, "from_unit": "kg", "to_unit": "pound and stone"}),
     ["pound", "stone"]),
    ("when did I last take sertraline or levothyroxine",
     C("last_dose", {"drug": "sertraline or levothyroxine"}), ["sertraline", "levothyroxine"]),
    ("doses on monday and tuesday", C("list_doses", {"day": "monday, tuesday"}),
     ["monday", "tuesday"]),
]
ONE_VALUE = [
    ("time in Paris, France", C("get_time", {"location": "Paris, France"})),  # no joining word
    ("weather in Trinidad and Tobago", C("get_weather", {"location": "Trinidad and Tobago"})),
    ("weather in Leeds, York & Harrogate",  # names the clock cannot place: which is one?
     C("get_weather", {"location": "Leeds, York & Harrogate"})),
    ("time in New York and Boston", C("get_time", {"location": "New York and Boston"})),  # one zone
    ("when did I last take Advil or ibuprofen", C("last_dose", {"drug": "Advil or ibuprofen"})),
    ("convert 5 km to miles and preheat", C("convert_units", {"to_unit": "miles and preheat"})),
    ("whats 30 m/s in miles/hour", C("convert_units", {"to_unit": "miles/hour"})),  # one unit
    ("remind me to buy bread and milk", C("set_reminder", {"text": "bread and milk"})),  # not listed
    ("London and Paris", C("get_time", {"location": "London, Rome"})),  # Rome not said
]


def _listed(tmp_path: Path) -> dict[str, Any]:
    from tools_helpers import make_ctx, open_registry

    with open_registry(make_ctx(tmp_path)) as registry:
        return {t.name: t.listed for t in registry}


@pytest.mark.parametrize(("words", "call", "items"), SPLIT)
def test_a_list_written_as_one_value_is_a_call_per_item(tmp_path: Path, words: str,
                                                        call: ToolCall, items: list[str]) -> None:
    argument = next(a for a in _listed(tmp_path)[call.name] if a in call.arguments)
    calls = split_value(call, _listed(tmp_path)[call.name], words)
    assert calls == tuple(C(call.name, {**call.arguments, argument: i}) for i in items)


@pytest.mark.parametrize(("words", "call"), ONE_VALUE)
def test_a_value_that_is_no_list_of_things_stays_one_call(tmp_path: Path, words: str,
                                                          call: ToolCall) -> None:
    assert split_value(call, _listed(tmp_path)[call.name], words) is None


def test_the_loop_runs_a_call_per_item_of_a_list_written_as_one_value() -> None:
    text = "What time is it in Tokyo and Lima?"
    engine = _ByWords({text: [C("get_time", {"location": "Tokyo and Lima"})]})
    events, ran = _turn(engine, text)
    assert ran == [{"location": "Tokyo"}, {"location": "Lima"}] and engine.asked == [text]
    listed = next(e for e in events if isinstance(e, CallsListed))
    assert listed.split == (C("get_time", {"location": "Tokyo and Lima"}),) and not listed.asked


def test_a_value_not_said_as_written_is_found_by_what_it_names() -> None:
    from assistant.tools.clock import TOOLS as CLOCK
    from assistant.tools.units import TOOLS as UNITS
    from assistant.tools.weather import named_place

    convert = UNITS[0].listed
    cups = C("convert_units", {"value": 1, "from_unit": "cup", "to_unit": "milliliter"})
    words = "1 cup in ml and in tablespoons"
    assert next_item(cups, tuple(convert), words) is None  # "milliliter" is not said
    item = next_item(cups, convert, words)
    assert item is not None and item.words == "1 cup in tablespoons"
    tall = C("convert_units", {"value": 1.8, "from_unit": "meter", "to_unit": "foot"})
    item = next_item(tall, convert, "my passport says 1.8m. how much is that in feet, and also "
                                    "in inches")
    assert item is not None and item.words == "my passport says 1.8m. how much is that in inches"
    item = next_item(C("get_time", {"location": "New York"}), CLOCK[0].listed,
                     "what time is it in NYC and in LA")
    assert item is not None and item.words == "what time is it in LA"
    # No list after it, or a test that names no thing (True: some place) finds nothing.
    miles = C("convert_units", {"value": 5, "from_unit": "km", "to_unit": "mile"})
    assert next_item(miles, convert, "what's 5 km in miles, thanks") is None
    assert named_place("Narnia") is True
    leeds = C("get_weather", {"location": "Leeds City"})
    assert next_item(leeds, {"location": named_place}, "weather in Leeds and York") is None


@pytest.mark.parametrize(("words", "call", "rest"), [
    ("london weather for monday then tuesday pls", C("get_weather", {"day": "monday"}),
     "london weather for tuesday pls"),
    ("42.2km in miles n yards", C("convert_units", {"to_unit": "miles"}), "42.2km in yards"),
    ("weather LA vs SF", C("get_weather", {"location": "LA"}), "weather SF"),
    ("weather LA vs. SF", C("get_weather", {"location": "LA"}), "weather SF"),
    ("What is 100 km/h in mph as well as in m/s?", C("convert_units", {"to_unit": "mph"}),
     "What is 100 km/h in m/s?"),
    ("forecast for Leeds and then York", C("get_weather", {"location": "Leeds"}),
     "forecast for York"),
    ("time in Oslo plus Lima", C("get_time", {"location": "Oslo"}), "time in Lima"),
    ("trash notes 21, 22", C("delete_note", {"note_id": 21}), "trash notes 22"),
])
def test_then_n_vs_plus_as_well_as_and_a_comma_between_numbers_join_a_list(
        words: str, call: ToolCall, rest: str) -> None:
    item = next_item(call, ("location", "note_id", "to_unit", "day"), words)
    assert item is not None and item.words == rest


@pytest.mark.parametrize(("words", "call"), [
    ("weather in Paris, Texas", C("get_weather", {"location": "Paris"})),  # a bare comma: one place
    ("cancel timer 3, it's done", C("cancel_timer", {"timer_id": 3})),  # no number after it
    ("weather in Rome then book me a table", C("get_weather", {"location": "Rome"})),  # a clause
])
def test_no_list_where_what_follows_is_no_item(words: str, call: ToolCall) -> None:
    assert next_item(call, ("location", "timer_id"), words) is None


@pytest.mark.parametrize(("words", "first", "value"), [
    ("250g bar of chocolate in oz, and lbs?", "oz", "lb"),
    ("my son is 1.8 metres, what's that in feet, and in inches", "foot", "inch"),
    ("How many teaspoons and how many millilitres are in 4 tablespoons?", "teaspoon",
     "milliliter"),
    ("2 acres - convert to hectares & square metres for me", "hectare", "square metre"),
    ("12 inches. I need that in cm, and also mm for the drill guide", "centimeter", "millimeter"),
])
def test_the_next_item_named_in_other_words_is_kept(words: str, first: str, value: str) -> None:
    from assistant.tools.units import named_unit

    call = C("convert_units", {"to_unit": first})
    item = next_item(call, {"to_unit": named_unit}, words)
    assert item is not None
    assert is_next(C("convert_units", {"to_unit": value}), call, item, named_unit)
    # A value that names another thing than the item said is not kept.
    assert not is_next(C("convert_units", {"to_unit": "gallon"}), call, item, named_unit)


@pytest.mark.parametrize(("words", "call", "rest"), [
    ("1.5 kg mutton - pounds/ounces?", C("convert_units", {"to_unit": "pounds"}),
     "1.5 kg mutton - ounces?"),
    ("weather delhi/jaipur saturday", C("get_weather", {"location": "delhi"}),
     "weather jaipur saturday"),
    ("wipe notes 30 / 31", C("delete_note", {"note_id": 30}), "wipe notes 31"),
    ("London weather Fri + Sat?", C("get_weather", {"day": "Fri"}), "London weather Sat?"),
    ("hows the weather in bombay, also pune", C("get_weather", {"location": "bombay"}),
     "hows the weather in pune"),
    ("local time in kathmandu along with dhaka", C("get_time", {"location": "kathmandu"}),
     "local time in dhaka"),
    ("pls remove note #12 & #15", C("delete_note", {"note_id": 12}), "pls remove note #15"),
])
def test_a_slash_a_plus_also_along_with_and_a_hash_join_a_list(words: str, call: ToolCall,
                                                              rest: str) -> None:
    item = next_item(call, ("location", "note_id", "to_unit", "day"), words)
    assert item is not None and item.words == rest


@pytest.mark.parametrize(("words", "call"), [
    ("60 mph in km/h", C("convert_units", {"to_unit": "km"})),  # one unit, not two
    ("what's 10 m/s in mph", C("convert_units", {"to_unit": "m"})),
    ("weather in Paris, also I need milk", C("get_weather", {"location": "Paris"})),  # a clause
])
def test_a_slash_inside_a_unit_or_also_before_a_clause_is_no_list(words: str, call: ToolCall
                                                                  ) -> None:
    assert next_item(call, ("location", "to_unit"), words) is None


def _weather_listed() -> dict[str, Callable[[Any], object]]:
    from assistant.tools.weather import TOOLS

    return dict(TOOLS[0].listed)


# A day after the place is the day's next item, not the place's (days-listed)
@pytest.mark.parametrize(("words", "call", "rest"), [
    ("weather in boston today and tomorrow?",
     C("get_weather", {"location": "Boston", "day": "today"}), "weather in boston tomorrow?"),
    ("Will it be sunny in Miami tomorrow? And Sunday?",
     C("get_weather", {"location": "Miami", "day": "tomorrow"}), "Will it be sunny in Miami Sunday?"),
])
def test_a_day_after_the_place_is_the_days_next_item(words: str, call: ToolCall, rest: str
                                                    ) -> None:
    item = next_item(call, _weather_listed(), words)
    assert item is not None and item.argument == "day" and item.words == rest


# A list that ends at the brain's value: the item before it (days-listed)
@pytest.mark.parametrize(("words", "call", "rest"), [
    ("weather tmrw and saturday in boston",
     C("get_weather", {"location": "Boston", "day": "saturday"}), "weather tmrw in boston"),
    ("Sat & Sun forecast for Brighton? bbq planned",
     C("get_weather", {"location": "Brighton", "day": "sun"}), "Sat forecast for Brighton? bbq planned"),
    ("how hot is it going to get in Phoenix today, and then tomorrow?",
     C("get_weather", {"location": "Phoenix", "day": "tomorrow"}),
     "how hot is it going to get in Phoenix today?"),
    ("weather in London and in Paris", C("get_weather", {"location": "Paris"}), "weather in London"),
])
def test_a_list_that_ends_at_the_value_asks_the_item_before(words: str, call: ToolCall, rest: str
                                                           ) -> None:
    item = next_item(call, _weather_listed(), words)
    assert item is not None and item.words == rest


@pytest.mark.parametrize(("words", "call"), [
    ("remind me monday and weather in Paris friday",  # "monday" ends no list at "Paris"
     C("get_weather", {"location": "Paris", "day": "friday"})),
    ("how's the weather, and in Leeds", C("get_weather", {"location": "Leeds"})),  # no item
    ("delete notes 3 and 7", C("delete_note", {"note_id": 7})),  # a number: asked after only
])
def test_no_item_before_where_no_thing_of_the_kind_ends_a_list_there(words: str, call: ToolCall
                                                                    ) -> None:
    listed = _weather_listed() if call.name == "get_weather" else {"note_id": ANY}
    assert next_item(call, listed, words) is None


def test_the_loop_runs_the_day_before_the_one_the_brain_wrote() -> None:
    text = "weather tmrw and saturday in boston"
    engine = _ByWords({text: [C("get_weather", {"location": "Boston", "day": "saturday"})]})
    events, ran = _turn(engine, text, tool=_weather)
    assert ran == [{"location": "Boston", "day": "saturday"}, {"location": "Boston", "day": "tmrw"}]
    assert engine.asked == [text]  # the weather's day is taken as said (items-said)
    listed = next(e for e in events if isinstance(e, CallsListed))
    assert listed.said == ("weather tmrw in boston",) and not listed.asked


@pytest.mark.parametrize(("words", "days"), [
    ("London weather Fri + Sat?", "fri + sat"), ("perth weather mon/tue", "mon/tue")])
def test_days_joined_by_a_plus_or_a_slash_are_a_list(words: str, days: str) -> None:
    call = C("get_weather", {"location": "London", "day": days})
    calls = split_value(call, _weather_listed(), words)
    assert calls is not None and [c.arguments["day"] for c in calls] == days.replace(" ", "").replace(
        "+", "/").split("/")
# The next place or day for the weather or the clock is taken as said, with no engine pass
# (items-said)
@pytest.mark.parametrize(("text", "first", "ran"), [
    ("is it later in dubai or singapore rn", {"location": "dubai"}, ["dubai", "singapore"]),
    ("Is it already evening in Mumbai? What about Singapore?", {"location": "Mumbai"},
     ["Mumbai", "Singapore"]),
    ("time in IST along with PST", {"location": "IST"}, ["IST", "PST"]),
    ("time in Brisbane and on the Gold Coast", {"location": "Brisbane"},
     ["Brisbane", "Gold Coast"]),
    ("time in Lima and Rio de Janeiro", {"location": "Lima"}, ["Lima", "Rio de Janeiro"]),
])
def test_the_next_place_is_taken_as_said(text: str, first: dict[str, Any], ran: list[str]) -> None:
    engine = _ByWords({text: [C("get_time", first)]})
    events, done = _turn(engine, text, tool=_time)
    assert [kw["location"] for kw in done] == ran and engine.asked == [text]
    listed = next(e for e in events if isinstance(e, CallsListed))
    assert len(listed.said) == len(ran) - 1 and not listed.asked


def test_the_next_day_is_taken_as_said() -> None:
    text = "weather in boston on friday and saturday"
    engine = _ByWords({text: [C("get_weather", {"location": "Boston", "day": "friday"})]})
    _, ran = _turn(engine, text, tool=_weather)
    assert ran == [{"location": "Boston", "day": "friday"}, {"location": "Boston", "day": "saturday"}]
    assert engine.asked == [text]


def test_an_item_that_names_no_thing_as_said_is_asked_of_the_engine() -> None:
    text = "time in Chicago and in the Windy City's rival"  # no place the clock knows: asked
    engine = _ByWords({text: [C("get_time", {"location": "Chicago"})]})
    _, done = _turn(engine, text, tool=_time)
    assert [kw["location"] for kw in done] == ["Chicago"] and len(engine.asked) == 2


@pytest.mark.parametrize("text", [
    "weather in Oslo and Bergen - actually skip Bergen, just Oslo",  # taken back
    "Is it going to rain in manchester on saturday, plus 15% of 240",  # a number is no day
])
def test_an_item_taken_back_or_a_bare_number_is_not_taken_as_said(text: str) -> None:
    first = C("get_weather", {"location": "Oslo" if "Oslo" in text else "manchester",
                              "day": "tomorrow" if "Oslo" in text else "saturday"})
    engine = _ByWords({text: [first]})
    _, ran = _turn(engine, text, tool=_weather)
    assert ran == [first.arguments] and len(engine.asked) == 2  # the engine read the item
