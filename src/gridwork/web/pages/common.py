"""What every page module needs: the renderer, the signed-in user and redirects."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from gridwork.domain.access import Actor
from gridwork.domain.areas import Level
from gridwork.store.tables import areas
from gridwork.web.database import Database
from gridwork.web.pages.templating import Pages


def start_unit(db: Database, actor: Actor) -> str | None:
    """Where a user's unit pages start: the widest unit they hold; for a grant over the
    whole country (which has no page of its own), the first province."""
    codes = sorted((g.area_code for g in actor.grants), key=len)
    if not codes:
        return None
    if codes[0]:
        return codes[0]
    with db.transaction() as conn:
        first: str | None = (
            conn.execute(
                select(areas.c.code)
                .where(areas.c.level == Level.PROVINCE.value)
                .order_by(areas.c.code)
            )
            .scalars()
            .first()
        )
    return first


async def get_pages(request: Request) -> Pages:
    """The application's page renderer."""
    pages: Pages = request.app.state.pages
    return pages


PagesDep = Annotated[Pages, Depends(get_pages)]


def to_signin(request: Request) -> RedirectResponse:
    """Send an anonymous visitor of a staff page to sign in, then back."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)


def safe_next(target: str | None, default: str) -> str:
    """A same-site path to go to after a form (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
