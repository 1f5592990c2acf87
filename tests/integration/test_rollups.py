"""Counters per (unit, day, category), kept with every case event, verified against the
events, rebuilt, moved on re-homing; and the stats endpoint that reads only them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection, delete, select, update

from gridwork.domain.rollups import month_after
from gridwork.services.rollups import rebuild_case_counts, stored_counts, verify_case_counts
from gridwork.services.sweep import escalate_overdue
from gridwork.store.tables import case_counts, cases
from tests.factories import GRID1, GRID2, JINYUAN, act, load_world, login, report_case

STEPS = [
    ("accept", {}),
    ("dispatch", {"assignee": "worker1"}),
    ("start", {}),
    ("resolve", {"note": "已处理"}),
]


def through_life(client: TestClient, staff: dict[str, str], case_id: int) -> None:
    for action, extra in STEPS:
        assert act(client, case_id, action, staff, **extra).status_code == 200


def test_every_event_is_counted_at_its_unit_and_every_ancestor(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    district = login(conn, client, role="district_admin", area="520115", username="head")
    login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    first = report_case(client, area_code=GRID1)
    through_life(client, staff, first["id"])
    assert act(client, first["id"], "close", staff).status_code == 200
    rated = client.post(
        f"/api/v1/cases/{first['reference']}/actions",
        json={"action": "rate", "rating": 5},
        headers={"X-Case-Secret": first["secret"]},
    )
    assert rated.status_code == 200, rated.text
    second = report_case(client, area_code=GRID1)
    through_life(client, staff, second["id"])
    assert act(client, second["id"], "return", staff, note="没修好").status_code == 200
    report_case(client, area_code=GRID2)
    today = datetime.now(UTC).date()
    month_end = month_after(today.replace(day=1)) - timedelta(days=1)
    for code in (GRID1, JINYUAN, "520115007", "520115", "5201", "52"):
        stats = client.get(f"/api/v1/areas/{code}/stats", headers=district)
        if code in ("5201", "52"):
            assert stats.status_code == 404  # outside the district admin's scope
            continue
        body = stats.json()
        totals = body["totals"]
        received = 3 if code != GRID1 else 2
        assert (totals["received"], totals["accepted"], totals["closed"]) == (received, 2, 1)
        assert (totals["returned"], totals["rating_sum"], totals["rating_count"]) == (1, 5, 1)
        assert body["rates"] == {
            "response": 1.0,
            "resolution": 0.5,
            "on_time_closure": 1.0,
            "satisfaction": 1.0,
            "mean_rating": 5.0,
        }
        assert body["by_category"]["road"]["received"] == received
        assert body["trend"]["granularity"] == "day"
        assert sum(d["received"] for d in body["trend"]["points"]) == received
        # a period ending with this month reads this month from the monthly counters
        long = client.get(
            f"/api/v1/areas/{code}/stats?from=2025-01-15&to={month_end}", headers=district
        ).json()
        assert long["trend"]["granularity"] == "month"
        assert long["totals"] == totals  # whole months + edge days add up the same
    check = verify_case_counts(conn)
    assert check.differences == [] and check.compared > 0


def test_escalation_keeps_history_below_and_counts_after_at_the_parent(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    case = report_case(client, area_code=GRID1)
    assert act(client, case["id"], "accept", staff).status_code == 200
    conn.execute(
        update(cases)
        .where(cases.c.id == case["id"])
        .values(deadline_at=datetime.now(UTC) - timedelta(hours=1))
    )
    assert escalate_overdue(conn).escalated == 1
    stored = stored_counts(conn)
    grid = sum(v["escalated"] for k, v in stored.items() if k[0] == GRID1)
    community = sum(v["received"] for k, v in stored.items() if k[0] == JINYUAN)
    assert grid == 1 and community == 1
    assert verify_case_counts(conn).differences == []


def test_verify_finds_tampering_and_rebuild_fixes_it(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    report_case(client, area_code=GRID1)
    report_case(client, area_code=GRID2)
    conn.execute(update(case_counts).where(case_counts.c.area_code == GRID1).values(received=7))
    conn.execute(delete(case_counts).where(case_counts.c.area_code == GRID2))
    check = verify_case_counts(conn, JINYUAN)
    assert any(
        d.startswith(f"{GRID1} ") and "stored 7, events say 1" in d for d in check.differences
    )
    assert any(
        d.startswith(f"{GRID2} ") and "stored 0, events say 1" in d for d in check.differences
    )
    assert verify_case_counts(conn, "520102").differences == []  # another district is fine
    rebuild_case_counts(conn)
    assert verify_case_counts(conn).differences == []


def test_rehoming_moves_the_counts(conn: Connection, client: TestClient) -> None:
    from gridwork.services.delineation import delineate_community
    from gridwork.services.synth import synthesize_city
    from gridwork.store.tables import buildings

    synthesize_city(conn, "520115007", 40_000, 2, (106.63, 26.65), people=False)
    grids = (
        conn.execute(
            select(buildings.c.grid_code)
            .group_by(buildings.c.grid_code)
            .order_by(buildings.c.grid_code)
        )
        .scalars()
        .all()
    )
    first, second = next((a, b) for a, b in itertools.pairwise(grids) if a[:12] == b[:12])
    community = first[:12]
    spot = conn.execute(
        select(buildings.c.lon, buildings.c.lat).where(buildings.c.grid_code == second).limit(1)
    ).one()
    # reported to one grid by code, though the point lies in its neighbour
    case = report_case(client, area_code=first, lat=spot.lat, lng=spot.lon)
    assert case["area_code"] == first
    result = delineate_community(conn, community, 120, 200, commit=True)
    assert result.cases_rehomed == 1
    owner = conn.execute(select(cases.c.area_code)).scalar_one()
    assert owner != first
    stored = stored_counts(conn, community)
    received_at = {k[0] for k, v in stored.items() if v["received"] and len(k[0]) == 15}
    assert received_at == {owner}
    assert verify_case_counts(conn).differences == []


def test_bad_periods_are_refused(conn: Connection, client: TestClient) -> None:
    district = login(conn, client, role="district_admin", area="520115", username="head")
    for query in (
        "from=2026-02-01&to=2026-01-01",
        "from=2020-01-01&to=2026-01-01",
        "from=x",
        "to=0001-01-05",  # the default start would fall before the calendar
        "from=9999-11-01&to=9999-12-31",  # its last month would end after it
    ):
        response = client.get(f"/api/v1/areas/520115/stats?{query}", headers=district)
        assert response.status_code == 422, (query, response.text)
