"""Workgroups and volunteer teams: formed by the desk from the community's helpers, a duty
roster, hours given and the cases taken; names for the community's desk, totals for the
units above."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.services.clock import utcnow
from gridwork.services.emergency_lists import task_id
from gridwork.store.emergency_tables import emergency_lists
from tests.factories import (
    GRID1,
    JINYUAN,
    household,
    load_world,
    login,
    make_user,
    report_case,
)
from tests.integration.test_pages import sign_in


def test_a_team_its_roster_hours_and_cases(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="teamdesk")
    worker = login(conn, client, role="grid_worker", area=GRID1, username="teamwalker")
    district = login(conn, client, role="district_admin", area="520115", username="teamboss")
    helper = client.post(
        "/api/v1/helpers",
        json={"community_code": JINYUAN, "kind": "volunteer", "name": "热心的刘阿姨"},
        headers=staff,
    ).json()["id"]
    team = {"community_code": JINYUAN, "kind": "neighbourhood_help", "name": "邻里互助队"}
    assert client.post("/api/v1/teams", json=team, headers=worker).status_code == 404  # a grid
    assert (
        client.post("/api/v1/teams", json={**team, "kind": "patrol"}, headers=staff).status_code
        == 422
    )
    made = client.post("/api/v1/teams", json=team, headers=staff)
    assert made.status_code == 201
    base = f"/api/v1/teams/{made.json()['id']}"
    today = utcnow().date().isoformat()
    not_yet = client.post(
        f"{base}/hours", json={"helper_id": helper, "on_date": today, "hours": 2}, headers=staff
    )
    assert not_yet.status_code == 422  # not a member yet
    assert (
        client.post(f"{base}/members", json={"helper_id": helper}, headers=staff).status_code == 201
    )
    assert (
        client.post(f"{base}/members", json={"helper_id": helper}, headers=staff).status_code == 409
    )
    assert (
        client.post(
            f"{base}/duties",
            json={"helper_id": helper, "day": today, "shift": "上午"},
            headers=staff,
        ).status_code
        == 201
    )
    case = report_case(client, area_code=GRID1, description="楼道灯坏了")
    given = client.post(
        f"{base}/hours",
        json={
            "helper_id": helper,
            "on_date": today,
            "hours": 1.5,
            "note": "换灯泡",
            "case_id": case["id"],
        },
        headers=staff,
    )
    assert given.status_code == 201, given.text
    for bad in (
        {"hours": 30},
        {"hours": 0},
        {"on_date": "2099-01-01"},
        {"case_id": 999999},
        {"task_id": 999999},
    ):
        entry = {"helper_id": helper, "on_date": today, "hours": 1, **bad}
        assert client.post(f"{base}/hours", json=entry, headers=staff).status_code == 422, bad
    assert client.get(base, headers=worker).status_code == 404  # the team is the community's
    household(client, staff, grid=GRID1)
    flood = client.post(
        "/api/v1/emergencies", json={"kind": "flood", "area_codes": [GRID1]}, headers=staff
    ).json()["id"]
    task = task_id(
        conn.execute(
            select(emergency_lists.c.id).where(emergency_lists.c.emergency_id == flood)
        ).scalar_one(),
        0,
    )
    checked = client.post(
        f"{base}/hours",
        json={"helper_id": helper, "on_date": today, "hours": 1, "task_id": task},
        headers=staff,
    )
    assert checked.status_code == 201, checked.text
    view = client.get(base, headers=staff).json()
    assert view["tasks"] == [{"id": task, "emergency_id": flood, "status": "open", "hours": 1.0}]
    assert view["members"] == [
        {"id": helper, "name": "热心的刘阿姨", "kind": "volunteer", "hours": 2.5}
    ]
    assert (
        view["roster"][0]["shift"] == "上午" and view["cases"][0]["reference"] == case["reference"]
    )
    assert client.get(base, headers=district).status_code == 403
    listed = client.get("/api/v1/teams", headers=staff).json()["items"]
    assert listed == [
        {
            "id": made.json()["id"],
            "community_code": JINYUAN,
            "kind": "neighbourhood_help",
            "name": "邻里互助队",
            "members": 1,
            "hours": 2.5,
        }
    ]
    totals = client.get("/api/v1/areas/520115/volunteer-hours", headers=district).json()
    assert totals["by_kind"]["neighbourhood_help"] == {"teams": 1, "hours": 2.5}
    assert "刘阿姨" not in str(totals)


def test_team_pages(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="teamapi")
    make_user(conn, username="teampages", role="community_staff", area=JINYUAN)
    helper = client.post(
        "/api/v1/helpers",
        json={"community_code": JINYUAN, "kind": "volunteer", "name": "王师傅"},
        headers=staff,
    ).json()["id"]
    sign_in(client, "teampages")
    bad = client.post("/teams", data={"community_code": JINYUAN, "kind": "legal", "name": " "})
    assert bad.status_code == 422
    made = client.post(
        "/teams",
        data={"community_code": JINYUAN, "kind": "legal", "name": "法律服务队"},
        follow_redirects=False,
    )
    team = made.headers["location"]
    client.post(f"{team}/members", data={"helper_id": str(helper)})
    today = utcnow().date().isoformat()
    client.post(f"{team}/duties", data={"helper_id": str(helper), "day": today, "shift": "下午"})
    done = client.post(
        f"{team}/hours", data={"helper_id": str(helper), "on_date": today, "hours": "2.5"}
    )
    assert done.status_code == 200 and "王师傅 · 2.5 小时" in done.text and "下午" in done.text
    wrong = client.post(
        f"{team}/hours", data={"helper_id": str(helper), "on_date": today, "hours": "lots"}
    )
    assert wrong.status_code == 422
    assert "法律服务队" in client.get("/teams").text
