"""The loop's own words for a request the brain serves with no tool and no words."""

from __future__ import annotations

import pytest

from assistant.replies import ABILITIES, ABOUT_ME, HEARD, NO_TOOL, reply_to


@pytest.mark.parametrize(("heard", "reply"), [
    ("thanks!", "You're welcome."), ("cheers mate", "You're welcome."),
    ("ok bye for now", "Bye for now."), ("thanks, that's all", "Bye for now."),
    ("hello? are you there?", "Hi! What can I do for you?"),
    ("good morning, how's it going", "Hi! What can I do for you?"),
    ("you misheard me again", "Sorry about that. Could you say it again?"),
    ("lol nice", "Glad to help."),
    ("lol nevermind", "Okay."), ("why are you so slow today", "Sorry about that."),
    ("thats not helpful", "Sorry about that."), ("you're actually really helpful", "Glad to help."),
    ("top of the morning to ya", "Hi! What can I do for you?"),
    ("what can you do?", ABILITIES), ("help", ABILITIES),
    # A question to the assistant about itself; a how-to's "you" is anyone's.
    ("are you chatgpt", ABOUT_ME), ("do you like dogs or cats better", ABOUT_ME),
    ("where do my notes actually get stored", ABOUT_ME), ("how do you tie a bowline", NO_TOOL),
    ("is there anything you can't do?", ABILITIES), ("what are you exactly?", ABOUT_ME),
    # What no pattern knows, by its form: asked of the assistant, or told to it.
    ("open Spotify please", NO_TOOL), ("I need an uber to the airport", NO_TOOL),
    ("i'm so tired today, long week", HEARD),
    ("had the most horrendous day at work, my boss is a nightmare", HEARD),
    # Not small talk: what it can't help with, and what it can.
    ("what causes the northern lights", NO_TOOL), ("could you get me an uber", NO_TOOL),
    ("how long should I boil an egg?", NO_TOOL),
])
def test_small_talk_gets_a_reply_in_kind_and_the_rest_what_the_assistant_can_do(
        heard: str, reply: str) -> None:
    assert reply_to(heard) == reply
