from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from gridwork.config import Settings
from tests.factories import JINYUAN, SIZE, SOUTH, WEST, load_world, login, report_case


def locate(client: TestClient, lng: float, lat: float) -> dict[str, object]:
    response = client.get(f"/api/v1/locate?lat={lat}&lng={lng}")
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_point_is_located_to_its_grid(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    found = locate(client, WEST + 0.015, SOUTH + 0.005)
    assert found == {
        "grid_code": f"{JINYUAN}002",
        "community_code": JINYUAN,
        "outside_grid": False,
    }


def test_a_point_on_a_shared_edge_goes_to_the_lowest_code(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    centre = locate(client, WEST + SIZE / 2, SOUTH + SIZE / 2)
    assert centre["grid_code"] == f"{JINYUAN}001"
    east_edge = locate(client, WEST + SIZE / 2, SOUTH + 0.015)
    assert east_edge["grid_code"] == f"{JINYUAN}003"


def test_near_a_community_but_in_no_grid_goes_to_the_community(
    conn: Connection, client: TestClient
) -> None:
    world = {"type": "FeatureCollection", "features": []}
    from tests.factories import feature, square

    world["features"] = [
        feature("community", square(WEST, SOUTH, SIZE, SIZE), code=JINYUAN),
        feature("grid", square(WEST, SOUTH, SIZE / 2, SIZE / 2), code=f"{JINYUAN}001", name="一"),
    ]
    load_world(conn, world)
    inside_community = locate(client, WEST + 0.015, SOUTH + 0.015)
    assert inside_community == {
        "grid_code": None,
        "community_code": JINYUAN,
        "outside_grid": True,
    }
    # about 300 m east of the boundary
    near = locate(client, WEST + SIZE + 0.003, SOUTH + 0.01)
    assert near["community_code"] == JINYUAN and near["outside_grid"] is True
    # about 1 km east: outside the jurisdiction
    far = client.get(f"/api/v1/locate?lat={SOUTH + 0.01}&lng={WEST + SIZE + 0.01}")
    assert far.status_code == 422
    assert far.json()["details"]["reason"] == "outside_jurisdiction"


def test_a_batch_answers_in_order_with_nulls(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    headers = login(conn, client, role="grid_worker", area=f"{JINYUAN}001")
    points = [[WEST + 0.005, SOUTH + 0.005], [0.0, 0.0], [WEST + 0.015, SOUTH + 0.015]]
    response = client.post("/api/v1/locate", json={"points": points}, headers=headers)
    results = response.json()["results"]
    assert [r and r["grid_code"] for r in results] == [f"{JINYUAN}001", None, f"{JINYUAN}004"]
    too_many = client.post(
        "/api/v1/locate", json={"points": [[106.6, 26.6]] * 100_001}, headers=headers
    )
    assert too_many.status_code == 422
    malformed = client.post("/api/v1/locate", json={"points": [[1, 2, 3]]}, headers=headers)
    assert malformed.status_code == 422


def test_a_report_with_a_location_is_owned_by_the_located_grid(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    case = report_case(client, area_code=None, lat=SOUTH + 0.015, lng=WEST + 0.005)
    assert case["area_code"] == f"{JINYUAN}003"
    assert case["outside_grid"] is False
    far = client.post(
        "/api/v1/cases",
        json={"category": "road", "description": "x", "lat": 39.9, "lng": 116.4},
    )
    assert far.status_code == 422
    assert far.json()["details"]["reason"] == "outside_jurisdiction"


def test_the_index_is_rebuilt_when_grids_change(conn: Connection, client: TestClient) -> None:
    from tests.factories import feature, square

    load_world(conn)
    assert locate(client, WEST + 0.005, SOUTH + 0.005)["grid_code"] == f"{JINYUAN}001"
    # redraw: grid 001 shrinks to its western half; the eastern half goes to a new grid 005
    load_world(
        conn,
        {
            "type": "FeatureCollection",
            "features": [
                feature("grid", square(WEST, SOUTH, SIZE / 4, SIZE / 2), code=f"{JINYUAN}001"),
                feature(
                    "grid",
                    square(WEST + SIZE / 4, SOUTH, SIZE / 4, SIZE / 2),
                    code=f"{JINYUAN}005",
                    name="新网格",
                ),
            ],
        },
    )
    assert locate(client, WEST + 0.0075, SOUTH + 0.005)["grid_code"] == f"{JINYUAN}005"


def test_a_fresh_index_answers_from_memory_until_its_refresh_time(
    conn: Connection, settings: Settings
) -> None:
    from fastapi.testclient import TestClient as Client

    from gridwork.web.app import create_app
    from tests.conftest import RolledBackDatabase
    from tests.factories import feature, square

    load_world(conn)
    app = create_app(
        settings.model_copy(update={"geo_refresh_seconds": 3600}), db=RolledBackDatabase(conn)
    )
    with Client(app) as cached:
        first = cached.get(f"/api/v1/locate?lat={SOUTH + 0.005}&lng={WEST + 0.005}").json()
        assert first["grid_code"] == f"{JINYUAN}001"
        assert app.state.locator.is_fresh()
        load_world(
            conn,
            {
                "type": "FeatureCollection",
                "features": [
                    feature("grid", square(WEST, SOUTH, SIZE / 4, SIZE / 2), code=f"{JINYUAN}001"),
                    feature(
                        "grid",
                        square(WEST + SIZE / 4, SOUTH, SIZE / 4, SIZE / 2),
                        code=f"{JINYUAN}005",
                        name="新网格",
                    ),
                ],
            },
        )
        # within the refresh time the change is not seen yet (documented staleness) …
        point = f"lat={SOUTH + 0.005}&lng={WEST + 0.0075}"
        assert cached.get(f"/api/v1/locate?{point}").json()["grid_code"] == f"{JINYUAN}001"
        # … and once the time is up it is
        app.state.locator._refresh = 0
        assert cached.get(f"/api/v1/locate?{point}").json()["grid_code"] == f"{JINYUAN}005"
