"""What every command receives: settings and, lazily, an engine."""

from __future__ import annotations

from dataclasses import dataclass, field

import click
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


def warn_placeholder_key() -> None:
    """Say loudly that the public placeholder key is in use: anyone can compute the case
    secrets and forge what it protects, so such a server must never hold real data."""
    line = "!" * 78
    click.secho(
        f"{line}\n WARNING: running with the placeholder GRIDWORK_SECRET_KEY. Case follow-up "
        "codes can be\n computed from public references. Development only: set "
        f"GRIDWORK_SECRET_KEY for real data.\n{line}",
        err=True,
        fg="red",
        bold=True,
    )
