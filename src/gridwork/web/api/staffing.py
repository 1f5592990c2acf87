"""The staffing report of a unit and its children."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from gridwork.services.staffing import staffing_report
from gridwork.web.deps import ActorDep, DbDep, ZoneDep
from gridwork.web.render import to_json

router = APIRouter(prefix="/api/v1/areas", tags=["areas"])


@router.get("/{code}/staffing")
def staffing(
    db: DbDep,
    zone: ZoneDep,
    actor: ActorDep,
    code: str,
    start: Annotated[datetime | None, Query(alias="from", description="coverage from")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="coverage until")] = None,
) -> Any:
    """Workers per 10,000 residents against the target of 18, and load per worker."""
    bounds = []
    for value in (start, end):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=zone)  # a bare date or time is local
        bounds.append(value)
    with db.transaction() as conn:
        report = staffing_report(conn, actor, code, start=bounds[0], end=bounds[1])
    return to_json(report, zone)
