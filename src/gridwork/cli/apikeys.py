"""`gridwork apikeys create NAME --area CODE`, `revoke NAME`, `list`."""

from __future__ import annotations

import click

from gridwork.cli.context import CliContext
from gridwork.services.apikeys import create_api_key, list_api_keys, revoke_api_key
from gridwork.store.engine import begin_write


@click.group("apikeys")
def command() -> None:
    """Integrators' API keys (Open311)."""


@command.command("create")
@click.argument("name")
@click.option("--area", required=True, help="unit code the key may submit into ('all': anywhere)")
@click.pass_obj
def create_cmd(ctx: CliContext, name: str, area: str) -> None:
    """Issue a key; it is printed once, on the last line, and stored only hashed."""
    with begin_write(ctx.engine) as conn:
        key = create_api_key(conn, name, area, secret_key=ctx.settings.secret_key)
    click.echo(f"API key for {name} over {area} (shown once; store it safely):")
    click.echo(key)


@command.command("revoke")
@click.argument("name")
@click.pass_obj
def revoke_cmd(ctx: CliContext, name: str) -> None:
    """Stop a key from working."""
    with begin_write(ctx.engine) as conn:
        revoke_api_key(conn, name)
    click.echo(f"revoked the API key {name}")


@command.command("list")
@click.pass_obj
def list_cmd(ctx: CliContext) -> None:
    """Show every key's name, scope and state."""
    with ctx.engine.connect() as conn:
        keys = list_api_keys(conn)
    for key in keys:
        state = "revoked" if key["revoked"] else "active"
        click.echo(f"{key['name']:<30} {key['area']:<15} {state}")
