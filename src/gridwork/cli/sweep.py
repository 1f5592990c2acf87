"""`gridwork sweep`: escalate every overdue case one level."""

from __future__ import annotations

import click

from gridwork.cli.context import CliContext
from gridwork.services.sweep import escalate_overdue
from gridwork.store.engine import begin_write


@click.command("sweep")
@click.pass_obj
def command(ctx: CliContext) -> None:
    """Escalate overdue cases (run it from cron every few minutes)."""
    with begin_write(ctx.engine) as conn:
        report = escalate_overdue(conn)
    click.echo(
        f"{report.overdue} overdue: {report.escalated} escalated, "
        f"{report.at_top} already at city level"
    )
