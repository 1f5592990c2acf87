"""A worker's own log of the visits they made (naming people, so the read is audited)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, desc, select

from gridwork.domain.access import Actor
from gridwork.domain.people import Purpose
from gridwork.services.clock import utcnow
from gridwork.services.disclosure import RESIDENT, disclose
from gridwork.store.people_tables import households, residents, visits

LOG_DAYS = 14
LOG_LIMIT = 50


def my_recent_visits(
    conn: Connection, actor: Actor, *, key: str, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The visits the actor logged in the last two weeks, newest first."""
    now = now or utcnow()
    rows = (
        conn.execute(
            select(
                visits.c.id,
                visits.c.resident_id,
                visits.c.visited_at,
                visits.c.outcome,
                visits.c.note,
                visits.c.need,
                visits.c.case_id,
                residents.c.name,
                households.c.address,
            )
            .join(residents, residents.c.id == visits.c.resident_id)
            .join(households, households.c.id == residents.c.household_id)
            .where(
                visits.c.worker_id == actor.user_id,
                visits.c.visited_at >= now - timedelta(days=LOG_DAYS),
            )
            .order_by(desc(visits.c.visited_at), desc(visits.c.id))
            .limit(LOG_LIMIT)
        )
        .mappings()
        .all()
    )
    people = sorted({r["resident_id"] for r in rows})
    disclose(conn, actor, Purpose.VISIT, "list", RESIDENT, people, key=key)
    return [dict(r) for r in rows]
