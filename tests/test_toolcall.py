"""The tool-call parser and `outcome`: both wire forms, literal-only arguments, fuzzing."""

from __future__ import annotations

import json
import keyword
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.events import CallMalformed, CallsProposed, Reply
from assistant.outcome import outcome
from assistant.toolcall import (
    CALL_END,
    CALL_START,
    ParseErrorCode,
    ToolCall,
    parse_tool_calls,
    render_lfm2,
)


def test_pythonic_single_call() -> None:
    p = parse_tool_calls(f'{CALL_START}[get_weather(location="Paris", day="tomorrow")]{CALL_END}')
    assert p.ok and p.calls == (ToolCall("get_weather", {"location": "Paris", "day": "tomorrow"}),)


def test_pythonic_several_calls_and_surrounding_text() -> None:
    p = parse_tool_calls(f"Sure. {CALL_START}[set_timer(seconds=600), list_timers()]{CALL_END} ok")
    assert [c.name for c in p.calls] == ["set_timer", "list_timers"]
    assert p.calls[0].arguments == {"seconds": 600}
    assert p.text == "Sure.  ok"


def test_json_forms() -> None:
    one = parse_tool_calls('{"name": "log_dose", "arguments": {"drug": "metformin", "amount": 500}}')
    assert one.calls == (ToolCall("log_dose", {"drug": "metformin", "amount": 500}),)
    body = '[{"name": "a", "arguments": {}}, {"name": "b", "arguments": {"x": [1, 2]}}]'
    many = parse_tool_calls(f"{CALL_START}{body}{CALL_END}")
    assert [c.name for c in many.calls] == ["a", "b"] and many.calls[1].arguments == {"x": [1, 2]}
    openai = parse_tool_calls('{"function": {"name": "f", "arguments": "{\\"k\\": true}"}}')
    assert openai.calls == (ToolCall("f", {"k": True}),)


def test_plain_text_is_not_a_call() -> None:
    p = parse_tool_calls("It is sunny in Paris.")
    assert p.ok and not p.calls and p.text == "It is sunny in Paris."


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("[get_weather(city=__import__('os').system('id'))]", ParseErrorCode.NON_LITERAL),
        ("[get_weather(city=x)]", ParseErrorCode.NON_LITERAL),
        ("[f(1 + 2)]", ParseErrorCode.POSITIONAL),
        ("[f(a=1 + 2)]", ParseErrorCode.NON_LITERAL),
        ("[f(**{'a': 1})]", ParseErrorCode.NON_LITERAL),
        ("[f(a={1, 2})]", ParseErrorCode.NON_LITERAL),
        ("[f(a=1]", ParseErrorCode.SYNTAX),
        ("[]", ParseErrorCode.EMPTY),
        ("[ ]", ParseErrorCode.EMPTY),  # parses as an empty list: still an attempt with no call
        ("( )", ParseErrorCode.EMPTY),
        ("[\n]", ParseErrorCode.EMPTY),
        ("[42]", ParseErrorCode.NOT_A_CALL),
        ("[(lambda: 1)()]", ParseErrorCode.BAD_NAME),
        ('{"name": "bad name", "arguments": {}}', ParseErrorCode.BAD_NAME),
        ('{"name": "f", "arguments": [1]}', ParseErrorCode.NOT_A_CALL),
    ],
)
def test_malformed_calls_have_codes(body: str, code: ParseErrorCode) -> None:
    p = parse_tool_calls(f"{CALL_START}{body}{CALL_END}")
    assert not p.calls and [e.code for e in p.errors] == [code]


def test_unterminated_call() -> None:
    p = parse_tool_calls(f"{CALL_START}[set_timer(seconds=5)")
    assert [e.code for e in p.errors] == [ParseErrorCode.UNTERMINATED]


@pytest.mark.parametrize("text", [f"fine{CALL_END}", f"{CALL_START}[f()]{CALL_END}{CALL_END}",
                                  f"{CALL_END}{CALL_START}[f()]{CALL_END}"])
def test_stray_end_marker_is_an_error(text: str) -> None:
    assert ParseErrorCode.SYNTAX in [e.code for e in parse_tool_calls(text).errors]


@pytest.mark.parametrize(("text", "kind"), [
    (f"{CALL_START}[ ]{CALL_END}", "call-malformed"),  # was CallMalformed(errors=()) before
    (f"{CALL_START}[get_time()]{CALL_END}", "calls-proposed"),
    (f"{CALL_START}[get_time()", "call-malformed"),
    (f"hi{CALL_END}", "call-malformed"),
    ('{"name": "get_time", "arguments": {}}', "calls-proposed"),
    ("Hello there.", "reply"),
])
def test_outcome_is_the_one_definition_of_a_call(text: str, kind: str) -> None:
    event = outcome(text)
    assert event.kind == kind
    if isinstance(event, CallMalformed):
        assert event.errors


def test_tuple_becomes_list_and_dotted_name_keeps_last_part() -> None:
    p = parse_tool_calls(f"{CALL_START}[functions.f(times=('8:00', '20:00'))]{CALL_END}")
    assert p.calls == (ToolCall("f", {"times": ["8:00", "20:00"]}),)


# --- property-based ----------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64), st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=6),
                                            inner, max_size=3)),
    max_leaves=8,
)
identifiers = st.from_regex(r"[a-z_][a-z0-9_]{0,15}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s) and not s.startswith("__")
)
calls = st.builds(ToolCall, identifiers, st.dictionaries(identifiers, json_values, max_size=4))


@settings(max_examples=300, deadline=None)
@given(st.lists(calls, min_size=1, max_size=4))
def test_round_trip_pythonic(cs: list[ToolCall]) -> None:
    assert parse_tool_calls(render_lfm2(cs)).calls == tuple(cs)


@settings(max_examples=300, deadline=None)
@given(st.lists(calls, min_size=1, max_size=4))
def test_round_trip_json(cs: list[ToolCall]) -> None:
    block = f"{CALL_START}{json.dumps([c.to_dict() for c in cs])}{CALL_END}"
    assert parse_tool_calls(block).calls == tuple(cs)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.text(string.printable, max_size=8),
                          st.sampled_from([CALL_START, CALL_END, "[f(a=", "{\"name\": ", ")]",
                                           "[", "]", " ", "f()", "()"])),
                max_size=12))
def test_never_crashes_on_arbitrary_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    parsed = parse_tool_calls(text)
    assert isinstance(parsed.calls, tuple) and isinstance(parsed.errors, tuple)
    # The invariant: a call attempt (a marker) yields calls or at least one error, never nothing.
    if CALL_START in text or CALL_END in text:
        assert parsed.calls or parsed.errors
    # ...and so an engine's outcome is never a malformed call without a reason.
    event = outcome(text)
    if isinstance(event, CallMalformed):
        assert event.errors
    elif isinstance(event, CallsProposed):
        assert event.calls and not parsed.errors
    else:
        assert isinstance(event, Reply) and CALL_START not in text and CALL_END not in text


def test_deeply_nested_input_is_an_error_not_a_crash() -> None:
    p = parse_tool_calls(CALL_START + "[f(a=" + "[" * 5000 + "]" * 5000 + ")]" + CALL_END)
    assert p.calls or p.errors
