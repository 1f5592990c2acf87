"""Activities and classes: scheduling (staff), the public list, sign-ups by residents or at
the desk with a waitlist, the roster and attendance (the desk)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gridwork.services import activities
from gridwork.web.deps import ActorDep, CallerDep, DbDep, SettingsDep, ZoneDep
from gridwork.web.people_schemas import Strict
from gridwork.web.render import to_json
from gridwork.web.schemas import Id

router = APIRouter(prefix="/api/v1", tags=["activities"])


class ActivityIn(BaseModel):
    """An activity or class to schedule."""

    model_config = Strict
    community_code: str = Field(max_length=15)
    kind: str = Field(
        max_length=16,
        description="tai_chi, calligraphy, music, law_lecture, health_talk or other",
    )
    title: str = Field(max_length=100)
    description: str | None = Field(default=None, max_length=4000)
    starts_at: datetime = Field(description="the first session, with its time zone")
    duration_minutes: int = Field(default=60, ge=5, le=720)
    recurrence: str = Field(default="once", max_length=8, description="once, weekly, monthly")
    sessions: int = Field(default=1, ge=1, le=60)
    capacity: int | None = Field(default=None, ge=1, le=10_000)
    facility_id: Id | None = None


class SignupIn(BaseModel):
    """Staff name the resident; a resident signs up themselves (no body needed)."""

    model_config = Strict
    resident_id: Id | None = None


class AttendanceIn(BaseModel):
    """Who came to one session."""

    model_config = Strict
    session: int = Field(ge=0, le=59, description="0 for the first session")
    resident_ids: list[Id] = Field(max_length=10_000)


@router.post("/activities", status_code=201)
def create(db: DbDep, zone: ZoneDep, actor: ActorDep, body: ActivityIn) -> Any:
    """Schedule an activity (community staff and the administrators above)."""
    with db.transaction(write=True) as conn:
        return to_json(activities.create_activity(conn, actor, body.model_dump()), zone)


@router.get("/areas/{code}/activities")
def of_area(db: DbDep, zone: ZoneDep, code: str) -> Any:
    """Activities with a session to come, with places left (public)."""
    with db.transaction() as conn:
        return to_json(activities.activities_of(conn, code), zone)


@router.post("/activities/{activity_id}/signups", status_code=201)
def sign_up(
    db: DbDep, zone: ZoneDep, caller: CallerDep, activity_id: str, body: SignupIn | None = None
) -> Any:
    """A place, or a place on the waitlist (a resident for themselves; the desk for one)."""
    with db.transaction(write=True) as conn:
        made = activities.sign_up(conn, caller, activity_id, body.resident_id if body else None)
    return to_json(made, zone)


@router.post("/activities/{activity_id}/signups/{signup_id}/cancel")
def cancel(db: DbDep, caller: CallerDep, activity_id: str, signup_id: str) -> Any:
    """Give up a place; the first on the waitlist gets it."""
    with db.transaction(write=True) as conn:
        return activities.cancel(conn, caller, activity_id, signup_id)


@router.get("/activities/{activity_id}/roster")
def roster(
    db: DbDep, settings: SettingsDep, zone: ZoneDep, actor: ActorDep, activity_id: str
) -> Any:
    """Sign-ups with names and attendance (the community's desk; audited)."""
    with db.transaction(write=True) as conn:
        found = activities.roster(conn, actor, activity_id, key=settings.secret_key)
    return to_json(found, zone)


@router.post("/activities/{activity_id}/attendance")
def attendance(db: DbDep, actor: ActorDep, activity_id: str, body: AttendanceIn) -> Any:
    """Record who came to a session."""
    with db.transaction(write=True) as conn:
        return activities.record_attendance(
            conn, actor, activity_id, body.session, body.resident_ids
        )
