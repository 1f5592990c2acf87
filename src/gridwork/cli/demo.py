"""`gridwork demo`: migrate and seed the Jinyuan demo world."""

from __future__ import annotations

import click

from gridwork.cli.context import CliContext, warn_placeholder_key
from gridwork.services.demo import DEMO_RESIDENTS, seed_demo
from gridwork.store.engine import begin_write
from gridwork.store.migrate import upgrade


@click.command("demo")
@click.option(
    "--residents",
    type=click.IntRange(1_000, 20_000_000),
    default=DEMO_RESIDENTS,
    show_default=True,
    help="How many synthetic residents the district gets (fewer: a quicker demo).",
)
@click.pass_obj
def command(ctx: CliContext, residents: int) -> None:
    """Build the demo world (Guanshanhu district, 金元社区 and its grids); safe to repeat."""
    if ctx.settings.env == "prod":
        raise click.ClickException("the demo refuses to run with GRIDWORK_ENV=prod")
    if ctx.settings.uses_placeholder_key:
        warn_placeholder_key()
    upgrade(ctx.settings.database_url)
    with begin_write(ctx.engine) as conn:
        report = seed_demo(conn, secret_key=ctx.settings.secret_key, residents=residents)
    click.echo(
        f"demo ready: {report.areas_inserted} areas, {report.grids_created} grids, "
        f"{report.buildings_created} buildings, {report.residents_created} residents, "
        f"{report.users_created} users, "
        f"{report.cases_created} cases added"
    )
    click.echo("log in as (username / password / role / area):")
    for username, password, role, area in report.credentials:
        click.echo(f"  {username:<10} {password:<15} {role:<16} {area}")
