"""`gridwork areas import DIR`: load the national division layout."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from gridwork.cli.context import CliContext
from gridwork.services.area_import import count_rows, import_areas


def _advance(bar: tqdm[Any]) -> Callable[[int], None]:
    def advance(n: int) -> None:
        bar.update(n)

    return advance


@click.group("areas")
def command() -> None:
    """The division hierarchy."""


@command.command("import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--progress/--no-progress", default=None, help="show a progress bar (default: on a terminal)"
)
@click.pass_obj
def import_cmd(ctx: CliContext, directory: Path, progress: bool | None) -> None:
    """Import provinces.csv, cities.csv, areas.csv, streets.csv and villages.csv from DIRECTORY.

    Idempotent; all or nothing. A bad row is reported as FILE:LINE and nothing is written.
    """
    if not directory.is_dir():
        raise click.ClickException(f"{directory}: no such directory")
    show = sys.stderr.isatty() if progress is None else progress
    started = time.perf_counter()
    with (
        tqdm(
            total=count_rows(directory) or None,
            unit=" rows",
            unit_scale=True,
            desc="reading",
            disable=not show,
            file=sys.stderr,
        ) as bar,
        ctx.engine.begin() as conn,
    ):
        report = import_areas(conn, directory, progress=_advance(bar))
        bar.set_description("writing")
    elapsed = time.perf_counter() - started
    rate = report.read / elapsed if elapsed else 0.0
    click.echo(
        f"read {report.read} rows in {elapsed:.1f} s ({rate:,.0f} rows/s): "
        f"{report.inserted} new, {report.renamed} renamed, {report.unchanged} unchanged"
    )
