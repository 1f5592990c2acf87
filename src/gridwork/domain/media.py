"""Media URLs a sender may give with a report: only web addresses, never a script."""

from __future__ import annotations

from urllib.parse import urlsplit

from gridwork.domain.errors import InvalidInput

MAX_MEDIA_URL = 500  # the width of the media_url columns
SCHEMES = ("http", "https")


def check_media_url(url: str) -> str:
    """`url` if it is an absolute http(s) address with a host, fit to store and show as a
    link or an image; InvalidInput for anything else (`javascript:`, `data:`, relative…)."""
    if len(url) > MAX_MEDIA_URL:
        raise InvalidInput(
            f"media_url is longer than {MAX_MEDIA_URL} characters", field="media_url"
        )
    # Browsers drop control characters and whitespace inside a scheme ("java\tscript:"),
    # so any of them, anywhere, is refused rather than read charitably.
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise InvalidInput(
            "media_url must not contain spaces or control characters", field="media_url"
        )
    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidInput("media_url is not a valid URL", field="media_url") from None
    if parts.scheme.lower() not in SCHEMES or not parts.hostname or "\\" in url:
        raise InvalidInput(
            "media_url must be an http:// or https:// address of a photo", field="media_url"
        )
    return url
