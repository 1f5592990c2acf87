"""Login CSRF: a page on another site must not sign a visitor in (as someone else)."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from gridwork.domain.errors import PermissionDenied


def refuse_cross_site_sign_in(request: Request) -> None:
    """Refuse a sign-in whose Origin (or, without one, Referer) names another site.

    Browsers send Origin with every cross-site POST (`null` from opaque or privacy-reduced
    contexts, refused too), so a request with neither header comes from a non-browser
    client (curl, a script, the API's token clients), which cannot carry a visitor's cookies
    and is allowed."""
    origin = request.headers.get("origin")
    source = origin if origin is not None else request.headers.get("referer")
    if source is None:
        return
    if (
        source == "null"
        or urlsplit(source).netloc.lower() != request.headers.get("host", "").lower()
    ):
        raise PermissionDenied("cross-site sign-in refused")
