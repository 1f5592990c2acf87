"""`create_grid`: staff divide a community into grids (community code + 3 digits)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from gridwork.domain.access import Actor, may_edit_grids
from gridwork.domain.areas import Kind, Level, is_valid_code
from gridwork.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridwork.domain.names import plain_name
from gridwork.services.area_counts import add_to_counts
from gridwork.services.areas import get_area_for
from gridwork.services.clock import utcnow
from gridwork.store.scope import in_subtree
from gridwork.store.tables import areas

MAX_GRIDS = 999


def create_grid(conn: Connection, actor: Actor, community_code: str, name: str) -> dict[str, Any]:
    """Add a grid under a community, numbered after the last one; returns the new unit."""
    if not is_valid_code(community_code) or not actor.covers(community_code):
        raise NotFound(f"no area {community_code}")
    community = conn.execute(
        select(areas.c.level, areas.c.code).where(areas.c.code == community_code)
    ).first()
    if community is None:
        raise NotFound(f"no area {community_code}")
    if not may_edit_grids(actor.roles_over([community_code])):
        raise PermissionDenied("your role may not create grids")
    if community.level != Level.COMMUNITY.value:
        raise InvalidInput(
            f"grids are created under a community; {community_code} is a {community.level}",
            field="community_code",
        )
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("name is required (at most 100 characters)", field="name")
    plain_name(name)
    siblings = select(areas.c.code, areas.c.name).where(
        in_subtree(areas.c.code, community_code), areas.c.level == Level.GRID.value
    )
    if any(row.name == name for row in conn.execute(siblings)):
        raise Conflict(f"community {community_code} already has a grid named {name!r}")
    last = conn.execute(
        select(func.max(areas.c.code)).where(
            in_subtree(areas.c.code, community_code), areas.c.level == Level.GRID.value
        )
    ).scalar_one()
    serial = int(last[-3:]) + 1 if last else 1
    if serial > MAX_GRIDS:
        raise Conflict(f"community {community_code} already has {MAX_GRIDS} grids")
    code = f"{community_code}{serial:03d}"
    try:
        with conn.begin_nested():
            add_grid_unit(conn, code, name)
    except IntegrityError:
        raise Conflict("another grid was created at the same moment; try again") from None
    return get_area_for(conn, actor, code)


def add_grid_unit(conn: Connection, code: str, name: str, now: datetime | None = None) -> None:
    """Insert a grid into the hierarchy (its community must exist) and count it upwards."""
    now = now or utcnow()
    conn.execute(
        areas.insert().values(
            code=code,
            name=name,
            level=Level.GRID.value,
            kind=Kind.GRID.value,
            parent_code=code[:12],
            is_pseudo=False,
            province_code=code[:2],
            created_at=now,
            updated_at=now,
        )
    )
    add_to_counts(conn, code, +1)
