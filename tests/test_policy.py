"""The confirmation policy and how spoken or clicked answers are read."""

from __future__ import annotations

import pytest

from assistant import policy
from assistant.toolcall import ToolCall
from assistant.tools.base import SideEffect, Tool

OPTS = ("hydroxyzine", "hydralazine")


def tool(side: SideEffect) -> Tool:
    return Tool("t", "", {"type": "object"}, lambda: None, side)


@pytest.mark.parametrize(
    ("side", "after_untrusted", "ask"),
    [
        (SideEffect.READ, False, False),
        (SideEffect.READ, True, False),
        (SideEffect.WRITE, False, False),
        (SideEffect.WRITE, True, True),
        (SideEffect.DESTRUCTIVE, False, True),
    ],
)
def test_decide(side: SideEffect, after_untrusted: bool, ask: bool) -> None:
    assert policy.decide(tool(side), ToolCall("t"), after_untrusted_text=after_untrusted).ask is ask


@pytest.mark.parametrize(
    ("said", "options", "expected"),
    [
        ("yes", (), policy.Confirmation(yes=True)),
        ("Yeah, go ahead.", (), policy.Confirmation(yes=True)),
        ("no", (), policy.Confirmation(no=True)),
        ("cancel that", (), policy.Confirmation(no=True)),
        ("what's the weather", (), policy.Confirmation()),
        ("the first one", OPTS, policy.Confirmation(option=0)),
        ("number two", OPTS, policy.Confirmation(option=1)),
        ("the last one", OPTS, policy.Confirmation(option=1)),
        ("hydralazine", OPTS, policy.Confirmation(option=1)),
        ("Hydroxyzine please", OPTS, policy.Confirmation(option=0)),
        ("yes", OPTS, policy.Confirmation(yes=True)),
        ("yes", ("metformin",), policy.Confirmation(option=0)),
        ("no, neither", OPTS, policy.Confirmation(no=True)),
        ("the fourth one", OPTS, policy.Confirmation()),
    ],
)
def test_read_answer(said: str, options: tuple[str, ...], expected: policy.Confirmation) -> None:
    assert policy.read_answer(said, options) == expected
