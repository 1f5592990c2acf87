"""Door-to-door visits: the signed-in worker's due list, and logging a visit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from gridwork.domain.errors import InvalidInput
from gridwork.services import visits
from gridwork.web.deps import ActorDep, DbDep, SettingsDep, ZoneDep
from gridwork.web.people_schemas import VisitIn
from gridwork.web.render import to_json

router = APIRouter(prefix="/api/v1/visits", tags=["visits"])


@router.get("/due")
def due(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    horizon_days: Annotated[int, Query(ge=0, le=60, description="include visits due within")] = 7,
    grid: Annotated[str | None, Query(max_length=15, description="only this grid")] = None,
) -> Any:
    """Visits due in your grids: overdue first, then today, then later, in walking order."""
    with db.transaction(write=True) as conn:
        plan = visits.due_visits(
            conn, actor, key=settings.secret_key, horizon_days=horizon_days, grid=grid
        )
    return to_json(plan, zone)


@router.post("", status_code=201)
def log(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, actor: ActorDep, body: VisitIn
) -> JSONResponse:
    """Log a visit; a need found becomes a case in the same step."""
    if body.visited_at is not None and body.visited_at.tzinfo is None:
        raise InvalidInput("visited_at needs a time zone (e.g. +08:00)", field="visited_at")
    visit = visits.VisitIn(
        resident_id=body.resident_id,
        outcome=body.outcome,
        note=body.note,
        need=body.need,
        need_category=body.need_category,
        visited_at=body.visited_at,
    )
    with db.transaction(write=True) as conn:
        view = visits.log_visit(conn, actor, visit, secret_key=settings.secret_key)
    return JSONResponse(to_json(view, zone), status_code=201)
