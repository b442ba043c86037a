"""The tool catalogue as the models see it: the registry's own specs, in the registry's order."""

from __future__ import annotations

from assistant.toolcall import ToolSpec


def catalogue() -> tuple[ToolSpec, ...]:
    """Specs of every tool, in the registry's order: the families' declarations
    (`assistant.tools.catalogue`), read without a context, a store or a thread."""
    from assistant.tools import catalogue as declared

    return declared()


def tools_for(mode: str) -> tuple[ToolSpec, ...]:
    """The specs a prompt mode needs: none for "none" (so it works before the registry does)."""
    return () if mode == "none" else catalogue()
