"""A unit's counts and the four rates for a period."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from gridwork.services.stats import unit_stats
from gridwork.web.deps import ActorDep, DbDep, ZoneDep
from gridwork.web.render import to_json

router = APIRouter(prefix="/api/v1/areas", tags=["areas"])


@router.get("/{code}/stats")
def stats(
    db: DbDep,
    zone: ZoneDep,
    actor: ActorDep,
    code: str,
    start: Annotated[date | None, Query(alias="from", description="first day (UTC)")] = None,
    end: Annotated[date | None, Query(alias="to", description="last day (UTC)")] = None,
) -> Any:
    """Received, accepted, resolved, closed… and the response, resolution, on-time closure
    and satisfaction rates (default: the last 30 days)."""
    with db.transaction() as conn:
        report = unit_stats(conn, actor, code, start, end)
    report["from"], report["to"] = report["from"].isoformat(), report["to"].isoformat()
    for point in report["trend"]["points"]:
        point["period"] = point["period"].isoformat()
    return to_json(report, zone)
