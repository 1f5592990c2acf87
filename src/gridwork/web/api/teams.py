"""Workgroups and volunteer teams: forming them, members, duty roster, volunteer hours, and
the totals units above may read."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gridwork.services import teams
from gridwork.web.deps import ActorDep, DbDep, ZoneDep
from gridwork.web.people_schemas import Strict
from gridwork.web.render import to_json
from gridwork.web.schemas import Id

router = APIRouter(prefix="/api/v1", tags=["volunteer teams"])


class TeamIn(BaseModel):
    """A team to form."""

    model_config = Strict
    community_code: str = Field(max_length=15)
    kind: str = Field(max_length=20, description="legal, neighbourhood_help, recreation, other")
    name: str = Field(max_length=100)


class MemberIn(BaseModel):
    """A helper joining a team."""

    model_config = Strict
    helper_id: Id


class DutyIn(BaseModel):
    """A turn on the duty roster."""

    model_config = Strict
    helper_id: Id
    day: date
    shift: str = Field(max_length=40)


class HoursIn(BaseModel):
    """Hours a volunteer gave."""

    model_config = Strict
    helper_id: Id
    on_date: date
    hours: float = Field(gt=0, le=24)
    note: str | None = Field(default=None, max_length=2000)
    case_id: Id | None = None
    task_id: Id | None = Field(default=None, description="an emergency task taken")


@router.post("/teams", status_code=201)
def create(db: DbDep, actor: ActorDep, body: TeamIn) -> Any:
    """Form a team (the community's desk)."""
    with db.transaction(write=True) as conn:
        return teams.create_team(conn, actor, body.community_code, body.kind, body.name)


@router.get("/teams")
def index(
    db: DbDep, actor: ActorDep, area: Annotated[str | None, Query(max_length=15)] = None
) -> Any:
    """Teams in the caller's communities with members and hours (the desk, grid workers)."""
    with db.transaction() as conn:
        return {"items": teams.teams_for(conn, actor, area)}


@router.get("/teams/{team_id}")
def show(db: DbDep, zone: ZoneDep, actor: ActorDep, team_id: str) -> Any:
    """A team: members and their hours, the roster for two weeks, the cases taken."""
    with db.transaction() as conn:
        return to_json(teams.team_view(conn, actor, team_id), zone)


@router.post("/teams/{team_id}/members", status_code=201)
def add_member(db: DbDep, actor: ActorDep, team_id: str, body: MemberIn) -> Any:
    """A helper of the community joins the team."""
    with db.transaction(write=True) as conn:
        return teams.add_member(conn, actor, team_id, body.helper_id)


@router.post("/teams/{team_id}/duties", status_code=201)
def add_duty(db: DbDep, zone: ZoneDep, actor: ActorDep, team_id: str, body: DutyIn) -> Any:
    """Put a member on the duty roster."""
    with db.transaction(write=True) as conn:
        made = teams.add_duty(conn, actor, team_id, body.helper_id, body.day, body.shift)
    return to_json(made, zone)


@router.post("/teams/{team_id}/hours", status_code=201)
def add_hours(db: DbDep, actor: ActorDep, team_id: str, body: HoursIn) -> Any:
    """Record a member's hours (and the case they took)."""
    with db.transaction(write=True) as conn:
        return teams.add_hours(
            conn,
            actor,
            team_id,
            body.helper_id,
            body.on_date,
            body.hours,
            body.note,
            body.case_id,
            body.task_id,
        )


@router.get("/areas/{code}/volunteer-hours")
def totals(db: DbDep, actor: ActorDep, code: str) -> Any:
    """Volunteer teams and hours under a unit by kind (totals only)."""
    with db.transaction() as conn:
        return teams.hours_by_kind(conn, actor, code)
