"""Emergency operations: declare, widen or narrow, record welfare checks, reassign, the
live board, the report, end."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from gridwork.domain.errors import InvalidInput
from gridwork.services import emergencies
from gridwork.services.emergency_service import commend, service_record
from gridwork.web.deps import ActorDep, DbDep, SettingsDep, ZoneDep
from gridwork.web.people_schemas import (
    CommendationIn,
    EmergencyAreasIn,
    EmergencyIn,
    ReassignIn,
    TaskOutcomeIn,
)
from gridwork.web.render import to_json

router = APIRouter(prefix="/api/v1/emergencies", tags=["emergencies"])


@router.post("", status_code=201)
async def declare(db: DbDep, zone: ZoneDep, actor: ActorDep, body: EmergencyIn) -> JSONResponse:
    """Declare an emergency over units (or a drawn polygon); a welfare task is made for every
    household in them."""
    if body.started_at is not None and body.started_at.tzinfo is None:
        raise InvalidInput("started_at needs a time zone (e.g. +08:00)", field="started_at")
    made = await db.run_write(
        lambda conn: emergencies.declare(
            conn, actor, body.kind, body.area_codes, body.started_at, polygon=body.polygon
        )
    )
    return JSONResponse(to_json(made, zone), status_code=201)


@router.get("/{emergency_id}")
def show(db: DbDep, zone: ZoneDep, actor: ActorDep, emergency_id: str) -> Any:
    """The emergency: units, totals, time to reach the vulnerable, its timeline."""
    with db.transaction() as conn:
        return to_json(emergencies.report(conn, actor, emergency_id), zone)


@router.post("/{emergency_id}/areas")
async def change_areas(
    db: DbDep, zone: ZoneDep, actor: ActorDep, emergency_id: str, body: EmergencyAreasIn
) -> Any:
    """Widen (new households get tasks) or narrow (their open tasks are withdrawn)."""
    changed = await db.run_write(
        lambda conn: emergencies.change_areas(conn, actor, emergency_id, body.add, body.remove)
    )
    return to_json(changed, zone)


@router.get("/{emergency_id}/board")
def board(
    db: DbDep,
    zone: ZoneDep,
    actor: ActorDep,
    emergency_id: str,
    area: Annotated[str | None, Query(max_length=15, description="the unit to show")] = None,
) -> Any:
    """Tasks done of total, unreachable households, needs found: the unit and its children."""
    with db.transaction() as conn:
        return to_json(emergencies.board(conn, actor, emergency_id, area), zone)


@router.get("/{emergency_id}/tasks")
def my_tasks(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, actor: ActorDep, emergency_id: str
) -> Any:
    """Your tasks, in walking order (the listing is audited)."""
    with db.transaction(write=True) as conn:
        mine = emergencies.my_tasks(conn, actor, emergency_id, key=settings.secret_key)
    return to_json(mine, zone)


@router.post("/{emergency_id}/tasks/{task_id}")
def record(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    emergency_id: str,
    task_id: str,
    body: TaskOutcomeIn,
) -> Any:
    """Record a welfare check: safe, needs_help (with the need: an urgent case) or unreachable."""
    with db.transaction(write=True) as conn:
        done = emergencies.record_outcome(
            conn,
            actor,
            emergency_id,
            task_id,
            body.outcome,
            body.need,
            secret_key=settings.secret_key,
        )
    return to_json(done, zone)


@router.post("/{emergency_id}/reassign")
def reassign(db: DbDep, actor: ActorDep, emergency_id: str, body: ReassignIn) -> Any:
    """Hand tasks to another worker in one action."""
    with db.transaction(write=True) as conn:
        return emergencies.reassign(conn, actor, emergency_id, body.task_ids, body.assignee)


@router.post("/{emergency_id}/end")
def end(db: DbDep, zone: ZoneDep, actor: ActorDep, emergency_id: str) -> Any:
    """End the emergency; answers with its after-action report."""
    with db.transaction(write=True) as conn:
        return to_json(emergencies.end(conn, actor, emergency_id), zone)


@router.get("/{emergency_id}/service")
def service(db: DbDep, zone: ZoneDep, actor: ActorDep, emergency_id: str) -> Any:
    """Each worker's service: checks recorded, the vulnerable among them, needs found, and
    commendations."""
    with db.transaction() as conn:
        return to_json({"items": service_record(conn, actor, emergency_id)}, zone)


@router.post("/{emergency_id}/commendations", status_code=201)
def commend_worker(
    db: DbDep, zone: ZoneDep, actor: ActorDep, emergency_id: str, body: CommendationIn
) -> Any:
    """Commend a worker who recorded checks (commanders over the emergency's units)."""
    with db.transaction(write=True) as conn:
        return to_json(commend(conn, actor, emergency_id, body.username, body.note), zone)
