"""Signing in and out of the web pages, and choosing the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gridwork.domain.errors import NotAuthenticated, RateLimited
from gridwork.services.users import revoke_token
from gridwork.web.api.auth import sign_in
from gridwork.web.cookies import set_private_cookie
from gridwork.web.deps import SESSION_COOKIE, DbDep, GuardDep, MaybeActorDep, SettingsDep
from gridwork.web.pages.common import PagesDep, safe_next
from gridwork.web.pages.i18n import LANGUAGE_COOKIE, LANGUAGES
from gridwork.web.pages.templating import home_for

router = APIRouter(include_in_schema=False)


@router.get("/signin")
def signin_form(
    request: Request, pages: PagesDep, actor: MaybeActorDep, next: str = ""
) -> Response:
    if actor is not None:
        return RedirectResponse(safe_next(next, home_for(actor)), status_code=303)
    return pages.render(request, "signin.html", next=safe_next(next, ""))


@router.post("/signin")
def signin(
    request: Request,
    pages: PagesDep,
    db: DbDep,
    settings: SettingsDep,
    guard: GuardDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=512)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        token, seconds, actor = sign_in(
            request, db, settings, guard, username, password, kind="session"
        )
    except (NotAuthenticated, RateLimited) as error:
        return pages.render(
            request,
            "signin.html",
            status_code=401 if isinstance(error, NotAuthenticated) else 429,
            next=safe_next(next, ""),
            username=username,
            failed="limited" if isinstance(error, RateLimited) else "wrong",
        )
    response = RedirectResponse(safe_next(next, home_for(actor)), status_code=303)
    set_private_cookie(response, settings, SESSION_COOKIE, token, seconds)
    return response


@router.post("/signout")
def signout(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with db.transaction(write=True) as conn:
            revoke_token(
                conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
            )
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/language/{language}")
def choose_language(language: str, next: str = "/") -> Response:
    """Remember the chosen language for a year and go back to the page."""
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax", path="/"
        )
    return response
