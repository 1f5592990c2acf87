"""Duplicates: at intake, open reports of the same category within 50 m are suggested without
anyone's words; staff see a case's duplicates and merge one into another; the merged
reporter then follows the surviving case and hears of its steps."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.services.duplicates import metres_between
from gridwork.store.notification_tables import notifications
from tests.factories import GRID1, JINYUAN, load_world, login, report_case

HERE = {"lat": 26.6050, "lng": 106.6050}
METRE = 1 / 111_000  # about a metre of latitude, in degrees


def test_distance_is_in_metres() -> None:
    assert abs(metres_between(26.605, 106.605, 26.605 + 30 * METRE, 106.605) - 30) < 0.5
    assert metres_between(0, 0, 0, 0) == 0


def test_nearby_reports_are_suggested_without_their_words(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    first = report_case(client, area_code=GRID1, description="井盖丢了，很危险", **HERE)
    report_case(client, area_code=GRID1, category="noise", description="夜间施工", **HERE)
    far = {"lat": HERE["lat"] + 95 * METRE, "lng": HERE["lng"]}  # 65 m from `near`
    report_case(client, area_code=GRID1, description="别处的坑", **far)
    near = {"lat": HERE["lat"] + 30 * METRE, "lng": HERE["lng"]}
    found = client.get("/api/v1/cases/nearby", params={"category": "road", **near})
    assert found.status_code == 200
    items = found.json()["items"]
    assert [i["reference"] for i in items] == [first["reference"]]
    assert 25 <= items[0]["distance_m"] <= 35 and "井盖" not in found.text
    for bad in (
        {"category": "road", "lat": 91, "lng": 0},
        {"category": "road", "lat": "x", "lng": 0},
    ):
        assert client.get("/api/v1/cases/nearby", params=bad).status_code == 422


def test_staff_merge_and_the_reporter_follows_the_survivor(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="mergedesk")
    worker = login(conn, client, role="grid_worker", area=GRID1, username="mergewalker")
    survivor = report_case(client, area_code=GRID1, description="路灯不亮", **HERE)
    near = {"lat": HERE["lat"], "lng": HERE["lng"] + 20 * METRE}
    duplicate = report_case(
        client,
        area_code=GRID1,
        description="这里路灯坏了",
        reporter={"phone": "13800004444"},
        **near,
    )
    listed = client.get(f"/api/v1/cases/{survivor['id']}/duplicates", headers=staff).json()
    assert [d["reference"] for d in listed["items"]] == [duplicate["reference"]]
    merge = f"/api/v1/cases/{duplicate['id']}/merge"
    assert client.post(merge, json={"into": str(survivor["id"])}, headers=worker).status_code == 403
    assert client.post(merge, json={"into": str(duplicate["id"])}, headers=staff).status_code == 422
    assert client.post(merge, json={"into": "999999"}, headers=staff).status_code == 404
    generic = client.post(
        f"/api/v1/cases/{duplicate['id']}/actions", json={"action": "merge"}, headers=staff
    )
    assert generic.status_code == 422
    merged = client.post(merge, json={"into": str(survivor["id"])}, headers=staff)
    assert merged.status_code == 200, merged.text
    assert merged.json()["duplicates"] == [
        {"id": duplicate["id"], "reference": duplicate["reference"]}
    ]
    again = client.post(merge, json={"into": str(survivor["id"])}, headers=staff)
    assert again.status_code == 409
    # the merged reporter's own view shows the surviving case's progress
    client.post(f"/api/v1/cases/{survivor['id']}/actions", json={"action": "accept"}, headers=staff)
    mine = client.get(
        f"/api/v1/cases/{duplicate['reference']}", headers={"X-Case-Secret": duplicate["secret"]}
    ).json()
    assert mine["status"] == "merged" and mine["merged_into"]["reference"] == survivor["reference"]
    assert [e["action"] for e in mine["merged_into"]["timeline"]] == ["submit", "accept"]
    after = client.get("/api/v1/cases/nearby", params={"category": "road", **near}).json()
    assert [i["reference"] for i in after["items"]] == [survivor["reference"]]
    # and hears of its steps (in-app: their phone is their recipient)
    told = (
        conn.execute(
            select(notifications.c.subject).where(notifications.c.recipient == "phone:13800004444")
        )
        .scalars()
        .all()
    )
    assert told == [f"您反映的问题 {survivor['reference']}"]
    open311 = client.get(f"/open311/v2/requests/{duplicate['id']}.json").json()
    assert open311[0]["status"] == "closed"
