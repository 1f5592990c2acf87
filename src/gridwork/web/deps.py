"""Request dependencies: settings, the database and who is asking.

Dependencies that do no I/O are `async def` so FastAPI runs them on the event loop instead
of handing each to the thread pool (a thread hop costs more than they do).
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from gridwork.config import Settings
from gridwork.domain.access import Actor
from gridwork.domain.errors import NotAuthenticated
from gridwork.services.locate import Locator
from gridwork.services.paging import PageRequest
from gridwork.services.resident_auth import phone_from_token
from gridwork.services.users import actor_from_token
from gridwork.web.database import Database
from gridwork.web.guard import SignInGuard
from gridwork.web.origin import refuse_cross_site


async def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_db(request: Request) -> Database:
    """The app's database handle."""
    db: Database = request.app.state.db
    return db


async def get_zone(request: Request) -> ZoneInfo:
    """The zone times are shown in."""
    zone: ZoneInfo = request.app.state.zone
    return zone


async def get_locator(request: Request) -> Locator:
    """The process's routing index."""
    locator: Locator = request.app.state.locator
    return locator


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("use 'Authorization: Bearer <token>' from POST /api/v1/auth/token")
    return token.strip()


def bearer_token(request: Request) -> str | None:
    """The request's bearer token, if any (a malformed header is refused)."""
    return _bearer(request)


SESSION_COOKIE = "gridwork_session"


def _session(request: Request) -> str | None:
    """The session cookie's token; a cross-site write with it is refused."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    refuse_cross_site(request)
    return token


async def optional_actor(request: Request) -> Actor | None:
    """The logged-in user (bearer token or session cookie), None for an anonymous request;
    a bad token is refused. Also called directly by `POST /api/v1/cases`, which skips the
    dependency machinery on its hot path."""
    token = _bearer(request)
    if token is None:
        token = _session(request)
    if token is None:
        return None  # anonymous: decided without a thread hop
    db: Database = request.app.state.db
    settings: Settings = request.app.state.settings

    def lookup() -> Actor:
        with db.transaction() as conn:
            return actor_from_token(
                conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
            )

    return await run_in_threadpool(lookup)


def actor_required(actor: Actor | None) -> Actor:
    """The actor, or 401 for an anonymous request."""
    if actor is None:
        raise NotAuthenticated("log in first: POST /api/v1/auth/token")
    return actor


async def require_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    """The logged-in user; 401 for anonymous requests."""
    return actor_required(actor)


async def paging(
    settings: Annotated[Settings, Depends(get_settings)],
    page: Annotated[int, Query(description="1-based page number")] = 1,
    page_size: Annotated[int, Query(description="items per page")] = 50,
) -> PageRequest:
    """The requested page, checked against the configured maximum."""
    return PageRequest(page, page_size).checked(settings.page_size_max)


async def require_resident(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> str:
    """The phone of the signed-in resident (a resident token from /api/v1/resident/token)."""
    token = _bearer(request)
    if token is None:
        raise NotAuthenticated("sign in first: POST /api/v1/resident/code, then /resident/token")

    def lookup() -> str:
        with db.transaction() as conn:
            return phone_from_token(
                conn, token, secret_key=settings.secret_key, previous_keys=settings.previous_keys
            )

    return await run_in_threadpool(lookup)


async def get_guard(request: Request) -> SignInGuard:
    """The process's sign-in throttle."""
    guard: SignInGuard = request.app.state.guard
    return guard


def client_ip(request: Request) -> str:
    """The client's address as the server sees it (a proxy in front must pass it through)."""
    return request.client.host if request.client else "unknown"


SettingsDep = Annotated[Settings, Depends(get_settings)]
ResidentDep = Annotated[str, Depends(require_resident)]


async def staff_or_resident(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Actor | str:
    """A signed-in member of staff (their Actor) or resident (their phone), whichever the
    bearer token belongs to."""
    token = _bearer(request) or _session(request)
    if token is None:
        raise NotAuthenticated("sign in first (staff: /api/v1/auth/token; residents: /resident)")

    def lookup() -> Actor | str:
        with db.transaction() as conn:
            try:
                return actor_from_token(
                    conn,
                    token,
                    secret_key=settings.secret_key,
                    previous_keys=settings.previous_keys,
                )
            except NotAuthenticated:
                return phone_from_token(
                    conn,
                    token,
                    secret_key=settings.secret_key,
                    previous_keys=settings.previous_keys,
                )

    return await run_in_threadpool(lookup)


CallerDep = Annotated[Actor | str, Depends(staff_or_resident)]
GuardDep = Annotated[SignInGuard, Depends(get_guard)]
DbDep = Annotated[Database, Depends(get_db)]
ZoneDep = Annotated[ZoneInfo, Depends(get_zone)]
ActorDep = Annotated[Actor, Depends(require_actor)]
MaybeActorDep = Annotated[Actor | None, Depends(optional_actor)]
PagingDep = Annotated[PageRequest, Depends(paging)]
LocatorDep = Annotated[Locator, Depends(get_locator)]
