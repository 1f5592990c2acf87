"""Community services through the API: facility records and their public list; residents'
proposals, one support each, staff answers (accepting one makes it a case), and the public
tally of what was asked and what was done, with no one's identity in it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import GRID1, GRID2, JINYUAN, household, load_world, login, resident
from tests.integration.test_resident_access import Outbox


def resident_token(client: TestClient, outbox: Outbox, phone: str) -> dict[str, str]:
    assert client.post("/api/v1/resident/code", json={"phone": phone}).status_code == 202
    token = client.post("/api/v1/resident/token", json={"phone": phone, "code": outbox.code()})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_facilities_are_kept_by_staff_and_listed_publicly(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="deskclerk")
    worker = login(conn, client, role="grid_worker", area=GRID1, username="gridhand")
    canteen = {
        "community_code": JINYUAN,
        "kind": "canteen",
        "name": "金元长者食堂",
        "address": "金元路18号",
        "lat": 26.605,
        "lng": 106.605,
        "opening_hours": "11:00–13:00, 17:00–18:30",
        "capacity": 120,
        "run_by": "金元社区居委会",
    }
    made = client.post("/api/v1/facilities", json=canteen, headers=staff)
    assert made.status_code == 201, made.text
    assert client.post("/api/v1/facilities", json=canteen, headers=worker).status_code == 404
    for bad in ({**canteen, "kind": "casino"}, {**canteen, "lat": None}, {**canteen, "name": " "}):
        assert client.post("/api/v1/facilities", json=bad, headers=staff).status_code == 422
    listed = client.get(f"/api/v1/areas/{JINYUAN}/facilities").json()  # no sign-in needed
    assert [f["name"] for f in listed["items"]] == ["金元长者食堂"]
    assert client.get("/api/v1/areas/520115/facilities").json()["items"][0]["capacity"] == 120
    changed = client.patch(
        f"/api/v1/facilities/{made.json()['id']}", json={"capacity": 150}, headers=staff
    )
    assert changed.json()["capacity"] == 150 and changed.json()["name"] == "金元长者食堂"
    client.patch(f"/api/v1/facilities/{made.json()['id']}", json={"archived": True}, headers=staff)
    assert client.get(f"/api/v1/areas/{JINYUAN}/facilities").json()["items"] == []


def test_proposals_supported_answered_and_tallied(conn: Connection, client: TestClient) -> None:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="deskclerk2")
    for grid, name, phone in ((GRID1, "提议人", "13800001111"), (GRID2, "邻居", "13800002222")):
        home = household(client, staff, grid=grid, address=f"{name}家")
        resident(client, staff, home["id"], name=name, phone=phone, birth_year=1960)
    proposer = resident_token(client, outbox, "13800001111")
    neighbour = resident_token(client, outbox, "13800002222")
    idea = {"community_code": JINYUAN, "title": "公园增加休息座椅", "body": "老人散步走累了没处坐"}
    made = client.post("/api/v1/proposals", json=idea, headers=proposer)
    assert made.status_code == 201, made.text
    number = made.json()["id"]
    assert made.json()["supporters"] == 1 and made.json()["status"] == "open"
    elsewhere = client.post(
        "/api/v1/proposals", json={**idea, "community_code": "520115007001"}, headers=proposer
    )
    assert elsewhere.status_code == 404  # not on that community's registry
    assert client.post("/api/v1/proposals", json=idea, headers=staff).status_code == 401
    assert client.post(f"/api/v1/proposals/{number}/support", headers=proposer).status_code == 409
    backed = client.post(f"/api/v1/proposals/{number}/support", headers=neighbour)
    assert backed.status_code == 200 and backed.json()["supporters"] == 2
    assert client.post(f"/api/v1/proposals/{number}/support", headers=neighbour).status_code == 409

    considering = {"status": "considering", "answer": "已收到，正在选址"}
    assert (
        client.post(
            f"/api/v1/proposals/{number}/answer", json=considering, headers=staff
        ).status_code
        == 200
    )
    accepted = client.post(
        f"/api/v1/proposals/{number}/answer",
        json={"status": "accepted", "answer": "月底前安装6张座椅", "category": "facilities"},
        headers=staff,
    )
    assert accepted.status_code == 200 and accepted.json()["case_id"] is not None
    case = client.get(f"/api/v1/cases/{accepted.json()['case_id']}", headers=staff).json()
    assert case["category"] == "facilities" and "公园增加休息座椅" in case["description"]
    again = client.post(
        f"/api/v1/proposals/{number}/answer",
        json={"status": "declined", "answer": "改主意了"},
        headers=staff,
    )
    assert again.status_code == 409

    declined = client.post(
        "/api/v1/proposals", json={**idea, "title": "建游泳池"}, headers=neighbour
    )
    client.post(
        f"/api/v1/proposals/{declined.json()['id']}/answer",
        json={"status": "declined", "answer": "场地不足，已转区体育局研究"},
        headers=staff,
    )
    tally = client.get("/api/v1/areas/520115007/demands")  # public, and above the community
    assert tally.status_code == 200
    body = tally.json()
    assert body["total"] == 2 and body["by_status"]["accepted"] == 1
    assert body["by_status"]["declined"] == 1 and body["answered_on_time"] == 2
    assert "138000" not in tally.text and "提议人" not in tally.text  # no one's identity


def test_the_community_pages(conn: Connection, client: TestClient) -> None:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="deskclerk3")
    home = household(client, staff, grid=GRID1, address="金元路2号")
    resident(client, staff, home["id"], name="居民甲", phone="13800003333", birth_year=1950)
    client.post(
        "/api/v1/facilities",
        json={
            "community_code": JINYUAN,
            "kind": "canteen",
            "name": "金元长者食堂",
            "opening_hours": "11:00–13:00",
        },
        headers=staff,
    )
    page = client.get(f"/community/{JINYUAN}")
    assert page.status_code == 200 and "金元长者食堂" in page.text and "长者食堂" in page.text
    assert "居民登录" in page.text  # not signed in: no form, a way to sign in
    anonymous = client.post(
        f"/community/{JINYUAN}/proposals", data={"title": "x", "body": "y"}, follow_redirects=False
    )
    assert anonymous.headers["location"].startswith("/me/signin")
    client.post("/me/signin/code", data={"phone": "13800003333"})
    signed = client.post(
        "/me/signin/verify",
        data={"phone": "13800003333", "code": outbox.code(), "next": f"/community/{JINYUAN}"},
        follow_redirects=False,
    )
    assert signed.headers["location"] == f"/community/{JINYUAN}"
    made = client.post(
        f"/community/{JINYUAN}/proposals",
        data={"title": "楼道加装扶手", "body": "老人上下楼不方便"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = client.get(f"/community/{JINYUAN}").text
    assert "楼道加装扶手" in page and "1人支持" in page and "13800003333" not in page
    own = page.split(f'action="/community/{JINYUAN}/proposals/')[1].split("/")[0]
    again = client.post(f"/community/{JINYUAN}/proposals/{own}/support")
    assert again.status_code == 409  # the proposer's own support is counted once

    client.cookies.clear()
    login(conn, client, role="community_staff", area=JINYUAN, username="deskclerk4")
    client.post("/signin", data={"username": "deskclerk4", "password": "correct-horse-battery"})
    desk = client.get("/proposals")
    assert desk.status_code == 200 and "楼道加装扶手" in desk.text
    number = desk.text.split('action="/proposals/')[1].split("/")[0]
    answered = client.post(
        f"/proposals/{number}/answer",
        data={"status": "accepted", "text": "下月安装", "category": "facilities"},
    )
    assert answered.status_code == 200 and "答复已发布" in answered.text
    public = client.get(f"/community/{JINYUAN}").text
    assert "已采纳，落实中" in public and "下月安装" in public


def test_staff_keep_facilities_on_their_page(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    login(conn, client, role="community_staff", area=JINYUAN, username="keeperpage")
    client.post("/signin", data={"username": "keeperpage", "password": "correct-horse-battery"})
    bad = client.post(
        "/facilities",
        data={"community_code": JINYUAN, "kind": "health", "name": "卫生站", "capacity": "many"},
    )
    assert bad.status_code == 422 and "卫生站" in bad.text  # the form keeps what was typed
    added = client.post(
        "/facilities",
        data={
            "community_code": JINYUAN,
            "kind": "health",
            "name": "金元卫生服务站",
            "opening_hours": "8:00–17:00",
            "capacity": "20",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = client.get("/facilities").text
    number = page.split('action="/facilities/')[1].split('"')[0]
    saved = client.post(
        f"/facilities/{number}",
        data={"name": "金元卫生服务站", "opening_hours": "7:30–17:30", "capacity": "25"},
    )
    assert saved.status_code == 200 and "7:30–17:30" in saved.text
    public = client.get(f"/community/{JINYUAN}").text
    assert "7:30–17:30" in public and "卫生服务站" in public
    client.post(f"/facilities/{number}", data={"name": "金元卫生服务站", "archive": "1"})
    assert "金元卫生服务站" not in client.get(f"/community/{JINYUAN}").text
    outside = client.post(
        "/facilities", data={"community_code": "520115007001", "kind": "health", "name": "x"}
    )
    assert outside.status_code == 404


def test_workers_training_and_commendations(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="recordkeeper")
    worker = login(conn, client, role="grid_worker", area=GRID1, username="trainee")
    course = {"kind": "training", "title": "应急救护培训", "on_date": "2026-10-12", "hours": 6}
    added = client.post("/api/v1/workers/trainee/records", json=course, headers=staff)
    assert added.status_code == 201, added.text
    client.post(
        "/api/v1/workers/trainee/records",
        json={"kind": "commendation", "title": "帮助独居老人", "on_date": "2026-11-02"},
        headers=staff,
    )
    record = client.get("/api/v1/workers/trainee/records", headers=staff).json()
    assert record["training_hours"] == 6.0
    assert [c["for"] for c in record["commendations"]] == ["帮助独居老人"]
    for bad in (
        {**course, "hours": None},
        {**course, "kind": "demerit"},
        {**course, "on_date": "2099-01-01"},
        {"kind": "commendation", "title": "x", "on_date": "2026-11-02", "hours": 2},
    ):
        answer = client.post("/api/v1/workers/trainee/records", json=bad, headers=staff)
        assert answer.status_code == 422, bad
    assert client.get("/api/v1/workers/trainee/records", headers=worker).status_code == 403
    assert client.get("/api/v1/workers/nobody/records", headers=staff).status_code == 404


def test_the_workers_page(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    login(conn, client, role="community_staff", area=JINYUAN, username="recordkeeper2")
    login(conn, client, role="grid_worker", area=GRID1, username="trainee2")
    client.post("/signin", data={"username": "recordkeeper2", "password": "correct-horse-battery"})
    assert "trainee2" in client.get("/workers").text
    bad = client.post(
        "/workers/trainee2/records", data={"kind": "training", "title": "消防", "on_date": "x"}
    )
    assert bad.status_code == 422
    done = client.post(
        "/workers/trainee2/records",
        data={"kind": "training", "title": "消防安全培训", "on_date": "2026-11-01", "hours": "3"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get("/workers").text
    assert "消防安全培训" in page and "培训3.0小时" in page
