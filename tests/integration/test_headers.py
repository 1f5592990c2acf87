"""Every response carries the security headers; pages and API answers are not stored by
caches; HSTS only over https (see docs/web.md)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from gridwork.web.app import create_app
from gridwork.web.headers import content_security_policy
from tests.conftest import RolledBackDatabase
from tests.factories import load_world

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def test_pages_and_api_answers_carry_the_security_headers(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    plain = TestClient(client.app, base_url="http://testserver")
    for path in ("/report", "/signin", "/api/v1/ping", "/map/grids.json?lat=26.6&lng=106.6"):
        answer = plain.get(path)
        assert answer.status_code == 200, (path, answer.text)
        headers = answer.headers
        assert headers["content-security-policy"] == CSP, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert headers["permissions-policy"] == "geolocation=(self), camera=(), microphone=()"
        assert headers["cache-control"] == "no-store", path
        assert "strict-transport-security" not in headers  # plain http
    missing = client.get("/cases/999999")
    assert missing.headers["content-security-policy"] == CSP
    assert missing.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(client: TestClient) -> None:
    for path in ("/static/app.js", "/vendor/leaflet/leaflet.js"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "cache-control" not in answer.headers, path
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_hsts_is_sent_over_https_only(client: TestClient) -> None:
    with TestClient(client.app, base_url="https://testserver") as secure:
        answer = secure.get("/api/v1/ping")
    assert answer.headers["strict-transport-security"] == "max-age=31536000"


def test_only_the_configured_tile_server_is_allowed_for_images() -> None:
    policy = content_security_policy("http://{s}.tiles.example.cn:8080/{z}/{x}/{y}.png")
    assert "img-src 'self' data: http://*.tiles.example.cn:8080;" in policy
    assert "script-src 'self';" in policy
    secure = content_security_policy("https://tiles.example.cn/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://tiles.example.cn;" in secure
    # no other server: an integrator's photo URL must not load (and learn who looks)
    assert content_security_policy("") == CSP


def test_a_body_too_large_refusal_carries_the_headers_too(
    conn: Connection, client: TestClient
) -> None:
    settings = client.app.state.settings.model_copy(update={"max_body_bytes": 1024})  # type: ignore[attr-defined]
    with TestClient(create_app(settings, db=RolledBackDatabase(conn))) as small:
        answer = small.post("/api/v1/cases", content=b"x" * 5000)
    assert answer.status_code == 413
    assert answer.headers["content-security-policy"] == CSP
    assert answer.headers["cache-control"] == "no-store"
