"""Notifications: a resident's and a worker's in-app inbox and channel choice; community
notices (public)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from gridwork.domain.ids import MAX_ID
from gridwork.domain.notifications import resident_recipient, user_recipient
from gridwork.services import notices, notifications
from gridwork.web.deps import ActorDep, DbDep, ResidentDep, ZoneDep
from gridwork.web.people_schemas import Strict
from gridwork.web.render import to_json

router = APIRouter(prefix="/api/v1", tags=["notifications"])


class PreferenceIn(BaseModel):
    """How to be told: in_app, sms (residents) or email (with the address)."""

    model_config = Strict
    channel: str = Field(max_length=8)
    email: str | None = Field(default=None, max_length=254)


class NoticeIn(BaseModel):
    """A community notice."""

    model_config = Strict
    community_code: str = Field(max_length=15)
    title: str = Field(max_length=100)
    body: str = Field(max_length=4000)


@router.get("/me/notifications")
def resident_inbox(db: DbDep, zone: ZoneDep, phone: ResidentDep) -> Any:
    """What the signed-in resident was told, newest first."""
    with db.transaction() as conn:
        return to_json({"items": notifications.inbox(conn, resident_recipient(phone))}, zone)


@router.post("/me/notifications/{notification_id}/read", status_code=204)
def resident_read(
    db: DbDep, phone: ResidentDep, notification_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> None:
    """Mark one as read."""
    with db.transaction(write=True) as conn:
        notifications.mark_read(conn, resident_recipient(phone), notification_id)


@router.get("/me/notification-preferences")
def resident_preference(db: DbDep, phone: ResidentDep) -> Any:
    """How the resident chose to be told (in-app when they never chose)."""
    with db.transaction() as conn:
        return notifications.preference_of(conn, resident_recipient(phone))


@router.put("/me/notification-preferences")
def set_resident_preference(db: DbDep, phone: ResidentDep, body: PreferenceIn) -> Any:
    """Choose in-app, SMS to the signed-in phone, or e-mail to an address."""
    with db.transaction(write=True) as conn:
        return notifications.set_preference(
            conn, resident_recipient(phone), body.channel, body.email
        )


@router.get("/inbox")
def staff_inbox(db: DbDep, zone: ZoneDep, actor: ActorDep) -> Any:
    """What the signed-in worker or staff member was told (dispatches, emergency alerts)."""
    with db.transaction() as conn:
        return to_json({"items": notifications.inbox(conn, user_recipient(actor.user_id))}, zone)


@router.put("/inbox/preferences")
def set_staff_preference(db: DbDep, actor: ActorDep, body: PreferenceIn) -> Any:
    """Staff choose in-app or e-mail."""
    with db.transaction(write=True) as conn:
        return notifications.set_preference(
            conn, user_recipient(actor.user_id), body.channel, body.email
        )


@router.post("/notices", status_code=201)
def publish(db: DbDep, zone: ZoneDep, actor: ActorDep, body: NoticeIn) -> Any:
    """Publish a community notice (community staff and the administrators above)."""
    with db.transaction(write=True) as conn:
        made = notices.publish(conn, actor, body.community_code, body.title, body.body)
    return to_json(made, zone)


@router.post("/notices/{notice_id}/withdraw")
def withdraw(db: DbDep, zone: ZoneDep, actor: ActorDep, notice_id: str) -> Any:
    """Take a notice off the community's page."""
    with db.transaction(write=True) as conn:
        return to_json(notices.withdraw(conn, actor, notice_id), zone)


@router.get("/areas/{code}/notices")
def of_area(db: DbDep, zone: ZoneDep, code: str) -> Any:
    """The current notices of a unit's communities (public)."""
    with db.transaction() as conn:
        return to_json(notices.notices_of(conn, code), zone)
