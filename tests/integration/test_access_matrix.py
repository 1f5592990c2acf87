"""Every endpoint walked through the access matrix (as NetBox's API test mixins do):
anonymous → 401, in scope without the role's permission → 403, out of scope → 404
(lists: an empty page), in scope with permission → 2xx. A new endpoint must be added
to ENDPOINTS or `test_every_endpoint_is_in_the_matrix` fails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import JINYUAN, load_world, login, report_case

OTHER_COMMUNITY = "520115007001"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {case} is replaced by a case id in Jinyuan
    body: dict[str, Any] | None = None
    public: bool = False  # anonymous callers are served
    forbidden_role: str | None = None  # a role in scope that may not do this
    is_list: bool = False  # out of scope means an empty page, not 404
    unscoped: bool = False  # not personal or unit data: any logged-in user is served


ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/api/v1/categories", public=True),
    Endpoint("GET", "/api/v1/areas?q=金元", is_list=True),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}"),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/children"),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/geometry"),
    Endpoint("GET", "/api/v1/locate?lat=26.605&lng=106.605", public=True),
    Endpoint("POST", "/api/v1/locate", {"points": [[106.605, 26.605]]}, unscoped=True),
    Endpoint(
        "POST", f"/api/v1/areas/{JINYUAN}/grids", {"name": "新网格"}, forbidden_role="auditor"
    ),
    Endpoint(
        "POST",
        "/api/v1/cases",
        {"category": "road", "description": "坑", "area_code": JINYUAN},
        public=True,
    ),
    Endpoint("GET", "/api/v1/cases", is_list=True),
    Endpoint("GET", "/api/v1/cases/{case}"),
    Endpoint(
        "POST", "/api/v1/cases/{case}/actions", {"action": "accept"}, forbidden_role="auditor"
    ),
]
# Routes outside the matrix, each with the reason.
EXEMPT = {
    ("POST", "/api/v1/auth/token"): "login itself; tested in test_auth",
    ("GET", "/healthz"): "liveness probe, reveals nothing",
    ("GET", "/api/v1/ping"): "trivial endpoint for benchmarks, reveals nothing",
}


def call(client: TestClient, endpoint: Endpoint, case_id: int, headers: dict[str, str]) -> Any:
    path = endpoint.path.replace("{case}", str(case_id))
    return client.request(endpoint.method, path, json=endpoint.body, headers=headers)


def items_of(response: Any) -> list[Any]:
    items: list[Any] = response.json()["items"]
    return items


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_access_matrix(conn: Connection, client: TestClient, endpoint: Endpoint) -> None:
    load_world(conn)
    case_id = report_case(client, description="路面坑洼 金元")["id"]
    inside = login(conn, client, role="community_staff", area=JINYUAN)
    outside = login(conn, client, role="community_staff", area=OTHER_COMMUNITY)

    anonymous = call(client, endpoint, case_id, {})
    if endpoint.public:
        assert anonymous.status_code < 300, anonymous.text
    else:
        assert anonymous.status_code == 401, anonymous.text
        assert anonymous.json()["code"] == "not_authenticated"

    if endpoint.forbidden_role:
        weak = login(conn, client, role=endpoint.forbidden_role, area=JINYUAN)
        denied = call(client, endpoint, case_id, weak)
        assert denied.status_code == 403, denied.text
        assert denied.json()["code"] == "permission_denied"

    if not endpoint.public:
        foreign = call(client, endpoint, case_id, outside)
        if endpoint.unscoped:
            assert foreign.status_code == 200, foreign.text
        elif endpoint.is_list:
            assert foreign.status_code == 200
            assert items_of(foreign) == []
        else:
            assert foreign.status_code == 404, foreign.text
            assert foreign.json()["code"] == "not_found"

    allowed = call(client, endpoint, case_id, inside)
    assert 200 <= allowed.status_code < 300, allowed.text
    if endpoint.is_list:
        assert items_of(allowed), "the in-scope list must not be empty"


def test_every_endpoint_is_in_the_matrix(client: TestClient) -> None:
    routes = {
        (method.upper(), path)
        for path, operations in client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
        for method in operations
    }
    covered = {(e.method, e.path.split("?")[0].replace("{case}", "{case_ref}")) for e in ENDPOINTS}
    covered = {(m, p.replace(JINYUAN, "{code}")) for m, p in covered}
    assert routes - covered - set(EXEMPT) == set()


def test_a_bad_bearer_token_is_401_even_on_public_endpoints(client: TestClient) -> None:
    response = client.get("/api/v1/categories", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 200  # public endpoints do not read the token
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
