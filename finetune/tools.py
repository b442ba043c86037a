"""The tool catalogue as the models see it: the registry's own specs, in the registry's order."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from assistant.engine import ToolSpec


class CatalogueUnavailable(RuntimeError):
    """The tool registry cannot be built here; the message says why."""


@cache
def catalogue() -> tuple[ToolSpec, ...]:
    """Specs of every tool in `assistant.tools.default_registry`, built against a throwaway
    in-memory store (specs do not depend on the data, and training must not touch user data)."""
    try:
        from assistant.tools import default_registry
        from assistant.tools.context import ToolContext
        from assistant.tools.store import Store
    except ImportError as exc:
        raise CatalogueUnavailable(
            f"assistant.tools.default_registry is not available ({exc}); the prompts need the "
            "tool specs") from None
    tmp = Path(tempfile.mkdtemp(prefix="finetune-tools-"))
    ctx = ToolContext(store=Store(":memory:"), data_dir=tmp)
    registry = default_registry(ctx)
    try:
        return tuple(registry.specs)
    finally:
        close = getattr(registry, "close", None)  # stops the timers' alarm thread
        if callable(close):
            close()


def tools_for(mode: str) -> tuple[ToolSpec, ...]:
    """The specs a prompt mode needs: none for "none" (so it works before the registry does)."""
    return () if mode == "none" else catalogue()
