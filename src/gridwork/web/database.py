"""The web app's handle on the store: one transaction per request, committed before replying."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from gridwork.store.engine import begin_write


class Database:
    """Opens a transaction per unit of work; tests swap in one bound to a rolled-back connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite has one writer at a time; queueing writers here, in order, is fairer and
        # much faster than SQLite's sleep-and-retry busy handler under concurrent load.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None

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
