"""Alembic environment: the URL comes from the config if set, else from Settings."""

from __future__ import annotations

from alembic import context

from gridwork.config import Settings
from gridwork.store import (  # noqa: F401  (they register their tables)
    activity_tables,
    canteen_tables,
    community_tables,
    emergency_tables,
    mediation_tables,
    notification_tables,
    people_tables,
    supply_tables,
    team_tables,
)
from gridwork.store.engine import make_engine
from gridwork.store.tables import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url") or Settings().database_url


def run_migrations_online() -> None:
    """Run migrations on a live connection (SQLite needs batch mode for ALTERs)."""
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
