"""Group commit for small writes that arrive together (reports coming in): each runs in its
shared transaction, their counter changes are added up and written once, the transaction
commits once, and only then is each answered: an acknowledged report is as durable as if it
had committed alone.

The batch first runs without savepoints; if one unit fails, the transaction is rolled back
and the batch runs again with a savepoint per unit, so the failing one takes nothing else
with it. A unit may therefore run twice: it must only touch the database (or do what is
harmless to repeat and undone by its caller on failure, as writing a report's photo).

Units of one kind can also run as one call (`Batched`): reports arriving together are
checked, routed and written with one statement per table instead of one per report."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager, suppress
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

from gridwork.services.rollups import counted_savepoint, held_counts

MAX_BATCH = 64  # units of work in one transaction, at most
IDLE_SECONDS = 2.0  # a writer thread with nothing to do for this long ends

# A unit's answer goes to a thread's Future, or to a coroutine's asyncio future (`submit_async`).
Unit = tuple[Callable[[Connection], Any], "Future[Any] | asyncio.Future[Any]"]
Item = TypeVar("Item")
T = TypeVar("T")


class Batched(Generic[Item, T]):
    """A unit of work that runs together with the others of its kind in a batch.

    `run_many(conn, items)` answers every item, in order, with its result or with the
    exception refusing it (returned, not raised, and having written nothing for it); an
    exception it raises fails the call, and each unit then runs alone in its savepoint.
    """

    __slots__ = ("item", "run_many")

    def __init__(
        self, run_many: Callable[[Connection, list[Item]], list[T | Exception]], item: Item
    ) -> None:
        self.run_many = run_many
        self.item = item

    def __call__(self, conn: Connection) -> T:
        (outcome,) = self.run_many(conn, [self.item])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


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
        self._put((work, future))
        return future

    async def submit_async(self, work: Callable[[Connection], Any]) -> Any:
        """`submit` for a coroutine: a batch's answers reach each event loop in one call
        (a thread's Future wrapped for asyncio costs a wake-up and two callbacks per unit)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._put((work, future))
        return await future

    def _put(self, unit: Unit) -> None:
        self._queue.put(unit)
        with self._lock:
            if self._running < self._threads:
                self._running += 1
                threading.Thread(target=self._serve, name="group-writer", daemon=True).start()

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
        live = [(work, future) for work, future in batch if _still_wanted(future)]
        if not live:
            return  # every caller went away before their unit started
        try:
            self._answer(live, self._together(live, savepoints=False))
        except _UnitFailed as failed:
            if len(live) == 1:
                self._answer(live, [(None, failed.error)])
            else:  # the others must not pay for it: each again, in its own savepoint
                self._answer(live, self._together(live, savepoints=True))
        except BaseException as error:  # BEGIN or COMMIT failed: nothing in the batch was kept
            self._answer(live, [(None, error)] * len(live))

    def _together(
        self, live: list[Unit], *, savepoints: bool
    ) -> list[tuple[Any, BaseException | None]]:
        """Every unit in one transaction. Without savepoints (the fast way) a failing unit
        rolls the whole transaction back and raises _UnitFailed; with them, it takes only
        itself back."""
        outcomes: list[tuple[Any, BaseException | None]] = [(None, None)] * len(live)
        kinds: dict[Any, list[tuple[int, Batched[Any, Any]]]] = {}  # batched units, by kind
        with self._transaction() as conn, held_counts(conn):
            for place, (work, _) in enumerate(live):
                if not savepoints and isinstance(work, Batched):
                    kinds.setdefault(work.run_many, []).append((place, work))
                    continue
                if not savepoints:
                    try:
                        outcomes[place] = (work(conn), None)
                    except Exception as error:
                        raise _UnitFailed(error) from error
                    continue
                try:
                    with counted_savepoint(conn):
                        outcomes[place] = (work(conn), None)
                except Exception as error:  # this unit only: its savepoint is undone
                    outcomes[place] = (None, error)
            for run_many, units in kinds.items():
                try:
                    answers = run_many(conn, [unit.item for _, unit in units])
                except Exception as error:
                    raise _UnitFailed(error) from error
                for (place, _), answer in zip(units, answers, strict=True):
                    refused = isinstance(answer, Exception)
                    outcomes[place] = (None, answer) if refused else (answer, None)
        return outcomes

    @staticmethod
    def _answer(live: list[Unit], outcomes: list[tuple[Any, BaseException | None]]) -> None:
        loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any, Any]]] = {}
        for (_, future), (value, failure) in zip(live, outcomes, strict=True):
            if isinstance(future, asyncio.Future):
                loops.setdefault(future.get_loop(), []).append((future, value, failure))
            elif failure is None:
                future.set_result(value)
            else:
                future.set_exception(failure)
        for loop, answers in loops.items():
            with suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
                loop.call_soon_threadsafe(_settle, answers)


def _still_wanted(future: Future[Any] | asyncio.Future[Any]) -> bool:
    """Whether the caller still waits (a thread's Future is marked running from now on)."""
    if isinstance(future, asyncio.Future):
        return not future.done()  # a coroutine that went away cancelled it
    return future.set_running_or_notify_cancel()


def _settle(answers: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    """On the event loop: answer each coroutine still waiting."""
    for future, value, failure in answers:
        if future.done():
            continue
        if failure is None:
            future.set_result(value)
        else:
            future.set_exception(failure)


class _UnitFailed(Exception):
    """A unit of work failed while running with others (the batch is retried one by one)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error
