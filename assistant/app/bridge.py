"""Events -> Qt signals. All model work (loading, turns, confirmations) runs on one long-lived
worker thread, so the window never blocks, turns never overlap, and a model is always used on the
thread that loaded it. The loop's events reach the GUI thread as queued signals (Qt queues a
signal emitted off the receiver's thread). Timer notifications may come from any thread.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, Signal

from assistant.app.runtime import Builder, LoadError, Runtime, build_runtime
from assistant.app.settings import Settings
from assistant.events import Event, Failed, LoopError, Stage


class Bridge(QObject):
    """The window's only way to the assistant. Every job gets a token; events carry it so the
    window can ignore a turn it has interrupted."""

    turn_event = Signal(int, object)  # (token, Event) from a turn or confirmation
    finished = Signal(int)  # the job with this token is over
    notification = Signal(object)  # a Notification from the scheduler
    load_progress = Signal(str)
    loaded = Signal(object)  # Runtime
    load_failed = Signal(str)

    def __init__(self, builder: Builder = build_runtime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._builder = builder
        # A plain thread rather than a QThreadPool: the pool retires idle threads, and torch/
        # OpenMP work is best kept on one thread for the model's lifetime.
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._work, name="assistant-model", daemon=True)
        self._worker.start()
        self._tokens = itertools.count(1)
        self._cancels: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        self.runtime: Runtime | None = None

    # --- called from any thread ---------------------------------------------------------------

    def notify(self, event: Event) -> None:
        """The ToolContext.notify callback: a signal emitted here is queued to the GUI thread."""
        self.notification.emit(event)

    # --- called from the GUI thread -----------------------------------------------------------

    def load(self, settings: Settings) -> int:
        token = next(self._tokens)

        def job() -> None:
            try:
                runtime = self._builder(settings, self.notify, self.load_progress.emit)
            except LoadError as exc:
                self.load_failed.emit(str(exc))
            except Exception as exc:  # anything else: still a message, never a crash
                traceback.print_exc()
                self.load_failed.emit(f"Loading failed: {type(exc).__name__}: {exc}")
            else:
                old, self.runtime = self.runtime, runtime
                if old is not None:
                    old.close()
                self.loaded.emit(runtime)
            self.finished.emit(token)

        self._jobs.put(job)
        return token

    @property
    def ready(self) -> bool:
        return self.runtime is not None

    def submit(self, user_input: object) -> int:
        """Run `assistant.turn(user_input)` on the worker; returns the job's token."""
        return self._run(lambda a, cancel: a.turn(user_input, cancel))

    def answer(self, text: str) -> int:
        """Answer a pending confirmation (a click on a candidate, yes or no)."""
        return self._run(lambda a, cancel: a.confirm(text, cancel))

    def cancel(self, token: int | None = None) -> None:
        """Barge-in: set the cancel event of one job, or of every running job."""
        with self._lock:
            targets = [self._cancels[token]] if token in self._cancels else (
                list(self._cancels.values()) if token is None else [])
        for cancel in targets:
            cancel.set()

    def pending(self) -> object | None:
        runtime = self.runtime
        return getattr(runtime.assistant, "pending", None) if runtime else None

    def shutdown(self, timeout_ms: int = 3000) -> None:
        self.cancel()
        while not self._jobs.empty():  # drop queued jobs; the running one sees its cancel
            with contextlib.suppress(queue.Empty):
                self._jobs.get_nowait()
        self._jobs.put(None)
        self._worker.join(timeout_ms / 1000)
        if self.runtime is not None:
            self.runtime.close()
            self.runtime = None

    # --- internals ----------------------------------------------------------------------------

    def _run(self, start: Callable[[Any, threading.Event], Iterator[Event]]) -> int:
        token = next(self._tokens)
        cancel = threading.Event()
        with self._lock:
            self._cancels[token] = cancel

        def job() -> None:
            try:
                runtime = self.runtime
                if runtime is None:
                    self.turn_event.emit(token, Failed(stage=Stage.APP, code=LoopError.NOT_READY, message=(
                        "The assistant is not loaded yet: wait for it, or fix the problem shown "
                        "and press Reload.")))
                    return
                if cancel.is_set():
                    return
                for event in start(runtime.assistant, cancel):
                    self.turn_event.emit(token, event)
            except Exception as exc:  # the loop reports its own failures; this is a bug guard
                traceback.print_exc()
                self.turn_event.emit(token, Failed(stage=Stage.APP, code=LoopError.INTERNAL_ERROR,
                                              message=f"{type(exc).__name__}: {exc}"))
            finally:
                with self._lock:
                    self._cancels.pop(token, None)
                self.finished.emit(token)

        self._jobs.put(job)
        return token

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()
