"""Messages: a resident's and a staff member's notifications with their channel choice, and
community notices for staff to publish and withdraw."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.community import COMMUNITY_KEEPERS
from gridwork.domain.errors import GridworkError
from gridwork.domain.notifications import resident_recipient, user_recipient
from gridwork.services import notices, notifications
from gridwork.web.deps import DbDep, MaybeActorDep, SettingsDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, to_signin
from gridwork.web.pages.resident_session import resident_phone

router = APIRouter(include_in_schema=False)
Channel = Annotated[str, Form(max_length=8)]
Email = Annotated[str, Form(max_length=254)]


def _messages(
    request: Request, pages: PagesDep, actor: Any, db: Any, recipient: str, **extra: Any
) -> Response:
    with db.transaction() as conn:
        items = notifications.inbox(conn, recipient)
        chosen = notifications.preference_of(conn, recipient)
    return pages.render(
        request,
        "messages.html",
        actor,
        items=items,
        chosen=chosen,
        resident=recipient.startswith("phone:"),
        **extra,
    )


@router.get("/me/notifications")
def resident_messages(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    done: str = "",
) -> Response:
    """A signed-in resident: what they were told, and how they want to be told."""
    phone = resident_phone(request, db, settings)
    if phone is None:
        return RedirectResponse("/me/signin?next=/me/notifications", status_code=303)
    return _messages(request, pages, actor, db, resident_recipient(phone), done=done[:20])


@router.post("/me/notifications/preferences")
def resident_choice(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    channel: Channel = "",
    email: Email = "",
) -> Response:
    phone = resident_phone(request, db, settings)
    if phone is None:
        return RedirectResponse("/me/signin?next=/me/notifications", status_code=303)
    recipient = resident_recipient(phone)
    try:
        with db.transaction(write=True) as conn:
            notifications.set_preference(conn, recipient, channel, email)
    except GridworkError as error:
        return _messages(
            request, pages, actor, db, recipient, status_code=status_for(error), error=error
        )
    return RedirectResponse("/me/notifications?done=saved", status_code=303)


@router.get("/inbox")
def staff_messages(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, done: str = ""
) -> Response:
    """Staff and workers: dispatches and emergency alerts, and in-app or e-mail."""
    if actor is None:
        return to_signin(request)
    return _messages(request, pages, actor, db, user_recipient(actor.user_id), done=done[:20])


@router.post("/inbox/preferences")
def staff_choice(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    channel: Channel = "",
    email: Email = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    recipient = user_recipient(actor.user_id)
    try:
        with db.transaction(write=True) as conn:
            notifications.set_preference(conn, recipient, channel, email)
    except GridworkError as error:
        return _messages(
            request, pages, actor, db, recipient, status_code=status_for(error), error=error
        )
    return RedirectResponse("/inbox?done=saved", status_code=303)


def _notices_page(request: Request, pages: PagesDep, actor: Any, db: Any, **extra: Any) -> Response:
    with db.transaction() as conn:
        listed = notices.notices_kept_by(conn, actor)
    codes = sorted({g.area_code for g in actor.grants if g.role in COMMUNITY_KEEPERS})
    return pages.render(request, "notices.html", actor, listed=listed, codes=codes, **extra)


@router.get("/notices")
def notices_desk(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, done: str = ""
) -> Response:
    """Community staff: their communities' notices; publish or withdraw one."""
    if actor is None:
        return to_signin(request)
    return _notices_page(request, pages, actor, db, done=done[:20], form={})


@router.post("/notices")
def publish(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    community_code: Annotated[str, Form(max_length=15)] = "",
    title: Annotated[str, Form(max_length=100)] = "",
    body: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    try:
        with db.transaction(write=True) as conn:
            notices.publish(conn, actor, community_code, title, body)
    except GridworkError as error:
        form = {"community_code": community_code, "title": title, "body": body}
        return _notices_page(
            request, pages, actor, db, status_code=status_for(error), error=error, form=form
        )
    return RedirectResponse("/notices?done=published", status_code=303)


@router.post("/notices/{notice_id}/withdraw")
def withdraw(request: Request, actor: MaybeActorDep, db: DbDep, notice_id: str) -> Response:
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        notices.withdraw(conn, actor, notice_id)
    return RedirectResponse("/notices?done=withdrawn", status_code=303)
