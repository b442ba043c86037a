"""The registry: rendering, schema validation, timeouts, exceptions, stable error codes."""

from __future__ import annotations

import json
import time

import pytest
from toys import OBJ, Ledger, toy_registry

from assistant.toolcall import ToolCall
from assistant.tools.base import ErrorCode, Tool
from assistant.tools.registry import Registry


def test_renders_lfm2_and_openai_lists() -> None:
    reg = toy_registry()
    lfm2 = reg.render_lfm2()
    assert lfm2.startswith("<|tool_list_start|>") and lfm2.endswith("<|tool_list_end|>")
    body = lfm2.removeprefix("<|tool_list_start|>").removesuffix("<|tool_list_end|>")
    names = [t["name"] for t in json.loads(body)]
    assert names == [t.name for t in reg]
    assert reg.render_openai()[0] == {"type": "function", "function": reg.specs[0].to_lfm2()}


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (ToolCall("nope", {}), ErrorCode.UNKNOWN_TOOL),
        (ToolCall("add_note", {}), ErrorCode.INVALID_ARGUMENTS),
        (ToolCall("add_note", {"text": ""}), ErrorCode.INVALID_ARGUMENTS),
        (ToolCall("add_note", {"text": "x", "extra": 1}), ErrorCode.INVALID_ARGUMENTS),
        (ToolCall("delete_note", {"note_id": "three"}), ErrorCode.INVALID_ARGUMENTS),
        (ToolCall("boom", {}), ErrorCode.TOOL_ERROR),
        (ToolCall("log_dose", {"drug": "hydro", "amount": 5, "unit": "mg"}), ErrorCode.NEEDS_CONFIRMATION),
    ],
)
def test_failures_have_stable_codes(call: ToolCall, code: ErrorCode) -> None:
    result = toy_registry().run(call)
    assert not result.ok and result.error is code and result.message


def test_invalid_arguments_never_reach_the_function() -> None:
    ledger = Ledger()
    toy_registry(ledger).run(ToolCall("add_note", {"text": 3}))
    assert ledger.done == []


def test_timeout_returns_promptly() -> None:
    start = time.monotonic()
    result = toy_registry().run(ToolCall("hang", {}))
    assert result.error is ErrorCode.TIMEOUT
    assert time.monotonic() - start < 2


def test_confirmation_options_are_returned() -> None:
    result = toy_registry().run(ToolCall("log_dose", {"drug": "hydr", "amount": 5, "unit": "mg"}))
    assert result.options == ("hydroxyzine", "hydralazine") and result.argument == "drug"
    assert result.for_model()["options"] == ["hydroxyzine", "hydralazine"]


def test_rejects_broken_schemas_and_python_keywords() -> None:
    with pytest.raises(Exception, match=r"schema|type"):
        Registry([Tool("t", "", {"type": "no-such-type"}, lambda: None)])
    with pytest.raises(ValueError, match="Python call"):
        Registry([Tool("t", "", {**OBJ, "properties": {"from": {"type": "string"}}}, lambda: None)])
    with pytest.raises(ValueError, match="duplicate"):
        Registry([Tool("t", "", OBJ, lambda: None), Tool("t", "", OBJ, lambda: None)])
