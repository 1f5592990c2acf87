"""Group commit for small writes that arrive together (reports coming in): each runs in its
own savepoint inside one shared transaction, their counter changes are added up and written
once, the transaction commits once, and only then is each answered: an acknowledged report
is as durable as if it had committed alone, and a failing one takes nothing else with it."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection

from gridwork.services.rollups import HeldCounts, counted_savepoint

MAX_BATCH = 64  # units of work in one transaction, at most
IDLE_SECONDS = 2.0  # a writer thread with nothing to do for this long ends

Unit = tuple[Callable[[Connection], Any], "Future[Any]"]


class GroupCommitter:
    """Runs units of work on up to `threads` writer threads, in batches."""

    def __init__(
        self, transaction: Callable[[], AbstractContextManager[Connection]], *, threads: int
    ) -> None:
        self._transaction = transaction
        self._threads = threads
        self._running = 0
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[Unit] = queue.SimpleQueue()

    def submit(self, work: Callable[[Connection], Any]) -> Future[Any]:
        """Queue `work`; its future completes after the transaction it ran in committed."""
        future: Future[Any] = Future()
        self._queue.put((work, future))
        with self._lock:
            if self._running < self._threads:
                self._running += 1
                threading.Thread(target=self._serve, name="group-writer", daemon=True).start()
        return future

    def _serve(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():  # a unit queued from now on starts a thread
                        self._running -= 1
                        return
                continue
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._run(batch)

    def _run(self, batch: list[Unit]) -> None:
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            with self._transaction() as conn:
                counts = HeldCounts(conn)
                try:
                    for work, future in batch:
                        if not future.set_running_or_notify_cancel():
                            continue  # the caller went away before it started
                        try:
                            with counted_savepoint(conn):
                                outcomes.append((future, work(conn), None))
                        except Exception as error:  # this unit only: its savepoint is undone
                            outcomes.append((future, None, error))
                    counts.apply()
                finally:
                    counts.drop()
        except BaseException as error:  # BEGIN or COMMIT failed: nothing in the batch was kept
            for _, future in batch:
                if future.running():
                    future.set_exception(error)
            return
        for future, value, failure in outcomes:
            if failure is None:
                future.set_result(value)
            else:
                future.set_exception(failure)
