"""Security headers on every response: what the browser may load and run, framing, sniffing,
referrers, powerful features, HTTPS pinning and caching (see docs/web.md).

A pure ASGI middleware with its header list built once: the intake endpoint answers
thousands of requests a second and pays only a list extension per response.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Our own files and the npm packages': cacheable, they hold nothing personal.
CACHEABLE_PREFIXES = ("/static/", "/vendor/")
HSTS = (b"strict-transport-security", b"max-age=31536000")
NO_STORE = (b"cache-control", b"no-store")


def tile_source(tile_url: str) -> str | None:
    """The CSP source the configured tile server needs; Leaflet's `{s}` subdomain
    placeholder becomes a wildcard."""
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://" + parts.netloc.replace("{s}", "*")


def content_security_policy(tile_url: str = "") -> str:
    """The pages' policy: scripts, styles and everything else from this site only; images
    also from the configured tile server and data: URLs. Not from any https server: a
    photo URL an integrator sent would otherwise load on staff pages and tell its server
    who is looking (the pages link to such photos instead)."""
    images = ["'self'", "data:"]
    extra = tile_source(tile_url)
    if extra:
        images.append(extra)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src " + " ".join(images),
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def security_headers(tile_url: str = "") -> list[tuple[bytes, bytes]]:
    """The headers every response carries, as ASGI raw headers."""
    return [
        (b"content-security-policy", content_security_policy(tile_url).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", b"geolocation=(self), camera=(), microphone=()"),
    ]


class SecurityHeaders:
    """ASGI middleware adding `security_headers` to every HTTP response (a header the
    application set itself wins), HSTS to those sent over https, and `Cache-Control:
    no-store` to every response outside /static and /vendor that did not set its own."""

    def __init__(self, app: ASGIApp, tile_url: str = "") -> None:
        self.app = app
        self.headers = security_headers(tile_url)
        self.names = frozenset(name for name, _ in self.headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        cacheable = scope["path"].startswith(CACHEABLE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers") or [])
                present = {name.lower() for name, _ in raw}
                if present.isdisjoint(self.names):
                    raw.extend(self.headers)
                else:
                    raw.extend(h for h in self.headers if h[0] not in present)
                if https:
                    raw.append(HSTS)
                if not cacheable and b"cache-control" not in present:
                    raw.append(NO_STORE)
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)
