from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select

from gridwork.domain.errors import ImportFailed
from gridwork.services.geometry import export_geometry, import_geometry
from gridwork.store.tables import area_geometries, buildings
from tests.factories import (
    JINYUAN,
    SIZE,
    SOUTH,
    WEST,
    feature,
    jinyuan_world,
    load_world,
    login,
    square,
)


def stored_boundaries(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(area_geometries)).scalar_one()


def test_boundaries_and_new_grids_are_imported(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    headers = login(conn, client, role="community_staff", area=JINYUAN)
    body = client.get(f"/api/v1/areas/{JINYUAN}/geometry", headers=headers).json()
    codes = [f["properties"]["code"] for f in body["features"]]
    assert codes == [JINYUAN] + [f"{JINYUAN}{n:03d}" for n in range(1, 5)]
    assert body["features"][1]["geometry"]["type"] == "Polygon"
    area = client.get(f"/api/v1/areas/{JINYUAN}", headers=headers).json()
    assert area["counts"] == {"grid": 4}


def test_buildings_get_households_and_their_grid(conn: Connection) -> None:
    world = jinyuan_world()
    world["features"] += [
        feature(
            "building",
            {"type": "Point", "coordinates": [WEST + 0.001, SOUTH + 0.001]},
            community=JINYUAN,
            households=120,
            floors=18,
            id="b1",
        ),
        # a 30 m × 30 m footprint of 6 floors: 900 m² × 6 / 90 m² = 60 households
        feature(
            "building",
            square(WEST + 0.015, SOUTH + 0.015, 30 / 100_000, 30 / 110_540),
            community=JINYUAN,
            floors=6,
            id="b2",
        ),
    ]
    load_world(conn, world)
    rows = conn.execute(
        select(buildings.c.external_id, buildings.c.grid_code, buildings.c.households).order_by(
            buildings.c.external_id
        )
    ).all()
    assert rows[0] == ("b1", f"{JINYUAN}001", 120)
    assert rows[1].grid_code == f"{JINYUAN}004"
    assert 50 <= rows[1].households <= 70


def test_export_then_import_round_trips(conn: Connection) -> None:
    world = jinyuan_world()
    world["features"].append(
        feature(
            "building",
            {"type": "Point", "coordinates": [WEST + 0.001, SOUTH + 0.001]},
            community=JINYUAN,
            households=80,
            id="b1",
        )
    )
    load_world(conn, world)
    exported = export_geometry(conn, JINYUAN)
    levels = [f["properties"]["level"] for f in exported["features"]]
    assert levels == ["community", "grid", "grid", "grid", "grid", "building"]
    grid1 = exported["features"][1]["properties"]
    assert (grid1["code"], grid1["households"]) == (f"{JINYUAN}001", 80)
    assert exported["features"][0]["properties"]["households"] == 80
    again = import_geometry(conn, json.dumps(exported), "again.geojson")
    assert (again.grids_created, again.buildings_added, again.buildings_updated) == (0, 0, 1)


def bad(world: dict[str, Any], conn: Connection, match: str) -> None:
    before = stored_boundaries(conn)
    with pytest.raises(ImportFailed, match=match):
        import_geometry(conn, json.dumps(world), "bad.geojson")
    assert stored_boundaries(conn) == before


def test_a_self_intersecting_polygon_is_refused_by_name(conn: Connection) -> None:
    world = jinyuan_world()
    bowtie = [
        [WEST, SOUTH],
        [WEST + 0.01, SOUTH + 0.01],
        [WEST + 0.01, SOUTH],
        [WEST, SOUTH + 0.01],
        [WEST, SOUTH],
    ]
    world["features"][2]["geometry"] = {"type": "Polygon", "coordinates": [bowtie]}
    bad(world, conn, r"feature 3 \(grid 520115007005002\): invalid polygon: Self-intersection")


def test_projected_coordinates_and_foreign_crs_are_refused(conn: Connection) -> None:
    world = jinyuan_world()
    world["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    bad(world, conn, "wrong CRS")
    world = jinyuan_world()
    world["features"][0]["geometry"] = square(11_866_000, 3_077_000, 2000, 2000)
    bad(world, conn, r"feature 1 \(community 520115007005\): coordinates are not WGS-84")


def test_a_grid_outside_its_community_is_refused(conn: Connection) -> None:
    world = jinyuan_world()
    world["features"][4]["geometry"] = square(WEST + SIZE / 2, SOUTH + SIZE / 2, SIZE, SIZE)
    bad(world, conn, r"grid 520115007005004\): the grid lies outside its community")


def test_overlapping_grids_are_refused(conn: Connection) -> None:
    world = jinyuan_world()
    world["features"][2]["geometry"] = square(WEST + 0.005, SOUTH, SIZE / 2, SIZE / 2)
    bad(world, conn, "grids 520115007005001 and 520115007005002 overlap")


def test_an_overlap_with_a_stored_grid_is_refused(conn: Connection) -> None:
    load_world(conn)
    extra = {
        "type": "FeatureCollection",
        "features": [
            feature(
                "grid",
                square(WEST + 0.001, SOUTH + 0.001, 0.002, 0.002),
                code=f"{JINYUAN}005",
                name="重叠网格",
            )
        ],
    }
    bad(extra, conn, "overlap")


def test_unknown_units_and_bad_json_are_refused(conn: Connection) -> None:
    world = {
        "type": "FeatureCollection",
        "features": [feature("community", square(WEST, SOUTH, SIZE, SIZE), code="520115007999")],
    }
    bad(world, conn, "no area 520115007999")
    with pytest.raises(ImportFailed, match=r"bad\.geojson:1: not valid JSON"):
        import_geometry(conn, "{oops", "bad.geojson")


def test_geometry_of_an_area_out_of_scope_is_404(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    other = login(conn, client, role="community_staff", area="520115007001")
    assert client.get(f"/api/v1/areas/{JINYUAN}/geometry", headers=other).status_code == 404
