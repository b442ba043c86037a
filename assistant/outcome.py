"""What one generation of model text amounts to: calls, a malformed call, or a reply.

This is the one definition of "is this a call?". Every engine ends a generation with
`outcome(raw)`, and finetune's evaluation judges raw model text with it, so a call block means
the same thing to the turn loop, evalkit and the fine-tuning scores.

- A call attempt is any call block (`<|tool_call_start|>`, closed or not), a stray
  `<|tool_call_end|>`, or a bare JSON call (`{"name": ...}`), as `parse_tool_calls` finds them.
- An attempt that yields calls and no errors is `CallsProposed`.
- Any other attempt is `CallMalformed` with at least one error: the loop feeds the first error's
  code back to the model, and evalkit counts the codes, so an error-less malformed call must
  never exist.
- Anything else is a `Reply`.
"""

from __future__ import annotations

from assistant.events import CallMalformed, CallsProposed, Reply
from assistant.toolcall import CALL_END, CALL_START, ParseError, ParseErrorCode, parse_tool_calls

Outcome = CallsProposed | CallMalformed | Reply


def outcome(raw: str) -> Outcome:
    """The engine's last event for one generation of `raw` model text. Never raises."""
    parsed = parse_tool_calls(raw)
    if parsed.calls and not parsed.errors:
        return CallsProposed(calls=parsed.calls, raw=raw)
    if parsed.errors:
        return CallMalformed(errors=parsed.errors, raw=raw)
    if CALL_START in raw or CALL_END in raw:
        # The parser reports every marked block today; this keeps the invariant if it ever
        # finds an attempt with nothing in it (an empty block used to slip through that way).
        empty = ParseError(ParseErrorCode.EMPTY, "a call block with no call in it", raw)
        return CallMalformed(errors=(empty,), raw=raw)
    return Reply(text=raw)


__all__ = ["Outcome", "outcome"]
