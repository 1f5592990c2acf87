"""Photos sent with reports: checked, resized, stripped of EXIF (location!), stored on disk.

A photo is checked from its header before any pixel is decoded (a small file may declare a
huge image), decoded and re-encoded on a worker thread, at most `DECODERS` at a time, and
held in memory as a `Photo`; it reaches the disk only once the case it belongs to is being
written (`Photo.keep`), and is removed again if that write fails (`Photo.discard`).
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import anyio
import anyio.to_thread
from PIL import Image, UnidentifiedImageError
from sqlalchemy import Connection, select, union_all

from gridwork.domain.errors import InvalidInput, NotFound
from gridwork.store.tables import case_events, cases

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
DECODERS = 2  # photos decoded at once per process; the rest wait without holding a thread
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
SUFFIX = ".jpg"
PART = ".part"  # a photo being written
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


@dataclass(frozen=True)
class Photo:
    """A photo checked and re-encoded as JPEG in memory; on disk only once kept."""

    name: str
    jpeg: bytes
    folder: Path

    def keep(self) -> None:
        """Write the file (atomically; again is harmless), once its case is being stored."""
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{self.name}{PART}"  # photo_path never serves a dot file
        try:
            partial.write_bytes(self.jpeg)
            os.replace(partial, self.folder / self.name)
        finally:
            partial.unlink(missing_ok=True)

    def discard(self) -> None:
        """Remove the file, if it was written: the case it was for was not stored."""
        (self.folder / self.name).unlink(missing_ok=True)


def _too_large(max_pixels: int) -> InvalidInput:
    return InvalidInput(
        f"the photo has more than {max_pixels / 1e6:g} million pixels; send a smaller picture",
        field="media",
        reason="too_many_pixels",
    )


def clean_photo(data: bytes, *, max_pixels: int) -> bytes:
    """`data` re-encoded as a JPEG of at most MAX_SIDE px with no metadata; refused before
    decoding if its header declares more than `max_pixels`. CPU-bound: run it off the loop."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"the photo is larger than {MAX_BYTES // (1024 * 1024)} MB", field="media"
        )
    try:
        # `formats` keeps Pillow from trying every other decoder it has on what we were sent
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            width, height = image.size  # from the header: nothing is decoded yet
            if width * height > max_pixels:
                raise _too_large(max_pixels)
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at 1/2 … 1/8 scale
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = image.convert("RGB")  # drops EXIF, GPS and every other metadata block
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(max_pixels) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise InvalidInput(
            "the media file is not a readable JPEG, PNG or WebP image", field="media"
        ) from None
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85)
    return out.getvalue()


class Photos:
    """Where one process checks, decodes and keeps photos (built once, with the app)."""

    def __init__(self, folder: Path, *, max_pixels: int, decoders: int = DECODERS) -> None:
        self.folder = folder
        self.max_pixels = max_pixels
        self._decoders = decoders
        self._limiter: anyio.CapacityLimiter | None = None
        # Pillow's own guard (a warning above the limit, an error above twice it) agrees
        # with ours, for any image this process opens. It is process-wide by Pillow's design.
        Image.MAX_IMAGE_PIXELS = max_pixels

    async def prepare(self, data: bytes) -> Photo:
        """`data` checked and re-encoded on a worker thread (at most `decoders` at once),
        held in memory under a new name; nothing is written to disk."""
        if self._limiter is None:  # made on the event loop that uses it
            self._limiter = anyio.CapacityLimiter(self._decoders)
        jpeg = await anyio.to_thread.run_sync(
            lambda: clean_photo(data, max_pixels=self.max_pixels), limiter=self._limiter
        )
        return Photo(f"{secrets.token_urlsafe(12)}{SUFFIX}", jpeg, self.folder)


def photo_path(name: str, folder: Path) -> Path:
    """The stored file for `name`; NotFound for anything else (no path tricks)."""
    if not name or set(name) - _NAME_CHARS or name.startswith(".") or "/" in name:
        raise NotFound("no such photo")
    path = folder / name
    if not path.is_file():
        raise NotFound("no such photo")
    return path


GRACE = timedelta(hours=1)  # a photo younger than this may belong to a report still in flight


def _old_photos(folder: Path, cutoff: datetime) -> Iterator[str]:
    if not folder.is_dir():
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.endswith((SUFFIX, PART)):
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            if entry.stat(follow_symlinks=False).st_mtime < cutoff.timestamp():
                yield entry.name


def remove_unused_photos(
    conn: Connection, folder: Path, *, now: datetime, grace: timedelta = GRACE
) -> int:
    """Delete the photos no case and no case event refers to, written more than `grace`
    ago (left by a report that failed, or by older versions); returns how many."""
    unused = set(_old_photos(folder, now - grace))
    if not unused:
        return 0
    urls = union_all(
        select(cases.c.media_url.label("url")).where(cases.c.media_url.is_not(None)),
        select(case_events.c.media_url.label("url")).where(case_events.c.media_url.is_not(None)),
    ).subquery()
    # A stored URL is a path or an absolute URL ending in the file name (or someone
    # else's photo, which names none of ours).
    query = select(urls.c.url).execution_options(yield_per=5000)
    for url in conn.execute(query).scalars():
        unused.discard(url.rsplit("/", 1)[-1])
        if not unused:
            return 0
    for name in unused:
        (folder / name).unlink(missing_ok=True)
    return len(unused)
