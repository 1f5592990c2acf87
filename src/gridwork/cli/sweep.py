"""`gridwork sweep`: escalate overdue cases, flag overdue visits, apply retention, remove
unused photos."""

from __future__ import annotations

from pathlib import Path

import click

from gridwork.cli.context import CliContext
from gridwork.services.sweep import sweep
from gridwork.store.engine import begin_write


@click.command("sweep")
@click.pass_obj
def command(ctx: CliContext) -> None:
    """Escalate overdue cases, flag overdue visits, anonymise expired personal data, remove
    photos no case refers to (run it from cron every few minutes)."""
    with begin_write(ctx.engine) as conn:
        report = sweep(
            conn,
            retention_days=ctx.settings.retention_days,
            media_dir=Path(ctx.settings.media_dir),
        )
    cases = report.cases
    click.echo(
        f"{cases.overdue} overdue: {cases.escalated} escalated, "
        f"{cases.at_top} already at city level"
    )
    click.echo(f"{report.visits_flagged} visits newly overdue")
    click.echo(
        f"retention ({ctx.settings.retention_days} days): {report.retention.cases} cases, "
        f"{report.retention.residents} residents and {report.retention.mediations} mediations "
        f"anonymised, {report.retention.notifications} old notifications deleted"
    )
    click.echo(f"{report.photos_removed} unused photos removed")
