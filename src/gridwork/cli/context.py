"""What every command receives: settings and, lazily, an engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from gridwork.config import Settings
from gridwork.store.engine import make_engine


@dataclass
class CliContext:
    """Settings plus an engine made on first use."""

    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """The engine for the configured database."""
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine
