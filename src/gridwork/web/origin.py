"""Which site this is: its public address (`site_url`) and the one cross-site check for
requests that carry a cookie (staff session, resident session, a case's follow-up code).

Our cookies are SameSite=Strict, so browsers should not send them from another site;
checking the `Origin` header (or, when a browser sends none, `Referer`) as well closes the
gaps (older browsers, same-site subdomains, a mis-set cookie). Anyone handling a
cookie-authenticated write calls `refuse_cross_site(request)` before acting on it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from gridwork.domain.errors import PermissionDenied

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


FALLBACK_URL = "http://localhost:8000"


def site_url(request: Request) -> str:
    """This site's address without a trailing slash, for absolute URLs: the `public_url`
    setting; unset, the request's own base URL in `dev` (its Host header is trusted only
    there) and `http://localhost:8000` elsewhere."""
    settings = request.app.state.settings
    if settings.public_url:
        return str(settings.public_url)
    if settings.env == "dev":
        return str(request.base_url).rstrip("/")
    return FALLBACK_URL


def _allowed_hosts(request: Request) -> set[str]:
    """This site as the browser may name it: the Host it sent to, and the configured
    public URL's host (a proxy in front may rewrite Host)."""
    hosts = {request.headers.get("host", "")}
    public_url: str = request.app.state.settings.public_url
    if public_url:
        hosts.add(urlsplit(public_url).netloc)
    hosts.discard("")
    return hosts


def is_cross_site(request: Request) -> bool:
    """Whether the request's `Origin` (or, without one, its `Referer`) names another site
    than this one. `Origin: null` (sandboxed frames, some redirects) counts as another
    site; a request with neither header (a script, curl) does not."""
    source = request.headers.get("origin")
    if source is None:
        source = request.headers.get("referer")
        if not source:
            return False
    if source == "null":
        return True
    return urlsplit(source).netloc not in _allowed_hosts(request)


def refuse_cross_site(request: Request) -> None:
    """PermissionDenied (403) for a state-changing request (not GET, HEAD or OPTIONS) sent
    from another site; nothing for safe methods and same-site writes."""
    if request.method not in SAFE_METHODS and is_cross_site(request):
        raise PermissionDenied("cross-site request refused")
