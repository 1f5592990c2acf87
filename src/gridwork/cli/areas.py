"""`gridwork areas import DIR`: load the national division layout."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from gridwork.cli.context import CliContext
from gridwork.services.area_import import count_rows, import_areas
from gridwork.store.engine import begin_write


class _Bar:
    """A tqdm bar per import phase, showing rows per second."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled
        self.bar: tqdm[Any] | None = None
        self.phase("reading", total or None)

    def phase(self, name: str, total: int | None) -> None:
        self.close()
        self.bar = tqdm(
            total=total,
            unit=" rows",
            unit_scale=True,
            desc=name,
            disable=not self.enabled,
            file=sys.stderr,
            bar_format=None if total else "{desc}… {elapsed}",
        )

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@click.group("areas")
def command() -> None:
    """The division hierarchy."""


@command.command("import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--progress/--no-progress", default=None, help="progress bar (default: on a terminal)"
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
    bar = _Bar(show, count_rows(directory))
    try:
        with begin_write(ctx.engine) as conn:
            report = import_areas(conn, directory, progress=bar)
    finally:
        bar.close()
    elapsed = time.perf_counter() - started
    rate = report.read / elapsed if elapsed else 0.0
    click.echo(
        f"read {report.read} rows in {elapsed:.1f} s ({rate:,.0f} rows/s): "
        f"{report.inserted} new, {report.renamed} renamed, {report.unchanged} unchanged"
    )
