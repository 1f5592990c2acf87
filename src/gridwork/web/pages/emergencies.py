"""Emergency pages: the list and declaring, the live board with its map, a worker's welfare
checks on a phone, and the printable after-action report."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from gridwork.domain.areas import parent_code
from gridwork.domain.emergencies import Kind, Outcome
from gridwork.domain.errors import GridworkError, InvalidInput
from gridwork.services import emergencies
from gridwork.services.emergency_service import commend, service_record
from gridwork.services.emergency_views import (
    after_action,
    list_emergencies,
    may_command,
    needs_met,
)
from gridwork.services.geometry_read import area_geometry_for
from gridwork.services.outlines import map_centre
from gridwork.services.supplies import supplies_under
from gridwork.web.deps import DbDep, MaybeActorDep, SettingsDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, to_signin
from gridwork.web.pages.emergency_pdf import after_action_pdf

router = APIRouter(include_in_schema=False)
Codes = Annotated[str, Form(max_length=2000)]


def _codes(text: str) -> list[str]:
    """Unit codes typed one per line or separated by commas or spaces."""
    return [c for c in text.replace(",", " ").replace("，", " ").split() if c]


def _list_page(request: Request, pages: PagesDep, actor: Any, db: Any, **extra: Any) -> Response:
    with db.transaction() as conn:
        listed = list_emergencies(conn, actor)
        centre = map_centre(conn)
    return pages.render(
        request,
        "emergencies.html",
        actor,
        emergencies=listed,
        centre=centre,
        kinds=[k.value for k in Kind],
        **extra,
    )


@router.get("/emergencies")
def index(request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep) -> Response:
    if actor is None:
        return to_signin(request)
    return _list_page(request, pages, actor, db, form={})


@router.post("/emergencies")
async def declare(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    kind: Annotated[str, Form(max_length=20)] = "",
    area_codes: Codes = "",
    started_at: Annotated[str, Form(max_length=40)] = "",
    polygon: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """Declare over the units typed in, or the area drawn on the map; a welfare task is made
    for every household in them."""
    if actor is None:
        return to_signin(request)
    try:
        start = None
        if started_at.strip():
            try:
                start = datetime.fromisoformat(started_at.strip())
            except ValueError:
                raise InvalidInput("give the start as date and time", field="started_at") from None
            if start.tzinfo is None:
                start = start.replace(tzinfo=request.app.state.zone)  # local, as typed
        codes = _codes(area_codes)
        drawn = None
        if polygon.strip():
            try:
                drawn = json.loads(polygon)
            except (ValueError, RecursionError):
                raise InvalidInput("the drawn area could not be read", field="polygon") from None
            if not isinstance(drawn, dict):
                raise InvalidInput("the drawn area could not be read", field="polygon")
        made = await db.run_write(
            lambda conn: emergencies.declare(conn, actor, kind, codes, start, polygon=drawn)
        )
    except GridworkError as error:
        return _list_page(
            request,
            pages,
            actor,
            db,
            status_code=status_for(error),
            error=error,
            form={
                "kind": kind,
                "area_codes": area_codes,
                "started_at": started_at,
                "polygon": polygon,
            },
        )
    return RedirectResponse(f"/emergencies/{made['id']}?done=declare", status_code=303)


def _board_page(
    request: Request, pages: PagesDep, actor: Any, db: Any, ref: str, area: str, **extra: Any
) -> Response:
    with db.transaction() as conn:
        summary = emergencies.report(conn, actor, ref)
        shown = emergencies.board(conn, actor, ref, area[:15] or None)
        stock = supplies_under(conn, actor, shown["area"])
    return pages.render(
        request,
        "emergency.html",
        actor,
        stock=stock,
        emergency=summary,
        board=shown,
        commander=may_command(actor, summary["area_codes"]),
        up=None if shown["area"] in summary["area_codes"] else parent_code(shown["area"]),
        **extra,
    )


@router.get("/emergencies/{ref}")
def board(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    ref: str,
    area: str = "",
    done: str = "",
) -> Response:
    """The live board of a unit (drill down with ?area=), and the commander's actions."""
    if actor is None:
        return to_signin(request)
    return _board_page(request, pages, actor, db, ref, area, done=done[:20])


@router.get("/emergencies/{ref}/map.json")
def board_map(actor: MaybeActorDep, db: DbDep, ref: str, area: str = "") -> Response:
    """The board's unit and children as GeoJSON, each with its checks done of total."""
    if actor is None:
        return JSONResponse({"message": "sign in first"}, status_code=401)
    try:
        with db.transaction() as conn:
            shown = emergencies.board(conn, actor, ref, area[:15] or None)
            shapes = area_geometry_for(conn, actor, shown["area"])
    except GridworkError as error:
        return JSONResponse({"message": error.message}, status_code=status_for(error))
    counts = {c["code"]: c for c in shown["children"]}
    counts[shown["area"]] = shown
    features = []
    for feature in shapes["features"]:
        props = feature["properties"]
        if props.get("level") == "building" or props["code"] not in counts:
            continue
        found = counts[props["code"]]
        props.update(
            total=found["total"],
            done=found["done"],
            needs_help=found["needs_help"],
            unreachable=found["unreachable"],
            is_unit=props["code"] == shown["area"],
        )
        features.append(feature)
    return JSONResponse({"type": "FeatureCollection", "features": features})


@router.post("/emergencies/{ref}/areas")
async def change_areas(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    ref: str,
    add: Codes = "",
    remove: Codes = "",
) -> Response:
    """Widen (new households get tasks) or narrow (their open tasks are withdrawn)."""
    if actor is None:
        return to_signin(request)
    try:
        await db.run_write(
            lambda conn: emergencies.change_areas(conn, actor, ref, _codes(add), _codes(remove))
        )
    except GridworkError as error:
        return _board_page(
            request, pages, actor, db, ref, "", status_code=status_for(error), error=error
        )
    return RedirectResponse(f"/emergencies/{ref}?done=areas", status_code=303)


@router.post("/emergencies/{ref}/end")
def end(request: Request, actor: MaybeActorDep, db: DbDep, ref: str) -> Response:
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        emergencies.end(conn, actor, ref)
    return RedirectResponse(f"/emergencies/{ref}/report", status_code=303)


def _tasks_page(
    request: Request, pages: PagesDep, actor: Any, db: Any, ref: str, **extra: Any
) -> Response:
    with db.transaction(write=True) as conn:  # the listing is audited
        mine = emergencies.my_tasks(conn, actor, ref, key=request.app.state.settings.secret_key)
    return pages.render(
        request,
        "emergency_tasks.html",
        actor,
        tasks=mine,
        outcomes=[o.value for o in Outcome],
        **extra,
    )


@router.get("/emergencies/{ref}/tasks")
def tasks(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, ref: str, done: str = ""
) -> Response:
    """A worker's welfare checks in walking order, the most vulnerable first."""
    if actor is None:
        return to_signin(request)
    return _tasks_page(request, pages, actor, db, ref, done=done[:20])


@router.post("/emergencies/{ref}/tasks/{task_ref}")
def record(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    ref: str,
    task_ref: str,
    outcome: Annotated[str, Form(max_length=20)] = "",
    need: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """One welfare check, in one step: safe, needs help (what), or unreachable."""
    if actor is None:
        return to_signin(request)
    try:
        with db.transaction(write=True) as conn:
            emergencies.record_outcome(
                conn,
                actor,
                ref,
                task_ref,
                outcome,
                need if outcome == Outcome.NEEDS_HELP.value else None,
                secret_key=settings.secret_key,
            )
    except GridworkError as error:
        return _tasks_page(
            request,
            pages,
            actor,
            db,
            ref,
            status_code=status_for(error),
            error=error,
            tried=task_ref,
        )
    return RedirectResponse(f"/emergencies/{ref}/tasks?done={outcome}#t{task_ref}", status_code=303)


@router.get("/emergencies/{ref}/report")
def after_action_report(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, ref: str
) -> Response:
    """The after-action report: timeline, coverage by grid, time to reach the vulnerable,
    needs found (printable: the browser's print or save-as-PDF gives the paper copy)."""
    if actor is None:
        return to_signin(request)
    with db.transaction() as conn:
        summary = after_action(conn, actor, ref)
        service = service_record(conn, actor, ref)
        needs = needs_met(conn, actor, ref)
    return pages.render(
        request,
        "emergency_report.html",
        actor,
        emergency=summary,
        service=service,
        needs=needs,
        commander=may_command(actor, summary["area_codes"]),
        done=request.query_params.get("done", "")[:20],
    )


@router.get("/emergencies/{ref}/report.pdf")
def after_action_pdf_file(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, ref: str
) -> Response:
    """The after-action report as a PDF file, in the reader's language."""
    if actor is None:
        return to_signin(request)
    with db.transaction() as conn:
        summary = after_action(conn, actor, ref)
        service = service_record(conn, actor, ref)
        needs = needs_met(conn, actor, ref)
    translate, when = pages.words(request)
    return Response(
        after_action_pdf(summary, service, needs, translate, when),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="gridwork-emergency-{summary["id"]}.pdf"'
        },
    )


@router.post("/emergencies/{ref}/commendations")
def commend_worker(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    ref: str,
    username: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Commend a worker's service (commanders); back to the report."""
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        commend(conn, actor, ref, username, note)
    return RedirectResponse(f"/emergencies/{ref}/report?done=commend", status_code=303)
