"""Photos sent with reports: checked, resized, stripped of EXIF (location!), stored on disk."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from gridwork.domain.errors import InvalidInput, NotFound

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def store_photo(data: bytes, folder: Path) -> str:
    """Save an uploaded photo as a clean JPEG; returns its file name."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"the photo is larger than {MAX_BYTES // (1024 * 1024)} MB", field="media"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG", "WEBP", "HEIF", "GIF"):
                raise InvalidInput("the photo must be JPEG, PNG or WebP", field="media")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = image.convert("RGB")  # drops EXIF, GPS and every other metadata block
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InvalidInput("the media file is not a readable image", field="media") from None
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(12)}.jpg"
    clean.save(folder / name, "JPEG", quality=85)
    return name


def photo_path(name: str, folder: Path) -> Path:
    """The stored file for `name`; NotFound for anything else (no path tricks)."""
    if not name or set(name) - _NAME_CHARS or name.startswith(".") or "/" in name:
        raise NotFound("no such photo")
    path = folder / name
    if not path.is_file():
        raise NotFound("no such photo")
    return path
