"""The life of a staff account after it is made: passwords, grants, deactivation, sessions.

Every change is written to the audit log with who made it (a user, or the CLI as the
system), and every change that should end a user's access deletes their api_tokens rows,
which ends their bearer tokens and web sessions in every process at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from gridwork.domain.access import ROOT, Actor, Grant, Role
from gridwork.domain.accounts import is_manager, may_grant, may_manage
from gridwork.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridwork.domain.passwords import check_password
from gridwork.services.areas import unit_exists
from gridwork.services.audit import Reader
from gridwork.services.clock import utcnow
from gridwork.services.disclosure import record_change
from gridwork.services.open_work import OpenWork, open_work_of, release_work
from gridwork.services.users import (
    create_user,
    hash_password,
    keyed_hash,
    parse_role,
    password_matches,
)
from gridwork.store.tables import api_tokens, grants, users

PURPOSE = "account"
SYSTEM = Reader(None, "system (cli)")


@dataclass(frozen=True)
class UserView:
    """An account as administrators see it."""

    id: int
    username: str
    is_active: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    grants: list[Grant]


@dataclass(frozen=True)
class SessionView:
    """One of a user's bearer tokens or web sessions (never the token itself)."""

    id: int
    kind: str
    created_at: datetime
    expires_at: datetime
    current: bool = False


def _audit(conn: Connection, by: Reader, action: str, user_id: int, key: str) -> None:
    record_change(conn, by, PURPOSE, action, "user", [user_id], key=key)


def _grants_of(conn: Connection, user_id: int) -> list[Grant]:
    rows = conn.execute(
        select(grants.c.role, grants.c.area_code)
        .where(grants.c.user_id == user_id)
        .order_by(grants.c.area_code, grants.c.role)
    ).all()
    return [Grant(Role(r.role), r.area_code) for r in rows]


def get_user_for(conn: Connection, actor: Actor | None, username: str) -> UserView:
    """The user `username` if `actor` manages them (None: the CLI, which manages everyone);
    NotFound for both missing and out of scope."""
    row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
    if row is None:
        raise NotFound(f"no user {username!r}")
    held = _grants_of(conn, row["id"])
    if actor is not None:
        # Out of every grant's reach: as if missing. Within reach but not an administrator
        # over it: refused.
        if not all(actor.covers(g.area_code) for g in held) or (not held and not actor.grants):
            raise NotFound(f"no user {username!r}")
        if not may_manage(actor, held):
            raise PermissionDenied("only an administrator over all of a user's areas manages them")
    return UserView(
        row["id"],
        row["username"],
        row["is_active"],
        row["created_at"],
        row["last_sign_in_at"],
        held,
    )


def list_users(conn: Connection, actor: Actor | None) -> list[UserView]:
    """Every account `actor` manages (all of them for the CLI), by username."""
    if actor is not None and not is_manager(actor):
        raise PermissionDenied("only city and district administrators manage accounts")
    rows = conn.execute(select(users).order_by(users.c.username)).mappings().all()
    held: dict[int, list[Grant]] = {}
    for g in conn.execute(
        select(grants.c.user_id, grants.c.role, grants.c.area_code).order_by(
            grants.c.area_code, grants.c.role
        )
    ):
        held.setdefault(g.user_id, []).append(Grant(Role(g.role), g.area_code))
    views = [
        UserView(
            r["id"],
            r["username"],
            r["is_active"],
            r["created_at"],
            r["last_sign_in_at"],
            held.get(r["id"], []),
        )
        for r in rows
    ]
    return [v for v in views if actor is None or may_manage(actor, v.grants)]


def _end_access(conn: Connection, user_id: int, keep_token_hash: str | None = None) -> int:
    """Delete every token and session of the user (but one, when given); how many ended."""
    where = [api_tokens.c.user_id == user_id]
    if keep_token_hash is not None:
        where.append(api_tokens.c.token_hash != keep_token_hash)
    return conn.execute(delete(api_tokens).where(*where)).rowcount or 0


def set_password(
    conn: Connection,
    by: Actor | None,
    username: str,
    password: str,
    *,
    min_length: int,
    key: str,
) -> None:
    """An administrator (or the CLI) sets a user's password; every session of theirs ends.
    Not one's own: that is `change_password`, which asks for the current one (a stolen
    session must not be enough to take the account for good)."""
    user = get_user_for(conn, by, username)
    _not_oneself(by, user.id, "change your own password on your account page")
    check_password(password, min_length=min_length, username=username)
    conn.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(password_hash=hash_password(password), password_changed_at=utcnow())
    )
    _end_access(conn, user.id)
    _audit(conn, _reader(by), "password_set", user.id, key)


def change_password(
    conn: Connection,
    actor: Actor,
    old_password: str,
    new_password: str,
    *,
    min_length: int,
    key: str,
    current_token: str | None = None,
) -> int:
    """A user changes their own password, proving the old one. Every other session and
    token of theirs ends; the one they are using (`current_token`) stays signed in.
    Returns how many ended."""
    stored = conn.execute(
        select(users.c.password_hash).where(users.c.id == actor.user_id)
    ).scalar_one()
    if not password_matches(stored, old_password):
        raise InvalidInput("the current password is wrong", field="old_password")
    if new_password == old_password:
        raise InvalidInput("the new password must differ from the old one", field="password")
    check_password(new_password, min_length=min_length, username=actor.username)
    conn.execute(
        update(users)
        .where(users.c.id == actor.user_id)
        .values(password_hash=hash_password(new_password), password_changed_at=utcnow())
    )
    keep = keyed_hash(key, current_token) if current_token else None
    ended = _end_access(conn, actor.user_id, keep)
    _audit(conn, Reader.of(actor), "password_changed", actor.user_id, key)
    return ended


def _not_oneself(by: Actor | None, user_id: int, instead: str) -> None:
    """PermissionDenied when an administrator acts on their own account where another must."""
    if by is not None and by.user_id == user_id:
        raise PermissionDenied(f"not on your own account: {instead}")


def _reader(by: Actor | None) -> Reader:
    return SYSTEM if by is None else Reader.of(by)


def deactivate_user(
    conn: Connection, by: Actor | None, username: str, *, force: bool, key: str
) -> OpenWork:
    """Switch an account off: it can no longer sign in, and every token and session of it
    ends at once. Refused (Conflict) while the user still carries open work, unless `force`,
    which hands that work back to the units first. Returns the work that was open."""
    user = get_user_for(conn, by, username)
    if by is not None and by.user_id == user.id:
        raise Conflict("you cannot deactivate your own account")
    work = open_work_of(conn, user.id)
    if not work.is_empty and not force:
        raise Conflict(
            f"{username} still has open work: {len(work.cases)} case(s), "
            f"{len(work.visit_grids)} grid(s) with nobody else to visit, "
            f"{sum(c.open_checks for c in work.emergency_checks)} welfare check(s); "
            "reassign it first or force",
            cases=len(work.cases),
            grids=len(work.visit_grids),
            checks=sum(c.open_checks for c in work.emergency_checks),
        )
    if not work.is_empty:
        release_work(conn, user.id)
        _audit(conn, _reader(by), "work_released", user.id, key)
    conn.execute(update(users).where(users.c.id == user.id).values(is_active=False))
    _end_access(conn, user.id)
    _audit(conn, _reader(by), "deactivated", user.id, key)
    return work


def reactivate_user(conn: Connection, by: Actor | None, username: str, *, key: str) -> None:
    """Switch an account back on (it signs in with its password as before)."""
    user = get_user_for(conn, by, username)
    conn.execute(update(users).where(users.c.id == user.id).values(is_active=True))
    _audit(conn, _reader(by), "reactivated", user.id, key)


def grant_role(
    conn: Connection, by: Actor | None, username: str, role: str, area_code: str, *, key: str
) -> None:
    """Add a grant of `role` over `area_code` ('all' or '' for the country, admins only)."""
    user = get_user_for(conn, by, username)
    grant = Grant(parse_role(role), ROOT if area_code in ("", "all") else area_code)
    if grant.area_code == ROOT and grant.role is not Role.ADMIN:
        raise InvalidInput("only an admin may hold a grant over the whole country", field="area")
    if grant.area_code != ROOT and not unit_exists(conn, grant.area_code):
        raise InvalidInput(f"no area {area_code}", field="area")
    _not_oneself(by, user.id, "another administrator must change your own grants")
    if by is not None and not may_grant(by, grant):
        raise PermissionDenied(
            "you may only grant roles below your own, at a unit of the role's level, within "
            "your area"
        )
    if grant in user.grants:
        raise Conflict(f"{username} already holds {grant.role.value} over {area_code}")
    conn.execute(
        grants.insert().values(
            user_id=user.id, role=grant.role.value, area_code=grant.area_code, created_at=utcnow()
        )
    )
    _audit(conn, _reader(by), "granted", user.id, key)


def ungrant_role(
    conn: Connection, by: Actor | None, username: str, role: str, area_code: str, *, key: str
) -> None:
    """Remove a grant; the user's tokens keep working with what they still hold (grants are
    read on every request)."""
    user = get_user_for(conn, by, username)
    grant = Grant(parse_role(role), ROOT if area_code in ("", "all") else area_code)
    if grant not in user.grants:
        raise NotFound(f"{username} holds no {grant.role.value} over {area_code}")
    _not_oneself(by, user.id, "another administrator must change your own grants")
    if by is not None and not may_grant(by, grant, removing=True):
        raise PermissionDenied("you may only remove grants within your area")
    conn.execute(
        delete(grants).where(
            grants.c.user_id == user.id,
            grants.c.role == grant.role.value,
            grants.c.area_code == grant.area_code,
        )
    )
    _audit(conn, _reader(by), "ungranted", user.id, key)


def revoke_sessions(conn: Connection, by: Actor | None, username: str, *, key: str) -> int:
    """End every token and session of a user at once; how many ended."""
    user = get_user_for(conn, by, username)
    ended = _end_access(conn, user.id)
    _audit(conn, _reader(by), "tokens_revoked", user.id, key)
    return ended


def sessions_of(
    conn: Connection, actor: Actor, *, current_token: str | None, key: str
) -> list[SessionView]:
    """The actor's own live tokens and sessions, newest first."""
    current = keyed_hash(key, current_token) if current_token else None
    rows = conn.execute(
        select(api_tokens)
        .where(api_tokens.c.user_id == actor.user_id, api_tokens.c.expires_at > utcnow())
        .order_by(api_tokens.c.created_at.desc(), api_tokens.c.id.desc())
    ).mappings()
    return [
        SessionView(
            r["id"], r["kind"], r["created_at"], r["expires_at"], r["token_hash"] == current
        )
        for r in rows
    ]


def revoke_own_session(conn: Connection, actor: Actor, session_id: int, *, key: str) -> None:
    """End one of the actor's own tokens or sessions (NotFound if it is not theirs)."""
    ended = conn.execute(
        delete(api_tokens).where(
            api_tokens.c.id == session_id, api_tokens.c.user_id == actor.user_id
        )
    ).rowcount
    if not ended:
        raise NotFound(f"no session {session_id}")
    _audit(conn, Reader.of(actor), "session_revoked", actor.user_id, key)


def create_account(
    conn: Connection,
    by: Actor | None,
    username: str,
    password: str,
    role: str,
    area_code: str,
    *,
    min_length: int,
    key: str,
) -> int:
    """A new account holding one grant, audited as made by `by` (None: the CLI)."""
    user_id = create_user(conn, username, password, role, area_code, min_length=min_length)
    _audit(conn, _reader(by), "created", user_id, key)
    return user_id
