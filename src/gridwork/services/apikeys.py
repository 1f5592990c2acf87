"""Integrators' API keys: issued by an admin, stored hashed, scoped to a subtree, revocable."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from gridwork.domain.access import ROOT
from gridwork.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridwork.domain.names import plain_name
from gridwork.services.areas import unit_exists
from gridwork.services.clock import utcnow
from gridwork.services.users import keyed_hash, keyed_hashes
from gridwork.store.tables import api_keys

KEY_PREFIX = "gwk_"


@dataclass(frozen=True)
class Integrator:
    """Who an API key belongs to and the subtree it may write into."""

    key_id: int
    name: str
    area_code: str

    def covers(self, code: str) -> bool:
        """Whether `code` lies in the key's subtree."""
        return code.startswith(self.area_code)


def create_api_key(conn: Connection, name: str, area_code: str, *, secret_key: str) -> str:
    """A new key for integrator `name` over `area_code` ('all': everywhere); returns it once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("the integrator needs a name (at most 100 characters)", field="name")
    plain_name(name)
    area = ROOT if area_code in ("", "all") else area_code
    if area != ROOT and not unit_exists(conn, area):
        raise InvalidInput(f"no area {area_code}", field="area")
    if conn.execute(select(api_keys.c.id).where(api_keys.c.name == name)).first():
        raise Conflict(f"an API key named {name!r} already exists")
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    conn.execute(
        api_keys.insert().values(
            name=name, area_code=area, key_hash=keyed_hash(secret_key, key), created_at=utcnow()
        )
    )
    return key


def revoke_api_key(conn: Connection, name: str) -> None:
    """Stop a key from working (the row stays, for the record)."""
    changed = conn.execute(
        update(api_keys)
        .where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    if not changed:
        raise NotFound(f"no active API key named {name!r}")


def list_api_keys(conn: Connection) -> list[dict[str, Any]]:
    """Every key's name, scope and state (never the key)."""
    rows = conn.execute(select(api_keys).order_by(api_keys.c.name)).mappings()
    return [
        {
            "name": r["name"],
            "area": r["area_code"] or "all",
            "created_at": r["created_at"],
            "revoked": r["revoked_at"] is not None,
        }
        for r in rows
    ]


def integrator_for_key(
    conn: Connection, key: str | None, *, secret_key: str, previous_keys: Sequence[str] = ()
) -> Integrator:
    """The integrator a key belongs to; PermissionDenied for a missing, wrong or revoked key."""
    if not key:
        raise PermissionDenied("an api_key is required to submit requests")
    row = conn.execute(
        select(api_keys.c.id, api_keys.c.name, api_keys.c.area_code).where(
            api_keys.c.key_hash.in_(keyed_hashes(secret_key, previous_keys, key)),
            api_keys.c.revoked_at.is_(None),
        )
    ).first()
    if row is None:
        raise PermissionDenied("invalid api_key")
    return Integrator(row.id, row.name, row.area_code)
