"""Activity pages: residents sign up (and give up their place) on the community's public
page; the desk schedules activities, signs residents up and records attendance."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.activities import ActivityKind
from gridwork.domain.community import COMMUNITY_KEEPERS
from gridwork.domain.errors import GridworkError, InvalidInput
from gridwork.domain.ids import parse_id
from gridwork.services import activities
from gridwork.web.deps import DbDep, MaybeActorDep, SettingsDep, ZoneDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, to_signin
from gridwork.web.pages.resident_session import resident_phone

router = APIRouter(include_in_schema=False)


@router.post("/community/{code}/activities/{activity_id}/signup")
def resident_signup(
    request: Request, db: DbDep, settings: SettingsDep, code: str, activity_id: str
) -> Response:
    """A signed-in resident takes a place (or a place on the waitlist)."""
    phone = resident_phone(request, db, settings)
    if phone is None:
        return RedirectResponse(f"/me/signin?next={quote(f'/community/{code}')}", status_code=303)
    with db.transaction(write=True) as conn:
        made = activities.sign_up(conn, phone, activity_id)
    return RedirectResponse(f"/community/{code}?done={made['status']}#a{activity_id}", 303)


@router.post("/community/{code}/activities/{activity_id}/cancel/{signup_id}")
def resident_cancel(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    code: str,
    activity_id: str,
    signup_id: str,
) -> Response:
    phone = resident_phone(request, db, settings)
    if phone is None:
        return RedirectResponse(f"/me/signin?next={quote(f'/community/{code}')}", status_code=303)
    with db.transaction(write=True) as conn:
        activities.cancel(conn, phone, activity_id, signup_id)
    return RedirectResponse(f"/community/{code}?done=cancelled#a{activity_id}", 303)


def _desk(request: Request, pages: PagesDep, actor: Any, db: Any, **extra: Any) -> Response:
    with db.transaction() as conn:
        listed = activities.activities_kept_by(conn, actor)
    codes = sorted({g.area_code for g in actor.grants if g.role in COMMUNITY_KEEPERS})
    kinds = [k.value for k in ActivityKind]
    return pages.render(
        request, "activities.html", actor, listed=listed, codes=codes, kinds=kinds, **extra
    )


@router.get("/activities")
def desk(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, done: str = ""
) -> Response:
    """Staff: the activities of their communities, and scheduling a new one."""
    if actor is None:
        return to_signin(request)
    return _desk(request, pages, actor, db, done=done[:20], form={})


@router.post("/activities")
def schedule(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    zone: ZoneDep,
    community_code: Annotated[str, Form(max_length=15)] = "",
    kind: Annotated[str, Form(max_length=16)] = "",
    title: Annotated[str, Form(max_length=100)] = "",
    description: Annotated[str, Form(max_length=4000)] = "",
    starts_at: Annotated[str, Form(max_length=20)] = "",
    duration_minutes: Annotated[str, Form(max_length=4)] = "60",
    recurrence: Annotated[str, Form(max_length=8)] = "once",
    sessions: Annotated[str, Form(max_length=3)] = "1",
    capacity: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    form = {"community_code": community_code, "kind": kind, "title": title}
    form |= {"description": description, "starts_at": starts_at, "capacity": capacity}
    try:
        try:
            first = datetime.fromisoformat(starts_at).replace(tzinfo=zone)
            numbers = (int(duration_minutes), int(sessions or 1))
            places = int(capacity) if capacity.strip() else None
        except ValueError:
            raise InvalidInput(
                "give the first session's date and time, and whole numbers"
            ) from None
        values: dict[str, Any] = {"community_code": community_code, "kind": kind}
        values["title"] = title
        values |= {"description": description, "starts_at": first, "recurrence": recurrence}
        values |= {"duration_minutes": numbers[0], "sessions": numbers[1], "capacity": places}
        with db.transaction(write=True) as conn:
            made = activities.create_activity(conn, actor, values)
    except GridworkError as error:
        return _desk(
            request, pages, actor, db, status_code=status_for(error), error=error, form=form
        )
    return RedirectResponse(f"/activities/{made['id']}?done=scheduled", status_code=303)


@router.get("/activities/{activity_id}")
def roster_page(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    activity_id: str,
    done: str = "",
) -> Response:
    """The desk: who signed up (an audited read), sign someone up, record attendance."""
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        found = activities.roster(conn, actor, activity_id, key=settings.secret_key)
    return pages.render(request, "activity.html", actor, a=found, done=done[:20])


@router.post("/activities/{activity_id}/signups")
def desk_signup(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    activity_id: str,
    resident_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    if actor is None:
        return to_signin(request)
    number = parse_id(resident_id.strip())
    if number is None:
        raise InvalidInput("give the resident's number from the registry", field="resident_id")
    with db.transaction(write=True) as conn:
        made = activities.sign_up(conn, actor, activity_id, number)
    return RedirectResponse(f"/activities/{activity_id}?done={made['status']}", status_code=303)


@router.post("/activities/{activity_id}/signups/{signup_id}/cancel")
def desk_cancel(
    request: Request, actor: MaybeActorDep, db: DbDep, activity_id: str, signup_id: str
) -> Response:
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        activities.cancel(conn, actor, activity_id, signup_id)
    return RedirectResponse(f"/activities/{activity_id}?done=cancelled", status_code=303)


@router.post("/activities/{activity_id}/attendance")
async def attendance(
    request: Request, actor: MaybeActorDep, db: DbDep, activity_id: str
) -> Response:
    """Who came to a session: the ticked boxes."""
    if actor is None:
        return to_signin(request)
    form = await request.form()
    session = parse_id(str(form.get("session", "")))
    ticked = [parse_id(str(v)) for v in form.getlist("present")]
    present = [n for n in ticked if n is not None]
    if session is None or len(present) != len(ticked):
        raise InvalidInput("choose the session and tick who came", field="session")

    def work(conn: Any) -> None:
        activities.record_attendance(conn, actor, activity_id, session, present)

    await db.run_write(work)
    return RedirectResponse(f"/activities/{activity_id}?done=attendance", status_code=303)
