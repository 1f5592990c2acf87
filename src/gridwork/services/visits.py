"""Door-to-door visits: what is due for a worker (by urgency, in walking order), logging a
visit (a need found becomes a case in the same step), flagging overdue visits, coverage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, func, select, update

from gridwork.domain.access import VISITORS, Actor
from gridwork.domain.errors import InvalidInput, NotFound, PermissionDenied
from gridwork.domain.people import Purpose
from gridwork.domain.publication import Publicity
from gridwork.domain.visits import BAND_ORDER, COMPLETES_DUE, Band, Outcome, band_of
from gridwork.geo.projection import LocalMetric
from gridwork.geo.route import path_length, walking_order
from gridwork.services.clock import utcnow
from gridwork.services.disclosure import RESIDENT, disclose
from gridwork.services.intake import Report, submit_report_once
from gridwork.services.registry import require_role, resident_views
from gridwork.services.visit_dues import complete_due, refresh_due
from gridwork.store.people_tables import households, residents, visit_dues, visits
from gridwork.store.scope import in_subtree, scope_codes, scope_filter
from gridwork.store.tables import buildings

MAX_DUE = 500
NEED_CATEGORY = "elderly_help"


def _visitor_codes(actor: Actor) -> list[str]:
    codes = scope_codes(actor, VISITORS)
    if not codes:
        raise PermissionDenied("only grid workers and community staff have visits")
    return codes


def due_visits(
    conn: Connection,
    actor: Actor,
    *,
    key: str,
    horizon_days: int = 7,
    grid: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The visits due in the actor's grids within `horizon_days`: overdue first, then today,
    then later; within each band in a short walking order (nearest-next, improved by 2-opt).

    Listing names people, so each listed resident's read is audited (purpose: visit).
    """
    now = now or utcnow()
    if not 0 <= horizon_days <= 60:
        raise InvalidInput("horizon_days must be from 0 to 60", field="horizon_days")
    where = [
        scope_filter(visit_dues.c.grid_code, _visitor_codes(actor)),
        visit_dues.c.status == "open",
        visit_dues.c.due_at <= now + timedelta(days=horizon_days),
    ]
    if grid:
        where.append(in_subtree(visit_dues.c.grid_code, grid))
    total = conn.execute(select(func.count()).select_from(visit_dues).where(*where)).scalar_one()
    rows = (
        conn.execute(
            select(
                visit_dues.c.id.label("due_id"),
                visit_dues.c.due_at,
                visit_dues.c.rule_code,
                residents,
                buildings.c.lon,
                buildings.c.lat,
            )
            .join(residents, residents.c.id == visit_dues.c.resident_id)
            .join(households, households.c.id == residents.c.household_id)
            .outerjoin(buildings, buildings.c.id == households.c.building_id)
            .where(*where)
            .order_by(visit_dues.c.due_at)
            .limit(MAX_DUE)
        )
        .mappings()
        .all()
    )
    disclosed = disclose(
        conn, actor, Purpose.VISIT, "list", RESIDENT, [r["id"] for r in rows], key=key
    )
    views = {v["id"]: v for v in resident_views(conn, rows, disclosed)}
    ordered, metres = _walking_plan(rows, now)
    items = []
    for position, (row, band) in enumerate(ordered, start=1):
        items.append(
            {
                "stop": position,
                "band": band.value,
                "due_at": row["due_at"],
                "rule": row["rule_code"],
                "lon": row["lon"],
                "lat": row["lat"],
                "resident": views[row["id"]],
            }
        )
    return {"items": items, "total": total, "walking_metres": round(metres)}


def _walking_plan(rows: Sequence[Any], now: datetime) -> tuple[list[tuple[Any, Band]], float]:
    """Rows ordered by band, each band walked nearest-next from where the last one ended;
    stops without a known building go last in their band."""
    located = [r for r in rows if r["lon"] is not None]
    metric = (
        LocalMetric(
            float(np.mean([r["lon"] for r in located])), float(np.mean([r["lat"] for r in located]))
        )
        if located
        else None
    )
    result: list[tuple[Any, Band]] = []
    total = 0.0
    here: tuple[float, float] | None = None
    for band in sorted(Band, key=BAND_ORDER.__getitem__):
        members = [r for r in rows if band_of(r["due_at"], now) is band]
        placed = [r for r in members if r["lon"] is not None]
        unplaced = [r for r in members if r["lon"] is None]
        if placed and metric is not None:
            xy = metric.forward(np.array([[r["lon"], r["lat"]] for r in placed], dtype=float))
            points = [(float(x), float(y)) for x, y in xy]
            order = walking_order(points, here)
            total += path_length(points, order, here)
            here = points[order[-1]]
            result.extend((placed[i], band) for i in order)
        result.extend((r, band) for r in unplaced)
    return result, total


@dataclass(frozen=True)
class VisitIn:
    """A visit as a worker logs it."""

    resident_id: int
    outcome: str
    note: str | None = None
    need: str | None = None
    need_category: str | None = None
    visited_at: datetime | None = None


def log_visit(
    conn: Connection,
    actor: Actor,
    visit: VisitIn,
    *,
    secret_key: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Record a visit; a need found becomes a case (channel `visit`) in the same step."""
    now = now or utcnow()
    person = (
        conn.execute(
            select(residents, households.c.address)
            .join(households, households.c.id == residents.c.household_id)
            .where(residents.c.id == visit.resident_id)
        )
        .mappings()
        .first()
    )
    if person is None:
        raise NotFound(f"no resident {visit.resident_id}")
    require_role(
        actor, person["grid_code"], VISITORS, "log visits", f"no resident {visit.resident_id}"
    )
    if person["archived_at"] is not None:
        raise InvalidInput("this resident is archived", field="resident_id")
    try:
        outcome = Outcome(visit.outcome)
    except ValueError:
        names = ", ".join(o.value for o in Outcome)
        raise InvalidInput(f"outcome is one of {names}", field="outcome") from None
    visited_at = visit.visited_at or now
    if visited_at > now + timedelta(minutes=5) or visited_at < now - timedelta(days=7):
        raise InvalidInput("visited_at must be within the last 7 days", field="visited_at")
    need = (visit.need or "").strip() or None
    if need is not None and outcome is not Outcome.MET:
        raise InvalidInput("a need can only be recorded when the resident was met", field="need")
    case_view = None
    case_id = None
    if need is not None:
        created = submit_report_once(
            conn,
            actor,
            Report(
                category=visit.need_category or NEED_CATEGORY,
                description=need,
                area_code=person["grid_code"],
                reporter_name=person["name"],
                reporter_phone=person["phone"],
                channel="visit",
                address=person["address"],
                publicity=Publicity.RESTRICTED,  # what a household said at its door
            ),
            secret_key=secret_key,
        )
        case_id = created.row["id"]
        case_view = {
            "id": case_id,
            "reference": created.row["reference"],
            "status": created.row["status"],
        }
    visit_id = conn.execute(
        visits.insert()
        .values(
            province_code=person["province_code"],
            resident_id=person["id"],
            grid_code=person["grid_code"],
            worker_id=actor.user_id,
            visited_at=visited_at,
            outcome=outcome.value,
            note=(visit.note or "").strip() or None,
            need=need,
            case_id=case_id,
            created_at=now,
        )
        .returning(visits.c.id)
    ).scalar_one()
    on_time = None
    if outcome in COMPLETES_DUE:
        on_time = complete_due(conn, person["id"], visit_id, visited_at)
        refresh_due(conn, person["id"], now)
    next_due = conn.execute(
        select(visit_dues.c.due_at).where(
            visit_dues.c.resident_id == person["id"], visit_dues.c.status == "open"
        )
    ).scalar_one_or_none()
    return {
        "id": visit_id,
        "resident_id": person["id"],
        "grid_code": person["grid_code"],
        "visited_at": visited_at,
        "outcome": outcome.value,
        "on_time": on_time,
        "next_visit_due": next_due,
        "case": case_view,
    }


def flag_overdue_visits(conn: Connection, *, now: datetime | None = None) -> int:
    """Mark every open due visit whose time has passed (once); returns how many were new."""
    now = now or utcnow()
    result = conn.execute(
        update(visit_dues)
        .where(
            visit_dues.c.status == "open",
            visit_dues.c.due_at < now,
            visit_dues.c.flagged_at.is_(None),
        )
        .values(flagged_at=now)
    )
    return int(result.rowcount or 0)


def coverage_by_child(
    conn: Connection, code: str, child_length: int | None, start: datetime, end: datetime
) -> dict[str, tuple[int, int]]:
    """(on time, due) per child unit (or '' for the unit itself when `child_length` is None):
    visits that fell due in [start, end) and before now, and how many of them were done on time."""
    end = min(end, utcnow())
    group = func.substr(visit_dues.c.grid_code, 1, child_length) if child_length else None
    columns = [
        func.count().label("due"),
        func.count().filter(visit_dues.c.on_time.is_(True)).label("on_time"),
    ]
    query = select(*columns).where(
        in_subtree(visit_dues.c.grid_code, code),
        visit_dues.c.status != "cancelled",
        and_(visit_dues.c.due_at >= start, visit_dues.c.due_at < end),
    )
    if group is not None:
        query = query.add_columns(group.label("unit")).group_by(group)
    out: dict[str, tuple[int, int]] = {}
    for row in conn.execute(query).mappings():
        out[row.get("unit") or ""] = (int(row["on_time"]), int(row["due"]))
    return out
