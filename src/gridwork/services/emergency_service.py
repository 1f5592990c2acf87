"""Workers' service during an emergency, from the checks they recorded, and commending it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, func, select

from gridwork.domain.access import Actor
from gridwork.domain.emergencies import OTHERS
from gridwork.domain.errors import InvalidInput, NotFound, PermissionDenied
from gridwork.services.clock import utcnow
from gridwork.services.emergencies import command_over, seen
from gridwork.store.emergency_tables import commendations, emergency_tasks
from gridwork.store.tables import users

MAX_NOTE = 1000


def service_record(conn: Connection, actor: Actor, ref: str) -> list[dict[str, Any]]:
    """Per worker: checks recorded, the vulnerable among them, needs found, first and last
    check, and their commendations; most checks first."""
    row, _codes = seen(conn, actor, ref)
    done = emergency_tasks.c.done_by
    rows = (
        conn.execute(
            select(
                done.label("username"),
                func.count().label("checks"),
                func.sum(case((emergency_tasks.c.priority < OTHERS, 1), else_=0)).label(
                    "vulnerable"
                ),
                func.sum(case((emergency_tasks.c.status == "needs_help", 1), else_=0)).label(
                    "needs"
                ),
                func.min(emergency_tasks.c.done_at).label("first"),
                func.max(emergency_tasks.c.done_at).label("last"),
            )
            .where(
                emergency_tasks.c.emergency_id == row["id"],
                done.is_not(None),
                done != "resident",
            )
            .group_by(done)
            .order_by(func.count().desc(), done)
        )
        .mappings()
        .all()
    )
    praised: dict[str, list[dict[str, Any]]] = {}
    for c in conn.execute(
        select(users.c.username, commendations.c.by_label, commendations.c.note, commendations.c.at)
        .join(users, users.c.id == commendations.c.user_id)
        .where(commendations.c.emergency_id == row["id"])
        .order_by(commendations.c.id)
    ).mappings():
        praised.setdefault(c["username"], []).append(
            {"by": c["by_label"], "note": c["note"], "at": c["at"]}
        )
    return [
        {
            "username": r["username"],
            "checks": int(r["checks"]),
            "vulnerable": int(r["vulnerable"] or 0),
            "needs_found": int(r["needs"] or 0),
            "first": r["first"],
            "last": r["last"],
            "commendations": praised.get(r["username"], []),
        }
        for r in rows
    ]


def commend(
    conn: Connection,
    actor: Actor,
    ref: str,
    username: str,
    note: str,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A commander commends someone who recorded checks in this emergency (never
    themselves: a commendation is someone else's word)."""
    now = now or utcnow()
    if username == actor.username:
        raise PermissionDenied("commendations are given by someone else")
    row, codes = seen(conn, actor, ref)
    command_over(actor, codes, f"no emergency {ref}")
    text = note.strip()
    if not 1 <= len(text) <= MAX_NOTE:
        raise InvalidInput(f"say what for, in 1–{MAX_NOTE} characters", field="note")
    served = conn.execute(
        select(emergency_tasks.c.id)
        .where(emergency_tasks.c.emergency_id == row["id"], emergency_tasks.c.done_by == username)
        .limit(1)
    ).first()
    user = conn.execute(select(users.c.id).where(users.c.username == username)).first()
    if served is None or user is None:
        raise NotFound(f"{username} recorded no checks in emergency {ref}")
    conn.execute(
        commendations.insert().values(
            emergency_id=row["id"], user_id=user.id, by_label=actor.username, note=text, at=now
        )
    )
    return {"username": username, "by": actor.username, "note": text, "at": now}
