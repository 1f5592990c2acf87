"""Team pages for the community's desk: the teams, forming one, and one team's members, duty
roster, hours and the cases its volunteers took."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.access import REGISTRY_EDITORS
from gridwork.domain.errors import GridworkError, InvalidInput
from gridwork.domain.ids import parse_id
from gridwork.domain.teams import TeamKind
from gridwork.services import teams
from gridwork.web.deps import DbDep, MaybeActorDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, to_signin

router = APIRouter(include_in_schema=False)
Small = Annotated[str, Form(max_length=40)]


def _number(value: str, field: str) -> int:
    number = parse_id(value.strip())
    if number is None:
        raise InvalidInput("choose from the list", field=field)
    return number


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("give the date", field=field) from None


def _index(request: Request, pages: PagesDep, actor: Any, db: Any, **extra: Any) -> Response:
    with db.transaction() as conn:
        listed = teams.teams_for(conn, actor)
    codes = sorted({g.area_code for g in actor.grants if g.role in REGISTRY_EDITORS})
    kinds = [k.value for k in TeamKind]
    return pages.render(
        request, "teams.html", actor, listed=listed, codes=codes, kinds=kinds, **extra
    )


@router.get("/teams")
def index(request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep) -> Response:
    """The desk: the community's teams with members and hours; form a team."""
    if actor is None:
        return to_signin(request)
    return _index(request, pages, actor, db, form={})


@router.post("/teams")
def create(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    community_code: Annotated[str, Form(max_length=15)] = "",
    kind: Small = "",
    name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    try:
        with db.transaction(write=True) as conn:
            made = teams.create_team(conn, actor, community_code, kind, name)
    except GridworkError as error:
        form = {"community_code": community_code, "kind": kind, "name": name}
        return _index(
            request, pages, actor, db, status_code=status_for(error), error=error, form=form
        )
    return RedirectResponse(f"/teams/{made['id']}", status_code=303)


@router.get("/teams/{team_id}")
def show(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    team_id: str,
    done: str = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    with db.transaction() as conn:
        team = teams.team_view(conn, actor, team_id)
        choices = teams.helpers_for_team(conn, actor, team_id)
    return pages.render(request, "team.html", actor, t=team, choices=choices, done=done[:20])


@router.post("/teams/{team_id}/members")
def add_member(
    request: Request, actor: MaybeActorDep, db: DbDep, team_id: str, helper_id: Small = ""
) -> Response:
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        teams.add_member(conn, actor, team_id, _number(helper_id, "helper_id"))
    return RedirectResponse(f"/teams/{team_id}?done=member", status_code=303)


@router.post("/teams/{team_id}/duties")
def add_duty(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    team_id: str,
    helper_id: Small = "",
    day: Small = "",
    shift: Small = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        teams.add_duty(
            conn, actor, team_id, _number(helper_id, "helper_id"), _date(day, "day"), shift
        )
    return RedirectResponse(f"/teams/{team_id}?done=duty", status_code=303)


@router.post("/teams/{team_id}/hours")
def add_hours(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    team_id: str,
    helper_id: Small = "",
    on_date: Small = "",
    hours: Small = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    case_id: Small = "",
    task_id: Small = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    try:
        spent = float(hours)
    except ValueError:
        raise InvalidInput("hours must be a number", field="hours") from None
    case = _number(case_id, "case_id") if case_id.strip() else None
    task = _number(task_id, "task_id") if task_id.strip() else None
    with db.transaction(write=True) as conn:
        teams.add_hours(
            conn,
            actor,
            team_id,
            _number(helper_id, "helper_id"),
            _date(on_date, "on_date"),
            spent,
            note,
            case,
            task,
        )
    return RedirectResponse(f"/teams/{team_id}?done=hours", status_code=303)
