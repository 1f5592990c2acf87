"""Signing in: bearer tokens for the API, a session cookie for the web; both throttled."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from gridwork.config import Settings
from gridwork.domain.access import Actor
from gridwork.domain.errors import NotAuthenticated
from gridwork.services.users import actor_from_token, issue_token, revoke_token
from gridwork.web.cookies import set_private_cookie
from gridwork.web.database import Database
from gridwork.web.deps import SESSION_COOKIE, DbDep, GuardDep, SettingsDep, client_ip
from gridwork.web.guard import SignInGuard

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
Username = Annotated[str, Form(max_length=64)]
Password = Annotated[str, Form(max_length=512)]


def sign_in(
    request: Request,
    db: Database,
    settings: Settings,
    guard: SignInGuard,
    username: str,
    password: str,
) -> tuple[str, int, Actor]:
    """A new token, its lifetime and its user; throttled per account and per address."""
    ip = client_ip(request)
    account = f"user:{username.lower()}"
    guard.check(account, ip)
    try:
        with db.transaction(write=True) as conn:
            token, seconds = issue_token(
                conn,
                username,
                password,
                secret_key=settings.secret_key,
                ttl_hours=settings.token_ttl_hours,
            )
            actor = actor_from_token(
                conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
            )
    except NotAuthenticated:
        guard.failed(account, ip)
        raise
    guard.succeeded(account)
    return token, seconds, actor


@router.post("/token")
def login(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    guard: GuardDep,
    username: Username,
    password: Password,
) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    token, seconds, _actor = sign_in(request, db, settings, guard, username, password)
    return {"access_token": token, "token_type": "bearer", "expires_in": seconds}


@router.post("/session")
def open_session(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    guard: GuardDep,
    username: Username,
    password: Password,
) -> JSONResponse:
    """Sign in for the web: sets an HttpOnly, SameSite=Strict session cookie."""
    token, seconds, _actor = sign_in(request, db, settings, guard, username, password)
    response = JSONResponse({"username": username, "expires_in": seconds})
    set_private_cookie(response, settings, SESSION_COOKIE, token, seconds)
    return response


@router.delete("/session", status_code=204)
def close_session(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Sign out of the web: the session ends at once and the cookie is cleared."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with db.transaction(write=True) as conn:
            revoke_token(
                conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
            )
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
