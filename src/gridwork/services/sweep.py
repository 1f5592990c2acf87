"""The periodic sweep: escalate overdue cases one level up, flag overdue visits, and
anonymise personal data past its retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select

from gridwork.domain.areas import Level
from gridwork.domain.cases import can_escalate_from
from gridwork.domain.workflow import CLOCK_RUNNING, Action
from gridwork.services.cases import SYSTEM, ActionRequest, apply_action
from gridwork.services.clock import utcnow
from gridwork.services.media import remove_unused_photos
from gridwork.services.retention import RetentionReport, anonymise_expired
from gridwork.services.visits import flag_overdue_visits
from gridwork.store.tables import areas, cases


@dataclass
class SweepReport:
    """What one sweep did."""

    overdue: int = 0
    escalated: int = 0
    at_top: int = 0


def escalate_overdue(conn: Connection, *, now: datetime | None = None) -> SweepReport:
    """Escalate each case whose deadline has passed; cases owned by a city stay and are counted."""
    now = now or utcnow()
    report = SweepReport()
    rows = (
        conn.execute(
            select(cases, areas.c.level.label("unit_level"))
            .join(areas, areas.c.code == cases.c.area_code)
            .where(
                cases.c.status.in_([s.value for s in CLOCK_RUNNING]),
                cases.c.deadline_at < now,
            )
            .order_by(cases.c.deadline_at)
        )
        .mappings()
        .all()
    )
    for row in rows:
        report.overdue += 1
        if not can_escalate_from(Level(row["unit_level"])):
            report.at_top += 1
            continue
        deadline = row["deadline_at"].isoformat(timespec="minutes")
        apply_action(
            conn,
            row,
            Action.ESCALATE,
            ActionRequest("escalate", note=f"overdue: the deadline {deadline} UTC passed"),
            actor_id=None,
            actor_label=SYSTEM,
            now=now,
        )
        report.escalated += 1
    return report


@dataclass
class FullSweepReport:
    """Everything one run of `gridwork sweep` did."""

    cases: SweepReport
    visits_flagged: int
    retention: RetentionReport
    photos_removed: int = 0


def sweep(
    conn: Connection,
    *,
    retention_days: int,
    media_dir: Path | None = None,
    now: datetime | None = None,
) -> FullSweepReport:
    """One sweep: escalation, overdue visits, retention, and (given `media_dir`) photos
    that no case or case event refers to."""
    now = now or utcnow()
    return FullSweepReport(
        cases=escalate_overdue(conn, now=now),
        visits_flagged=flag_overdue_visits(conn, now=now),
        retention=anonymise_expired(conn, retention_days, now=now),
        photos_removed=remove_unused_photos(conn, media_dir, now=now) if media_dir else 0,
    )
