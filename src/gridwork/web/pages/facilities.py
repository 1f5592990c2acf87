"""Staff pages for community facilities: add one, change its details, take it off the list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.community import FacilityKind
from gridwork.domain.errors import GridworkError, InvalidInput
from gridwork.services import community
from gridwork.web.deps import DbDep, MaybeActorDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, to_signin

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=300)]


def _values(
    name: str, address: str, opening_hours: str, capacity: str, run_by: str, lat: str, lng: str
) -> dict[str, Any]:
    """The form's fields as the service takes them (numbers checked here, the rest there)."""
    values: dict[str, Any] = {
        "name": name,
        "address": address,
        "opening_hours": opening_hours,
        "run_by": run_by,
    }
    if capacity.strip():
        if not capacity.strip().isdigit():
            raise InvalidInput("places must be a whole number", field="capacity")
        values["capacity"] = int(capacity)
    else:
        values["capacity"] = None
    try:
        values["lat"] = float(lat) if lat.strip() else None
        values["lng"] = float(lng) if lng.strip() else None
    except ValueError:
        raise InvalidInput("latitude and longitude are numbers", field="lat") from None
    return values


def _page(request: Request, pages: PagesDep, actor: Any, db: Any, **extra: Any) -> Response:
    with db.transaction() as conn:
        kept = community.facilities_kept_by(conn, actor)
    communities = sorted(
        {g.area_code for g in actor.grants if len(g.area_code) == 12}
        | {f["community_code"] for f in kept}
    )
    return pages.render(
        request,
        "facilities.html",
        actor,
        facilities=kept,
        kinds=[k.value for k in FacilityKind],
        communities=communities,
        **extra,
    )


@router.get("/facilities")
def index(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, done: str = ""
) -> Response:
    if actor is None:
        return to_signin(request)
    return _page(request, pages, actor, db, done=done[:20], form={})


@router.post("/facilities")
def create(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    community_code: Annotated[str, Form(max_length=15)] = "",
    kind: Annotated[str, Form(max_length=16)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    address: Short = "",
    opening_hours: Annotated[str, Form(max_length=200)] = "",
    capacity: Annotated[str, Form(max_length=7)] = "",
    run_by: Annotated[str, Form(max_length=100)] = "",
    lat: Annotated[str, Form(max_length=30)] = "",
    lng: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    entered = {
        "community_code": community_code,
        "kind": kind,
        "name": name,
        "address": address,
        "opening_hours": opening_hours,
        "capacity": capacity,
        "run_by": run_by,
        "lat": lat,
        "lng": lng,
    }
    try:
        values = _values(name, address, opening_hours, capacity, run_by, lat, lng)
        with db.transaction(write=True) as conn:
            community.create_facility(conn, actor, community_code, kind, values)
    except GridworkError as error:
        return _page(
            request, pages, actor, db, status_code=status_for(error), error=error, form=entered
        )
    return RedirectResponse("/facilities?done=added", status_code=303)


@router.post("/facilities/{facility_id}")
def change(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    facility_id: str,
    name: Annotated[str, Form(max_length=100)] = "",
    address: Short = "",
    opening_hours: Annotated[str, Form(max_length=200)] = "",
    capacity: Annotated[str, Form(max_length=7)] = "",
    run_by: Annotated[str, Form(max_length=100)] = "",
    lat: Annotated[str, Form(max_length=30)] = "",
    lng: Annotated[str, Form(max_length=30)] = "",
    archive: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    try:
        values = _values(name, address, opening_hours, capacity, run_by, lat, lng)
        if archive == "1":
            values["archived"] = True
        with db.transaction(write=True) as conn:
            community.update_facility(conn, actor, facility_id, values)
    except GridworkError as error:
        return _page(
            request,
            pages,
            actor,
            db,
            status_code=status_for(error),
            error=error,
            form={},
            tried=facility_id,
        )
    return RedirectResponse(
        f"/facilities?done={'archived' if archive == '1' else 'saved'}", status_code=303
    )
