"""The web app's handle on the store: one transaction per request, committed before replying."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection, Engine

from gridwork.store.engine import begin_write
from gridwork.web.group_commit import GroupCommitter

T = TypeVar("T")


class Database:
    """Opens a transaction per unit of work; tests swap in one bound to a rolled-back connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Writing units of work run on a few dedicated threads (one on SQLite, which has a
        # single writer anyway): dozens of pool threads contending for the GIL while one of
        # them holds the write lock is what makes write latency balloon under load.
        writers = 1 if engine.dialect.name == "sqlite" else 4
        self._writers = ThreadPoolExecutor(max_workers=writers, thread_name_prefix="writer")
        # SQLite has one writer at a time; queueing writers here, in order, is fairer and
        # much faster than SQLite's sleep-and-retry busy handler under concurrent load.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None
        self._grouped = GroupCommitter(
            lambda: self.transaction(write=True),
            threads=1 if engine.dialect.name == "sqlite" else 2,
        )

    async def run_write(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in a writing transaction on a writer thread; await its result."""

        def unit() -> T:
            with self.transaction(write=True) as conn:
                return work(conn)

        return await asyncio.get_running_loop().run_in_executor(self._writers, unit)

    def write_now(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in a writing transaction of its own on the calling thread (a long job
        that commits in parts, already off the event loop) and commit it."""
        with self.transaction(write=True) as conn:
            return work(conn)

    async def run_grouped(self, work: Callable[[Connection], T]) -> T:
        """Like `run_write`, for small units of work that arrive many at once (reports):
        those queued together share one transaction and one commit, and each is answered
        only after that commit (one refused takes nothing else with it). `work` may run
        twice (see group_commit), so it must only touch the database."""
        result: T = await self._grouped.submit_async(work)
        return result

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """A connection in a transaction that commits on success and rolls back on error.

        `write=True` for units of work that change data (on SQLite they take the write
        lock at the start, so concurrent writers queue instead of failing).
        """
        if write and self._write_lock is not None:
            with self._write_lock, begin_write(self.engine) as conn:
                yield conn
        elif write:
            with begin_write(self.engine) as conn:
                yield conn
        else:
            with self.engine.begin() as conn:
                yield conn
