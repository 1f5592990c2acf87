"""Absolute URLs come from the `public_url` setting, never from request headers (the
Open311 discovery document once echoed `Host` and `X-Forwarded-Proto`)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Connection

from gridwork.config import Settings
from gridwork.web.app import create_app
from tests.conftest import RolledBackDatabase

FORGED = {"Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}


def endpoint_url(client: TestClient) -> str:
    answer = client.get("/open311/v2/discovery.json", headers=FORGED)
    assert answer.status_code == 200, answer.text
    url: str = answer.json()["endpoints"][0]["url"]
    return url


def test_discovery_names_the_configured_public_url(conn: Connection, client: TestClient) -> None:
    settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"public_url": "https://grid.example.gov.cn"}
    )
    with TestClient(create_app(settings, db=RolledBackDatabase(conn))) as configured:
        assert endpoint_url(configured) == "https://grid.example.gov.cn/open311/v2"


def test_without_a_public_url_request_headers_decide_nothing_outside_dev(
    client: TestClient,
) -> None:
    assert client.app.state.settings.env == "test"  # type: ignore[attr-defined]
    assert endpoint_url(client) == "http://localhost:8000/open311/v2"


def test_in_dev_the_request_address_is_used(conn: Connection, client: TestClient) -> None:
    settings = client.app.state.settings.model_copy(update={"env": "dev"})  # type: ignore[attr-defined]
    with TestClient(create_app(settings, db=RolledBackDatabase(conn))) as dev:
        answer = dev.get("/open311/v2/discovery.json")
    assert answer.json()["endpoints"][0]["url"] == "http://testserver/open311/v2"


def test_the_public_url_must_be_an_absolute_http_url() -> None:
    assert Settings(public_url="https://grid.example.gov.cn/").public_url == (
        "https://grid.example.gov.cn"
    )
    for bad in ("grid.example.gov.cn", "javascript:alert(1)", "https://", "https://a.cn/?x=1"):
        with pytest.raises(ValidationError):
            Settings(public_url=bad)
