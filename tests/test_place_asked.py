"""The place asked, not the one the user is in or sets out from (`grounding.ground_asked`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from assistant.engines.scripted import ScriptedEngine
from assistant.events import ToolStarted
from assistant.grounding import ground_asked
from assistant.loop import Conversation, LoopOptions, UserInput
from assistant.toolcall import ToolCall, render_lfm2
from assistant.tools.clock import offline_zone
from assistant.tools.registry import Registry

PLACES = {"location": offline_zone}


@pytest.mark.parametrize(("heard", "written", "asked"), [
    ("flying out of Heathrow to Rome tmrw, what's the weather going to be there?", "Heathrow", "Rome"),
    ("I'm in Boston rn, what time is it in Tokyo", "Boston", "Tokyo"),
    ("driving from Leeds up to Newcastle on saturday, what's the weather like in Newcastle then",
     "Leeds", "Newcastle"),
    ("We land in Cancún from Toronto on sunday, hows the weather there that day", "Toronto", "Cancún"),
    ("we're leaving Munich for Salzburg in the morning - will it rain in Salzburg tomorrow?",
     "Munich", "Salzburg"),
    ("It's 4pm here in Chicago, what time is it in Berlin right now?", None, "Berlin"),
])
def test_the_users_own_place_or_a_trips_start_is_the_place_asked(
        heard: str, written: str | None, asked: str) -> None:
    args = {"location": written} if written else {}
    assert ground_asked(ToolCall("get_weather", args), PLACES, heard).arguments == {"location": asked}


@pytest.mark.parametrize(("heard", "written"), [
    ("flying from Paris to London tomorrow, what's the weather in Paris before I leave", "Paris"),
    ("Driving from Denver to Salt Lake City tomorrow, weather at both ends?", "Denver"),
    ("I'm in Boston, what's the weather like", "Boston"),
    ("what's the weather in Rome? I'm flying from London", "Rome"),
    ("We're driving down to Cornwall, staying in St Ives. Weather there tomorrow?", "St Ives"),
    ("what time is it in Tokyo", "Tokyo"),
    ("I'm in Leeds, is it cold here?", "Leeds"),
    ("ordering from the Indian place, did it snow at Christmas?", "Indian place"),
])
def test_a_place_asked_of_or_several_asked_or_here_is_left_as_written(heard: str, written: str
                                                                      ) -> None:
    call = ToolCall("get_weather", {"location": written})
    assert ground_asked(call, PLACES, heard) == call


def test_the_loop_asks_the_place_the_user_goes_to() -> None:
    from assistant.tools.weather import TOOLS

    ran: list[dict[str, Any]] = []
    weather = replace(TOOLS[0], fn=lambda **kw: ran.append(kw) or {"summary": "Sunny."})
    written = ToolCall("get_weather", {"location": "Milan", "day": "thursday"})
    bot = Conversation(ScriptedEngine.from_outputs([render_lfm2([written]), "Done."]),
                       Registry([weather]), options=LoopOptions(speak=False))
    events = list(bot.turn(UserInput(
        text="train from Milan to Florence on Thursday, is it gonna be hot in Florence")))
    assert [e.call.arguments for e in events if isinstance(e, ToolStarted)] == [
        {"location": "Florence", "day": "thursday"}]
