"""Supplies pages: depots under a unit with their levels and shortages; keepers create
depots, restock them and record what they hand out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.access import Actor
from gridwork.domain.errors import GridworkError, InvalidInput
from gridwork.domain.supplies import SUPPLY_KEEPERS, SupplyKind
from gridwork.services import supplies
from gridwork.web.deps import DbDep, MaybeActorDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, start_unit, to_signin

router = APIRouter(include_in_schema=False)
Number = Annotated[str, Form(max_length=10)]


def _number(value: str, field: str) -> int:
    if not value.strip().isdigit():
        raise InvalidInput("give a whole number", field=field)
    return int(value)


def _page(
    request: Request, pages: PagesDep, actor: Actor, db: Any, code: str, **extra: Any
) -> Response:
    with db.transaction() as conn:
        shown = supplies.supplies_under(conn, actor, code)
    keeper = bool(actor.roles_over([code]) & SUPPLY_KEEPERS)
    return pages.render(
        request,
        "supplies.html",
        actor,
        supplies=shown,
        keeper=keeper,
        kinds=[k.value for k in SupplyKind],
        **extra,
    )


@router.get("/supplies")
def home(request: Request, actor: MaybeActorDep, db: DbDep) -> Response:
    if actor is None:
        return to_signin(request)
    top = start_unit(db, actor)
    if top is None:
        raise InvalidInput("your account holds no unit; ask an administrator for a grant")
    return RedirectResponse(f"/supplies/{top}", status_code=303)


@router.get("/supplies/{code}")
def levels(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, code: str, done: str = ""
) -> Response:
    """Levels by kind, shortages flagged, every depot below the unit."""
    if actor is None:
        return to_signin(request)
    return _page(request, pages, actor, db, code, done=done[:20])


@router.post("/supplies/{code}/depots")
def create(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    code: str,
    name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    try:
        with db.transaction(write=True) as conn:
            supplies.create_depot(conn, actor, code, name)
    except GridworkError as error:
        return _page(request, pages, actor, db, code, status_code=status_for(error), error=error)
    return RedirectResponse(f"/supplies/{code}?done=depot", status_code=303)


@router.post("/supplies/{code}/depots/{depot_id}")
def move(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    code: str,
    depot_id: str,
    action: Annotated[str, Form(max_length=10)] = "",
    kind: Annotated[str, Form(max_length=12)] = "",
    quantity: Number = "",
    threshold: Number = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Restock (and set the short level) or record a delivery."""
    if actor is None:
        return to_signin(request)
    try:
        with db.transaction(write=True) as conn:
            if action == "deliver":
                supplies.deliver(
                    conn, actor, depot_id, kind, _number(quantity, "quantity"), note=note
                )
            else:
                supplies.restock(
                    conn,
                    actor,
                    depot_id,
                    kind,
                    _number(quantity or "0", "quantity"),
                    _number(threshold, "threshold") if threshold.strip() else None,
                )
    except GridworkError as error:
        return _page(
            request,
            pages,
            actor,
            db,
            code,
            status_code=status_for(error),
            error=error,
            tried=depot_id,
        )
    return RedirectResponse(
        f"/supplies/{code}?done={'deliver' if action == 'deliver' else 'restock'}",
        status_code=303,
    )
