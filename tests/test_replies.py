"""The loop's own words for a request the brain serves with no tool and no words."""

from __future__ import annotations

import pytest

from assistant.replies import ABILITIES, NO_TOOL, reply_to


@pytest.mark.parametrize(("heard", "reply"), [
    ("thanks!", "You're welcome."), ("cheers mate", "You're welcome."),
    ("ok bye for now", "Bye for now."), ("thanks, that's all", "Bye for now."),
    ("hello? are you there?", "Hi! What can I do for you?"),
    ("good morning, how's it going", "Hi! What can I do for you?"),
    ("you misheard me again", "Sorry about that. Could you say it again?"),
    ("lol nice", "Glad to help."),
    ("what can you do?", ABILITIES), ("help", ABILITIES),
    # Not small talk: what it can't help with, and what it can.
    ("what causes the northern lights", NO_TOOL), ("could you get me an uber", NO_TOOL),
    ("how long should I boil an egg?", NO_TOOL), ("okra recipes", NO_TOOL),
])
def test_small_talk_gets_a_reply_in_kind_and_the_rest_what_the_assistant_can_do(
        heard: str, reply: str) -> None:
    assert reply_to(heard) == reply
