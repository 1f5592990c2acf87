"""Duplicates: at intake, open cases of the same category within 50 m are suggested (to the
resident, without anyone's words or contact; to staff, with links); staff merge a duplicate
into the case that carries the work, and its reporter follows that case from then on."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, select, update

from gridwork.domain.access import Actor, may_take
from gridwork.domain.errors import Conflict, InvalidInput
from gridwork.domain.publication import PUBLIC_DECIMALS, public_distance
from gridwork.domain.workflow import OPEN_STATUSES, Action
from gridwork.services.case_views import staff_view
from gridwork.services.cases import (
    ActionRequest,
    apply_action,
    case_disclosure,
    is_visible_to,
    load_case,
    require_action,
    visible_case,
)
from gridwork.services.clock import utcnow
from gridwork.services.publication import published
from gridwork.store.tables import cases

RADIUS_M = 50.0
LIMIT = 10
_EARTH_M = 6_371_000.0
_OPEN = [s.value for s in OPEN_STATUSES]


def metres_between(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_M * math.asin(min(1.0, math.sqrt(a)))


def _check_point(lat: float, lng: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or math.isnan(lat + lng):
        raise InvalidInput("lat must lie in -90..90 and lng in -180..180", field="lat")


def _exact(value: float) -> float:
    return value


def _rounded(value: float) -> float:
    return round(value, PUBLIC_DECIMALS)


def _near(
    conn: Connection,
    category: str,
    lat: float,
    lng: float,
    exclude: int | None = None,
    *,
    public: bool = False,
) -> list[tuple[float, RowMapping]]:
    """Open, unmerged cases of `category` within RADIUS_M of the point, nearest first
    (`public`: only those the publication rule publishes)."""
    _check_point(lat, lng)
    # The public are measured against the rounded points they may see anyway (so neither
    # the distances nor the edge of the circle give the exact pin away); the box around
    # them is widened by a rounding step so no such point is missed.
    dlat = (RADIUS_M + (20.0 if public else 0.0)) / 111_000.0
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    where = [
        cases.c.category_code == category,
        cases.c.lat.between(lat - dlat, lat + dlat),
        cases.c.lng.between(lng - dlng, lng + dlng),
        cases.c.status.in_(_OPEN),
        cases.c.merged_into_id.is_(None),
    ]
    if exclude is not None:
        where.append(cases.c.id != exclude)
    if public:
        where.append(published())
    rows = conn.execute(select(cases).where(*where).limit(200)).mappings()
    place = _rounded if public else _exact
    found = [(metres_between(lat, lng, place(r["lat"]), place(r["lng"])), r) for r in rows]
    close = [(d, r) for d, r in found if d <= RADIUS_M]
    return sorted(close, key=lambda pair: (pair[0], pair[1]["id"]))[:LIMIT]


def suggestions(conn: Connection, category: str, lat: float, lng: float) -> list[dict[str, Any]]:
    """For a resident about to report: similar published open reports nearby (reference,
    status, when, how far; no description, no contact)."""
    return [
        {
            "reference": r["reference"],
            "status": r["status"],
            "created_at": r["created_at"],
            # to the nearest 10 m: exact distances from a few points would give the pin away
            "distance_m": public_distance(d),
        }
        for d, r in _near(conn, category, lat, lng, public=True)
    ]


def duplicates_of(conn: Connection, actor: Actor, case_ref: str) -> list[dict[str, Any]]:
    """For staff on a case: open cases of its category within 50 m that they can see."""
    row = visible_case(conn, actor, case_ref)
    if row["lat"] is None or row["lng"] is None:
        return []
    return [
        {
            "id": r["id"],
            "reference": r["reference"],
            "status": r["status"],
            "description": r["description"][:200],
            "created_at": r["created_at"],
            "distance_m": round(d),
        }
        for d, r in _near(conn, row["category_code"], row["lat"], row["lng"], exclude=row["id"])
        if is_visible_to(actor, r)
    ]


def may_merge(actor: Actor, view: dict[str, Any]) -> bool:
    """Whether the actor may merge this case (as seen on its page) into another now."""
    if view["status"] not in _OPEN or view.get("merged_into") is not None:
        return False
    return may_take(actor.roles_over([view["area_code"], view["handler_unit"]]), Action.MERGE)


def merge_case(
    conn: Connection,
    actor: Actor,
    case_ref: str,
    into_ref: str,
    *,
    key: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Merge the duplicate `case_ref` into `into_ref`: the duplicate ends as merged (its
    reporter, and those of duplicates merged into it before, follow the survivor). Answers
    the survivor with its reporter's contact (audited)."""
    now = now or utcnow()
    duplicate = visible_case(conn, actor, case_ref)
    survivor = visible_case(conn, actor, into_ref)
    if duplicate["id"] == survivor["id"]:
        raise InvalidInput("a case cannot be merged into itself", field="into")
    if survivor["status"] not in _OPEN or survivor["merged_into_id"] is not None:
        raise Conflict(
            f"case {survivor['reference']} is {survivor['status']}: merge into an open case",
            reason="survivor_not_open",
        )
    require_action(actor, duplicate, Action.MERGE)
    apply_action(
        conn,
        duplicate,
        Action.MERGE,
        ActionRequest(action="merge", note=f"→ {survivor['reference']}"),
        actor_id=actor.user_id,
        actor_label=actor.username,
        now=now,
    )
    conn.execute(
        update(cases)
        .where(cases.c.merged_into_id == duplicate["id"])
        .values(merged_into_id=survivor["id"])
    )
    conn.execute(
        update(cases).where(cases.c.id == duplicate["id"]).values(merged_into_id=survivor["id"])
    )
    fresh = load_case(conn, survivor["id"])
    return staff_view(conn, fresh, case_disclosure(conn, actor, fresh, "merged", key=key))
