"""Notifications: a case's reporter hears of its steps through the channel they chose (in-app
by default, e-mail over a real local SMTP server, SMS through the gateway); a worker hears of
a dispatch and of an emergency's checks; a channel that is down never blocks the action, and
the notification is tried again later. Community notices are public."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.services.channels import Channels, SmtpMailer, SmtpSettings
from gridwork.services.clock import utcnow
from gridwork.services.emergency_alerts import alert_residents_due
from gridwork.services.notifications import deliver_due
from gridwork.store.notification_tables import notifications
from tests.e2e.conftest import free_port
from tests.factories import (
    GRID1,
    JINYUAN,
    household,
    load_world,
    login,
    make_user,
    report_case,
    resident,
    token_for,
)
from tests.integration.test_community import resident_token
from tests.integration.test_resident_access import Outbox
from tests.smtp import smtp_server

PHONE = "13800003333"


def channels(port: int, sms: Outbox | None = None) -> Channels:
    mailer = SmtpMailer(
        SmtpSettings(host="127.0.0.1", port=port, sender="gridwork@test.local", timeout=3)
    )
    return Channels(sms=sms or Outbox(), mailer=mailer)


def signed_in_resident(
    conn: Connection, client: TestClient
) -> tuple[dict[str, str], dict[str, str]]:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="notifydesk")
    home = household(client, staff)
    resident(client, staff, home["id"], name="周女士", phone=PHONE)
    return staff, resident_token(client, outbox, PHONE)


def test_reporter_told_by_email_over_real_smtp(conn: Connection, client: TestClient) -> None:
    staff, me = signed_in_resident(conn, client)
    chosen = client.put(
        "/api/v1/me/notification-preferences",
        json={"channel": "email", "email": "zhou@example.org"},
        headers=me,
    )
    assert chosen.status_code == 200 and chosen.json()["channel"] == "email"
    case = report_case(client, area_code=GRID1, reporter={"name": "周女士", "phone": PHONE})
    accepted = client.post(
        f"/api/v1/cases/{case['id']}/actions", json={"action": "accept"}, headers=staff
    )
    assert accepted.status_code == 200
    db = client.app.state.db  # type: ignore[attr-defined]
    port = free_port()
    with smtp_server(port) as box:
        report = deliver_due(lambda: db.transaction(write=True), channels(port))
        assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
        [mail] = box.wait_for(1)
    assert mail["To"] == "zhou@example.org" and case["reference"] in mail["Subject"]
    assert "已受理" in mail.get_content()
    inbox = client.get("/api/v1/me/notifications", headers=me).json()["items"]
    assert [(n["channel"], n["status"]) for n in inbox] == [("email", "sent")]


def test_a_channel_that_is_down_is_retried_and_never_blocks(
    conn: Connection, client: TestClient
) -> None:
    staff, me = signed_in_resident(conn, client)
    client.put(
        "/api/v1/me/notification-preferences",
        json={"channel": "email", "email": "zhou@example.org"},
        headers=me,
    )
    case = report_case(client, area_code=GRID1, reporter={"phone": PHONE})
    port = free_port()  # nothing listens here yet
    accepted = client.post(
        f"/api/v1/cases/{case['id']}/actions", json={"action": "accept"}, headers=staff
    )
    assert accepted.status_code == 200  # the action does not wait for any channel
    db = client.app.state.db  # type: ignore[attr-defined]
    begin = lambda: db.transaction(write=True)  # noqa: E731
    now = utcnow()
    first = deliver_due(begin, channels(port), now=now)
    assert (first.sent, first.retrying) == (0, 1)
    row = (
        conn.execute(select(notifications).where(notifications.c.channel == "email"))
        .mappings()
        .one()
    )
    assert row["attempts"] == 1 and "Connection" in row["last_error"] and row["status"] == "pending"
    assert deliver_due(begin, channels(port), now=now + timedelta(seconds=30)).sent == 0  # waits
    with smtp_server(port) as box:
        later = deliver_due(begin, channels(port), now=now + timedelta(minutes=2))
        assert later.sent == 1
        assert len(box.wait_for(1)) == 1
    assert deliver_due(begin, channels(port), now=now + timedelta(hours=9)).sent == 0  # once only


def test_gives_up_after_the_last_attempt(conn: Connection, client: TestClient) -> None:
    staff, me = signed_in_resident(conn, client)
    client.put(
        "/api/v1/me/notification-preferences",
        json={"channel": "email", "email": "a@example.org"},
        headers=me,
    )
    case = report_case(client, area_code=GRID1, reporter={"phone": PHONE})
    client.post(f"/api/v1/cases/{case['id']}/actions", json={"action": "accept"}, headers=staff)
    db = client.app.state.db  # type: ignore[attr-defined]
    when = utcnow()
    outcomes = []
    for _ in range(8):
        when += timedelta(hours=5)
        done = deliver_due(lambda: db.transaction(write=True), channels(free_port()), now=when)
        outcomes.append((done.retrying, done.failed))
    assert outcomes[:6] == [(1, 0)] * 5 + [(0, 1)] and outcomes[6:] == [(0, 0), (0, 0)]


def test_sms_in_app_and_workers(conn: Connection, client: TestClient) -> None:
    staff, me = signed_in_resident(conn, client)
    case = report_case(client, area_code=GRID1, reporter={"phone": PHONE})
    client.post(f"/api/v1/cases/{case['id']}/actions", json={"action": "accept"}, headers=staff)
    inbox = client.get("/api/v1/me/notifications", headers=me).json()["items"]
    assert [(n["channel"], n["status"], n["link"]) for n in inbox] == [
        ("in_app", "sent", f"/track/{case['reference']}")
    ]
    read = client.post(f"/api/v1/me/notifications/{inbox[0]['id']}/read", headers=me)
    assert (
        read.status_code == 204
        and client.get("/api/v1/me/notifications", headers=me).json()["items"][0]["read"]
    )
    assert client.post("/api/v1/me/notifications/999999/read", headers=me).status_code == 404
    client.put("/api/v1/me/notification-preferences", json={"channel": "sms"}, headers=me)
    make_user(conn, username="walker9", role="grid_worker", area=GRID1)
    dispatched = client.post(
        f"/api/v1/cases/{case['id']}/actions",
        json={"action": "dispatch", "assignee": "walker9"},
        headers=staff,
    )
    assert dispatched.status_code == 200
    worker = login(conn, client, role="grid_worker", area=GRID1, username="walker10")
    walker = token_for(client, "walker9")
    told = client.get("/api/v1/inbox", headers=walker).json()["items"]
    assert told[0]["subject"] == f"新派单 {case['reference']}"
    assert client.get("/api/v1/inbox", headers=worker).json()["items"] == []
    assert (
        client.put("/api/v1/inbox/preferences", json={"channel": "sms"}, headers=walker).status_code
        == 422
    )
    for bad in (
        {"channel": "email"},
        {"channel": "email", "email": "not-an-address"},
        {"channel": "pigeon"},
    ):
        assert (
            client.put("/api/v1/me/notification-preferences", json=bad, headers=me).status_code
            == 422
        )
    started = client.post(
        f"/api/v1/cases/{case['id']}/actions", json={"action": "start"}, headers=walker
    )
    resolved = client.post(
        f"/api/v1/cases/{case['id']}/actions",
        json={"action": "resolve", "note": "已填平"},
        headers=walker,
    )
    assert started.status_code == resolved.status_code == 200
    sms = Outbox()
    db = client.app.state.db  # type: ignore[attr-defined]
    sent = deliver_due(lambda: db.transaction(write=True), channels(free_port(), sms))
    assert sent.sent == 1 and sms.sent[0][0] == PHONE and "已填平" in sms.sent[0][1]


def test_emergency_alerts_the_workers_dealt_checks(conn: Connection, client: TestClient) -> None:
    staff, _ = signed_in_resident(conn, client)
    make_user(conn, username="walker11", role="grid_worker", area=GRID1)
    declared = client.post(
        "/api/v1/emergencies", json={"kind": "flood", "area_codes": [GRID1]}, headers=staff
    )
    assert declared.status_code == 201
    told = client.get("/api/v1/inbox", headers=token_for(client, "walker11")).json()["items"]
    assert told[0]["kind"] == "emergency_alert" and "1 户" in told[0]["body"]


def test_community_notices(conn: Connection, client: TestClient) -> None:
    staff, _ = signed_in_resident(conn, client)
    worker = login(conn, client, role="grid_worker", area=GRID1, username="walker12")
    notice = {"community_code": JINYUAN, "title": "停水通知", "body": "周三 9:00–17:00 停水"}
    assert client.post("/api/v1/notices", json=notice, headers=worker).status_code == 404
    assert (
        client.post("/api/v1/notices", json={**notice, "title": ""}, headers=staff).status_code
        == 422
    )
    made = client.post("/api/v1/notices", json=notice, headers=staff)
    assert made.status_code == 201
    public = client.get(f"/api/v1/areas/{JINYUAN}/notices").json()["items"]
    assert [n["title"] for n in public] == ["停水通知"]
    client.post(f"/api/v1/notices/{made.json()['id']}/withdraw", headers=staff)
    assert client.get(f"/api/v1/areas/{JINYUAN}/notices").json()["items"] == []


def test_emergency_alerts_reach_the_covered_households_in_batches(
    conn: Connection, client: TestClient
) -> None:
    staff, me = signed_in_resident(conn, client)  # a resident of GRID1 with a phone
    home = household(client, staff, grid=GRID1, address="金元路9号")
    resident(client, staff, home["id"], name="无电话的人", phone=None, birth_year=1960)
    resident(client, staff, home["id"], name="有电话的人", phone="13800008888", birth_year=1961)
    declared = client.post(
        "/api/v1/emergencies", json={"kind": "flood", "area_codes": [GRID1]}, headers=staff
    )
    assert declared.status_code == 201 and declared.json()["households"] == 2
    assert alert_residents_due(conn, batch=1) == 1  # the first household: one phone
    assert alert_residents_due(conn, batch=1) == 1  # the second: one phone of two residents
    assert alert_residents_due(conn, batch=1) == 0  # done; nobody is told twice
    told = client.get("/api/v1/me/notifications", headers=me).json()["items"]
    assert told[0]["subject"] == "紧急通知：洪涝" and told[0]["link"] == "/safe"
