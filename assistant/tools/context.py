"""What tools share: storage, the clock, the network, and a way to announce fired timers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.events import Event
from assistant.tools.store import Store, default_data_dir

HttpGet = Callable[[str, dict[str, Any]], Any]  # (url, params) -> parsed JSON


def _now() -> datetime:
    return datetime.now().astimezone()


def _default_http_get(url: str, params: dict[str, Any]) -> Any:
    import httpx  # imported here: only the weather tools need the network

    response = httpx.get(url, params=params, timeout=8.0)
    response.raise_for_status()
    return response.json()


@dataclass(frozen=True)
class ToolContext:
    store: Store
    now: Callable[[], datetime] = _now  # timezone-aware local time; tests pin it
    http_get: HttpGet = _default_http_get
    notify: Callable[[Event], None] = lambda event: None  # timers and reminders firing
    data_dir: Path = field(default_factory=default_data_dir)

    @staticmethod
    def default(data_dir: Path | None = None, notify: Callable[[Event], None] | None = None) -> ToolContext:
        root = data_dir or default_data_dir()
        return ToolContext(
            store=Store(root / "assistant.sqlite3"),
            data_dir=root,
            notify=notify or (lambda event: None),
        )
