"""Staffing per unit and its children, helpers paired to households, and retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select, update

from gridwork.services.sweep import sweep
from gridwork.store.people_tables import residents
from gridwork.store.tables import cases
from tests.factories import (
    ALONE,
    GRID1,
    GRID2,
    JINYUAN,
    act,
    household,
    load_world,
    login,
    report_case,
    resident,
)

THIS_YEAR = datetime.now(UTC).year


def test_staffing_rolls_up_from_grids_to_the_district(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    login(conn, client, role="grid_worker", area=GRID2, username="worker2")
    district = login(conn, client, role="district_admin", area="520115", username="head")
    for n in range(3):
        home = household(client, staff, grid=GRID1, address=f"{n}号")
        resident(client, staff, home["id"], name=f"居民{n}", birth_year=THIS_YEAR - 85, flags=ALONE)
    report_case(client, area_code=GRID1)
    grid = client.get(f"/api/v1/areas/{GRID1}/staffing", headers=district).json()
    assert (grid["residents"], grid["households"], grid["workers"]) == (3, 3, 1)
    assert grid["workers_per_10k"] == round(1 * 10_000 / 3, 2)
    assert grid["open_cases"] == 1 and grid["open_cases_per_worker"] == 1.0
    assert grid["children"] == []
    community = client.get(f"/api/v1/areas/{JINYUAN}/staffing", headers=district).json()
    assert community["workers"] == 3  # two grid workers and the community's staff member
    by_grid = {c["code"]: c for c in community["children"]}
    assert by_grid[GRID1]["residents"] == 3 and by_grid[GRID2]["residents"] == 0
    assert by_grid[GRID2]["workers_per_10k"] is None  # no residents registered
    street = client.get("/api/v1/areas/520115007/staffing", headers=district).json()
    row = next(c for c in street["children"] if c["code"] == JINYUAN)
    assert (row["residents"], row["workers"], row["meets_target"]) == (3, 3, True)
    assert street["target_workers_per_10k"] == 18
    district_report = client.get("/api/v1/areas/520115/staffing", headers=district).json()
    assert district_report["residents"] == 3
    outside = client.get("/api/v1/areas/520102/staffing", headers=district)
    assert outside.status_code == 404
    for query in ("from=2026-02-01&to=2026-01-01", "from=0001-01-01", "to=9999-12-31T23:00"):
        bad = client.get(f"/api/v1/areas/{GRID1}/staffing?{query}", headers=district)
        assert bad.status_code == 422, (query, bad.text)


def test_helpers_are_paired_to_at_most_twenty_households(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    homes = [household(client, staff, address=f"{n}号")["id"] for n in range(21)]
    chief = client.post(
        "/api/v1/helpers",
        json={
            "community_code": JINYUAN,
            "kind": "alley_chief",
            "name": "刘街巷长",
            "phone": "13700000000",
        },
        headers=staff,
    )
    assert chief.status_code == 201, chief.text
    helper_id = chief.json()["id"]
    paired = client.post(
        f"/api/v1/helpers/{helper_id}/households", json={"household_ids": homes[:12]}, headers=staff
    )
    assert paired.status_code == 200 and paired.json()["paired_enough"] is True
    too_many = client.post(
        f"/api/v1/helpers/{helper_id}/households",
        json={"household_ids": homes[12:21]},
        headers=staff,
    )
    assert too_many.status_code == 422 and "20 households at most" in too_many.json()["message"]
    listed = client.get("/api/v1/helpers", headers=staff).json()["items"]
    assert [h["name"] for h in listed] == ["刘街巷长"]
    bad_kind = client.post(
        "/api/v1/helpers",
        json={"community_code": JINYUAN, "kind": "informant", "name": "x"},
        headers=staff,
    )
    assert bad_kind.status_code == 422


def test_retention_anonymises_old_cases_and_archived_residents_only(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    old = report_case(client, area_code=GRID1, reporter={"name": "王五", "phone": "13600000000"})
    recent = report_case(client, area_code=GRID1, reporter={"name": "赵六", "phone": "13600000001"})
    login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    steps = [
        ("accept", {}),
        ("dispatch", {"assignee": "worker1"}),
        ("start", {}),
        ("resolve", {"note": "修好了"}),
        ("close", {}),
    ]
    for case in (old, recent):
        for action, extra in steps:
            response = act(client, case["id"], action, staff, **extra)
            assert response.status_code == 200, response.text
    long_ago = datetime.now(UTC) - timedelta(days=400)
    conn.execute(update(cases).where(cases.c.id == old["id"]).values(closed_at=long_ago))
    home = household(client, staff)
    gone = resident(client, staff, home["id"], name="搬走的人", phone="13500000000")
    client.post(f"/api/v1/residents/{gone['id']}/archive", headers=staff)
    conn.execute(update(residents).where(residents.c.id == gone["id"]).values(archived_at=long_ago))
    report = sweep(conn, retention_days=365)
    assert (report.retention.cases, report.retention.residents) == (1, 1)
    rows = {
        r.id: r for r in conn.execute(select(cases.c.id, cases.c.reporter_name, cases.c.status))
    }
    assert rows[old["id"]].reporter_name is None and rows[old["id"]].status == "closed"
    assert rows[recent["id"]].reporter_name == "赵六"
    person = conn.execute(select(residents).where(residents.c.id == gone["id"])).mappings().one()
    assert person["name"] is None and person["phone"] is None and person["birth_year"] == 1940
    assert sweep(conn, retention_days=365).retention.cases == 0
