"""A worker's open work: what must go to someone else before their account is ended."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select, update

from gridwork.domain.access import Role
from gridwork.domain.workflow import OPEN_STATUSES
from gridwork.services.emergency_lists import assigned
from gridwork.store.emergency_tables import emergencies, emergency_lists, emergency_tasks
from gridwork.store.tables import cases, grants, users


@dataclass(frozen=True)
class OpenCase:
    """A case still assigned to the user."""

    id: int
    reference: str
    status: str
    area_code: str


@dataclass(frozen=True)
class OpenChecks:
    """Welfare checks of an active emergency still dealt to the user."""

    emergency_id: int
    open_checks: int


@dataclass
class OpenWork:
    """What a worker still carries: reassign it before deactivating them."""

    cases: list[OpenCase] = field(default_factory=list)
    visit_grids: list[str] = field(default_factory=list)  # grids left with no other worker
    emergency_checks: list[OpenChecks] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Whether nothing would be orphaned."""
        return not (self.cases or self.visit_grids or self.emergency_checks)


def open_work_of(conn: Connection, user_id: int) -> OpenWork:
    """The user's open cases, the grids whose visits only they make, and their open welfare
    checks in active emergencies: what must be reassigned before they go."""
    work = OpenWork()
    for row in conn.execute(
        select(cases.c.id, cases.c.reference, cases.c.status, cases.c.area_code)
        .where(cases.c.assignee_id == user_id, cases.c.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(cases.c.id)
    ):
        work.cases.append(OpenCase(row.id, row.reference, row.status, row.area_code))
    own = list(
        conn.execute(
            select(grants.c.area_code).where(
                grants.c.user_id == user_id, grants.c.role == Role.GRID_WORKER.value
            )
        ).scalars()
    )
    if own:
        others = conn.execute(
            select(grants.c.area_code)
            .join(users, users.c.id == grants.c.user_id)
            .where(
                grants.c.role == Role.GRID_WORKER.value,
                grants.c.user_id != user_id,
                users.c.is_active.is_(True),
            )
        ).scalars()
        covered = list(others)
        work.visit_grids = [g for g in own if not any(g.startswith(o) for o in covered)]
    active = conn.execute(
        select(emergencies.c.id)
        .where(emergencies.c.status == "active")
        .where(
            emergencies.c.id.in_(
                select(emergency_lists.c.emergency_id).where(
                    emergency_lists.c.assignee_id == user_id
                )
            )
            | emergencies.c.id.in_(
                select(emergency_tasks.c.emergency_id).where(
                    emergency_tasks.c.assignee_id == user_id
                )
            )
        )
        .order_by(emergencies.c.id)
    ).scalars()
    for emergency_id in active:
        left = sum(1 for t in assigned(conn, emergency_id, user_id) if t["status"] == "open")
        if left:
            work.emergency_checks.append(OpenChecks(emergency_id, left))
    return work


def release_work(conn: Connection, user_id: int) -> None:
    """Hand the user's open work back: cases to their own unit's queue, open welfare checks
    to nobody (the emergency's board shows them unassigned for the commander to deal)."""
    conn.execute(
        update(cases)
        .where(cases.c.assignee_id == user_id, cases.c.status.in_([s.value for s in OPEN_STATUSES]))
        .values(assignee_id=None, handler_unit=None)
    )
    active = select(emergencies.c.id).where(emergencies.c.status == "active")
    conn.execute(
        update(emergency_lists)
        .where(emergency_lists.c.assignee_id == user_id, emergency_lists.c.emergency_id.in_(active))
        .values(assignee_id=None)
    )
    conn.execute(
        update(emergency_tasks)
        .where(
            emergency_tasks.c.assignee_id == user_id,
            emergency_tasks.c.status == "open",
            emergency_tasks.c.emergency_id.in_(active),
        )
        .values(assignee_id=None)
    )
