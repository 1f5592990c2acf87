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
from gridwork.services.users import actor_from_token
from gridwork.web.database import Database


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


async def optional_actor(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Actor | None:
    """The logged-in user, None for an anonymous request; a bad token is refused."""
    token = _bearer(request)
    if token is None:
        return None  # anonymous: decided without a thread hop

    def lookup() -> Actor:
        with db.transaction() as conn:
            return actor_from_token(conn, token, secret_key=settings.secret_key)

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


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Database, Depends(get_db)]
ZoneDep = Annotated[ZoneInfo, Depends(get_zone)]
ActorDep = Annotated[Actor, Depends(require_actor)]
MaybeActorDep = Annotated[Actor | None, Depends(optional_actor)]
PagingDep = Annotated[PageRequest, Depends(paging)]
LocatorDep = Annotated[Locator, Depends(get_locator)]
