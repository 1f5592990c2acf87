"""People pages: a worker's door-to-door visits, and the desk's registry (every listing and
record read is audited with its purpose, as through the API)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.errors import GridworkError, ImportFailed
from gridwork.domain.people import Flag, Purpose
from gridwork.domain.visits import Outcome
from gridwork.services import visits
from gridwork.services.categories import list_categories
from gridwork.services.paging import PageRequest
from gridwork.services.registry import get_resident, list_residents, resident_access_log
from gridwork.services.registry_import import import_registry
from gridwork.services.visit_log import my_recent_visits
from gridwork.web.deps import DbDep, MaybeActorDep, SettingsDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, to_signin

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
MAX_CSV = 5 * 1024 * 1024


def _due_page(
    request: Request, pages: PagesDep, actor: Any, db: Any, settings: Any, **extra: Any
) -> Response:
    with db.transaction(write=True) as conn:  # the listing names people: audited
        plan = visits.due_visits(conn, actor, key=settings.secret_key, horizon_days=7)
        done = my_recent_visits(conn, actor, key=settings.secret_key)
        categories = list_categories(conn)
    return pages.render(
        request,
        "visits.html",
        actor,
        plan=plan,
        logged=done,
        outcomes=[o.value for o in Outcome],
        categories=categories,
        **extra,
    )


@router.get("/visits")
def due(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    done: str = "",
) -> Response:
    """A worker's visits due this week, overdue first, in walking order."""
    if actor is None:
        return to_signin(request)
    return _due_page(request, pages, actor, db, settings, done=done[:20])


@router.post("/visits")
def log(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    resident_id: Annotated[str, Form(max_length=20)] = "",
    outcome: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    need: Annotated[str, Form(max_length=2000)] = "",
    need_category: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Log one visit; a need written down becomes a case."""
    if actor is None:
        return to_signin(request)
    try:
        visit = visits.VisitIn(
            resident_id=int(resident_id) if resident_id.isdigit() else 0,
            outcome=outcome,
            note=note or None,
            need=need or None,
            need_category=need_category or None,
        )
        with db.transaction(write=True) as conn:
            view = visits.log_visit(conn, actor, visit, secret_key=settings.secret_key)
    except GridworkError as error:
        return _due_page(
            request,
            pages,
            actor,
            db,
            settings,
            status_code=status_for(error),
            error=error,
            tried=resident_id,
        )
    made = view.get("case")
    suffix = f"&case={made['id']}" if isinstance(made, dict) and "id" in made else ""
    return RedirectResponse(f"/visits?done=visit{suffix}", status_code=303)


@router.get("/registry")
def registry(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    area: str = "",
    flag: str = "",
    page: str = "1",
) -> Response:
    """Residents in the reader's part of the hierarchy, by grid and household."""
    if actor is None:
        return to_signin(request)
    number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    with db.transaction(write=True) as conn:
        listed = list_residents(
            conn,
            actor,
            PageRequest(number, PAGE_SIZE),
            Purpose.REGISTRY,
            key=settings.secret_key,
            area=area[:15] or None,
            flag=flag[:24] or None,
        )
    return pages.render(
        request,
        "registry.html",
        actor,
        listed=listed,
        filters={"area": area[:15], "flag": flag[:24]},
        flags=[f.value for f in Flag],
    )


@router.get("/registry/residents/{resident_id}")
def resident(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    resident_id: str,
) -> Response:
    """One resident's record and who has read it."""
    if actor is None:
        return to_signin(request)
    number = int(resident_id) if resident_id.isdigit() and len(resident_id) < 19 else 0
    with db.transaction(write=True) as conn:
        person = get_resident(conn, actor, number, Purpose.REGISTRY, key=settings.secret_key)
        try:
            reads = resident_access_log(conn, actor, number)
        except GridworkError:
            reads = None  # a worker may read the record but not its access log
    return pages.render(request, "resident.html", actor, person=person, reads=reads)


@router.post("/registry/import")
async def import_csv(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    file: UploadFile | None = None,
    dry_run: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Households and residents from a CSV file: all or nothing, every bad line named."""
    if actor is None:
        return to_signin(request)
    data = await file.read(MAX_CSV + 1) if file is not None else b""
    checking = dry_run == "1"
    try:
        if not data:
            raise ImportFailed("upload", None, "choose a CSV file")
        if len(data) > MAX_CSV:
            raise ImportFailed("upload", None, "the file is larger than 5 MB; use the CLI")
        name = (file.filename if file is not None else None) or "upload.csv"
        report = await run_in_threadpool(
            import_registry, db.write_now, actor, data, name, dry_run=checking
        )
    except GridworkError as error:
        return pages.render(
            request, "import_result.html", actor, status_code=status_for(error), error=error
        )
    return pages.render(request, "import_result.html", actor, report=report)
