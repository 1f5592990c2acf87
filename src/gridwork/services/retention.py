"""Retention: personal data is removed from cases closed long ago and from residents archived
long ago. Rows stay, so every count and rate is unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, or_, select, update

from gridwork.domain.workflow import Status
from gridwork.services.clock import utcnow
from gridwork.store.mediation_tables import mediation_parties, mediation_sessions, mediations
from gridwork.store.notification_tables import notifications
from gridwork.store.people_tables import resident_flags, residents
from gridwork.store.tables import cases


@dataclass
class RetentionReport:
    """How many records were anonymised."""

    cases: int = 0
    residents: int = 0
    mediations: int = 0
    notifications: int = 0  # deleted: they name a phone or an e-mail address


def anonymise_expired(
    conn: Connection, days: int, *, now: datetime | None = None
) -> RetentionReport:
    """Clear reporter name, phone and rating comment from cases closed (or rejected) more
            than `days` ago, name, phone and needs from residents archived that long ago, and the
        parties and content of mediations ended that long ago; delete notifications older than
    that."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    report = RetentionReport()
    finished = or_(
        and_(cases.c.status == Status.CLOSED.value, cases.c.closed_at < cutoff),
        and_(
            cases.c.status.in_([Status.REJECTED.value, Status.MERGED.value]),
            cases.c.updated_at < cutoff,
        ),
    )
    result = conn.execute(
        update(cases)
        .where(finished, cases.c.anonymised_at.is_(None))
        .values(reporter_name=None, reporter_phone=None, rating_comment=None, anonymised_at=now)
    )
    report.cases = int(result.rowcount or 0)
    gone = select(residents.c.id).where(
        residents.c.archived_at < cutoff, residents.c.anonymised_at.is_(None)
    )
    ids = list(conn.execute(gone).scalars())
    if ids:
        conn.execute(
            update(resident_flags).where(resident_flags.c.resident_id.in_(ids)).values(need=None)
        )
        conn.execute(
            update(residents)
            .where(residents.c.id.in_(ids))
            .values(name=None, phone=None, anonymised_at=now)
        )
    report.residents = len(ids)
    report.mediations = _anonymise_mediations(conn, cutoff, now)
    report.notifications = int(
        conn.execute(delete(notifications).where(notifications.c.created_at < cutoff)).rowcount or 0
    )
    return report


def _anonymise_mediations(conn: Connection, cutoff: datetime, now: datetime) -> int:
    """Clear the parties, the summary and the notes of mediations ended before `cutoff`; the
    kind and outcome stay for the counts."""
    ids = list(
        conn.execute(
            select(mediations.c.id).where(
                mediations.c.closed_at < cutoff, mediations.c.anonymised_at.is_(None)
            )
        ).scalars()
    )
    if not ids:
        return 0
    conn.execute(
        update(mediation_parties)
        .where(mediation_parties.c.mediation_id.in_(ids))
        .values(name=None, phone=None)
    )
    conn.execute(
        update(mediation_sessions)
        .where(mediation_sessions.c.mediation_id.in_(ids))
        .values(note=None)
    )
    conn.execute(
        update(mediations)
        .where(mediations.c.id.in_(ids))
        .values(summary=None, outcome_note=None, anonymised_at=now)
    )
    return len(ids)
