"""`gridwork visits rules|set-rule|refresh`: the door-to-door visit rules."""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from gridwork.cli.context import CliContext
from gridwork.services.clock import utcnow
from gridwork.services.visit_dues import all_rules, refresh_dues_in, set_rule
from gridwork.store.engine import begin_write


@click.group("visits")
def command() -> None:
    """Door-to-door visit rules."""


@command.command("rules")
@click.pass_obj
def rules_cmd(ctx: CliContext) -> None:
    """List the visit rules."""
    with ctx.engine.connect() as conn:
        for rule in all_rules(conn):
            state = "on " if rule["active"] else "off"
            click.echo(
                f"{state} {rule['code']:<18} every {rule['interval_days']:>3} days  "
                f"{rule['description']}"
            )


@command.command("set-rule")
@click.argument("code")
@click.option("--interval", type=int, help="days between visits")
@click.option("--on/--off", "active", default=None, help="switch the rule on or off")
@click.pass_obj
def set_rule_cmd(ctx: CliContext, code: str, interval: int | None, active: bool | None) -> None:
    """Change a rule; run `gridwork visits refresh` to re-plan residents already registered."""
    with begin_write(ctx.engine) as conn:
        rule = set_rule(conn, code, interval_days=interval, active=active)
    if rule is None:
        click.echo(f"{code} is off")
    else:
        click.echo(f"{code}: every {rule.interval_days} days")
    click.echo("run `gridwork visits refresh AREA` to re-plan residents already registered")


@command.command("refresh")
@click.argument("area")
@click.option(
    "--progress/--no-progress", default=None, help="progress bar (default: on a terminal)"
)
@click.pass_obj
def refresh_cmd(ctx: CliContext, area: str, progress: bool | None) -> None:
    """Re-apply the rules to every resident under AREA (after a rule change; yearly)."""
    show = sys.stderr.isatty() if progress is None else progress
    with (
        begin_write(ctx.engine) as conn,
        tqdm(unit=" residents", disable=not show, file=sys.stderr) as bar,
    ):
        n = refresh_dues_in(conn, area, utcnow(), progress=bar.update)
    click.echo(f"re-planned visits for {n} residents")
