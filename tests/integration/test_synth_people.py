"""The synthetic city's people: calibrated to the census figures we cite, and usable by
every people feature (due visits in walking order, staffing)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select

from gridwork.services.synth import synthesize_city
from gridwork.store.people_tables import households, resident_flags, residents, visit_dues
from gridwork.store.tables import areas
from tests.factories import login

STREET = "520115007"  # 金阳街道


def test_people_match_the_cited_rates(conn: Connection, client: TestClient) -> None:
    report = synthesize_city(conn, STREET, 60_000, 3, (106.63, 26.65))
    year = datetime.now(UTC).year
    people = conn.execute(select(func.count()).select_from(residents)).scalar_one()
    assert people == report.residents
    homes = conn.execute(select(func.count()).select_from(households)).scalar_one()
    assert abs(people / homes - 2.62) < 0.05
    aged = conn.execute(
        select(func.count()).where(residents.c.birth_year <= year - 60)
    ).scalar_one()
    assert abs(aged / people - 0.187) < 0.01
    flags = dict(
        conn.execute(
            select(resident_flags.c.flag, func.count()).group_by(resident_flags.c.flag)
        ).all()
    )
    assert abs(flags["disability"] / people - 0.0634) < 0.006
    assert abs(flags["low_income"] / people - 0.031) < 0.01
    assert abs(flags["lives_alone"] / aged - 0.135) < 0.02
    assert (
        conn.execute(select(func.count()).select_from(visit_dues)).scalar_one() == report.visits_due
    )
    # ...and a grid worker of one generated grid gets a walking plan over real buildings
    grid = conn.execute(
        select(areas.c.code)
        .where(areas.c.code.like(f"{STREET}%"), areas.c.level == "grid")
        .limit(1)
    ).scalar_one()
    worker = login(conn, client, role="grid_worker", area=grid, username="synthworker")
    plan = client.get("/api/v1/visits/due?horizon_days=14", headers=worker).json()
    assert plan["items"], "a grid of 300–500 households has visits due within two weeks"
    assert all(i["lon"] is not None for i in plan["items"])
    bands = [i["band"] for i in plan["items"]]
    order = {"overdue": 0, "today": 1, "upcoming": 2}
    assert bands == sorted(bands, key=order.__getitem__)
    assert plan["walking_metres"] > 0
    staffing = client.get(f"/api/v1/areas/{grid}/staffing", headers=worker).json()
    assert staffing["residents"] > 500 and staffing["workers"] == 1


def test_synthesising_again_replaces_the_people(conn: Connection) -> None:
    synthesize_city(conn, STREET, 20_000, 1, (106.63, 26.65))
    first = conn.execute(select(func.count()).select_from(residents)).scalar_one()
    synthesize_city(conn, STREET, 20_000, 1, (106.63, 26.65))
    assert conn.execute(select(func.count()).select_from(residents)).scalar_one() == first
    report = synthesize_city(conn, STREET, 20_000, 1, (106.63, 26.65), people=False)
    assert report.residents == 0
    assert conn.execute(select(func.count()).select_from(residents)).scalar_one() == 0


def test_redrawing_grids_moves_households_people_and_visits_with_their_buildings(
    conn: Connection,
) -> None:
    from gridwork.services.delineation import delineate_community
    from gridwork.store.tables import buildings

    synthesize_city(conn, STREET, 30_000, 5, (106.63, 26.65))
    community = conn.execute(
        select(households.c.community_code)
        .group_by(households.c.community_code)
        .order_by(func.count().desc(), households.c.community_code)
        .limit(1)
    ).scalar_one()
    result = delineate_community(conn, community, 150, 250, commit=True)
    assert result.households_rehomed > 0
    stray = conn.execute(
        select(func.count())
        .select_from(households)
        .join(buildings, buildings.c.id == households.c.building_id)
        .where(households.c.grid_code != buildings.c.grid_code)
    ).scalar_one()
    assert stray == 0
    people_astray = conn.execute(
        select(func.count())
        .select_from(residents)
        .join(households, households.c.id == residents.c.household_id)
        .where(residents.c.grid_code != households.c.grid_code)
    ).scalar_one()
    dues_astray = conn.execute(
        select(func.count())
        .select_from(visit_dues)
        .join(residents, residents.c.id == visit_dues.c.resident_id)
        .where(visit_dues.c.status == "open", visit_dues.c.grid_code != residents.c.grid_code)
    ).scalar_one()
    assert (people_astray, dues_astray) == (0, 0)
