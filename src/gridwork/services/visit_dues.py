"""Keeping each resident's next due visit in step with the visit rules, their age and flags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, func, select, update

from gridwork.domain.errors import InvalidInput, NotFound
from gridwork.domain.people import Flag, age_in
from gridwork.domain.visits import VisitRule, applicable_rule, next_due
from gridwork.store.people_tables import resident_flags, residents, visit_dues, visit_rules
from gridwork.store.scope import in_subtree


def load_rules(conn: Connection) -> list[VisitRule]:
    """The active visit rules."""
    rows = conn.execute(select(visit_rules).where(visit_rules.c.active.is_(True))).mappings()
    return [
        VisitRule(
            code=r["code"],
            description=r["description"],
            min_age=r["min_age"],
            lives_alone=r["lives_alone"],
            any_flag=frozenset(Flag(f) for f in (r["any_flag"] or "").split(",") if f),
            interval_days=r["interval_days"],
            priority=r["priority"],
        )
        for r in rows
    ]


def refresh_due(
    conn: Connection,
    resident_id: int,
    now: datetime,
    rules: list[VisitRule] | None = None,
) -> None:
    """Open, move or cancel the resident's due visit after a change to them or the rules.

    The next visit is due one interval after the last completed visit (or after
    registration, if never visited).
    """
    person = conn.execute(
        select(
            residents.c.id,
            residents.c.birth_year,
            residents.c.grid_code,
            residents.c.province_code,
            residents.c.created_at,
            residents.c.archived_at,
        ).where(residents.c.id == resident_id)
    ).one()
    open_due = conn.execute(
        select(visit_dues.c.id, visit_dues.c.rule_code, visit_dues.c.due_at).where(
            visit_dues.c.resident_id == resident_id, visit_dues.c.status == "open"
        )
    ).first()
    rule = None
    if person.archived_at is None:
        flags = conn.execute(
            select(resident_flags.c.flag).where(resident_flags.c.resident_id == resident_id)
        ).scalars()
        rule = applicable_rule(
            rules if rules is not None else load_rules(conn),
            age_in(person.birth_year, now.year),
            [Flag(f) for f in flags],
        )
    if rule is None:
        if open_due is not None:
            conn.execute(
                update(visit_dues).where(visit_dues.c.id == open_due.id).values(status="cancelled")
            )
        return
    last_visit = conn.execute(
        select(func.max(visit_dues.c.done_at)).where(
            visit_dues.c.resident_id == resident_id, visit_dues.c.status == "done"
        )
    ).scalar_one()
    due_at = next_due(last_visit or person.created_at, rule)
    if open_due is None:
        conn.execute(
            visit_dues.insert().values(
                province_code=person.province_code,
                resident_id=resident_id,
                grid_code=person.grid_code,
                rule_code=rule.code,
                due_at=due_at,
                status="open",
            )
        )
    elif open_due.rule_code != rule.code or open_due.due_at != due_at:
        conn.execute(
            update(visit_dues)
            .where(visit_dues.c.id == open_due.id)
            .values(rule_code=rule.code, due_at=due_at, grid_code=person.grid_code)
        )


def complete_due(
    conn: Connection, resident_id: int, visit_id: int, visited_at: datetime
) -> bool | None:
    """Close the open due visit with this visit; returns whether it was on time (None: none due)."""
    open_due = conn.execute(
        select(visit_dues.c.id, visit_dues.c.due_at).where(
            visit_dues.c.resident_id == resident_id, visit_dues.c.status == "open"
        )
    ).first()
    if open_due is None:
        return None
    on_time: bool = visited_at <= open_due.due_at
    conn.execute(
        update(visit_dues)
        .where(visit_dues.c.id == open_due.id)
        .values(status="done", visit_id=visit_id, done_at=visited_at, on_time=on_time)
    )
    return on_time


def set_rule(
    conn: Connection, code: str, *, interval_days: int | None = None, active: bool | None = None
) -> VisitRule | None:
    """Change a rule's interval or switch it on or off; returns it as now active (or None)."""
    found = conn.execute(select(visit_rules.c.code).where(visit_rules.c.code == code)).first()
    if found is None:
        known = ", ".join(conn.execute(select(visit_rules.c.code)).scalars())
        raise NotFound(f"no visit rule {code!r}; rules are {known}")
    values: dict[str, object] = {}
    if interval_days is not None:
        if not 1 <= interval_days <= 366:
            raise InvalidInput("interval must be 1–366 days", field="interval")
        values["interval_days"] = interval_days
    if active is not None:
        values["active"] = active
    if values:
        conn.execute(update(visit_rules).where(visit_rules.c.code == code).values(**values))
    return next((r for r in load_rules(conn) if r.code == code), None)


def all_rules(conn: Connection) -> list[dict[str, object]]:
    """Every rule, active or not, most urgent first."""
    return [
        dict(r)
        for r in conn.execute(
            select(visit_rules).order_by(visit_rules.c.interval_days, visit_rules.c.priority)
        ).mappings()
    ]


def refresh_dues_in(
    conn: Connection,
    code: str,
    now: datetime,
    *,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Re-apply the rules to every active resident under `code` (after the rules change, or
    yearly as people age past a threshold); returns how many residents were looked at."""
    rules = load_rules(conn)
    ids = list(
        conn.execute(
            select(residents.c.id)
            .where(in_subtree(residents.c.grid_code, code), residents.c.archived_at.is_(None))
            .order_by(residents.c.id)
        ).scalars()
    )
    for n, resident_id in enumerate(ids, start=1):
        refresh_due(conn, resident_id, now, rules)
        if progress is not None and n % 1000 == 0:
            progress(1000)
    if progress is not None:
        progress(len(ids) % 1000)
    return len(ids)
