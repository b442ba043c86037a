"""The tool registry: renders tool lists for prompts, validates calls, runs them with a timeout."""

from __future__ import annotations

import json
import keyword
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from assistant.toolcall import ToolCall, ToolSpec
from assistant.tools.asking import ACTIONS, REASONS, TOPICS
from assistant.tools.base import (
    ErrorCode,
    NeedsConfirmation,
    Tool,
    ToolFailure,
    ToolResult,
    unbound,
)


class Registry:
    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        self._validators: dict[str, Draft202012Validator] = {}
        for tool in tools:
            self.add(tool)

    def add(self, tool: Tool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"duplicate tool name: {tool.name}")
        if tool.fn is unbound:
            raise ValueError(f"{tool.name} is declared but not bound: build it with its "
                             "family's tools(ctx)")
        # Names must survive LFM2's Pythonic call syntax: identifiers, not keywords.
        for name in (tool.name, *tool.parameters.get("properties", {})):
            if not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"{tool.name}: {name!r} cannot be written as a Python call")
        Draft202012Validator.check_schema(tool.parameters)  # a broken schema is our bug: fail now
        props = tool.parameters.get("properties", {})
        for name in tool.grounded:
            if props.get(name, {}).get("type") != "string":
                raise ValueError(f"{tool.name}: grounded {name!r} is not a string argument")
        for name, prefer in tool.moments.items():
            if props.get(name, {}).get("type") != "string" or prefer not in ("future", "past"):
                raise ValueError(f"{tool.name}: moment {name!r} is not a string argument read "
                                 "as future or past")
        for name in tool.units:
            if props.get(name, {}).get("type") != "string":
                raise ValueError(f"{tool.name}: unit {name!r} is not a string argument")
        for name, unit in tool.count_units.items():
            if unit not in tool.units.get(name, {}).values():
                raise ValueError(f"{tool.name}: count unit {name!r} is not one of its units")
        if tool.strength is not None and (
                props.get(tool.strength.name, {}).get("type") != "string" or
                props.get(tool.strength.amount, {}).get("type") not in ("number", "integer") or
                not tool.units):
            raise ValueError(f"{tool.name}: strength {tool.strength.name!r}, "
                             f"{tool.strength.amount!r} is not a string and a number argument "
                             "of a tool with a unit")
        for name in tool.times_of_day:
            spec = props.get(name, {})
            if spec.get("type") != "array" or spec.get("items", {}).get("type") != "string":
                raise ValueError(f"{tool.name}: times of day {name!r} is not a list of strings")
        for name in tool.counted:
            if props.get(name, {}).get("type") != "integer":
                raise ValueError(f"{tool.name}: counted {name!r} is not an integer argument")
        for name in {*tool.places, *tool.there}:
            if props.get(name, {}).get("type") != "string":
                raise ValueError(f"{tool.name}: place {name!r} is not a string argument")
        for name in tool.amounts:
            if props.get(name, {}).get("type") not in ("number", "integer"):
                raise ValueError(f"{tool.name}: amount {name!r} is not a number argument")
        for name in tool.ids:
            if props.get(name, {}).get("type") != "integer":
                raise ValueError(f"{tool.name}: id {name!r} is not an integer argument")
        for name, seconds in tool.duration.items():
            if props.get(name, {}).get("type") != "integer" or seconds < 1:
                raise ValueError(f"{tool.name}: duration {name!r} is not an integer argument "
                                 "of a whole number of seconds")
        unknown = set(tool.held_back_by) - set(REASONS)
        if unknown:
            raise ValueError(f"{tool.name}: held back by reasons no words say: {sorted(unknown)}")
        if tool.action and tool.action not in {**ACTIONS, **TOPICS}:
            raise ValueError(f"{tool.name}: its action {tool.action!r} is not one people name")
        # A tool another turns into (its routine, its dose taken) takes what it is given: a
        # routine times of day; a dose a moment, from the times of day of the tool before.
        self._check_turns(tool, "routine", "routine", "times of day", lambda t: t.times_of_day)
        self._check_turns(tool, "taken", "dose taken", "moment", lambda t: t.moments)
        if tool.taken and not tool.times_of_day:
            raise ValueError(f"{tool.name}: it turns into {tool.taken} but takes no times of day")
        self._tools[tool.name] = tool
        schema = dict(tool.parameters)
        if tool.grounded:
            schema["required"] = [r for r in schema.get("required", ()) if r not in tool.grounded]
        self._validators[tool.name] = Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )

    def _check_turns(self, tool: Tool, field: str, label: str, needs: str,
                     has: Callable[[Tool], object]) -> None:
        """That `tool` does not turn into itself through `field`, and that it and any tool
        registered before that turns into it (either may come first) turns into one that
        `has` what it `needs`."""
        into = getattr(tool, field)
        if into == tool.name:
            raise ValueError(f"{tool.name}: its {label} is itself")
        turns = [(tool, self._tools.get(into))]
        turns += [(t, tool) for t in self._tools.values() if getattr(t, field) == tool.name]
        for source, target in turns:
            if target is not None and not has(target):
                raise ValueError(f"{source.name}: its {label} {target.name} takes no {needs}")

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return tuple(t.spec for t in self._tools.values())

    # --- prompts ------------------------------------------------------------------------------

    def render_lfm2(self) -> str:
        """The tool list as LFM2 expects it in the system turn."""
        body = json.dumps([s.to_lfm2() for s in self.specs], ensure_ascii=False)
        return f"<|tool_list_start|>{body}<|tool_list_end|>"

    def render_openai(self) -> list[dict[str, Any]]:
        return [s.to_openai() for s in self.specs]

    # --- validation and execution -------------------------------------------------------------

    def validate(self, call: ToolCall) -> ToolResult | None:
        """None when the call may run; otherwise a failed result saying what is wrong."""
        if call.name not in self._tools:
            known = ", ".join(sorted(self._tools))
            return ToolResult(call, False, error=ErrorCode.UNKNOWN_TOOL,
                              message=f"There is no tool called {call.name!r}. Known: {known}.")
        where = _non_finite(call.arguments)
        if where is not None:
            # NaN and infinity are numbers to JSON Schema, and NaN passes every bound: refuse
            # them here, or "convert NaN km" runs and answers "nan miles".
            return ToolResult(call, False, error=ErrorCode.INVALID_ARGUMENTS,
                              message=f"Invalid arguments for {call.name}: {where}: "
                                      "numbers must be finite")
        errors = sorted(self._validators[call.name].iter_errors(dict(call.arguments)),
                        key=lambda e: list(e.path))
        if errors:
            detail = "; ".join(_describe(e) for e in errors[:3])
            return ToolResult(call, False, error=ErrorCode.INVALID_ARGUMENTS,
                              message=f"Invalid arguments for {call.name}: {detail}")
        return None

    def run(self, call: ToolCall, *, confirmed: bool = False) -> ToolResult:
        """Validate and run one call. Never raises: every failure is a result with a code."""
        invalid = self.validate(call)
        if invalid is not None:
            return invalid
        tool = self._tools[call.name]
        kwargs = dict(call.arguments)
        if tool.accepts_confirmation:
            kwargs["confirmed"] = confirmed
        start = time.monotonic()
        outcome: dict[str, Any] = {}

        def target() -> None:
            try:
                outcome["value"] = tool.fn(**kwargs)
            except BaseException as exc:  # reported as a result, never re-raised into the loop
                outcome["error"] = exc

        # A fresh daemon thread per call: a hung tool is abandoned, not waited on, and cannot
        # starve a pool that later calls need.
        worker = threading.Thread(target=target, name=f"tool-{call.name}", daemon=True)
        worker.start()
        worker.join(tool.timeout_s)
        seconds = time.monotonic() - start
        if worker.is_alive():
            return ToolResult(call, False, error=ErrorCode.TIMEOUT, seconds=seconds,
                              message=f"{call.name} did not finish within {tool.timeout_s:g} s.")
        exc = outcome.get("error")
        if exc is None:
            return ToolResult(call, True, data=outcome.get("value"), seconds=seconds)
        if isinstance(exc, ToolFailure):
            return ToolResult(call, False, error=exc.code, message=exc.message, seconds=seconds)
        if isinstance(exc, NeedsConfirmation):
            return ToolResult(call, False, error=ErrorCode.NEEDS_CONFIRMATION, message=exc.prompt,
                              options=exc.options, argument=exc.argument, seconds=seconds)
        return ToolResult(call, False, error=ErrorCode.TOOL_ERROR, seconds=seconds,
                          message=f"{call.name} failed: {type(exc).__name__}: {exc}")


def _non_finite(arguments: Mapping[str, Any]) -> str | None:
    """The path of the first NaN or infinite number in `arguments`, or None. Iterative: model
    output can nest deeper than the recursion limit."""
    stack: list[tuple[str, Any]] = list(arguments.items())
    while stack:
        path, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return path
        if isinstance(value, Mapping):
            stack.extend((f"{path}/{k}", v) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            stack.extend((f"{path}/{i}", v) for i, v in enumerate(value))
    return None


def _describe(error: jsonschema.ValidationError) -> str:
    where = "/".join(str(p) for p in error.path)
    return f"{where}: {error.message}" if where else error.message
