"""What every page module needs: the renderer, the signed-in user, redirects and photos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, UploadFile
from fastapi.responses import RedirectResponse

from gridwork.services.media import MAX_BYTES, store_photo
from gridwork.web.pages.templating import Pages


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


async def photo_of(request: Request, upload: UploadFile | None) -> str | None:
    """Store an uploaded photo (re-encoded, metadata removed); its URL, or None if none."""
    if upload is None or not upload.filename:
        return None
    data = await upload.read(MAX_BYTES + 1)
    if not data:
        return None
    name = store_photo(data, Path(request.app.state.settings.media_dir))
    return str(request.url_for("get_media", name=name).path)
