"""Community notices (公告): published by the community's staff, public on the community's
page, withdrawn when no longer true."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, desc, or_, select, update

from gridwork.domain.access import Actor
from gridwork.domain.areas import Level
from gridwork.domain.community import COMMUNITY_KEEPERS
from gridwork.domain.errors import Conflict, InvalidInput, NotFound
from gridwork.domain.ids import parse_id
from gridwork.domain.names import plain_name
from gridwork.services.clock import utcnow
from gridwork.services.community import community_row
from gridwork.services.registry import require_role
from gridwork.store.notification_tables import notices
from gridwork.store.scope import in_subtree

PUBLIC_LIMIT = 50


def publish(
    conn: Connection, actor: Actor, community_code: str, title: str, body: str
) -> dict[str, Any]:
    """Publish a notice to a community (its staff and the administrators above)."""
    unit = community_row(conn, community_code)
    require_role(
        actor, community_code, COMMUNITY_KEEPERS, "publish notices", f"no area {community_code}"
    )
    if unit["level"] != Level.COMMUNITY.value:
        raise InvalidInput("a notice is published to a community", field="community_code")
    title, body = title.strip(), body.strip()
    if not 1 <= len(title) <= 100:
        raise InvalidInput("a notice needs a title of 1–100 characters", field="title")
    plain_name(title, field="title")
    if not 1 <= len(body) <= 4000:
        raise InvalidInput("write the notice (up to 4,000 characters)", field="body")
    notice_id = conn.execute(
        notices.insert()
        .values(
            community_code=community_code,
            title=title,
            body=body,
            published_by=actor.username,
            published_at=utcnow(),
        )
        .returning(notices.c.id)
    ).scalar_one()
    return _view(_notice(conn, notice_id))


def _notice(conn: Connection, notice_id: int | None) -> RowMapping:
    row = (
        conn.execute(select(notices).where(notices.c.id == notice_id)).mappings().first()
        if notice_id is not None
        else None
    )
    if row is None:
        raise NotFound(f"no notice {notice_id}")
    return row


def withdraw(conn: Connection, actor: Actor, notice_ref: str) -> dict[str, Any]:
    """Take a notice off the community's page."""
    row = _notice(conn, parse_id(notice_ref))
    require_role(
        actor,
        row["community_code"],
        COMMUNITY_KEEPERS,
        "withdraw notices",
        f"no notice {notice_ref}",
    )
    if row["withdrawn_at"] is not None:
        raise Conflict("this notice was withdrawn already", reason="withdrawn")
    conn.execute(update(notices).where(notices.c.id == row["id"]).values(withdrawn_at=utcnow()))
    return _view(_notice(conn, row["id"]))


def _view(row: RowMapping) -> dict[str, Any]:
    return {
        "id": row["id"],
        "community_code": row["community_code"],
        "title": row["title"],
        "body": row["body"],
        "published_at": row["published_at"],
        "withdrawn": row["withdrawn_at"] is not None,
    }


def notices_of(conn: Connection, code: str) -> dict[str, Any]:
    """The current notices of a unit's communities, newest first (public)."""
    unit = community_row(conn, code)
    rows = conn.execute(
        select(notices)
        .where(in_subtree(notices.c.community_code, code), notices.c.withdrawn_at.is_(None))
        .order_by(desc(notices.c.published_at), desc(notices.c.id))
        .limit(PUBLIC_LIMIT)
    ).mappings()
    return {"area": unit["code"], "name": unit["name"], "items": [_view(r) for r in rows]}


def notices_kept_by(conn: Connection, actor: Actor) -> list[dict[str, Any]]:
    """Every notice (withdrawn too) of the communities the actor publishes for."""
    codes = [g.area_code for g in actor.grants if g.role in COMMUNITY_KEEPERS]
    if not codes:
        return []
    rows = conn.execute(
        select(notices)
        .where(or_(*(in_subtree(notices.c.community_code, c) for c in codes)))
        .order_by(desc(notices.c.published_at), desc(notices.c.id))
        .limit(100)
    ).mappings()
    return [_view(r) for r in rows]
