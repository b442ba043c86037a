"""The tool layer: tools as data, the registry, storage, and the built-in tool families.

Each family module declares its tools as data (`TOOLS`) and binds their functions to a context
in `tools(ctx)`. `catalogue()` is what a model is told of every tool: it reads the declarations
only, so it needs no context and starts nothing. `default_registry(ctx)` builds every family.
The timers family runs a scheduler thread that the context owns (`ctx.background`);
`stop_background(ctx)` (or `close()` on the registry `default_registry` returns) stops it.
Family modules are imported inside these functions, so `import assistant.tools` stays light.
"""

from __future__ import annotations

from types import TracebackType

from assistant.toolcall import ToolSpec
from assistant.tools.base import (
    ErrorCode,
    NeedsConfirmation,
    SideEffect,
    Tool,
    ToolFailure,
    ToolResult,
    bind,
)
from assistant.tools.context import ToolContext
from assistant.tools.registry import Registry
from assistant.tools.store import Store, default_data_dir

FAMILIES = ("weather", "timers", "notes", "units", "medication", "clock")

__all__ = [
    "FAMILIES",
    "ErrorCode",
    "NeedsConfirmation",
    "Registry",
    "SideEffect",
    "Store",
    "Tool",
    "ToolContext",
    "ToolFailure",
    "ToolRegistry",
    "ToolResult",
    "bind",
    "catalogue",
    "default_data_dir",
    "default_registry",
    "stop_background",
]


class ToolRegistry(Registry):
    """A Registry that owns background work (the alarm scheduler): close it when done."""

    def __init__(self, ctx: ToolContext) -> None:
        super().__init__()
        self.ctx = ctx

    def close(self) -> None:
        stop_background(self.ctx)

    def __enter__(self) -> ToolRegistry:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def catalogue(families: tuple[str, ...] = FAMILIES) -> tuple[ToolSpec, ...]:
    """What the models are told of every tool, in the registry's order, from the families'
    declarations: no context, no store, no thread."""
    from importlib import import_module

    declared: list[Tool] = []
    for family in families:
        if family not in FAMILIES:
            raise ValueError(f"unknown tool family {family!r}; known: {', '.join(FAMILIES)}")
        declared += import_module(f"assistant.tools.{family}").TOOLS
    return tuple(t.spec for t in declared)


def family_tools(ctx: ToolContext, family: str) -> list[Tool]:
    """One family's tools, by name (see FAMILIES)."""
    from importlib import import_module

    if family not in FAMILIES:
        raise ValueError(f"unknown tool family {family!r}; known: {', '.join(FAMILIES)}")
    module = import_module(f"assistant.tools.{family}")
    tools: list[Tool] = module.tools(ctx)
    return tools


def default_registry(ctx: ToolContext, families: tuple[str, ...] = FAMILIES) -> ToolRegistry:
    """Every built-in tool, sharing `ctx`. Starts the alarm scheduler (pending reminders reload
    and overdue ones fire). Call `.close()` (or use `with`) to stop it."""
    registry = ToolRegistry(ctx)
    for family in families:
        for tool in family_tools(ctx, family):
            registry.add(tool)
    return registry


def stop_background(ctx: ToolContext) -> None:
    """Stop the threads the tool families started for `ctx` (the alarm scheduler)."""
    ctx.background.stop()
