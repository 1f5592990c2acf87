"""`gridwork users`: create, list, passwd, grant, ungrant, deactivate, reactivate, revoke.

The CLI acts as the system: it manages every account, and the audit log records its
changes as made by `system (cli)`.
"""

from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

import click

from gridwork.cli.context import CliContext
from gridwork.domain.access import ROOT, Role
from gridwork.services.accounts import (
    create_account,
    deactivate_user,
    get_user_for,
    grant_role,
    list_users,
    reactivate_user,
    revoke_sessions,
    set_password,
    ungrant_role,
)
from gridwork.services.open_work import OpenWork, open_work_of
from gridwork.store.engine import begin_write

ROLES = click.Choice([r.value for r in Role])


def _read_password() -> str:
    """From the prompt (asked twice), or stdin's first line when it is not a terminal."""
    if sys.stdin.isatty():
        password: str = click.prompt("password", hide_input=True, confirmation_prompt=True)
        return password
    return sys.stdin.readline().rstrip("\r\n")


@click.group("users")
def command() -> None:
    """Accounts and grants."""


@command.command("create")
@click.argument("username")
@click.option("--role", required=True, type=ROLES)
@click.option("--area", required=True, help="unit code the grant covers ('all' for admins)")
@click.pass_obj
def create_cmd(ctx: CliContext, username: str, role: str, area: str) -> None:
    """Create a user; the password is read from the prompt, or stdin's first line."""
    password = _read_password()
    with begin_write(ctx.engine) as conn:
        user_id = create_account(
            conn,
            None,
            username,
            password,
            role,
            area,
            min_length=ctx.settings.password_min_length,
            key=ctx.settings.secret_key,
        )
    click.echo(f"created user {username} (id {user_id}) as {role} over {area}")


@command.command("list")
@click.pass_obj
def list_cmd(ctx: CliContext) -> None:
    """Every account: active or not, its grants and its last sign-in."""
    zone = ZoneInfo(ctx.settings.timezone)
    with ctx.engine.connect() as conn:
        views = list_users(conn, None)
    for v in views:
        last = (
            v.last_sign_in_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if v.last_sign_in_at
            else "never"
        )
        held = ", ".join(
            f"{g.role.value}@{g.area_code if g.area_code != ROOT else 'all'}" for g in v.grants
        )
        state = "active" if v.is_active else "DEACTIVATED"
        click.echo(f"{v.username}\t{state}\tlast sign-in {last}\t{held or '(no grants)'}")


@command.command("passwd")
@click.argument("username")
@click.pass_obj
def passwd_cmd(ctx: CliContext, username: str) -> None:
    """Set a user's password (prompt or stdin); every session and token of theirs ends."""
    password = _read_password()
    with begin_write(ctx.engine) as conn:
        set_password(
            conn,
            None,
            username,
            password,
            min_length=ctx.settings.password_min_length,
            key=ctx.settings.secret_key,
        )
    click.echo(f"password of {username} set; their sessions and tokens are ended")


@command.command("grant")
@click.argument("username")
@click.option("--role", required=True, type=ROLES)
@click.option("--area", required=True, help="unit code the grant covers ('all' for admins)")
@click.pass_obj
def grant_cmd(ctx: CliContext, username: str, role: str, area: str) -> None:
    """Add a role over an area to a user."""
    with begin_write(ctx.engine) as conn:
        grant_role(conn, None, username, role, area, key=ctx.settings.secret_key)
    click.echo(f"{username} now holds {role} over {area}")


@command.command("ungrant")
@click.argument("username")
@click.option("--role", required=True, type=ROLES)
@click.option("--area", required=True, help="unit code of the grant ('all' for the country)")
@click.pass_obj
def ungrant_cmd(ctx: CliContext, username: str, role: str, area: str) -> None:
    """Remove a role over an area from a user."""
    with begin_write(ctx.engine) as conn:
        ungrant_role(conn, None, username, role, area, key=ctx.settings.secret_key)
    click.echo(f"{username} no longer holds {role} over {area}")


def _print_work(username: str, work: OpenWork) -> None:
    click.echo(f"open work of {username}:", err=True)
    for c in work.cases:
        click.echo(f"  case {c.reference} ({c.status}) in {c.area_code}", err=True)
    for grid in work.visit_grids:
        click.echo(f"  visits in grid {grid}: no other worker holds it", err=True)
    for e in work.emergency_checks:
        click.echo(f"  emergency {e.emergency_id}: {e.open_checks} open welfare check(s)", err=True)


@command.command("deactivate")
@click.argument("username")
@click.option(
    "--force",
    is_flag=True,
    help="deactivate even with open work: cases go back to their unit's queue, welfare "
    "checks become unassigned",
)
@click.pass_obj
def deactivate_cmd(ctx: CliContext, username: str, force: bool) -> None:
    """Switch an account off and end its sessions; refused while it has open work."""
    with begin_write(ctx.engine) as conn:
        work = open_work_of(conn, get_user_for(conn, None, username).id)
        if not work.is_empty:
            _print_work(username, work)
            if not force:
                click.echo(
                    "error: reassign this work first, or pass --force to hand it back", err=True
                )
                sys.exit(1)
        deactivate_user(conn, None, username, force=force, key=ctx.settings.secret_key)
    click.echo(f"{username} deactivated; their sessions and tokens are ended")


@command.command("reactivate")
@click.argument("username")
@click.pass_obj
def reactivate_cmd(ctx: CliContext, username: str) -> None:
    """Switch an account back on."""
    with begin_write(ctx.engine) as conn:
        reactivate_user(conn, None, username, key=ctx.settings.secret_key)
    click.echo(f"{username} reactivated")


@command.command("revoke")
@click.argument("username")
@click.pass_obj
def revoke_cmd(ctx: CliContext, username: str) -> None:
    """End every token and web session of a user at once."""
    with begin_write(ctx.engine) as conn:
        ended = revoke_sessions(conn, None, username, key=ctx.settings.secret_key)
    click.echo(f"{ended} session(s) and token(s) of {username} ended")
