"""Community pages: the public page of a community (its facilities, and what residents asked
for and what was done), residents proposing and supporting, and staff answering."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.errors import GridworkError, NotAuthenticated
from gridwork.domain.people import clean_phone
from gridwork.services import community, resident_auth
from gridwork.services.categories import list_categories
from gridwork.web.deps import DbDep, GuardDep, MaybeActorDep, SettingsDep, client_ip
from gridwork.web.errors import status_for
from gridwork.web.pages.common import PagesDep, safe_next, to_signin
from gridwork.web.pages.safe import TOKEN_COOKIE, resident_phone

router = APIRouter(include_in_schema=False)
Phone = Annotated[str, Form(max_length=30)]


def _community_page(
    request: Request, pages: PagesDep, actor: Any, db: Any, settings: Any, code: str, **extra: Any
) -> Response:
    with db.transaction() as conn:
        places = community.facilities_of(conn, code)
        asked = community.demands(conn, code)
    phone = resident_phone(request, db, settings)
    return pages.render(
        request,
        "community.html",
        actor,
        places=places,
        asked=asked,
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
    account, ip = f"phone:{clean_phone(phone) or ''}", client_ip(request)
    form = {"phone": phone}
    try:
        guard.check(account, ip)
        guard.failed(account, ip)  # every code sent counts against the limits
        with db.transaction(write=True) as conn:
            resident_auth.request_code(
                conn, phone, secret_key=settings.secret_key, sender=request.app.state.otp_sender
            )
    except GridworkError as error:
        return pages.render(
            request,
            "resident_signin.html",
            actor,
            status_code=status_for(error),
            step="phone",
            form=form,
            error=error,
            next=safe_next(next, "/"),
        )
    return pages.render(
        request, "resident_signin.html", actor, step="code", form=form, next=safe_next(next, "/")
    )


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
    account, ip = f"phone:{clean_phone(phone) or ''}", client_ip(request)
    try:
        guard.check(account, ip)
        with db.transaction(write=True) as conn:
            signed = resident_auth.sign_in(conn, phone, code, secret_key=settings.secret_key)
        if signed is None:
            guard.failed(account, ip)
            raise NotAuthenticated("the code is wrong or has expired; ask for a new one")
    except GridworkError as error:
        return pages.render(
            request,
            "resident_signin.html",
            actor,
            status_code=status_for(error),
            step="code",
            form={"phone": phone},
            error=error,
            next=safe_next(next, "/"),
        )
    guard.succeeded(account)
    token, seconds = signed
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        max_age=seconds,
        httponly=True,
        samesite="strict",
        secure=settings.env == "prod",
        path="/",
    )
    return response


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
