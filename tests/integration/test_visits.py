"""Door-to-door visits: due lists by urgency and walking order, logging, a need becoming a
case, the sweep flagging overdue visits, coverage, and the rules themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select, update

from gridwork.domain.people import Flag
from gridwork.domain.visits import VisitRule, applicable_rule
from gridwork.services.sweep import sweep
from gridwork.services.visit_dues import load_rules
from gridwork.services.visits import coverage_by_child
from gridwork.store.people_tables import visit_dues
from tests.factories import ALONE, GRID1, GRID2, JINYUAN, household, load_world, login, resident

THIS_YEAR = datetime.now(UTC).year


def world(conn: Connection, client: TestClient) -> tuple[dict[str, str], dict[str, str]]:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    worker = login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    return staff, worker


def backdate(conn: Connection, resident_id: int, days: int) -> None:
    conn.execute(
        update(visit_dues)
        .where(visit_dues.c.resident_id == resident_id, visit_dues.c.status == "open")
        .values(due_at=datetime.now(UTC) - timedelta(days=days))
    )


def test_default_rules_pick_the_most_frequent_visits(conn: Connection) -> None:
    rules = load_rules(conn)
    assert {r.code: r.interval_days for r in rules} == {
        "aged80_alone": 7,
        "aged60_alone": 14,
        "disability": 30,
        "needs_assistance": 30,
    }

    def rule(age: int, *flags: Flag) -> str | None:
        found: VisitRule | None = applicable_rule(rules, age, flags)
        return found.code if found else None

    assert rule(85, Flag.LIVES_ALONE) == "aged80_alone"
    assert rule(85, Flag.LIVES_ALONE, Flag.DISABILITY) == "aged80_alone"
    assert rule(65, Flag.LIVES_ALONE) == "aged60_alone"
    assert rule(40, Flag.DISABILITY) == "disability"
    assert rule(59, Flag.LIVES_ALONE) is None
    assert rule(90) is None  # aged but not alone, no flag: no rule
    assert rule(30, Flag.LOW_INCOME) is None


def test_a_worker_sees_their_grid_due_list_by_urgency(conn: Connection, client: TestClient) -> None:
    staff, worker = world(conn, client)
    home = household(client, staff)
    old = resident(client, staff, home["id"], name="老王", birth_year=THIS_YEAR - 85, flags=ALONE)
    home2 = household(client, staff, address="金元路2号")
    younger = resident(
        client, staff, home2["id"], name="老李", birth_year=THIS_YEAR - 65, flags=ALONE
    )
    elsewhere = household(client, staff, grid=GRID2)
    resident(client, staff, elsewhere["id"], name="别格", birth_year=THIS_YEAR - 85, flags=ALONE)
    backdate(conn, younger["id"], 2)  # overdue
    plan = client.get("/api/v1/visits/due?horizon_days=7", headers=worker)
    assert plan.status_code == 200, plan.text
    items = plan.json()["items"]
    assert [i["resident"]["name"] for i in items] == ["老李", "老王"]
    assert [i["band"] for i in items] == ["overdue", "upcoming"]
    assert items[0]["rule"] == "aged60_alone" and items[1]["rule"] == "aged80_alone"
    # the list names people, so each listed person's read is audited as a visit
    log = client.get(f"/api/v1/residents/{old['id']}/access-log", headers=staff).json()["items"]
    assert log[0]["reader"] == "worker1" and log[0]["purpose"] == "visit"


def test_logging_a_visit_completes_it_and_plans_the_next(
    conn: Connection, client: TestClient
) -> None:
    staff, worker = world(conn, client)
    home = household(client, staff)
    person = resident(client, staff, home["id"], birth_year=THIS_YEAR - 85, flags=ALONE)
    not_home = client.post(
        "/api/v1/visits", json={"resident_id": person["id"], "outcome": "not_home"}, headers=worker
    )
    assert not_home.status_code == 201 and not_home.json()["on_time"] is None
    met = client.post(
        "/api/v1/visits",
        json={"resident_id": person["id"], "outcome": "met", "note": "精神很好"},
        headers=worker,
    )
    assert met.status_code == 201, met.text
    body = met.json()
    assert body["on_time"] is True and body["case"] is None
    due = datetime.fromisoformat(body["next_visit_due"])
    assert timedelta(days=6) < due - datetime.now(UTC) <= timedelta(days=7)


def test_a_need_found_on_a_visit_becomes_a_case_in_one_step(
    conn: Connection, client: TestClient
) -> None:
    staff, worker = world(conn, client)
    home = household(client, staff)
    person = resident(client, staff, home["id"], birth_year=THIS_YEAR - 85, flags=ALONE)
    response = client.post(
        "/api/v1/visits",
        json={"resident_id": person["id"], "outcome": "met", "need": "卫生间扶手松动，需要维修"},
        headers=worker,
    )
    assert response.status_code == 201, response.text
    case = response.json()["case"]
    assert case["status"] == "submitted"
    shown = client.get(f"/api/v1/cases/{case['id']}", headers=staff).json()
    assert shown["channel"] == "visit" and shown["area_code"] == GRID1
    assert shown["reporter"] == {"name": "张秀兰", "phone": "13800000001"}
    refused = client.post(
        "/api/v1/visits",
        json={"resident_id": person["id"], "outcome": "not_home", "need": "x"},
        headers=worker,
    )
    assert refused.status_code == 422


def test_bad_visits_are_refused(conn: Connection, client: TestClient) -> None:
    staff, worker = world(conn, client)
    home = household(client, staff)
    person = resident(client, staff, home["id"])
    for body in (
        {"resident_id": person["id"], "outcome": "chatted"},
        {"resident_id": person["id"], "outcome": "met", "visited_at": "2020-01-01T10:00:00+08:00"},
        {"resident_id": person["id"], "outcome": "met", "visited_at": "2026-01-01T10:00:00"},
        {"resident_id": person["id"], "outcome": "met", "mood": "sad"},
    ):
        response = client.post("/api/v1/visits", json=body, headers=worker)
        assert response.status_code == 422, (body, response.text)
    other = login(conn, client, role="grid_worker", area=GRID2, username="worker2")
    response = client.post(
        "/api/v1/visits", json={"resident_id": person["id"], "outcome": "met"}, headers=other
    )
    assert response.status_code == 404


def test_the_sweep_flags_overdue_visits_and_coverage_counts_them(
    conn: Connection, client: TestClient
) -> None:
    staff, worker = world(conn, client)
    late, on_time = [
        resident(
            client,
            staff,
            household(client, staff, address=f"{n}号")["id"],
            birth_year=THIS_YEAR - 85,
            flags=ALONE,
        )
        for n in (1, 2)
    ]
    backdate(conn, late["id"], 3)
    report = sweep(conn, retention_days=365)
    assert report.visits_flagged == 1
    assert sweep(conn, retention_days=365).visits_flagged == 0  # flagged once
    client.post(
        "/api/v1/visits", json={"resident_id": late["id"], "outcome": "met"}, headers=worker
    )
    client.post(
        "/api/v1/visits", json={"resident_id": on_time["id"], "outcome": "met"}, headers=worker
    )
    # `on_time`'s due was a week ahead: pull it into the window so both count
    conn.execute(
        update(visit_dues)
        .where(visit_dues.c.resident_id == on_time["id"], visit_dues.c.status == "done")
        .values(due_at=datetime.now(UTC) - timedelta(hours=1))
    )
    now = datetime.now(UTC)
    coverage = coverage_by_child(conn, JINYUAN, 15, now - timedelta(days=30), now)
    assert coverage[GRID1] == (1, 2)  # one of two due visits done on time
    flagged = conn.execute(
        select(visit_dues.c.flagged_at).where(
            visit_dues.c.resident_id == late["id"], visit_dues.c.status == "done"
        )
    ).scalar_one()
    assert flagged is not None
