from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import JINYUAN, login


def test_an_area_shows_its_path_and_counts(conn: Connection, client: TestClient) -> None:
    headers = login(conn, client, role="district_admin", area="520115")
    body = client.get("/api/v1/areas/520115007", headers=headers).json()
    assert body["name"] == "金阳街道"
    assert body["level"] == "street"
    assert body["kind"] == "subdistrict"
    assert body["parent_code"] == "520115"
    assert [p["code"] for p in body["path"]] == ["52", "5201", "520115"]
    assert [p["name"] for p in body["path"]] == ["贵州省", "贵阳市", "观山湖区"]
    assert body["counts"] == {"community": 20}


def test_children_are_paged_in_code_order(conn: Connection, client: TestClient) -> None:
    headers = login(conn, client, role="district_admin", area="520115")
    first = client.get("/api/v1/areas/520115007/children?page_size=5", headers=headers).json()
    second = client.get(
        "/api/v1/areas/520115007/children?page=2&page_size=5", headers=headers
    ).json()
    assert [c["code"] for c in first["items"]] == [f"520115007{n:03d}" for n in range(1, 6)]
    assert second["items"][0]["code"] == "520115007006"
    assert first["total"] == second["total"] > 5


def test_search_finds_names_within_scope_only(conn: Connection, client: TestClient) -> None:
    street = login(conn, client, role="street_admin", area="520115007")
    found = client.get("/api/v1/areas?q=金元", headers=street).json()
    assert [i["code"] for i in found["items"]] == [JINYUAN]
    narrow = client.get("/api/v1/areas?q=金&page_size=200", headers=street).json()
    assert all(i["code"].startswith("520115007") for i in narrow["items"])
    province = login(conn, client, role="city_admin", area="52")
    wide = client.get("/api/v1/areas?q=金&page_size=200", headers=province).json()
    assert wide["total"] > narrow["total"] > 1
    assert all(i["code"].startswith("52") for i in wide["items"])


def test_search_treats_wildcards_literally(conn: Connection, client: TestClient) -> None:
    headers = login(conn, client, role="city_admin", area="52")
    assert client.get("/api/v1/areas?q=%25", headers=headers).json()["total"] == 0
    assert client.get("/api/v1/areas?q=_", headers=headers).json()["total"] == 0


def test_bad_paging_is_a_clear_422(conn: Connection, client: TestClient) -> None:
    headers = login(conn, client, role="city_admin", area="52")
    response = client.get("/api/v1/areas?q=金&page=0", headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    response = client.get("/api/v1/areas?q=金&page_size=100000", headers=headers)
    assert response.status_code == 422
    assert "page_size" in response.json()["message"]


def test_a_user_without_grants_sees_nothing(conn: Connection, client: TestClient) -> None:
    headers = login(conn, client, role="grid_worker", area="110101001001")
    assert client.get("/api/v1/areas/52", headers=headers).status_code == 404
    assert client.get("/api/v1/areas?q=金元", headers=headers).json()["total"] == 0
