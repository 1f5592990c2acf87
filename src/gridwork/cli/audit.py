"""`gridwork audit verify`: walk the hash chain of personal-data reads."""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select
from tqdm import tqdm

from gridwork.cli.context import CliContext
from gridwork.services.audit import verify_chain
from gridwork.store.people_tables import audit_log


@click.group("audit")
def command() -> None:
    """The audit log of personal-data reads."""


@command.command("verify")
@click.option(
    "--progress/--no-progress", default=None, help="progress bar (default: on a terminal)"
)
@click.pass_obj
def verify_cmd(ctx: CliContext, progress: bool | None) -> None:
    """Check every entry; exit 0 if the chain is intact, else 1 naming the first bad entry."""
    show = sys.stderr.isatty() if progress is None else progress
    with ctx.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
        with tqdm(
            total=total, unit=" entries", unit_scale=True, disable=not show, file=sys.stderr
        ) as bar:
            report = verify_chain(
                conn, key=ctx.settings.secret_key, progress=lambda k: bar.update(k) and None
            )
    if report.intact:
        click.echo(f"audit chain intact: {report.checked} entries verified")
        return
    click.echo(f"audit chain BROKEN at entry {report.first_bad}: {report.problem}", err=True)
    click.echo(f"{report.checked} entries before it verified", err=True)
    sys.exit(1)
