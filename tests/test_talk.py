"""Small talk answered in kind where the brain calls nothing and says nothing
(`assistant.talk`, the loop's answer in the apology's place); no call changes."""

from __future__ import annotations

import pytest
from test_loop import answer, bot, call, run
from toys import Ledger

from assistant.events import Failed
from assistant.loop import APOLOGY
from assistant.talk import GOODBYE, GREETING, LATER, WELCOME, kinds, unanswered
from assistant.tools.asking import ADVICE_UNNAMED, NOT_ASKED


@pytest.mark.parametrize(("text", "said"), [
    ("good morning", {"greeting"}),
    ("hey there!", {"greeting"}),
    ("how r u today", {"greeting"}),
    ("sorry, remind me what you're called again?", {"greeting"}),
    ("who made you lol", {"greeting"}),
    ("thanks so much!", {"thanks"}),
    ("cheers mate 👍", {"thanks"}),
    ("you're a legend", {"thanks"}),
    ("bye for now", {"goodbye"}),
    ("thanks, that's everything for now", {"thanks", "goodbye"}),
    ("hi! how are you doing", {"greeting"}),
    # Mended after the judgement: "how's" written as one word, and a face typed after a clause.
    ("how's it going?", {"greeting"}),
    ("good morning :)", {"greeting"}),
    ("thanks :-D", {"thanks"}),
    ("the time in tokyo :)", set()),
    # A clause that is not small talk asks for more, or tells news: none.
    ("good morning, what's the weather", set()),
    ("thanks, now set a 5 minute timer", set()),
    ("thanks for the reminder, I made it to the pharmacy on time", set()),
    ("i had a rough day at work", set()),
    ("ok", set()),  # may answer a question the assistant asked
    ("great", set()),
    ("", set()),
])
def test_small_talk_kinds(text: str, said: set[str]) -> None:
    assert kinds(text) == said


@pytest.mark.parametrize(("text", "expected"), [
    ("good morning!", GREETING),
    ("thank you", f"{WELCOME} {LATER}"),
    ("goodbye", f"{GOODBYE} {LATER}"),
    ("thanks, bye", f"{WELCOME} {GOODBYE} {LATER}"),
    ("i had a rough day at work", APOLOGY),
])
def test_the_loop_answers_small_talk_in_kind_where_the_brain_said_nothing(
        text: str, expected: str) -> None:
    events = run(bot(""), text)
    assert answer(events) == expected
    # Answered in kind, the turn did not fail; the apology's turn still does.
    assert any(isinstance(e, Failed) for e in events) is (expected == APOLOGY)


def test_small_talk_beside_a_call_runs_the_call() -> None:
    ledger = Ledger()
    events = run(bot(call("add_note", text="buy milk"), "Saved.", ledger=ledger),
                 "thanks! note buy milk")
    assert ledger.done == [("add_note", {"text": "buy milk"})] and answer(events) == "Saved."
    # The brain's own words are kept: only silence is answered in kind.
    assert answer(run(bot("Hi! How can I help?"), "hello")) == "Hi! How can I help?"


@pytest.mark.parametrize(("text", "expected"), [
    # A question no tool answers, and the user's news: no other words could get it done
    # (unanswered; each got the apology at be92f93).
    ("what's a prime number again", ADVICE_UNNAMED),
    ("whats the difference between a tornado watch and a tornado warning", ADVICE_UNNAMED),
    ("how do you say where is the bathroom in spanish", ADVICE_UNNAMED),
    ("whats the score of the lakers game", ADVICE_UNNAMED),
    ("I'm heading to Chicago this weekend for my cousins wedding", NOT_ASKED["news told"]),
    ("meeting got moved to 3pm again, so annoying", NOT_ASKED["news told"]),
    # A tool's topic, a medicine, a number or a request: maybe a call the brain missed.
    ("is a metric ton the same as a regular ton?", None),
    ("what timezone is arizona in?", None),
    ("how long should i boil an egg for a soft yolk", None),
    ("is it gonna rain tomorrow", None),
    ("what's 15 squared", None),
    ("just got back from the pharmacy, picked up my amoxicillin", None),
    ("pasta's on, 10 minutes", None),
    ("my tea needs 4 minutes", None),
    ("book me a table for 2 at 7 tonight somewhere italian", None),
    ("can you wake me at 7", None),
    ("i had a rough day at work", None),
    ("the kettle", None),  # no verb: a fragment, maybe a request half said (narrowed after)
    ("my sister lives in sydney so calling her is a puzzle", NOT_ASKED["news told"]),
])
def test_a_request_no_tool_could_do_is_answered_for_what_it_is(text: str,
                                                               expected: str | None) -> None:
    assert unanswered(text) == expected


def test_the_loop_answers_a_question_no_tool_answers_where_the_brain_said_nothing() -> None:
    events = run(bot(""), "what's a prime number again")
    assert answer(events) == ADVICE_UNNAMED and not any(isinstance(e, Failed) for e in events)
    events = run(bot(""), "is it gonna rain tomorrow")  # a missed forecast: other words may do
    assert answer(events) == APOLOGY and any(isinstance(e, Failed) for e in events)
