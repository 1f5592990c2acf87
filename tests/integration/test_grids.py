from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import JINYUAN, login


def test_grids_are_numbered_under_their_community(conn: Connection, client: TestClient) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    first = client.post(f"/api/v1/areas/{JINYUAN}/grids", json={"name": "一网格"}, headers=staff)
    second = client.post(f"/api/v1/areas/{JINYUAN}/grids", json={"name": "二网格"}, headers=staff)
    assert first.status_code == 201, first.text
    assert first.json()["code"] == f"{JINYUAN}001"
    assert second.json()["code"] == f"{JINYUAN}002"
    assert second.json()["level"] == "grid"
    assert second.json()["parent_code"] == JINYUAN


def test_grid_counts_are_maintained_up_the_tree(conn: Connection, client: TestClient) -> None:
    admin = login(conn, client, role="city_admin", area="52")
    before = client.get("/api/v1/areas/52", headers=admin).json()["counts"].get("grid", 0)
    client.post(f"/api/v1/areas/{JINYUAN}/grids", json={"name": "一网格"}, headers=admin)
    after = client.get("/api/v1/areas/52", headers=admin).json()["counts"]["grid"]
    assert after == before + 1
    community = client.get(f"/api/v1/areas/{JINYUAN}", headers=admin).json()
    assert community["counts"]["grid"] == 1


def test_grids_only_go_under_communities(conn: Connection, client: TestClient) -> None:
    staff = login(conn, client, role="street_admin", area="520115007")
    response = client.post("/api/v1/areas/520115007/grids", json={"name": "x"}, headers=staff)
    assert response.status_code == 422
    assert "community" in response.json()["message"]


def test_a_grid_name_is_unique_in_its_community(conn: Connection, client: TestClient) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    client.post(f"/api/v1/areas/{JINYUAN}/grids", json={"name": "一网格"}, headers=staff)
    again = client.post(f"/api/v1/areas/{JINYUAN}/grids", json={"name": "一网格"}, headers=staff)
    assert again.status_code == 409


def test_grid_workers_may_not_draw_grids(conn: Connection, client: TestClient) -> None:
    worker = login(conn, client, role="grid_worker", area=JINYUAN)
    response = client.post(f"/api/v1/areas/{JINYUAN}/grids", json={"name": "x"}, headers=worker)
    assert response.status_code == 403
