"""Photos arriving with a request: checked and re-encoded in memory off the event loop, put
on disk by the unit of work that stores their case (`Photo.keep`), removed if it fails."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from fastapi import Request, UploadFile

from gridwork.services.media import MAX_BYTES, Photo, Photos
from gridwork.web.origin import site_url

T = TypeVar("T")


def photos_of(request: Request) -> Photos:
    """The application's photo desk."""
    photos: Photos = request.app.state.photos
    return photos


async def photo_from(request: Request, upload: UploadFile | None) -> Photo | None:
    """A form's uploaded photo, checked and re-encoded (not yet on disk); None if none."""
    if upload is None or not upload.filename:
        return None
    data = await upload.read(MAX_BYTES + 1)
    if not data:
        return None
    return await photos_of(request).prepare(data)


def photo_url(request: Request, photo: Photo, *, absolute: bool = False) -> str:
    """Where the photo will be served (a path, or a full URL for other systems)."""
    path = request.app.url_path_for("get_media", name=photo.name)
    # Absolute URLs are built from the configured site address, never the Host header (a
    # forged Host would otherwise be stored in the case and shown to staff).
    return site_url(request) + path if absolute else str(path)


async def storing(photo: Photo | None, write: Awaitable[T]) -> T:
    """Await `write`, the unit of work that keeps `photo` once its case is stored; if it
    fails, the photo is removed again. (If the request is cancelled meanwhile, whether the
    case was stored is unknown: the file stays, and `gridwork sweep` removes it if unused.)"""
    try:
        return await write
    except Exception:
        if photo is not None:
            photo.discard()
        raise
