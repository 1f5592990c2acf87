"""Open and overdue cases under a unit, counted per child unit (for dashboards and maps)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from gridwork.domain.access import Actor
from gridwork.domain.workflow import CLOCK_RUNNING, OPEN_STATUSES
from gridwork.services.areas import unit_in_scope
from gridwork.services.clock import utcnow
from gridwork.store.scope import in_subtree
from gridwork.store.tables import areas, cases


def open_cases_by_child(conn: Connection, actor: Actor, code: str) -> list[dict[str, Any]]:
    """One row per child unit of `code` (and one for cases held at `code` itself, if any):
    its open cases and how many of them are past their deadline."""
    unit_in_scope(conn, actor, code)
    children = conn.execute(
        select(areas.c.code, areas.c.name, areas.c.level)
        .where(areas.c.parent_code == code)
        .order_by(areas.c.code)
    ).all()
    width = len(children[0].code) if children else len(code)
    owner = func.substr(cases.c.area_code, 1, width)
    late = and_(
        cases.c.status.in_([s.value for s in CLOCK_RUNNING]), cases.c.deadline_at < utcnow()
    )
    counts = {
        row.owner: (int(row.open), int(row.overdue or 0))
        for row in conn.execute(
            select(
                owner.label("owner"),
                func.count().label("open"),
                func.sum(case((late, 1), else_=0)).label("overdue"),
            )
            .where(
                in_subtree(cases.c.area_code, code),
                cases.c.status.in_([s.value for s in OPEN_STATUSES]),
            )
            .group_by(owner)
        )
    }
    rows = [
        {
            "code": child.code,
            "name": child.name,
            "level": child.level,
            "open": counts.get(child.code, (0, 0))[0],
            "overdue": counts.get(child.code, (0, 0))[1],
        }
        for child in children
    ]
    # Cases owned by the unit itself (escalated to it, or reported with its code) are
    # shorter than a child's code and group under their own code.
    held = [(k, v) for k, v in counts.items() if len(k) < width]
    if held:
        rows.insert(
            0,
            {
                "code": code,
                "name": None,
                "level": None,
                "open": sum(v[0] for _, v in held),
                "overdue": sum(v[1] for _, v in held),
            },
        )
    return rows


def open_cases_by_status(conn: Connection, actor: Actor, code: str) -> dict[str, int]:
    """How many of the unit's open cases are in each open state (every open state listed)."""
    unit_in_scope(conn, actor, code)
    counts = dict.fromkeys(sorted(s.value for s in OPEN_STATUSES), 0)
    for status, number in conn.execute(
        select(cases.c.status, func.count())
        .where(
            in_subtree(cases.c.area_code, code),
            cases.c.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .group_by(cases.c.status)
    ).all():
        counts[status] = int(number)
    return counts
