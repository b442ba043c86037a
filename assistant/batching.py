"""Dynamic batching: many threads each run an ordinary turn, and the model work they ask for is
gathered into batches (the pattern of inference servers).

On a CPU a small model's decoding is bound by reading its weights, once per step whatever the
batch size, so eight requests decoded together cost little more than one. evalkit runs several
turn loops in threads, each with its own tools, over one `BatchedEngine`: every `respond` call
becomes one row of an `engine.respond_batch` call. The turns themselves are unchanged; only the
latencies are not an interactive user's (a row waits for its batch), so evalkit measures latency
on turns run one at a time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

from assistant.audio import Audio
from assistant.engine import Cancelled, Engine, Request
from assistant.events import Event


class MicroBatcher[In, Out]:
    """`submit(x)` from any thread blocks until `fn([..., x, ...])` has computed x's result.

    A batch goes as soon as it is full, or every registered client is waiting in it (nobody
    else can join), or `max_wait` has passed since its first row (unregistered callers)."""

    def __init__(self, fn: Callable[[list[In]], list[Out]], max_batch: int = 8,
                 max_wait: float = 0.05) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be >= 1, got {max_batch}")
        self.fn, self.max_batch, self.max_wait = fn, max_batch, max_wait
        self.sizes: list[int] = []  # every batch's size, for throughput reports and tests
        self._pending: list[tuple[In, Future[Out]]] = []
        self._clients = 0
        self._cond = threading.Condition()
        self._closed = False
        self._worker = threading.Thread(target=self._serve, name="micro-batcher", daemon=True)
        self._worker.start()

    @contextmanager
    def client(self) -> Iterator[None]:
        """Register the calling thread as one of the clients a batch may wait for."""
        with self._cond:
            self._clients += 1
        try:
            yield
        finally:
            with self._cond:
                self._clients -= 1
                self._cond.notify_all()

    def submit(self, x: In) -> Out:
        future: Future[Out] = Future()
        with self._cond:
            if self._closed:
                raise RuntimeError("the batcher is closed")
            self._pending.append((x, future))
            self._cond.notify_all()
        return future.result()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._worker.join(timeout=5)

    def _ready(self, first_seen: float) -> bool:
        n = len(self._pending)
        return (n >= self.max_batch or (self._clients > 0 and n >= self._clients)
                or time.monotonic() - first_seen >= self.max_wait)

    def _serve(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                if self._closed and not self._pending:
                    return
                first_seen = time.monotonic()
                while not self._ready(first_seen) and not self._closed:
                    self._cond.wait(timeout=self.max_wait / 4)
                batch, self._pending = (self._pending[: self.max_batch],
                                        self._pending[self.max_batch :])
            self.sizes.append(len(batch))
            try:
                results = self.fn([x for x, _ in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"batch function returned {len(results)} results for "
                                       f"{len(batch)} inputs")
            except BaseException as exc:  # every waiting row gets the error, the server lives
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)


@runtime_checkable
class BatchCapable(Engine, Protocol):
    """An engine that can answer many independent requests in one pass."""

    def respond_batch(self, requests: Sequence[Request]) -> list[list[Event]]: ...


class BatchedEngine:
    """An `Engine` whose `respond` calls, made from several threads, run as `respond_batch`."""

    def __init__(self, engine: Engine, max_batch: int = 8) -> None:
        if not isinstance(engine, BatchCapable):
            raise TypeError(f"{type(engine).__name__} has no respond_batch")
        self.engine = engine
        self.name = engine.name
        self.native_audio = engine.native_audio
        self.batcher: MicroBatcher[Request, list[Event]] = MicroBatcher(
            engine.respond_batch, max_batch)
        transcribe_batch = getattr(engine, "transcribe_batch", None)
        self.asr_batcher: MicroBatcher[Audio, str] | None = (
            MicroBatcher(transcribe_batch, max_batch) if callable(transcribe_batch) else None)

    @contextmanager
    def client(self) -> Iterator[None]:
        """Each worker thread runs its turns inside this."""
        if self.asr_batcher is None:
            with self.batcher.client():
                yield
            return
        with self.batcher.client(), self.asr_batcher.client():
            yield

    def respond(self, request: Request, cancel: threading.Event) -> Iterator[Event]:
        if cancel.is_set():
            raise Cancelled()
        yield from self.batcher.submit(request)

    def transcribe(self, audio: Audio) -> str:
        if self.asr_batcher is None:
            return str(self.engine.transcribe(audio))
        return self.asr_batcher.submit(audio)

    def close(self) -> None:
        self.batcher.close()
        if self.asr_batcher is not None:
            self.asr_batcher.close()


__all__ = ["BatchCapable", "BatchedEngine", "MicroBatcher"]
