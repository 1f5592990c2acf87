"""`gridwork geo import FILE.geojson` and `gridwork geo export CODE`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from gridwork.cli.context import CliContext
from gridwork.domain.areas import is_valid_code
from gridwork.services.geometry import export_geometry, import_geometry
from gridwork.store.engine import begin_write


@click.group("geo")
def command() -> None:
    """Boundaries and buildings (GeoJSON, WGS-84)."""


@command.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def import_cmd(ctx: CliContext, file: Path) -> None:
    """Import boundaries (level community, grid, …) and buildings; all or nothing."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"{file}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text") from None
    with begin_write(ctx.engine) as conn:
        report = import_geometry(conn, text, file.name)
    click.echo(
        f"{report.boundaries} boundaries ({report.grids_created} new grids), "
        f"{report.buildings_added} buildings added, {report.buildings_updated} updated"
    )


@command.command("export")
@click.argument("code")
@click.pass_obj
def export_cmd(ctx: CliContext, code: str) -> None:
    """Write the unit's subtree as a GeoJSON FeatureCollection to stdout."""
    if not is_valid_code(code):
        raise click.ClickException(f"malformed area code {code!r}")
    with ctx.engine.connect() as conn:
        collection = export_geometry(conn, code)
    json.dump(collection, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
