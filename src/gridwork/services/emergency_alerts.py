"""Emergency alerts to residents: the residents (with a phone on the registry) of every
household an active emergency covers are told, through their chosen channel, to answer on
`/safe` or wait for their grid worker. Done in batches after the declaration, so declaring
over a million households does not wait for millions of messages; widening an emergency
alerts the households it adds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from gridwork.domain.notifications import Kind, resident_recipient
from gridwork.services.clock import utcnow
from gridwork.services.emergency_lists import households_after
from gridwork.services.notifications import Message, notify
from gridwork.store.emergency_tables import emergencies, emergency_alert_progress
from gridwork.store.people_tables import residents

BATCH = 5_000  # tasks (households) per emergency per round
WHAT = {
    "flood": "洪涝",
    "fire": "火灾",
    "epidemic": "疫情",
    "heat_wave": "高温",
    "earthquake": "地震",
    "other": "突发事件",
}


def alert_residents_due(
    conn: Connection, *, batch: int = BATCH, now: datetime | None = None
) -> int:
    """Queue alerts for the next batch of households of each active emergency; returns how
    many residents were alerted."""
    now = now or utcnow()
    active = conn.execute(
        select(
            emergencies.c.id,
            emergencies.c.kind,
            func.coalesce(emergency_alert_progress.c.after_task_id, 0).label("after"),
            emergency_alert_progress.c.emergency_id.label("tracked"),
        )
        .outerjoin(
            emergency_alert_progress, emergency_alert_progress.c.emergency_id == emergencies.c.id
        )
        .where(emergencies.c.status == "active")
    ).all()
    told = 0
    for emergency in active:
        tasks = households_after(conn, emergency.id, emergency.after, batch)
        if not tasks:
            continue
        phones = conn.execute(
            select(residents.c.phone).where(
                residents.c.household_id.in_([home for _, home in tasks]),
                residents.c.phone.is_not(None),
                residents.c.archived_at.is_(None),
                residents.c.anonymised_at.is_(None),
            )
        ).scalars()
        told += notify(
            conn,
            [resident_recipient(p) for p in phones],
            Message(
                Kind.EMERGENCY_ALERT,
                f"紧急通知：{WHAT.get(emergency.kind, '突发事件')}",
                "您所在的区域发生紧急情况。请在 /safe 告知您家是否平安或需要帮助，"
                "网格员也会逐户联系您。",
                "/safe",
            ),
            now=now,
        )
        last = tasks[-1][0]
        if emergency.tracked is None:
            conn.execute(
                insert(emergency_alert_progress).values(
                    emergency_id=emergency.id, after_task_id=last, updated_at=now
                )
            )
        else:
            conn.execute(
                update(emergency_alert_progress)
                .where(emergency_alert_progress.c.emergency_id == emergency.id)
                .values(after_task_id=last, updated_at=now)
            )
    return told
