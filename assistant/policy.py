"""When a call may run at once and when the user must say yes first, and how answers are read.

Read-only calls run at once. Destructive calls ask first. Any write proposed after the model has
read text that came from outside (notes, web data) in the same turn asks first too: that text may
carry injected instructions. Tools that will not guess (ambiguous drug names) ask on their own by
raising `NeedsConfirmation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from assistant.toolcall import ToolCall
from assistant.tools.base import SideEffect, Tool


@dataclass(frozen=True)
class Decision:
    ask: bool
    reason: str = ""  # "destructive" | "after-untrusted-text"
    prompt: str = ""


def describe(call: ToolCall, *also: ToolCall) -> str:
    """A plain spoken rendering of a call: `delete note with note id 3`, and of further calls
    of its tool: `delete note with note id 3 and with note id 7`."""
    action = call.name.replace("_", " ")
    if not call.arguments:
        return action
    args = [", ".join(f"{k.replace('_', ' ')} {v}" for k, v in c.arguments.items())
            for c in (call, *also)]
    return f"{action} with {' and with '.join(args)}"


def _targets(tool: Tool, calls: tuple[ToolCall, ...]) -> str | None:
    """What `calls` of `tool` would undo, as its `target` says it ("cancel the pasta timer, with
    4 minutes left"); "" where each undoes nothing without asking on its own (no question: the
    tool says so or asks which); None where the tool names none, or not every call's."""
    if tool.target is None or not tool.action:
        return None
    try:
        said = [tool.target(**c.arguments) for c in calls]
    except Exception:  # a store that fails to read: ask as for any call
        return None
    if all(s is None for s in said):
        return ""
    if any(s is None for s in said):
        return None
    return f"{tool.action} {' and '.join(s for s in said if s)}"


def decide(tool: Tool, call: ToolCall, *also: ToolCall, after_untrusted_text: bool) -> Decision:
    """Whether `call` (with `also`, further calls of its tool asked about with it) waits for
    the user's yes, and the question."""
    if tool.side_effect is SideEffect.DESTRUCTIVE:
        said = _targets(tool, (call, *also))
        if said == "":
            return Decision(False)  # nothing is undone before the tool asks or says so
        return Decision(True, "destructive", f"Should I {said or describe(call, *also)}? Say yes "
                                             "or no.")
    if tool.side_effect is SideEffect.WRITE and after_untrusted_text:
        return Decision(
            True,
            "after-untrusted-text",
            f"I was asked to {describe(call, *also)} right after reading stored text. "
            "Should I go ahead?",
        )
    return Decision(False)


# --- reading the user's answer -----------------------------------------------------------------

_YES = re.compile(r"\b(yes|yeah|yep|sure|ok|okay|confirm|go ahead|do it|please do|correct|right)\b")
_NO = re.compile(r"\b(no|nope|cancel|stop|don't|do not|never ?mind|abort|wrong)\b")
_ORDINALS = {
    "first": 0, "one": 0, "1": 0, "1st": 0,
    "second": 1, "two": 1, "2": 1, "2nd": 1,
    "third": 2, "three": 2, "3": 2, "3rd": 2,
    "fourth": 3, "four": 3, "4": 3, "4th": 3,
    "last": -1,
}
_ORDINAL = re.compile(r"\b(?:the |number )?(" + "|".join(map(re.escape, _ORDINALS)) + r")\b")


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation answer meant: yes, no, an option index, or not understood."""

    yes: bool = False
    no: bool = False
    option: int | None = None

    @property
    def understood(self) -> bool:
        return self.yes or self.no or self.option is not None


def read_answer(text: str, options: tuple[str, ...] = ()) -> Confirmation:
    said = text.lower().strip()
    if options:
        best = process.extractOne(said, [o.lower() for o in options], scorer=fuzz.WRatio)
        if best is not None and best[1] >= 85:
            return Confirmation(option=best[2])
        m = _ORDINAL.search(said)
        if m is not None and not _NO.search(said):
            index = _ORDINALS[m.group(1)]
            index = len(options) - 1 if index < 0 else index
            if index < len(options):
                return Confirmation(option=index)
    if _NO.search(said):
        return Confirmation(no=True)
    if _YES.search(said):
        # "yes" to a single candidate picks it; to "A or B?" it picks nothing (the loop asks again).
        return Confirmation(option=0) if len(options) == 1 else Confirmation(yes=True)
    return Confirmation()
