"""`gridwork stats verify [CODE]` and `gridwork stats rebuild`: the case counters."""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select
from tqdm import tqdm

from gridwork.cli.context import CliContext
from gridwork.services.rollups import rebuild_case_counts, verify_case_counts
from gridwork.store.engine import begin_write
from gridwork.store.tables import cases

SHOWN = 20


@click.group("stats")
def command() -> None:
    """The counters dashboards read."""


def _bar(ctx: CliContext, show: bool) -> tqdm:  # type: ignore[type-arg]
    with ctx.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(cases)).scalar_one()
    return tqdm(total=total, unit=" cases", unit_scale=True, disable=not show, file=sys.stderr)


@command.command("verify")
@click.argument("code", required=False)
@click.option(
    "--progress/--no-progress", default=None, help="progress bar (default: on a terminal)"
)
@click.pass_obj
def verify_cmd(ctx: CliContext, code: str | None, progress: bool | None) -> None:
    """Recompute the counters (under CODE) from the case events; exit 1 on any difference."""
    show = sys.stderr.isatty() if progress is None else progress
    with _bar(ctx, show) as bar, ctx.engine.connect() as conn:
        check = verify_case_counts(conn, code, progress=bar.update)
    if not check.differences:
        click.echo(f"counters match the events: {check.compared} (unit, day, category) rows")
        return
    for line in check.differences[:SHOWN]:
        click.echo(line, err=True)
    more = len(check.differences) - SHOWN
    if more > 0:
        click.echo(f"… and {more} more", err=True)
    click.echo(
        f"{len(check.differences)} differences; `gridwork stats rebuild` fixes them", err=True
    )
    sys.exit(1)


@command.command("rebuild")
@click.option(
    "--progress/--no-progress", default=None, help="progress bar (default: on a terminal)"
)
@click.pass_obj
def rebuild_cmd(ctx: CliContext, progress: bool | None) -> None:
    """Replace every counter with what the case events say."""
    show = sys.stderr.isatty() if progress is None else progress
    with _bar(ctx, show) as bar, begin_write(ctx.engine) as conn:
        rows = rebuild_case_counts(conn, progress=bar.update)
    click.echo(f"counters rebuilt: {rows} (unit, day, category) rows")
