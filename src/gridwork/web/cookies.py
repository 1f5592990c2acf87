"""The one way the web sets a private cookie: HttpOnly, SameSite=Strict, Secure outside dev."""

from __future__ import annotations

from starlette.responses import Response

from gridwork.config import Settings


def set_private_cookie(
    response: Response, settings: Settings, name: str, value: str, max_age: int, path: str = "/"
) -> None:
    """A cookie scripts cannot read and other sites never send."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=settings.env != "dev",  # test and staging are served over HTTPS too
        path=path,
    )
