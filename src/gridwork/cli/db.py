"""`gridwork db upgrade`: apply the Alembic migrations."""

from __future__ import annotations

import click

from gridwork.cli.context import CliContext
from gridwork.store.migrate import upgrade


@click.group("db")
def command() -> None:
    """Database schema."""


@command.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="target revision")
@click.pass_obj
def upgrade_cmd(ctx: CliContext, revision: str) -> None:
    """Bring the database schema up to date."""
    upgrade(ctx.settings.database_url, revision)
    click.echo(f"database at {revision}")
