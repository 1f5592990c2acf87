"""The staffing report: community workers per 10,000 residents against the national target,
households, open cases and overdue visits per worker, visit coverage; for a unit and each of
its children (aggregates only: no one's personal data)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from gridwork.domain.access import Actor, Role
from gridwork.domain.errors import InvalidInput
from gridwork.domain.rollups import EARLIEST_DAY, LATEST_DAY, day_in_range
from gridwork.domain.workflow import OPEN_STATUSES
from gridwork.services.areas import unit_in_scope
from gridwork.services.clock import utcnow
from gridwork.services.visits import coverage_by_child
from gridwork.store.people_tables import helpers, households, residents, visit_dues
from gridwork.store.scope import in_subtree
from gridwork.store.tables import areas, cases, grants

TARGET_PER_10K = 18  # 《"十四五"城乡社区服务体系建设规划》: community workers per 10,000 residents
WORKER_ROLES = (Role.GRID_WORKER.value, Role.COMMUNITY_STAFF.value)
COMMUNITY_CODE_LENGTH = 12


def _counts(
    conn: Connection, column: Any, code: str, n: int | None, *where: Any, value: Any = None
) -> dict[str, int]:
    """A count per child prefix of length n (or '' for the whole unit)."""
    measure = value if value is not None else func.count()
    query = select(measure.label("n")).where(in_subtree(column, code), *where)
    if n is not None:
        prefix = func.substr(column, 1, n)
        query = query.add_columns(prefix.label("unit")).group_by(prefix)
    return {(r.get("unit") or ""): int(r["n"]) for r in conn.execute(query).mappings()}


def _ratio(
    part: int | float, whole: int | float, scale: float = 1.0, digits: int = 2
) -> float | None:
    return round(part * scale / whole, digits) if whole else None


def staffing_report(
    conn: Connection,
    actor: Actor,
    code: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The unit's figures and one row per child unit."""
    now = now or utcnow()
    for name, bound in (("from", start), ("to", end)):
        if bound is not None and not day_in_range(bound.date()):
            raise InvalidInput(f"dates from {EARLIEST_DAY} to {LATEST_DAY}", field=name)
    end = end or now
    start = start or end - timedelta(days=30)
    if start >= end:
        raise InvalidInput("from must be before to", field="from")
    unit = unit_in_scope(conn, actor, code)
    children = (
        conn.execute(
            select(areas.c.code, areas.c.name, areas.c.level)
            .where(areas.c.parent_code == code)
            .order_by(areas.c.code)
        )
        .mappings()
        .all()
    )
    n = len(children[0]["code"]) if children else None

    def figures(n: int | None) -> dict[str, dict[str, int]]:
        return {
            "residents": _counts(
                conn, residents.c.grid_code, code, n, residents.c.archived_at.is_(None)
            ),
            "households": _counts(
                conn, households.c.grid_code, code, n, households.c.archived_at.is_(None)
            ),
            "workers": _counts(
                conn,
                grants.c.area_code,
                code,
                n,
                grants.c.role.in_(WORKER_ROLES),
                func.length(grants.c.area_code) >= COMMUNITY_CODE_LENGTH,
                value=func.count(func.distinct(grants.c.user_id)),
            ),
            "helpers": _counts(
                conn, helpers.c.community_code, code, n, helpers.c.archived_at.is_(None)
            ),
            "open_cases": _counts(
                conn,
                cases.c.area_code,
                code,
                n,
                cases.c.status.in_([s.value for s in OPEN_STATUSES]),
            ),
            "overdue_visits": _counts(
                conn,
                visit_dues.c.grid_code,
                code,
                n,
                visit_dues.c.status == "open",
                visit_dues.c.due_at < now,
            ),
        }

    totals = figures(None)
    total_cov = coverage_by_child(conn, code, None, start, end)
    result = _row(unit, {k: v.get("", 0) for k, v in totals.items()}, total_cov.get("", (0, 0)))
    rows = []
    if n is not None:
        per = figures(n)
        cov = coverage_by_child(conn, code, n, start, end)
        for child in children:
            c = child["code"]
            rows.append(
                _row(dict(child), {k: v.get(c, 0) for k, v in per.items()}, cov.get(c, (0, 0)))
            )
    return {
        **result,
        "target_workers_per_10k": TARGET_PER_10K,
        "from": start,
        "to": end,
        "children": rows,
    }


def _row(unit: dict[str, Any], f: dict[str, int], coverage: tuple[int, int]) -> dict[str, Any]:
    workers = f["workers"]
    per_10k = _ratio(workers, f["residents"], 10_000)
    on_time, due = coverage
    return {
        **unit,
        "residents": f["residents"],
        "households": f["households"],
        "workers": workers,
        "helpers": f["helpers"],
        "workers_per_10k": per_10k,
        "meets_target": per_10k is not None and per_10k >= TARGET_PER_10K,
        "households_per_worker": _ratio(f["households"], workers, digits=1),
        "open_cases": f["open_cases"],
        "open_cases_per_worker": _ratio(f["open_cases"], workers),
        "overdue_visits": f["overdue_visits"],
        "overdue_visits_per_worker": _ratio(f["overdue_visits"], workers),
        "visits_due": due,
        "visits_on_time": on_time,
        "visit_coverage": _ratio(on_time, due, digits=3),
    }
