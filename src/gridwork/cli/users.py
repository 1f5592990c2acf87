"""`gridwork users create USERNAME --role ROLE --area CODE`."""

from __future__ import annotations

import sys

import click

from gridwork.cli.context import CliContext
from gridwork.domain.access import Role
from gridwork.services.users import create_user
from gridwork.store.engine import begin_write


@click.group("users")
def command() -> None:
    """Accounts and grants."""


@command.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--area", required=True, help="unit code the grant covers ('all' for admins)")
@click.pass_obj
def create_cmd(ctx: CliContext, username: str, role: str, area: str) -> None:
    """Create a user; the password is read from the prompt, or stdin's first line."""
    if sys.stdin.isatty():
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with begin_write(ctx.engine) as conn:
        user_id = create_user(conn, username, password, role, area)
    click.echo(f"created user {username} (id {user_id}) as {role} over {area}")
