"""`gridwork notify send` delivers pending notifications now, `gridwork notify remind` queues
activity reminders and emergency alerts (a served process does both every
GRIDWORK_NOTIFY_INTERVAL seconds)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click

from gridwork.cli.context import CliContext
from gridwork.services.activities import remind_due
from gridwork.services.channels import channels_from
from gridwork.services.emergency_alerts import alert_residents_due
from gridwork.services.notifications import deliver_due
from gridwork.store.engine import begin_write


@click.group("notify")
def command() -> None:
    """Notifications to residents and workers."""


@command.command("send")
@click.option("--batch", default=500, show_default=True, help="Most to send in one run.")
@click.pass_obj
def send_cmd(ctx: CliContext, batch: int) -> None:
    """Deliver the notifications that are due (failures wait and are tried again)."""
    report = deliver_due(lambda: begin_write(ctx.engine), channels_from(ctx.settings), batch=batch)
    click.echo(
        f"{report.sent} sent, {report.retrying} failed and will be tried again, "
        f"{report.failed} given up"
    )


@command.command("remind")
@click.pass_obj
def remind_cmd(ctx: CliContext) -> None:
    """Queue reminders for activity sessions starting within 24 hours (once each) and the
    next batch of emergency alerts to residents."""
    with begin_write(ctx.engine) as conn:
        queued = remind_due(conn, zone=ZoneInfo(ctx.settings.timezone))
        alerted = alert_residents_due(conn)
    click.echo(f"{queued} reminders and {alerted} emergency alerts queued")
