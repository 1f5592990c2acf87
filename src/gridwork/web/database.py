"""The web app's handle on the store: one transaction per request, committed before replying."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine


class Database:
    """Opens a transaction per unit of work; tests swap in one bound to a rolled-back connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in a transaction that commits on success and rolls back on error."""
        with self.engine.begin() as conn:
            yield conn
