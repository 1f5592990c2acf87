"""Community pages: the public page of a community (its facilities, and what residents asked
for and what was done), residents proposing and supporting, and staff answering."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection

from gridwork.domain.errors import GridworkError
from gridwork.services import activities, community, notices, resident_auth
from gridwork.services.categories import list_categories
from gridwork.services.otp import CodeSender
from gridwork.web.deps import DbDep, GuardDep, MaybeActorDep, SettingsDep
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, safe_next, to_signin
from gridwork.web.pages.resident_session import resident_phone, send_code, sign_in, sign_out

router = APIRouter(include_in_schema=False)
Phone = Annotated[str, Form(max_length=30)]


def _community_page(
    request: Request, pages: PagesDep, actor: Any, db: Any, settings: Any, code: str, **extra: Any
) -> Response:
    with db.transaction() as conn:
        places = community.facilities_of(conn, code)
        asked = community.demands(conn, code)
        posted = notices.notices_of(conn, code)
        events = activities.activities_of(conn, code)["items"]
    phone = resident_phone(request, db, settings)
    signed: dict[int, Any] = {}
    if phone is not None:
        with db.transaction() as conn:
            signed = activities.my_signups(conn, phone, code)
    return pages.render(
        request,
        "community.html",
        actor,
        places=places,
        asked=asked,
        posted=posted["items"],
        events=events,
        signed=signed,
        resident=phone is not None,
        **extra,
    )


@router.get("/community/{code}")
def public_page(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    code: str,
    done: str = "",
) -> Response:
    """Anyone: the community's facilities, and what residents asked for and what was done."""
    return _community_page(request, pages, actor, db, settings, code, done=done[:20], form={})


@router.post("/community/{code}/proposals")
def propose(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    code: str,
    title: Annotated[str, Form(max_length=100)] = "",
    body: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """A signed-in resident of the community proposes an improvement."""
    phone = resident_phone(request, db, settings)
    if phone is None:
        return RedirectResponse(f"/me/signin?next={quote(f'/community/{code}')}", status_code=303)
    try:
        with db.transaction(write=True) as conn:
            community.propose(conn, phone, code, title, body, secret_key=settings.secret_key)
    except GridworkError as error:
        return _community_page(
            request,
            pages,
            actor,
            db,
            settings,
            code,
            status_code=status_for(error),
            error=error,
            form={"title": title, "body": body},
        )
    return RedirectResponse(f"/community/{code}?done=proposed", status_code=303)


@router.post("/community/{code}/proposals/{proposal_id}/support")
def support(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    code: str,
    proposal_id: str,
) -> Response:
    phone = resident_phone(request, db, settings)
    if phone is None:
        return RedirectResponse(f"/me/signin?next={quote(f'/community/{code}')}", status_code=303)
    try:
        with db.transaction(write=True) as conn:
            community.support(conn, phone, proposal_id, secret_key=settings.secret_key)
    except GridworkError as error:
        return _community_page(
            request,
            pages,
            actor,
            db,
            settings,
            code,
            status_code=status_for(error),
            error=error,
            form={},
        )
    return RedirectResponse(f"/community/{code}?done=supported", status_code=303)


@router.get("/me/signin")
def resident_signin(
    request: Request, pages: PagesDep, actor: MaybeActorDep, next: str = ""
) -> Response:
    """Residents sign in with a phone on the registry and a one-time code."""
    return pages.render(
        request, "resident_signin.html", actor, step="phone", form={}, next=safe_next(next, "/")
    )


@router.post("/me/signin/code")
def resident_code(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    guard: GuardDep,
    phone: Phone = "",
    next: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    form, back = {"phone": phone}, safe_next(next, "/")

    def send(conn: Connection, sender: CodeSender) -> None:
        resident_auth.request_code(
            conn,
            phone,
            secret_key=settings.secret_key,
            sender=sender,
            per_day=settings.otp_codes_per_day,
        )

    try:
        delivery = send_code(request, db, guard, phone, send)
    except GridworkError as error:
        return pages.render(
            request,
            "resident_signin.html",
            actor,
            status_code=status_for(error),
            step="phone",
            form=form,
            error=error,
            next=back,
        )
    answer = pages.render(request, "resident_signin.html", actor, step="code", form=form, next=back)
    answer.background = delivery  # the code goes out after this answer
    return answer


@router.post("/me/signout")
def resident_signout(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """A resident signs out on this browser: the token is revoked, not just forgotten."""
    return sign_out(request, RedirectResponse("/?done=signed_out", status_code=303), db, settings)


@router.post("/me/signin/verify")
def resident_verify(
    request: Request,
    pages: PagesDep,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    guard: GuardDep,
    phone: Phone = "",
    code: Annotated[str, Form(max_length=10)] = "",
    next: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    back = safe_next(next, "/")
    try:
        return sign_in(
            request, RedirectResponse(back, status_code=303), db, settings, guard, phone, code
        )
    except GridworkError as error:
        return pages.render(
            request,
            "resident_signin.html",
            actor,
            status_code=status_for(error),
            step="code",
            form={"phone": phone},
            error=error,
            next=back,
        )


@router.get("/proposals")
def desk(
    request: Request, pages: PagesDep, actor: MaybeActorDep, db: DbDep, done: str = ""
) -> Response:
    """Staff: the proposals of their communities, the oldest unanswered first, to answer."""
    if actor is None:
        return to_signin(request)
    with db.transaction() as conn:
        listed = community.proposals_for(conn, actor)
        categories = list_categories(conn)
    return pages.render(
        request, "proposals.html", actor, listed=listed, categories=categories, done=done[:20]
    )


@router.post("/proposals/{proposal_id}/answer")
def answer(
    request: Request,
    actor: MaybeActorDep,
    db: DbDep,
    settings: SettingsDep,
    proposal_id: str,
    status: Annotated[str, Form(max_length=12)] = "",
    text: Annotated[str, Form(max_length=4000)] = "",
    category: Annotated[str, Form(max_length=40)] = "other",
) -> Response:
    if actor is None:
        return to_signin(request)
    with db.transaction(write=True) as conn:
        community.answer(
            conn,
            actor,
            proposal_id,
            status,
            text,
            category=category or "other",
            secret_key=settings.secret_key,
        )
    return RedirectResponse(f"/proposals?done={status}", status_code=303)
