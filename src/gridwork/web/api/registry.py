"""The registry: households and residents. Reads of people name a purpose and are audited
in the same transaction, so they run as writing units of work."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from gridwork.domain.errors import InvalidInput, NotFound
from gridwork.domain.exports import safe_record
from gridwork.domain.ids import parse_id
from gridwork.domain.people import parse_flags, parse_purpose
from gridwork.services import registry
from gridwork.services.registry_import import import_registry
from gridwork.web.deps import ActorDep, DbDep, PagingDep, SettingsDep, ZoneDep
from gridwork.web.people_schemas import (
    HouseholdIn,
    HouseholdPatch,
    ResidentIn,
    ResidentPatch,
    flags_payload,
)
from gridwork.web.render import to_json

router = APIRouter(prefix="/api/v1", tags=["registry"])
PurposeQuery = Annotated[
    str | None, Query(max_length=24, description="why you read it: visit, case or registry")
]


def _id(text: str, what: str) -> int:
    number = parse_id(text)
    if number is None:
        raise NotFound(f"no {what} {text}")
    return number


@router.post("/households", status_code=201)
def create_household(db: DbDep, zone: ZoneDep, actor: ActorDep, body: HouseholdIn) -> JSONResponse:
    """A new household in a grid (community staff)."""
    with db.transaction(write=True) as conn:
        view = registry.create_household(
            conn, actor, body.grid_code, body.address, body.building_code
        )
    return JSONResponse(to_json(view, zone), status_code=201)


@router.get("/households/{household_id}")
def show_household(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    household_id: str,
    purpose: PurposeQuery = None,
) -> Any:
    """A household with its residents (audited)."""
    why = parse_purpose(purpose)
    with db.transaction(write=True) as conn:
        view = registry.get_household(
            conn, actor, _id(household_id, "household"), why, key=settings.secret_key
        )
    return to_json(view, zone)


@router.patch("/households/{household_id}")
def edit_household(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    household_id: str,
    body: HouseholdPatch,
) -> Any:
    """Change the address or building, or move the household to another grid."""
    change = registry.HouseholdChange(body.grid_code, body.address, body.building_code)
    with db.transaction(write=True) as conn:
        view = registry.update_household(
            conn, actor, _id(household_id, "household"), change, key=settings.secret_key
        )
    return to_json(view, zone)


@router.post("/households/{household_id}/archive")
def archive_household(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, actor: ActorDep, household_id: str
) -> Any:
    """Archive a household that moved away, with its residents."""
    with db.transaction(write=True) as conn:
        view = registry.archive_household(
            conn, actor, _id(household_id, "household"), key=settings.secret_key
        )
    return to_json(view, zone)


@router.post("/residents", status_code=201)
def create_resident(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, actor: ActorDep, body: ResidentIn
) -> JSONResponse:
    """A new resident of a household (community staff)."""
    person = registry.ResidentIn(
        household_id=body.household_id,
        name=body.name,
        phone=body.phone,
        birth_year=body.birth_year,
        sex=body.sex,
        flags=parse_flags(flags_payload(body.flags)),
    )
    with db.transaction(write=True) as conn:
        view = registry.register_resident(conn, actor, person, key=settings.secret_key)
    return JSONResponse(to_json(view, zone), status_code=201)


@router.get("/residents")
def list_residents(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    paging: PagingDep,
    purpose: PurposeQuery = None,
    area: Annotated[str | None, Query(max_length=15, description="a unit's subtree")] = None,
    flag: Annotated[
        str | None, Query(max_length=24, description="only residents with this flag")
    ] = None,
    archived: Annotated[bool, Query(description="include archived residents")] = False,
) -> Any:
    """Residents in scope, by grid and household (each listed person's read is audited)."""
    why = parse_purpose(purpose)
    with db.transaction(write=True) as conn:
        page = registry.list_residents(
            conn,
            actor,
            paging,
            why,
            key=settings.secret_key,
            area=area,
            flag=flag,
            include_archived=archived,
        )
    return to_json(page.as_dict(), zone)


@router.get("/residents/export.csv")
def export_residents(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    area: Annotated[str, Query(max_length=15, description="the unit to export")],
    purpose: PurposeQuery = None,
) -> Response:
    """Every active resident of a unit as CSV (each row's read is audited)."""
    why = parse_purpose(purpose)
    with db.transaction(write=True) as conn:
        rows = registry.export_residents(conn, actor, area, why, key=settings.secret_key)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=registry.EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(safe_record(r) for r in to_json(rows, zone))
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="residents-{area}.csv"'},
    )


@router.get("/residents/{resident_id}")
def show_resident(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    resident_id: str,
    purpose: PurposeQuery = None,
) -> Any:
    """One resident's record (audited with its purpose)."""
    why = parse_purpose(purpose)
    with db.transaction(write=True) as conn:
        view = registry.get_resident(
            conn, actor, _id(resident_id, "resident"), why, key=settings.secret_key
        )
    return to_json(view, zone)


@router.patch("/residents/{resident_id}")
def edit_resident(
    db: DbDep,
    settings: SettingsDep,
    zone: ZoneDep,
    actor: ActorDep,
    resident_id: str,
    body: ResidentPatch,
) -> Any:
    """Edit a resident, set or clear flags, or move them to another household (the record
    answered is audited)."""
    sent = body.model_fields_set
    change = registry.ResidentIn(
        household_id=body.household_id,
        name=body.name,
        phone=body.phone,
        birth_year=body.birth_year,
        sex=body.sex,
        flags=parse_flags(flags_payload(body.flags)) if body.flags else None,
        clear_phone="phone" in sent and body.phone is None,
        clear_sex="sex" in sent and body.sex is None,
    )
    with db.transaction(write=True) as conn:
        view = registry.update_resident(
            conn, actor, _id(resident_id, "resident"), change, key=settings.secret_key
        )
    return to_json(view, zone)


@router.post("/residents/{resident_id}/archive")
def archive_resident(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, actor: ActorDep, resident_id: str
) -> Any:
    """Archive a resident who moved away or died; their visits stop (the record answered is
    audited)."""
    with db.transaction(write=True) as conn:
        view = registry.archive_resident(
            conn, actor, _id(resident_id, "resident"), key=settings.secret_key
        )
    return to_json(view, zone)


@router.get("/residents/{resident_id}/access-log")
def access_log(db: DbDep, zone: ZoneDep, actor: ActorDep, resident_id: str) -> Any:
    """Who read this resident's record, when and why (community staff and auditors)."""
    with db.transaction() as conn:
        entries = registry.resident_access_log(conn, actor, _id(resident_id, "resident"))
    return to_json({"items": entries}, zone)


@router.post(
    "/registry/import",
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
    },
)
async def import_csv(
    request: Request,
    db: DbDep,
    actor: ActorDep,
    dry_run: Annotated[bool, Query(description="check everything, write nothing")] = False,
) -> Any:
    """Import households and residents from CSV: every line is checked first (any bad line
    and nothing is written; errors name their lines), then written in short transactions of
    whole households. Lines already in the registry are skipped, so sending a file again is
    safe; `failed_lines` are lines a transaction could not write after the check."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("text/csv", "text/plain")):
        raise InvalidInput("send the CSV as the body with Content-Type: text/csv")
    data = await request.body()
    report = await run_in_threadpool(
        import_registry, db.write_now, actor, data, "upload.csv", dry_run=dry_run
    )
    return {
        "households": report.households,
        "residents": report.residents,
        "skipped": report.skipped,
        "dry_run": report.dry_run,
        "failed_lines": report.failed_lines,
        "errors": report.errors,
    }
