"""The default registry's catalogue and the registry's error paths (timeouts, exceptions)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from tools_helpers import call, make_ctx, open_registry

from assistant.toolcall import ToolCall
from assistant.tools import (
    ErrorCode,
    NeedsConfirmation,
    Registry,
    SideEffect,
    Tool,
    ToolFailure,
    default_registry,
    stop_background,
)

CATALOGUE = {
    "get_weather": ({"location"}, {"location", "day"}, SideEffect.READ),
    "set_timer": (set(), {"hours", "minutes", "seconds", "label"}, SideEffect.WRITE),
    "list_timers": (set(), set(), SideEffect.READ),
    "cancel_timer": (set(), {"label", "timer_id"}, SideEffect.DESTRUCTIVE),
    "set_reminder": ({"text", "when"}, {"text", "when"}, SideEffect.WRITE),
    "list_reminders": (set(), set(), SideEffect.READ),
    "add_note": ({"text"}, {"text"}, SideEffect.WRITE),
    "search_notes": ({"query"}, {"query"}, SideEffect.READ),
    "read_notes": (set(), {"limit"}, SideEffect.READ),
    "delete_note": ({"note_id"}, {"note_id"}, SideEffect.DESTRUCTIVE),
    "convert_units": ({"value", "from_unit", "to_unit"}, {"value", "from_unit", "to_unit"},
                      SideEffect.READ),
    "calculate": ({"expression"}, {"expression"}, SideEffect.READ),
    "log_dose": ({"drug", "amount", "unit"}, {"drug", "amount", "unit", "time"}, SideEffect.WRITE),
    "last_dose": ({"drug"}, {"drug"}, SideEffect.READ),
    "list_doses": (set(), {"day"}, SideEffect.READ),
    "add_medication_schedule": ({"drug", "amount", "unit", "times"},
                                {"drug", "amount", "unit", "times"}, SideEffect.WRITE),
    "get_time": (set(), {"location"}, SideEffect.READ),
}


def test_catalogue_names_arguments_and_side_effects(tmp_path):
    with open_registry(make_ctx(tmp_path)) as registry:
        assert {t.name for t in registry} == set(CATALOGUE)
        for tool in registry:
            required, allowed, effect = CATALOGUE[tool.name]
            schema = tool.parameters
            assert schema["type"] == "object"
            assert schema["additionalProperties"] is False, tool.name
            assert set(schema["required"]) == required, tool.name
            assert set(schema["properties"]) == allowed, tool.name
            for prop in schema["properties"].values():
                assert "type" in prop
            assert tool.side_effect == effect, tool.name
            assert len(tool.description) > 30, tool.name
        lfm2 = registry.render_lfm2()
        assert json.loads(lfm2.removeprefix("<|tool_list_start|>").removesuffix("<|tool_list_end|>"))
        assert len(registry.render_openai()) == len(CATALOGUE)


def test_untrusted_and_confirmation_flags(tmp_path):
    with open_registry(make_ctx(tmp_path)) as registry:
        untrusted = {t.name for t in registry if t.returns_untrusted_text}
        assert {"search_notes", "read_notes", "list_reminders"} <= untrusted
        confirming = {t.name for t in registry if t.accepts_confirmation}
        assert {"log_dose", "last_dose", "add_medication_schedule", "cancel_timer"} <= confirming


def test_strict_schemas_reject_extra_and_wrong_types(tmp_path):
    with open_registry(make_ctx(tmp_path)) as registry:
        assert call(registry, "set_timer", seconds=10, colour="red").error == ErrorCode.INVALID_ARGUMENTS
        assert call(registry, "set_timer", seconds="ten").error == ErrorCode.INVALID_ARGUMENTS
        assert call(registry, "set_timer", seconds=0).error == ErrorCode.INVALID_ARGUMENTS
        assert call(registry, "log_dose", drug="metformin", amount=-5,
                    unit="mg").error == ErrorCode.INVALID_ARGUMENTS
        assert call(registry, "read_notes", limit=500).error == ErrorCode.INVALID_ARGUMENTS
        assert call(registry, "add_medication_schedule", drug="metformin", amount=5, unit="mg",
                    times=[]).error == ErrorCode.INVALID_ARGUMENTS
        assert call(registry, "no_such_tool").error == ErrorCode.UNKNOWN_TOOL


def _tool(name: str, fn, timeout_s: float = 1.0) -> Tool:
    return Tool(name, f"test tool {name}", {"type": "object", "properties": {},
                                             "additionalProperties": False}, fn,
                timeout_s=timeout_s)


def test_timeout_exception_failure_and_confirmation_through_registry():
    release = threading.Event()

    def hang() -> dict:
        release.wait(10)
        return {"summary": "late"}

    def boom() -> dict:
        raise RuntimeError("disk on fire")

    def refuse() -> dict:
        raise ToolFailure(ErrorCode.REFUSED, "I can't give dosing advice.")

    def ask() -> dict:
        raise NeedsConfirmation("Which one?", argument="drug", options=["a", "b"])

    registry = Registry([_tool("hang", hang, timeout_s=0.2), _tool("boom", boom),
                         _tool("refuse", refuse), _tool("ask", ask)])
    try:
        slow = registry.run(ToolCall("hang", {}))
        assert not slow.ok and slow.error == ErrorCode.TIMEOUT
        assert 0.15 < slow.seconds < 2.0
    finally:
        release.set()  # let the abandoned worker end: no thread leaks out of the test
    crashed = registry.run(ToolCall("boom", {}))
    assert crashed.error == ErrorCode.TOOL_ERROR and "disk on fire" in crashed.message
    refused = registry.run(ToolCall("refuse", {}))
    assert refused.error == ErrorCode.REFUSED and refused.message == "I can't give dosing advice."
    asked = registry.run(ToolCall("ask", {}))
    assert asked.error == ErrorCode.NEEDS_CONFIRMATION
    assert asked.options == ("a", "b") and asked.argument == "drug"
    assert asked.for_model()["options"] == ["a", "b"]


def test_stop_background_leaves_no_thread(tmp_path):
    ctx = make_ctx(tmp_path)
    registry = default_registry(ctx)
    assert any(t.name == "assistant-alarms" for t in threading.enumerate())
    stop_background(ctx)
    assert not any(t.name == "assistant-alarms" for t in threading.enumerate())
    registry.close()  # idempotent


def test_the_scheduler_is_owned_by_its_context(tmp_path):
    from dataclasses import replace

    from assistant.tools.timers import scheduler_for

    one, two = make_ctx(tmp_path / "a"), make_ctx(tmp_path / "b")
    first = scheduler_for(one, start=False)
    assert scheduler_for(replace(one, notify=print), start=False) is first  # copies share it
    assert scheduler_for(two, start=False) is not first
    scheduler_for(one).start()
    scheduler_for(two).start()
    one.background.stop()
    assert not first.running and scheduler_for(two, start=False).running
    two.background.stop()


@pytest.mark.parametrize("family", ["weather", "nope"])
def test_family_lookup(tmp_path, family):
    from assistant.tools import family_tools

    ctx = make_ctx(tmp_path)
    if family == "nope":
        with pytest.raises(ValueError, match="unknown tool family"):
            family_tools(ctx, family)
    else:
        assert [t.name for t in family_tools(ctx, family)] == ["get_weather"]


def test_the_catalogue_is_read_from_declarations_without_a_context(tmp_path: Path) -> None:
    import threading

    from assistant.tools import ToolContext, catalogue, default_registry
    from assistant.tools.store import Store

    before = threading.active_count()
    specs = catalogue()
    assert threading.active_count() == before  # no scheduler, no store, no temp dir
    assert len(specs) == 17 and len({s.name for s in specs}) == 17
    with default_registry(ToolContext(store=Store(tmp_path / "a.sqlite3"),
                                      data_dir=tmp_path)) as registry:
        assert tuple(registry.specs) == specs  # the same specs, in the same order


def test_a_declared_tool_needs_its_function() -> None:
    from assistant.tools import Registry, bind
    from assistant.tools.weather import TOOLS

    with pytest.raises(ValueError, match="declared but not bound"):
        Registry(list(TOOLS))
    with pytest.raises(ValueError, match="bind"):
        bind(TOOLS, not_a_tool=lambda: None)
    with pytest.raises(RuntimeError, match="not bound"):
        TOOLS[0].fn(location="Paris")
