"""The `gridwork` command: every subcommand parses, calls one service, prints."""

from __future__ import annotations

import sys

import click
from pydantic import ValidationError

from gridwork.cli import (
    apikeys,
    areas,
    audit,
    db,
    demo,
    geo,
    grids,
    notify,
    registry,
    serve,
    stats,
    sweep,
    synth,
    users,
    visits,
)
from gridwork.cli.context import CliContext
from gridwork.config import Settings
from gridwork.domain.errors import GridworkError


@click.group()
@click.version_option(package_name="gridwork")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """gridwork: community grid governance."""
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise click.ClickException(f"bad setting: {first['msg']}") from None
    ctx.obj = CliContext(settings)


for module in (
    db,
    areas,
    geo,
    grids,
    synth,
    users,
    apikeys,
    registry,
    visits,
    audit,
    stats,
    sweep,
    notify,
    demo,
    serve,
):
    cli.add_command(module.command)


def main() -> None:
    """Entry point: domain errors become one line on stderr and exit code 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GridworkError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted; nothing was saved by the interrupted command", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug or an outage: one line, never a stack trace
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        click.echo(f"error: unexpected {type(exc).__name__}: {first}", err=True)
        click.echo("nothing was saved; please report this with the command you ran", err=True)
        sys.exit(2)
