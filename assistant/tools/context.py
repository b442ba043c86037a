"""What tools share: storage, the clock, the network, and a way to announce fired timers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from assistant.events import Event
from assistant.tools.store import Store, default_data_dir

HttpGet = Callable[[str, dict[str, Any]], Any]  # (url, params) -> parsed JSON


def local_now() -> datetime:
    return datetime.now().astimezone()


def _default_http_get(url: str, params: dict[str, Any]) -> Any:
    import httpx  # imported here: only the weather tools need the network

    response = httpx.get(url, params=params, timeout=8.0)
    response.raise_for_status()
    return response.json()


class Stoppable(Protocol):
    def stop(self) -> None: ...


S = TypeVar("S", bound=Stoppable)


class Background:
    """The long-lived helpers a tool context owns (the alarm scheduler): made on first use,
    stopped together by the context's owner (`ToolRegistry.close`, `stop_background`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, Stoppable] = {}

    def get(self, key: str, make: Callable[[], S]) -> S:
        with self._lock:
            if key not in self._items:
                self._items[key] = make()
            return self._items[key]  # type: ignore[return-value]

    def stop(self) -> None:
        with self._lock:
            items, self._items = list(self._items.values()), {}
        for item in items:
            item.stop()


@dataclass(frozen=True)
class ToolContext:
    store: Store
    now: Callable[[], datetime] = local_now  # timezone-aware local time; tests pin it
    http_get: HttpGet = _default_http_get
    notify: Callable[[Event], None] = lambda event: None  # timers and reminders firing
    data_dir: Path = field(default_factory=default_data_dir)
    home: str = ""  # the user's city, for weather asked without a place ("" = ask which)
    # Owned here, so whoever made the context stops them (copies made with `replace` share it).
    background: Background = field(default_factory=Background, compare=False, repr=False)

    @staticmethod
    def default(data_dir: Path | None = None, notify: Callable[[Event], None] | None = None,
                home: str = "") -> ToolContext:
        root = data_dir or default_data_dir()
        return ToolContext(
            store=Store(root / "assistant.sqlite3"),
            data_dir=root,
            notify=notify or (lambda event: None),
            home=home,
        )
