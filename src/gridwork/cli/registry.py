"""`gridwork registry import FILE --as USERNAME [--dry-run]`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import Connection

from gridwork.cli.context import CliContext
from gridwork.domain.errors import ImportFailed
from gridwork.services.registry_import import ChunkOutcome, import_registry
from gridwork.services.users import actor_for_username
from gridwork.store.engine import begin_write


@click.group("registry")
def command() -> None:
    """Households and residents."""


@command.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True, help="the staff account doing the import")
@click.option("--dry-run", is_flag=True, help="check every line, write nothing")
@click.pass_obj
def import_cmd(ctx: CliContext, file: Path, username: str, dry_run: bool) -> None:
    """Import households and residents from a CSV FILE (one row per resident).

    Columns: household, grid_code, address, building_code, name, phone, birth_year, sex,
    lives_alone, disability, low_income, needs_assistance, need. Every line is checked first:
    any bad line is reported as FILE:LINE and nothing is written. Then the file is written a
    few hundred lines at a time, each in a short transaction; households and residents
    already in the registry are skipped, so running a file again completes it.
    """
    if not file.is_file():
        raise click.ClickException(f"{file}: no such file")
    with ctx.engine.connect() as conn:
        actor = actor_for_username(conn, username)
    if actor is None:
        raise click.ClickException(f"no active user {username!r}")

    def write(work: Callable[[Connection], ChunkOutcome]) -> ChunkOutcome:
        with begin_write(ctx.engine) as conn:
            return work(conn)

    try:
        report = import_registry(write, actor, file.read_bytes(), str(file), dry_run=dry_run)
    except ImportFailed as exc:
        for line in exc.details.get("errors", [exc.message]):
            click.echo(line, err=True)
        click.echo("nothing was written", err=True)
        sys.exit(1)
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {report.households} households and {report.residents} residents"
        + (f"; {report.skipped} already in the registry" if report.skipped else "")
    )
    if report.errors:
        for line in report.errors:
            click.echo(line, err=True)
        click.echo(
            f"{len(report.failed_lines)} lines were not written (fix them and run again)",
            err=True,
        )
        sys.exit(1)
