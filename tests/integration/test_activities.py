"""Activities and classes: scheduled weekly or monthly with places; residents sign up (or the
desk signs them up), wait in order when it is full and get the place when someone cancels
(and are told); the desk records attendance; reminders go out once, the day before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.domain.activities import Recurrence, session_times
from gridwork.services.activities import remind_due
from gridwork.services.clock import utcnow
from gridwork.store.notification_tables import notifications
from tests.factories import GRID1, JINYUAN, household, load_world, login, make_user, resident
from tests.integration.test_community import resident_token
from tests.integration.test_pages import sign_in
from tests.integration.test_resident_access import Outbox

PHONES = ["13800006001", "13800006002", "13800006003"]


def test_monthly_sessions_keep_their_day_or_the_months_last() -> None:
    first = datetime(2026, 1, 31, 1, 0, tzinfo=UTC)
    days = [t.date().isoformat() for t in session_times(first, Recurrence.MONTHLY, 3)]
    assert days == ["2026-01-31", "2026-02-28", "2026-03-31"]
    weekly = session_times(first, Recurrence.WEEKLY, 2)
    assert weekly[1] - weekly[0] == timedelta(weeks=1)


def world(
    conn: Connection, client: TestClient
) -> tuple[dict[str, str], list[dict[str, str]], list[int]]:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="activitydesk")
    home = household(client, staff, grid=GRID1)
    ids = [
        resident(client, staff, home["id"], name=f"学员{i}", phone=p, birth_year=1950)["id"]
        for i, p in enumerate(PHONES)
    ]
    return staff, [resident_token(client, outbox, p) for p in PHONES], ids


def test_signups_waitlist_cancellation_and_attendance(conn: Connection, client: TestClient) -> None:
    staff, people, ids = world(conn, client)
    start = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    body = {
        "community_code": JINYUAN,
        "kind": "tai_chi",
        "title": "太极拳晨练班",
        "starts_at": start.isoformat(),
        "duration_minutes": 60,
        "recurrence": "weekly",
        "sessions": 8,
        "capacity": 2,
    }
    worker = login(conn, client, role="grid_worker", area=GRID1, username="activitywalker")
    assert client.post("/api/v1/activities", json=body, headers=worker).status_code == 404
    for bad in (
        {**body, "kind": "rally"},
        {**body, "sessions": 0},
        {**body, "starts_at": "2020-01-01T08:00:00+08:00"},
        {**body, "starts_at": "2026-12-01T08:00:00"},
    ):
        assert client.post("/api/v1/activities", json=bad, headers=staff).status_code == 422, bad
    made = client.post("/api/v1/activities", json=body, headers=staff)
    assert made.status_code == 201, made.text
    number = made.json()["id"]
    assert len(made.json()["sessions"]) == 8 and made.json()["places_left"] == 2
    signups = f"/api/v1/activities/{number}/signups"
    first = client.post(signups, headers=people[0])
    second = client.post(signups, json={"resident_id": ids[1]}, headers=staff)  # at the desk
    third = client.post(signups, headers=people[2])
    assert [r.json()["status"] for r in (first, second, third)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert third.json()["waitlist_position"] == 1
    assert client.post(signups, headers=people[0]).status_code == 409
    assert client.post(signups, json={"resident_id": ids[0]}, headers=people[1]).status_code == 403
    public = client.get(f"/api/v1/areas/{JINYUAN}/activities").json()["items"]
    assert (
        public[0]["places_left"] == 0 and public[0]["waitlisted"] == 1 and "学员" not in str(public)
    )
    cancelled = client.post(f"{signups}/{first.json()['id']}/cancel", headers=people[0])
    assert cancelled.json()["promoted"] == third.json()["id"]
    told = (
        conn.execute(
            select(notifications.c.subject).where(notifications.c.recipient == f"phone:{PHONES[2]}")
        )
        .scalars()
        .all()
    )
    assert told == ["太极拳晨练班：您已获得名额"]
    attended = client.post(
        f"/api/v1/activities/{number}/attendance",
        json={"session": 0, "resident_ids": [ids[1], ids[2]]},
        headers=staff,
    )
    assert attended.json()["present"] == 2
    stranger = client.post(
        f"/api/v1/activities/{number}/attendance",
        json={"session": 0, "resident_ids": [ids[0]]},
        headers=staff,
    )
    assert stranger.status_code == 422  # cancelled: not on the roster
    roster = client.get(f"/api/v1/activities/{number}/roster", headers=staff).json()
    assert {s["name"]: s["status"] for s in roster["signups"]} == {
        "学员0": "cancelled",
        "学员1": "confirmed",
        "学员2": "confirmed",
    }
    assert roster["attendance"] == {"0": sorted([ids[1], ids[2]])}
    district = login(conn, client, role="district_admin", area="520115", username="activityboss")
    assert client.get(f"/api/v1/activities/{number}/roster", headers=district).status_code == 403
    log = client.get(f"/api/v1/residents/{ids[1]}/access-log", headers=staff).json()["items"]
    assert any(e["purpose"] == "activity" for e in log)


def test_reminders_once_the_day_before(conn: Connection, client: TestClient) -> None:
    staff, people, _ = world(conn, client)
    start = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    made = client.post(
        "/api/v1/activities",
        json={
            "community_code": JINYUAN,
            "kind": "law_lecture",
            "title": "法律讲座",
            "starts_at": start.isoformat(),
            "recurrence": "once",
        },
        headers=staff,
    ).json()
    client.post(f"/api/v1/activities/{made['id']}/signups", headers=people[0])
    assert remind_due(conn, now=utcnow()) == 0  # two days ahead: not yet
    the_day_before = start - timedelta(hours=20)
    assert remind_due(conn, now=the_day_before) == 1
    assert remind_due(conn, now=the_day_before + timedelta(hours=1)) == 0  # once only
    inbox = client.get("/api/v1/me/notifications", headers=people[0]).json()["items"]
    assert inbox[0]["subject"] == "活动提醒：法律讲座"


def test_activity_pages(conn: Connection, client: TestClient) -> None:
    _, _, ids = world(conn, client)
    make_user(conn, username="activitypages", role="community_staff", area=JINYUAN)
    sign_in(client, "activitypages")
    assert client.get("/activities").status_code == 200
    form = {
        "community_code": JINYUAN,
        "kind": "calligraphy",
        "title": "书法兴趣班",
        "starts_at": (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "recurrence": "weekly",
        "sessions": "4",
        "capacity": "1",
    }
    bad = client.post("/activities", data={**form, "sessions": "xx"})
    assert bad.status_code == 422 and "书法兴趣班" in bad.text
    made = client.post("/activities", data=form, follow_redirects=False)
    assert made.status_code == 303
    page = client.get(made.headers["location"]).text
    assert "第 4 次" in page and "还没有人报名" in page
    number = made.headers["location"].split("/")[2].split("?")[0]
    client.post(f"/activities/{number}/signups", data={"resident_id": str(ids[0])})
    roster = client.get(f"/activities/{number}").text
    assert "学员0" in roster and "已报名" in roster
    came = client.post(
        f"/activities/{number}/attendance", data={"session": "0", "present": str(ids[0])}
    )
    assert came.status_code == 200 and "到场 1 人" in came.text
    public = client.get(f"/community/{JINYUAN}").text
    assert "书法兴趣班" in public and "加入候补" in public and "学员0" not in public
