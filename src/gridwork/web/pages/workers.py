"""Staff page of the workers they keep records for: training hours and commendations."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.errors import GridworkError, InvalidInput
from gridwork.services.worker_records import add_record, record_of, workers_kept_by
from gridwork.web.deps import DbDep, MaybeActorDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, to_signin

router = APIRouter(include_in_schema=False)


def _page(request: Request, pages: PagesDep, actor: Any, db: Any, **extra: Any) -> Response:
    with db.transaction() as conn:
        people = workers_kept_by(conn, actor)
        records = {p["username"]: record_of(conn, actor, p["username"]) for p in people}
    return pages.render(request, "workers.html", actor, people=people, records=records, **extra)


@router.get("/workers")
def index(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, done: str = ""
) -> Response:
    if actor is None:
        return to_signin(request)
    return _page(request, pages, actor, db, done=done[:20])


@router.post("/workers/{username}/records")
def add(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    username: str,
    kind: Annotated[str, Form(max_length=16)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    on_date: Annotated[str, Form(max_length=10)] = "",
    hours: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    """Note a training (with hours) or a commendation."""
    if actor is None:
        return to_signin(request)
    try:
        try:
            when = date.fromisoformat(on_date)
        except ValueError:
            raise InvalidInput("give the date", field="on_date") from None
        try:
            spent = float(hours) if hours.strip() else None
        except ValueError:
            raise InvalidInput("hours must be a number", field="hours") from None
        with db.transaction(write=True) as conn:
            add_record(conn, actor, username, kind, title, when, spent)
    except GridworkError as error:
        return _page(
            request, pages, actor, db, status_code=status_for(error), error=error, tried=username
        )
    return RedirectResponse(f"/workers?done={kind}#w-{username}", status_code=303)
