"""Accounts, grants and bearer tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, select

from gridwork.domain.access import ROOT, Actor, Grant, Role
from gridwork.domain.errors import Conflict, InvalidInput, NotAuthenticated
from gridwork.domain.passwords import check_password
from gridwork.services.areas import unit_exists
from gridwork.services.clock import utcnow
from gridwork.store.tables import api_tokens, grants, users

_USERNAME = re.compile(r"[A-Za-z0-9_.-]{3,64}")
MIN_PASSWORD = 10  # GRIDWORK_PASSWORD_MIN_LENGTH's default
_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown user as slow as for a known one.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def keyed_hash(secret_key: str, value: str) -> str:
    """HMAC-SHA256 of a token or case secret; the database never holds the value itself."""
    return hmac.new(secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()


def keyed_hashes(secret_key: str, previous_keys: Sequence[str], value: str) -> list[str]:
    """The keyed hashes `value` may be stored under: the current key's, then those of the
    keys it replaced (still accepted during a rotation; see `previous_secret_keys`)."""
    return [keyed_hash(k, value) for k in (secret_key, *previous_keys)]


def parse_role(role: str) -> Role:
    """A role by its name, or a clear error listing the roles."""
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidInput(f"unknown role {role!r}; roles are {names}", field="role") from None


def hash_password(password: str) -> str:
    """The Argon2 hash stored for `password`."""
    return _hasher.hash(password)


def password_matches(stored: str, password: str) -> bool:
    """Whether `password` matches the stored hash."""
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    conn: Connection,
    username: str,
    password: str,
    role: str,
    area_code: str,
    *,
    min_length: int = MIN_PASSWORD,
) -> int:
    """A new account holding one grant; returns its id."""
    if not _USERNAME.fullmatch(username):
        raise InvalidInput(
            "username must be 3–64 letters, digits, '.', '_' or '-'", field="username"
        )
    check_password(password, min_length=min_length, username=username)
    parsed = parse_role(role)
    area = ROOT if area_code in ("", "all") else area_code
    if area == ROOT and parsed is not Role.ADMIN:
        raise InvalidInput("only an admin may hold a grant over the whole country", field="area")
    if area != ROOT and not unit_exists(conn, area):
        raise InvalidInput(f"no area {area_code}; import the divisions first", field="area")
    if conn.execute(select(users.c.id).where(users.c.username == username)).first():
        raise Conflict(f"user {username!r} already exists")
    now = utcnow()
    user_id: int = conn.execute(
        users.insert()
        .values(
            username=username,
            password_hash=hash_password(password),
            is_active=True,
            created_at=now,
            password_changed_at=now,
        )
        .returning(users.c.id)
    ).scalar_one()
    conn.execute(
        grants.insert().values(user_id=user_id, role=parsed.value, area_code=area, created_at=now)
    )
    return user_id


def _actor(conn: Connection, user_id: int, username: str) -> Actor:
    rows = conn.execute(
        select(grants.c.role, grants.c.area_code).where(grants.c.user_id == user_id)
    ).all()
    return Actor(user_id, username, tuple(Grant(Role(r.role), r.area_code) for r in rows))


def issue_token(
    conn: Connection,
    username: str,
    password: str,
    *,
    secret_key: str,
    ttl_hours: int,
    kind: str = "token",
) -> tuple[str, int]:
    """Check a password and hand out a bearer token (`kind` token) or a web session's
    (`kind` session); returns (token, seconds valid). Either is a row in api_tokens, so
    deleting the row ends it in every process."""
    row = conn.execute(
        select(users.c.id, users.c.password_hash, users.c.is_active).where(
            users.c.username == username
        )
    ).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
        ok = row is not None and row.is_active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        raise NotAuthenticated("wrong username or password")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    conn.execute(delete(api_tokens).where(api_tokens.c.expires_at < now))
    conn.execute(
        api_tokens.insert().values(
            user_id=row.id,
            token_hash=keyed_hash(secret_key, token),
            created_at=now,
            expires_at=now + timedelta(hours=ttl_hours),
            kind=kind,
        )
    )
    conn.execute(users.update().where(users.c.id == row.id).values(last_sign_in_at=now))
    return token, ttl_hours * 3600


def actor_from_token(
    conn: Connection, token: str, *, secret_key: str, previous_keys: Sequence[str] = ()
) -> Actor:
    """The user a bearer token belongs to, or NotAuthenticated."""
    row = conn.execute(
        select(users.c.id, users.c.username, users.c.is_active, api_tokens.c.expires_at)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash.in_(keyed_hashes(secret_key, previous_keys, token)))
    ).first()
    if row is None or not row.is_active or row.expires_at < utcnow():
        raise NotAuthenticated("the token is invalid or has expired; log in again")
    return _actor(conn, row.id, row.username)


def actor_for_username(conn: Connection, username: str) -> Actor | None:
    """The actor for an existing, active username (used by the CLI and tests)."""
    row = conn.execute(
        select(users.c.id, users.c.username).where(
            users.c.username == username, users.c.is_active.is_(True)
        )
    ).first()
    return None if row is None else _actor(conn, row.id, row.username)


def revoke_token(
    conn: Connection, token: str, *, secret_key: str, previous_keys: Sequence[str] = ()
) -> None:
    """Sign out: the token stops working at once."""
    hashes = keyed_hashes(secret_key, previous_keys, token)
    conn.execute(delete(api_tokens).where(api_tokens.c.token_hash.in_(hashes)))
