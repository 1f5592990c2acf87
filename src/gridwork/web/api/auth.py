"""Signing in: bearer tokens for the API, a session cookie for the web; both throttled."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from gridwork.config import Settings
from gridwork.domain.access import Actor
from gridwork.domain.errors import InvalidInput, NotAuthenticated
from gridwork.services.accounts import change_password, revoke_own_session, sessions_of
from gridwork.services.users import actor_from_token, issue_token, revoke_token
from gridwork.web.cookies import set_private_cookie
from gridwork.web.database import Database
from gridwork.web.deps import (
    SESSION_COOKIE,
    ActorDep,
    DbDep,
    GuardDep,
    SettingsDep,
    client_ip,
)
from gridwork.web.guard import SignInGuard
from gridwork.web.origin import refuse_cross_site
from gridwork.web.schemas import PathId

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
Username = Annotated[str, Form(max_length=64)]
Password = Annotated[str, Form(max_length=512)]


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def sign_in(
    request: Request,
    db: Database,
    settings: Settings,
    guard: SignInGuard,
    username: str,
    password: str,
    *,
    kind: str = "token",
) -> tuple[str, int, Actor]:
    """A new token (or web session), its lifetime and its user; refused from another site,
    throttled per account and address, per account and per address."""
    refuse_cross_site(request)  # login CSRF: another site must not sign a visitor in
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
                kind=kind,
            )
            actor = actor_from_token(
                conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
            )
    except NotAuthenticated:
        guard.failed(account, ip)
        raise
    guard.succeeded(account, ip)
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
    token, seconds, _actor = sign_in(
        request, db, settings, guard, username, password, kind="session"
    )
    response = JSONResponse({"username": username, "expires_in": seconds})
    set_private_cookie(response, settings, SESSION_COOKIE, token, seconds)
    return response


@router.delete("/session", status_code=204)
def close_session(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Sign out: the bearer token sent (or else the web session) ends at once in every
    process, and the cookie is cleared."""
    token = _bearer_token(request) or request.cookies.get(SESSION_COOKIE)
    if token:
        with db.transaction(write=True) as conn:
            revoke_token(
                conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
            )
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


class SessionOut(BaseModel):
    """One of your bearer tokens or web sessions (the token itself is never shown again)."""

    id: int
    kind: str = Field(description="token (API) or session (web)")
    created_at: datetime
    expires_at: datetime
    current: bool = Field(description="the one this request was made with")


class PasswordChange(BaseModel):
    """Your current password, and the new one."""

    old_password: str = Field(max_length=512)
    new_password: str = Field(max_length=512)


class PasswordChanged(BaseModel):
    """How many of your other tokens and sessions were ended."""

    ended: int


def current_token(request: Request) -> str | None:
    """The token this request authenticated with (bearer, else the session cookie)."""
    return _bearer_token(request) or request.cookies.get(SESSION_COOKIE)


@router.get("/sessions", response_model=list[SessionOut])
def list_sessions(
    request: Request, db: DbDep, settings: SettingsDep, actor: ActorDep
) -> list[SessionOut]:
    """Your live tokens and web sessions, newest first."""
    with db.transaction() as conn:
        views = sessions_of(
            conn, actor, current_token=current_token(request), key=settings.secret_key
        )
    return [SessionOut(**vars(v)) for v in views]


@router.delete("/sessions/{session_id}", status_code=204)
def end_session(session_id: PathId, db: DbDep, settings: SettingsDep, actor: ActorDep) -> Response:
    """End one of your tokens or sessions at once, in every process."""
    with db.transaction(write=True) as conn:
        revoke_own_session(conn, actor, session_id, key=settings.secret_key)
    return Response(status_code=204)


def change_own_password(
    request: Request,
    db: Database,
    settings: Settings,
    guard: SignInGuard,
    actor: Actor,
    old_password: str,
    new_password: str,
    current: str | None,
) -> int:
    """`change_password`, with wrong current passwords counted as failed sign-ins: a stolen
    session must not become a free oracle for guessing the real password."""
    ip, account = client_ip(request), f"user:{actor.username.lower()}"
    guard.check(account, ip)
    try:
        with db.transaction(write=True) as conn:
            return change_password(
                conn,
                actor,
                old_password,
                new_password,
                min_length=settings.password_min_length,
                key=settings.secret_key,
                current_token=current,
            )
    except InvalidInput as error:
        if error.details.get("field") == "old_password":
            guard.failed(account, ip)
        raise


@router.post("/password", response_model=PasswordChanged)
def set_own_password(
    request: Request,
    body: PasswordChange,
    db: DbDep,
    settings: SettingsDep,
    guard: GuardDep,
    actor: ActorDep,
) -> PasswordChanged:
    """Change your password (the current one is required); every other token and session
    of yours ends, the one making this request stays."""
    ended = change_own_password(
        request,
        db,
        settings,
        guard,
        actor,
        body.old_password,
        body.new_password,
        current_token(request),
    )
    return PasswordChanged(ended=ended)
