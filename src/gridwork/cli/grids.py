"""`gridwork grids delineate CODE --min N --max M [--commit]`."""

from __future__ import annotations

import click

from gridwork.cli.context import CliContext
from gridwork.services.delineation import delineate_community
from gridwork.store.engine import begin_write


@click.group("grids")
def command() -> None:
    """Grids within communities."""


@command.command("delineate")
@click.argument("code")
@click.option("--min", "low", default=300, show_default=True, help="fewest households per grid")
@click.option("--max", "high", default=500, show_default=True, help="most households per grid")
@click.option("--commit", is_flag=True, help="save the grids (otherwise only report)")
@click.pass_obj
def delineate_cmd(ctx: CliContext, code: str, low: int, high: int, commit: bool) -> None:
    """Draw the community's grids from its buildings and print the report."""
    with begin_write(ctx.engine) as conn:
        result = delineate_community(conn, code, low, high, commit=commit)
    s = result.summary
    click.echo(f"community {code}: {s.get('grids', 0)} grids of {low}–{high} households")
    if s.get("grids"):
        click.echo(
            f"  households per grid: min {s['households_min']},"
            f" median {s['households_median']:.0f}, max {s['households_max']},"
            f" coefficient of variation {s['households_cv']:.3f}"
        )
        click.echo(
            f"  compactness (Polsby–Popper, mean): {s['compactness_mean']:.2f};"
            f" contiguous: {s['contiguous']}/{s['grids']}; flagged: {s['flagged']}"
        )
    for grid in result.grids:
        flag = f"  [{grid['flag']}]" if grid["flag"] else ""
        click.echo(
            f"  {grid['code']}  {grid['households']:>5} households"
            f"  {grid['buildings']:>4} buildings{flag}"
        )
    if result.committed:
        click.echo(
            f"saved; {result.cases_rehomed} open cases and "
            f"{result.households_rehomed} households re-homed"
            + (
                f"; retired grids: {', '.join(result.grids_retired)}"
                if result.grids_retired
                else ""
            )
        )
    else:
        click.echo("nothing saved (add --commit to save)")
