"""Shared helpers for the tool tests: a context on a temp dir, a pinned clock, recorded HTTP."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from assistant.events import Event, Notification
from assistant.toolcall import ToolCall
from assistant.tools import Registry, Store, ToolContext, ToolRegistry, ToolResult, default_registry
from assistant.tools.weather import FORECAST_URL, GEOCODING_URL

PARIS = ZoneInfo("Europe/Paris")
PINNED = datetime(2025, 3, 4, 14, 30, tzinfo=PARIS)  # a Tuesday afternoon
FIXTURES = Path(__file__).parent / "fixtures" / "weather"


class Clock:
    """A settable clock for ctx.now."""

    def __init__(self, start: datetime = PINNED) -> None:
        self.t = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.t

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.t += timedelta(seconds=seconds)


def offline(url: str, params: dict[str, Any]) -> Any:
    raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


class Recorded:
    """Answers Open-Meteo requests from the recorded responses; keeps every request."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, url: str, params: dict[str, Any]) -> Any:
        self.requests.append((url, dict(params)))
        if url == GEOCODING_URL:
            name = str(params["name"]).lower()
            known = {"paris": "geocoding_paris.json", "springfield": "geocoding_springfield.json"}
            return fixture(known.get(name, "geocoding_none.json"))
        if url == FORECAST_URL:
            if params["timezone"] == "America/Chicago":
                return fixture("forecast_paris_texas.json")
            return fixture("forecast_paris.json")
        raise httpx.HTTPStatusError("404", request=httpx.Request("GET", url),
                                    response=httpx.Response(404))


class Notifications:
    """ctx.notify that queues what fired."""

    def __init__(self) -> None:
        self.queue: queue.Queue[Event] = queue.Queue()

    def __call__(self, event: Event) -> None:
        self.queue.put(event)

    def get(self, timeout: float) -> Notification:
        event = self.queue.get(timeout=timeout)
        assert isinstance(event, Notification)
        return event

    def drain(self) -> list[Event]:
        out = []
        while not self.queue.empty():
            out.append(self.queue.get_nowait())
        return out


def make_ctx(tmp_path: Path, now: Any = None, http_get: Any = offline, notify: Any = None) -> ToolContext:
    return ToolContext(store=Store(tmp_path / "assistant.sqlite3"), now=now or Clock(),
                       http_get=http_get, notify=notify or (lambda event: None), data_dir=tmp_path)


@contextmanager
def open_registry(ctx: ToolContext) -> Iterator[ToolRegistry]:
    registry = default_registry(ctx)
    try:
        yield registry
    finally:
        registry.close()


def call(registry: Registry, name: str, confirmed: bool = False, **arguments: Any) -> ToolResult:
    result = registry.run(ToolCall(name, arguments), confirmed=confirmed)
    if result.ok:  # every success must be JSON-able and carry a spoken summary
        json.dumps(result.data)
        assert isinstance(result.data.get("summary"), str) and result.data["summary"]
    return result
