"""`gridwork synth --residents N --seed S --area CODE`: a synthetic district."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import click
from tqdm import tqdm

from gridwork.cli.context import CliContext
from gridwork.geo.synth import PEOPLE_PER_HOUSEHOLD
from gridwork.services.synth import synthesize_city
from gridwork.store.engine import begin_write

GUIYANG = (106.63, 26.65)


def _advance(bar: tqdm[Any]) -> Callable[[int], None]:
    def advance(n: int) -> None:
        bar.update(n)

    return advance


def _centre(value: str | None) -> tuple[float, float]:
    if value is None:
        return GUIYANG
    try:
        lon, lat = (float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter("give the centre as LON,LAT, e.g. 106.63,26.65") from None
    if not (-180 <= lon <= 180 and -85 <= lat <= 85):
        raise click.BadParameter("the centre must be WGS-84 degrees")
    return lon, lat


@click.command("synth")
@click.option("--residents", type=click.IntRange(1), required=True, help="people to house")
@click.option("--seed", type=int, default=1, show_default=True, help="random seed")
@click.option("--area", "code", required=True, help="district or street code to fill")
@click.option("--centre", "centre", default=None, help="LON,LAT of the district's centre")
@click.option(
    "--people/--no-people", default=True, help="fill the buildings with households and residents"
)
@click.option(
    "--progress/--no-progress", default=None, help="progress bar (default: on a terminal)"
)
@click.pass_obj
def command(
    ctx: CliContext,
    residents: int,
    seed: int,
    code: str,
    centre: str | None,
    people: bool,
    progress: bool | None,
) -> None:
    """Generate boundaries, buildings, grids, households and residents under a real unit.

    Replaces whatever geometry, buildings and registry the unit had.
    """
    show = sys.stderr.isatty() if progress is None else progress
    started = time.perf_counter()
    total = round(residents / PEOPLE_PER_HOUSEHOLD) * (2 if people else 1)
    with (
        tqdm(
            total=total,
            unit=" households",
            unit_scale=True,
            disable=not show,
            file=sys.stderr,
            desc="generating",
        ) as bar,
        begin_write(ctx.engine) as conn,
    ):
        report = synthesize_city(
            conn, code, residents, seed, _centre(centre), progress=_advance(bar), people=people
        )
    elapsed = time.perf_counter() - started
    click.echo(
        f"{code}: {report.streets} streets, {report.communities} communities "
        f"({report.invented_communities} invented), {report.buildings} buildings, "
        f"{report.households} households, {report.grids} grids "
        f"({report.grids_flagged} flagged), {report.residents} residents "
        f"({report.flags} service flags, {report.visits_due} visits due) in {elapsed:.1f} s"
    )
