"""Workers' training and commendations, kept by their community's staff and the
administrators above (emergency commendations are included in a worker's record)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, RowMapping, desc, or_, select

from gridwork.domain.access import Actor
from gridwork.domain.community import COMMUNITY_KEEPERS, MAX_TRAINING_HOURS, RecordKind
from gridwork.domain.errors import InvalidInput, NotFound, PermissionDenied
from gridwork.services.clock import utcnow
from gridwork.store.community_tables import worker_records
from gridwork.store.emergency_tables import commendations
from gridwork.store.scope import in_subtree
from gridwork.store.tables import grants, users

MAX_LISTED = 500


def _worker(conn: Connection, actor: Actor, username: str) -> RowMapping:
    """The worker, if the actor keeps the records of a unit the worker holds a grant in."""
    user = conn.execute(select(users).where(users.c.username == username)).mappings().first()
    places = (
        list(
            conn.execute(select(grants.c.area_code).where(grants.c.user_id == user["id"])).scalars()
        )
        if user is not None
        else []
    )
    seen = [p for p in places if actor.covers(p)]
    if user is None or not seen:
        raise NotFound(f"no worker {username}")
    if not any(actor.roles_over([p]) & COMMUNITY_KEEPERS for p in seen):
        raise PermissionDenied("your role may not keep workers' records")
    return user


def add_record(
    conn: Connection,
    actor: Actor,
    username: str,
    kind: str,
    title: str,
    on_date: date,
    hours: float | None = None,
) -> dict[str, Any]:
    """Note a training a worker took (with its hours) or a commendation; never about oneself
    (hours and praise count towards appraisal, so someone else must vouch for them)."""
    user = _worker(conn, actor, username)
    if user["id"] == actor.user_id:
        raise PermissionDenied("records about yourself are kept by someone else")
    try:
        parsed = RecordKind(kind)
    except ValueError:
        raise InvalidInput("kind is training or commendation", field="kind") from None
    text = title.strip()
    if not 1 <= len(text) <= 200:
        raise InvalidInput("title must be 1–200 characters", field="title")
    if parsed is RecordKind.TRAINING:
        if hours is None or not 0 < hours <= MAX_TRAINING_HOURS:
            raise InvalidInput(
                f"hours must be more than 0 and at most {MAX_TRAINING_HOURS:g}", field="hours"
            )
    elif hours is not None:
        raise InvalidInput("hours go with training", field="hours")
    today = utcnow().date()
    if not date(2000, 1, 1) <= on_date <= today:
        raise InvalidInput("the date must lie between 2000 and today", field="on_date")
    conn.execute(
        worker_records.insert().values(
            user_id=user["id"],
            kind=parsed.value,
            title=text,
            hours=hours,
            on_date=on_date,
            by_label=actor.username,
            created_at=utcnow(),
        )
    )
    return record_of(conn, actor, username)


def record_of(conn: Connection, actor: Actor, username: str) -> dict[str, Any]:
    """A worker's training (with total hours) and commendations, newest first."""
    user = _worker(conn, actor, username)
    rows = (
        conn.execute(
            select(worker_records)
            .where(worker_records.c.user_id == user["id"])
            .order_by(desc(worker_records.c.on_date), desc(worker_records.c.id))
        )
        .mappings()
        .all()
    )
    training = [
        {"title": r["title"], "hours": r["hours"], "on": r["on_date"], "by": r["by_label"]}
        for r in rows
        if r["kind"] == RecordKind.TRAINING.value
    ]
    praise = [
        {"for": r["title"], "on": r["on_date"], "by": r["by_label"], "emergency_id": None}
        for r in rows
        if r["kind"] == RecordKind.COMMENDATION.value
    ]
    praise += [
        {
            "for": c["note"],
            "on": c["at"].date(),
            "by": c["by_label"],
            "emergency_id": c["emergency_id"],
        }
        for c in conn.execute(
            select(commendations).where(commendations.c.user_id == user["id"])
        ).mappings()
    ]
    praise.sort(key=lambda p: p["on"], reverse=True)
    return {
        "username": user["username"],
        "training": training,
        "training_hours": round(sum(t["hours"] or 0 for t in training), 1),
        "commendations": praise,
    }


def workers_kept_by(conn: Connection, actor: Actor) -> list[dict[str, Any]]:
    """The grid workers and staff in the units whose records the actor keeps."""
    kept = [g.area_code for g in actor.grants if g.role in COMMUNITY_KEEPERS]
    if not kept:
        return []
    rows = conn.execute(
        select(users.c.username, grants.c.role, grants.c.area_code)
        .join(grants, grants.c.user_id == users.c.id)
        .where(
            users.c.is_active.is_(True),
            grants.c.role.in_(["grid_worker", "community_staff"]),
            or_(*(in_subtree(grants.c.area_code, k) for k in kept)),
        )
        .order_by(grants.c.area_code, users.c.username)
        .limit(MAX_LISTED)
    ).all()
    return [{"username": r.username, "role": r.role, "area_code": r.area_code} for r in rows]
