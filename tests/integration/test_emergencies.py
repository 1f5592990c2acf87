"""Emergency operations through the API: tasks for every household, the vulnerable first and
balanced over the grid's workers; outcomes, needs as urgent cases, the board, widening,
narrowing, reassignment and the report."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select

from gridwork.store.emergency_tables import emergency_lists
from tests.factories import (
    ALONE,
    GRID1,
    GRID2,
    JINYUAN,
    feature,
    household,
    jinyuan_world,
    load_world,
    login,
    resident,
    square,
)

YEAR = datetime.now(UTC).year


def world(conn: Connection, client: TestClient) -> dict[str, dict[str, str]]:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    people = [
        (GRID1, YEAR - 85, ALONE),  # priority 1
        (GRID1, YEAR - 40, {"disability": {"basis": "programme", "programme": "残疾人证"}}),
        (GRID1, YEAR - 65, ALONE),  # priority 4
        (GRID1, YEAR - 30, {}),
        (GRID1, YEAR - 35, {}),
        (GRID1, YEAR - 45, {}),
        (GRID2, YEAR - 50, {}),
    ]
    for n, (grid, born, flags) in enumerate(people):
        home = household(client, staff, grid=grid, address=f"金元路{n}号")
        resident(client, staff, home["id"], name=f"居民{n}", birth_year=born, flags=flags)
    return {
        "staff": staff,
        "w1": login(conn, client, role="grid_worker", area=GRID1, username="worker1"),
        "w2": login(conn, client, role="grid_worker", area=GRID1, username="worker2"),
        "district": login(conn, client, role="district_admin", area="520115", username="head"),
    }


def test_declare_generates_prioritised_balanced_tasks(conn: Connection, client: TestClient) -> None:
    users = world(conn, client)
    made = client.post(
        "/api/v1/emergencies",
        json={"kind": "flood", "area_codes": [JINYUAN]},
        headers=users["staff"],
    )
    assert made.status_code == 201, made.text
    assert (made.json()["households"], made.json()["tasks"]) == (7, 7)
    eid = made.json()["id"]
    mine = [
        client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users[w]).json()["items"]
        for w in ("w1", "w2")
    ]
    assert sorted(len(m) for m in mine) == [3, 3]  # six households in grid 001, dealt evenly
    whys = [t["why"] for m in mine for t in m]
    assert whys.count("aged 80+ living alone") == 1 and whys.count("disability") == 1
    for tasks in mine:  # each worker walks the vulnerable first
        priorities = [t["priority"] for t in tasks]
        assert priorities == sorted(priorities)
    board = client.get(f"/api/v1/emergencies/{eid}/board", headers=users["district"]).json()
    assert (board["total"], board["vulnerable"], board["done"]) == (7, 3, 0)
    by_grid = {c["code"]: c for c in board["children"]}
    assert by_grid[GRID1]["total"] == 6 and by_grid[GRID2]["total"] == 1
    unassigned = conn.execute(
        select(func.sum(emergency_lists.c.size)).where(emergency_lists.c.assignee_id.is_(None))
    ).scalar_one()
    assert unassigned == 1  # grid 002 has no worker: its staff see it on the board


def test_outcomes_needs_board_and_report(conn: Connection, client: TestClient) -> None:
    users = world(conn, client)
    eid = client.post(
        "/api/v1/emergencies",
        json={"kind": "heat_wave", "area_codes": [JINYUAN]},
        headers=users["staff"],
    ).json()["id"]
    first, second = client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users["w1"]).json()[
        "items"
    ][:2]
    safe = client.post(
        f"/api/v1/emergencies/{eid}/tasks/{first['id']}",
        json={"outcome": "safe"},
        headers=users["w1"],
    )
    assert safe.status_code == 200, safe.text
    need = client.post(
        f"/api/v1/emergencies/{eid}/tasks/{second['id']}",
        json={"outcome": "needs_help", "need": "需要送饮用水和降温药品"},
        headers=users["w1"],
    )
    assert need.status_code == 200, need.text
    case = client.get(f"/api/v1/cases/{need.json()['case_id']}", headers=users["staff"]).json()
    assert case["category"] == "emergency_need"
    missing = client.post(
        f"/api/v1/emergencies/{eid}/tasks/{second['id']}",
        json={"outcome": "needs_help"},
        headers=users["w1"],
    )
    assert missing.status_code == 422
    # changing an outcome moves the count, it does not add another
    again = client.post(
        f"/api/v1/emergencies/{eid}/tasks/{first['id']}",
        json={"outcome": "unreachable"},
        headers=users["w1"],
    )
    assert again.status_code == 200
    board = client.get(
        f"/api/v1/emergencies/{eid}/board?area={GRID1}", headers=users["staff"]
    ).json()
    assert (board["done"], board["safe"], board["needs_help"], board["unreachable"]) == (2, 0, 1, 1)
    ended = client.post(f"/api/v1/emergencies/{eid}/end", headers=users["staff"])
    assert ended.status_code == 200, ended.text
    report = ended.json()
    assert report["status"] == "ended" and [e["action"] for e in report["timeline"]] == [
        "declare",
        "end",
    ]
    assert client.post(f"/api/v1/emergencies/{eid}/end", headers=users["staff"]).status_code == 409


def test_widen_narrow_and_reassign(conn: Connection, client: TestClient) -> None:
    users = world(conn, client)
    eid = client.post(
        "/api/v1/emergencies", json={"kind": "fire", "area_codes": [GRID1]}, headers=users["staff"]
    ).json()["id"]
    wider = client.post(
        f"/api/v1/emergencies/{eid}/areas", json={"add": [GRID2]}, headers=users["staff"]
    )
    assert wider.json()["tasks_added"] == 1, wider.text
    narrower = client.post(
        f"/api/v1/emergencies/{eid}/areas", json={"remove": [GRID2]}, headers=users["staff"]
    )
    assert narrower.json()["tasks_withdrawn"] == 1, narrower.text
    board = client.get(
        f"/api/v1/emergencies/{eid}/board?area={JINYUAN}", headers=users["staff"]
    ).json()
    assert board["total"] == 6
    tasks = client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users["w2"]).json()["items"]
    moved = client.post(
        f"/api/v1/emergencies/{eid}/reassign",
        json={"task_ids": [t["id"] for t in tasks], "assignee": "worker1"},
        headers=users["staff"],
    )
    assert moved.json() == {"reassigned": len(tasks), "assignee": "worker1"}
    assert client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users["w2"]).json()["items"] == []
    assert (
        len(client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users["w1"]).json()["items"])
        == 6
    )
    forbidden = client.post(
        f"/api/v1/emergencies/{eid}/reassign",
        json={"task_ids": [tasks[0]["id"]], "assignee": "worker2"},
        headers=users["w1"],
    )
    assert forbidden.status_code == 403
    report = client.get(f"/api/v1/emergencies/{eid}", headers=users["district"]).json()
    assert [e["action"] for e in report["timeline"]] == ["declare", "widen", "narrow", "reassign"]


def test_who_may_declare(conn: Connection, client: TestClient) -> None:
    users = world(conn, client)
    body = {"kind": "flood", "area_codes": [JINYUAN]}
    assert client.post("/api/v1/emergencies", json=body, headers=users["w1"]).status_code == 404
    worker_here = login(conn, client, role="grid_worker", area=JINYUAN, username="wjin")
    assert client.post("/api/v1/emergencies", json=body, headers=worker_here).status_code == 403
    outside = login(conn, client, role="community_staff", area="520115007001", username="other")
    assert client.post("/api/v1/emergencies", json=body, headers=outside).status_code == 404
    for bad in (
        {"kind": "riot", "area_codes": [JINYUAN]},
        {"kind": "flood", "area_codes": []},
        {"kind": "flood", "area_codes": [JINYUAN], "started_at": "0001-01-01T00:00:00+14:00"},
        {"kind": "flood", "area_codes": [JINYUAN], "started_at": "2999-01-01T00:00:00+08:00"},
    ):
        assert (
            client.post("/api/v1/emergencies", json=bad, headers=users["staff"]).status_code == 422
        )


def test_declare_over_a_drawn_area_reaches_only_the_buildings_inside(
    conn: Connection, client: TestClient
) -> None:
    world_with_buildings = jinyuan_world()
    spots = {"b-in-1": (106.603, 26.603), "b-in-2": (106.607, 26.604), "b-out": (106.615, 26.603)}
    for name, (lon, lat) in spots.items():
        world_with_buildings["features"].append(
            feature(
                "building",
                {"type": "Point", "coordinates": [lon, lat]},
                id=name,
                households=1,
                community=JINYUAN,
            )
        )
    load_world(conn, world_with_buildings)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="drawer")
    for building in spots:
        home = client.post(
            "/api/v1/households",
            json={
                "grid_code": GRID1 if building != "b-out" else GRID2,
                "address": building,
                "building_code": building,
            },
            headers=staff,
        )
        assert home.status_code == 201, home.text
    drawn = square(106.601, 26.601, 0.008, 0.005)  # around the two buildings in grid 001
    declared = client.post(
        "/api/v1/emergencies", json={"kind": "fire", "polygon": drawn}, headers=staff
    )
    assert declared.status_code == 201, declared.text
    assert declared.json()["area_codes"] == [GRID1]
    assert declared.json()["tasks"] == 2
    for bad in (
        {"kind": "fire", "polygon": {"type": "Point", "coordinates": [106.6, 26.6]}},
        {"kind": "fire", "polygon": square(106.601, 26.601, 3, 3)},  # far too large
        {"kind": "fire", "polygon": square(100.0, 20.0, 0.01, 0.01)},  # no building inside
        {"kind": "fire", "polygon": drawn, "area_codes": [GRID1]},
    ):
        answer = client.post("/api/v1/emergencies", json=bad, headers=staff)
        assert answer.status_code == 422, (bad, answer.text)


def test_service_is_recorded_and_can_be_commended(conn: Connection, client: TestClient) -> None:
    users = world(conn, client)
    ref = client.post(
        "/api/v1/emergencies",
        json={"kind": "flood", "area_codes": [JINYUAN]},
        headers=users["staff"],
    ).json()["id"]
    mine = client.get(f"/api/v1/emergencies/{ref}/tasks", headers=users["w1"]).json()["items"]
    for task, outcome in zip(mine[:2], ("safe", "needs_help"), strict=True):
        body = {"outcome": outcome, **({"need": "送水"} if outcome == "needs_help" else {})}
        assert (
            client.post(
                f"/api/v1/emergencies/{ref}/tasks/{task['id']}", json=body, headers=users["w1"]
            ).status_code
            == 200
        )
    service = client.get(f"/api/v1/emergencies/{ref}/service", headers=users["staff"]).json()
    assert [(s["username"], s["checks"], s["needs_found"]) for s in service["items"]] == [
        ("worker1", 2, 1)
    ]
    praise = {"username": "worker1", "note": "暴雨夜逐户排查"}
    by_worker = client.post(
        f"/api/v1/emergencies/{ref}/commendations", json=praise, headers=users["w2"]
    )
    assert by_worker.status_code == 404  # a grid's worker holds nothing over the community
    nobody = client.post(
        f"/api/v1/emergencies/{ref}/commendations",
        json={"username": "worker2", "note": "x"},
        headers=users["staff"],
    )
    assert nobody.status_code == 404  # worker2 recorded no checks
    given = client.post(
        f"/api/v1/emergencies/{ref}/commendations", json=praise, headers=users["staff"]
    )
    assert given.status_code == 201
    service = client.get(f"/api/v1/emergencies/{ref}/service", headers=users["district"]).json()
    assert service["items"][0]["commendations"][0]["note"] == "暴雨夜逐户排查"
    own = client.post(
        f"/api/v1/emergencies/{ref}/commendations",
        json={"username": "staffer", "note": "我自己很辛苦"},
        headers=users["staff"],
    )
    assert own.status_code == 403  # a commendation is someone else's word


def test_checks_touched_and_untouched_count_once(conn: Connection, client: TestClient) -> None:
    """Checks live in the declaration's lists until something is done to them; narrowing,
    reassigning and widening again count each exactly once, whichever form it is in."""
    users = world(conn, client)
    eid = client.post(
        "/api/v1/emergencies",
        json={"kind": "flood", "area_codes": [GRID1, GRID2]},
        headers=users["staff"],
    ).json()["id"]
    w1 = client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users["w1"]).json()["items"]
    w2 = client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users["w2"]).json()["items"]
    assert len({t["id"] for t in w1 + w2}) == 6
    done = client.post(
        f"/api/v1/emergencies/{eid}/tasks/{w1[0]['id']}",
        json={"outcome": "safe"},
        headers=users["w1"],
    )
    assert done.status_code == 200, done.text
    moved = client.post(
        f"/api/v1/emergencies/{eid}/reassign",
        json={"task_ids": [w2[0]["id"]], "assignee": "worker1"},
        headers=users["staff"],
    )
    assert moved.status_code == 200, moved.text
    now_w1 = client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users["w1"]).json()["items"]
    assert [t["id"] for t in now_w1] == [t["id"] for t in w1] + [w2[0]["id"]]
    assert now_w1[0]["status"] == "safe"
    for bad in (w1[0]["id"] + 10**6, 10**12 + 999_999 * 100_000, 424242):
        missing = client.post(
            f"/api/v1/emergencies/{eid}/tasks/{bad}", json={"outcome": "safe"}, headers=users["w1"]
        )
        assert missing.status_code == 404, bad
    narrowed = client.post(
        f"/api/v1/emergencies/{eid}/areas", json={"remove": [GRID1]}, headers=users["staff"]
    )
    assert narrowed.json()["tasks_withdrawn"] == 5, narrowed.text  # one of six was done
    board = client.get(
        f"/api/v1/emergencies/{eid}/board?area={JINYUAN}", headers=users["staff"]
    ).json()
    assert (board["total"], board["done"]) == (2, 1)  # grid 002's one, and the done check
    widened = client.post(
        f"/api/v1/emergencies/{eid}/areas", json={"add": [GRID1]}, headers=users["staff"]
    )
    assert widened.json()["tasks_added"] == 5, widened.text  # the done household keeps its check
    board = client.get(
        f"/api/v1/emergencies/{eid}/board?area={JINYUAN}", headers=users["staff"]
    ).json()
    assert (board["total"], board["done"]) == (7, 1)
    statuses = [
        t["status"]
        for w in ("w1", "w2")
        for t in client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users[w]).json()["items"]
    ]
    assert sorted(statuses) == ["open"] * 5 + ["safe"] + ["withdrawn"] * 5


def test_both_ways_of_reading_flags_agree(conn: Connection, client: TestClient) -> None:
    """Over most of a province the flagged residents are read first, otherwise the area's
    residents are: the households and priorities found must be the same."""
    from gridwork.services.emergencies import _priorities

    world(conn, client)
    wide = _priorities(conn, [JINYUAN], YEAR, most_of_province=True)
    narrow = _priorities(conn, [JINYUAN], YEAR, most_of_province=False)
    assert sorted(wide[1].tolist()) == [1, 2, 4]  # 80+ alone, disability, 60+ alone
    for a, b in zip(wide, narrow, strict=True):
        assert a.tolist() == b.tolist()
    assert len(_priorities(conn, ["520102"], YEAR, most_of_province=False)[0]) == 0
