"""Reading emergencies for the pages: the ones a user can see, and coverage grid by grid."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, desc, select

from gridwork.domain.access import EMERGENCY_COMMANDERS, Actor
from gridwork.services.emergencies import COUNTS, active_codes, report, seen, touches
from gridwork.store.emergency_tables import emergencies, emergency_counts, emergency_tasks
from gridwork.store.scope import in_subtree
from gridwork.store.tables import areas, cases

MAX_NEEDS = 2000

RECENT = 50


def list_emergencies(conn: Connection, actor: Actor) -> list[dict[str, Any]]:
    """The most recent emergencies touching the actor's part of the hierarchy, newest first,
    each with its units."""
    rows = conn.execute(
        select(emergencies).order_by(desc(emergencies.c.started_at)).limit(RECENT * 4)
    ).mappings()
    found = []
    for row in rows:
        codes = active_codes(conn, row["id"])
        if touches(actor, codes):
            found.append({**dict(row), "area_codes": codes})
        if len(found) == RECENT:
            break
    return found


def may_command(actor: Actor, codes: list[str]) -> bool:
    """Whether the actor may declare, widen, narrow or end over every one of `codes`."""
    return bool(codes) and all(actor.roles_over([c]) & EMERGENCY_COMMANDERS for c in codes)


def after_action(conn: Connection, actor: Actor, ref: str) -> dict[str, Any]:
    """The report with coverage per grid (tasks done of total, the vulnerable reached,
    unreachable households, needs found)."""
    summary = report(conn, actor, ref)
    grids = []
    for code in summary["area_codes"]:
        rows = conn.execute(
            select(emergency_counts, areas.c.name)
            .join(areas, areas.c.code == emergency_counts.c.area_code)
            .where(
                emergency_counts.c.emergency_id == summary["id"],
                in_subtree(emergency_counts.c.area_code, code),
                areas.c.level == "grid",
            )
            .order_by(emergency_counts.c.area_code)
        ).mappings()
        grids += [
            {"code": r["area_code"], "name": r["name"], **{k: r[k] for k in COUNTS}}
            for r in rows
            if actor.covers(r["area_code"]) or actor.covers(code)
        ]
    return {**summary, "grids": grids}


def needs_met(conn: Connection, actor: Actor, ref: str) -> list[dict[str, Any]]:
    """The needs the checks found in the actor's part, each with the urgent case it became
    and where that case stands now (oldest first)."""
    row, _ = seen(conn, actor, ref)
    found = conn.execute(
        select(
            emergency_tasks.c.grid_code,
            emergency_tasks.c.need,
            emergency_tasks.c.done_at,
            cases.c.id.label("case_id"),
            cases.c.reference,
            cases.c.status,
        )
        .outerjoin(cases, cases.c.id == emergency_tasks.c.case_id)
        .where(
            emergency_tasks.c.emergency_id == row["id"],
            emergency_tasks.c.status == "needs_help",
        )
        .order_by(emergency_tasks.c.done_at, emergency_tasks.c.id)
        .limit(MAX_NEEDS * 4)
    ).mappings()
    return [dict(r) for r in found if actor.covers(r["grid_code"])][:MAX_NEEDS]
