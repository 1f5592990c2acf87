from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select

from gridwork.domain.errors import InvalidInput
from gridwork.services.delineation import delineate_community
from gridwork.services.geometry import import_geometry
from gridwork.store.tables import area_geometries, areas, buildings, case_events
from tests.factories import JINYUAN, SIZE, SOUTH, WEST, feature, login, report_case, square


def community_with_buildings(conn: Connection, n: int = 120, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    features = [feature("community", square(WEST, SOUTH, SIZE, SIZE), code=JINYUAN)]
    for i in range(n):
        point = {
            "type": "Point",
            "coordinates": [WEST + rng.random() * SIZE, SOUTH + rng.random() * SIZE],
        }
        features.append(
            feature(
                "building",
                point,
                community=JINYUAN,
                households=int(rng.integers(20, 120)),
                id=f"b{i}",
            )
        )
    import_geometry(conn, json.dumps({"type": "FeatureCollection", "features": features}), "w")


def grid_count(conn: Connection) -> int:
    return conn.execute(
        select(func.count())
        .select_from(area_geometries)
        .where(area_geometries.c.code.like(f"{JINYUAN}___"))
    ).scalar_one()


def test_a_dry_run_reports_and_saves_nothing(conn: Connection) -> None:
    community_with_buildings(conn)
    result = delineate_community(conn, JINYUAN, 300, 500)
    assert not result.committed
    assert result.summary["grids"] == len(result.grids) > 1
    assert result.summary["households_cv"] <= 0.10
    assert grid_count(conn) == 0


def test_commit_saves_grids_that_route_and_hold_their_buildings(
    conn: Connection, client: TestClient
) -> None:
    community_with_buildings(conn)
    result = delineate_community(conn, JINYUAN, 300, 500, commit=True)
    assert grid_count(conn) == len(result.grids)
    unassigned = conn.execute(
        select(func.count()).select_from(buildings).where(buildings.c.grid_code.is_(None))
    ).scalar_one()
    assert unassigned == 0
    for b in conn.execute(select(buildings.c.lon, buildings.c.lat, buildings.c.grid_code)).all():
        found = client.get(f"/api/v1/locate?lat={b.lat}&lng={b.lon}").json()
        assert found["grid_code"] == b.grid_code
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    counts = client.get(f"/api/v1/areas/{JINYUAN}", headers=staff).json()["counts"]
    assert counts["grid"] == len(result.grids)


def test_redrawing_rehomes_open_cases_by_location(conn: Connection, client: TestClient) -> None:
    community_with_buildings(conn, n=160, seed=2)
    delineate_community(conn, JINYUAN, 300, 500, commit=True)
    case = report_case(client, area_code=None, lat=SOUTH + 0.001, lng=WEST + 0.001)
    before = case["area_code"]
    result = delineate_community(conn, JINYUAN, 800, 1200, commit=True)  # fewer, larger grids
    assert result.grids_retired
    row = client.get(
        f"/api/v1/cases/{case['id']}",
        headers=login(conn, client, role="community_staff", area=JINYUAN),
    ).json()
    located = client.get(f"/api/v1/locate?lat={SOUTH + 0.001}&lng={WEST + 0.001}").json()
    assert row["area_code"] == located["grid_code"]
    if row["area_code"] != before:
        events = conn.execute(
            select(case_events.c.action, case_events.c.note).where(
                case_events.c.case_id == case["id"]
            )
        ).all()
        assert events[-1].action == "rehome"
        assert before in events[-1].note
    # retired grids keep their unit but lose their boundary
    assert conn.execute(
        select(func.count()).select_from(areas).where(areas.c.code.in_(result.grids_retired))
    ).scalar_one() == len(result.grids_retired)


def test_delineation_needs_a_community_with_boundary_and_buildings(conn: Connection) -> None:
    with pytest.raises(InvalidInput, match="no boundary"):
        delineate_community(conn, JINYUAN, 300, 500)
    with pytest.raises(InvalidInput, match="within a community"):
        delineate_community(conn, "520115007", 300, 500)
    import_geometry(
        conn,
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [feature("community", square(WEST, SOUTH, SIZE, SIZE), code=JINYUAN)],
            }
        ),
        "w",
    )
    with pytest.raises(InvalidInput, match="no buildings"):
        delineate_community(conn, JINYUAN, 300, 500)
    with pytest.raises(InvalidInput, match="--min"):
        delineate_community(conn, JINYUAN, 500, 300)
