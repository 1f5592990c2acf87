"""The pages of notifications, notices and duplicates: a resident's messages and channel
choice, a worker's inbox, staff publishing a notice that the community page shows, the
report form's "already reported nearby", and merging from a case page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import (
    GRID1,
    JINYUAN,
    act,
    household,
    load_world,
    login,
    make_user,
    report_case,
    resident,
)
from tests.integration.test_pages import sign_in
from tests.integration.test_resident_access import Outbox

PHONE = "13800005555"
HERE = {"lat": 26.605, "lng": 106.605}


def test_resident_messages_and_their_channel(conn: Connection, client: TestClient) -> None:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="msgdesk")
    home = household(client, staff)
    resident(client, staff, home["id"], name="吴先生", phone=PHONE)
    case = report_case(client, area_code=GRID1, reporter={"phone": PHONE})
    act(client, case["id"], "accept", staff)
    away = client.get("/me/notifications", follow_redirects=False)
    assert away.headers["location"].startswith("/me/signin")
    client.post("/me/signin/code", data={"phone": PHONE})
    client.post("/me/signin/verify", data={"phone": PHONE, "code": outbox.code(), "next": "/"})
    page = client.get("/me/notifications")
    assert page.status_code == 200 and case["reference"] in page.text and "已受理" in page.text
    bad = client.post("/me/notifications/preferences", data={"channel": "email", "email": ""})
    assert bad.status_code == 422 and "Traceback" not in bad.text
    saved = client.post(
        "/me/notifications/preferences", data={"channel": "email", "email": "wu@example.org"}
    )
    assert saved.status_code == 200 and 'value="wu@example.org"' in saved.text


def test_worker_inbox_notices_and_merging(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    make_user(conn, username="pagedesk", role="community_staff", area=JINYUAN)
    make_user(conn, username="pagewalker", role="grid_worker", area=GRID1)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="apidesk")
    first = report_case(client, area_code=GRID1, description="路灯不亮", **HERE)
    second = report_case(client, area_code=GRID1, description="这盏路灯坏了", **HERE)
    act(client, first["id"], "accept", staff)
    act(client, first["id"], "dispatch", staff, assignee="pagewalker")
    nearby = client.get("/report/nearby", params={"category": "road", **HERE})
    assert first["reference"] in nearby.text and "路灯" not in nearby.text
    assert client.get("/report/nearby", params={"category": "road", "lat": "x"}).text.strip() == ""
    sign_in(client, "pagewalker")
    inbox = client.get("/inbox")
    assert inbox.status_code == 200 and f"新派单 {first['reference']}" in inbox.text
    sign_in(client, "pagedesk")
    page = client.get(f"/cases/{second['id']}")
    assert first["reference"] in page.text and f'action="/cases/{second["id"]}/merge"' in page.text
    merged = client.post(
        f"/cases/{second['id']}/merge", data={"into": str(first["id"])}, follow_redirects=False
    )
    assert merged.headers["location"] == f"/cases/{first['id']}?done=merge"
    survivor = client.get(merged.headers["location"]).text
    assert second["reference"] in survivor
    published = client.post(
        "/notices", data={"community_code": JINYUAN, "title": "停电通知", "body": "周五停电"}
    )
    assert published.status_code == 200 and "停电通知" in published.text
    assert "停电通知" in client.get(f"/community/{JINYUAN}").text
    client.cookies.clear()
    client.post("/track", data={"reference": second["reference"], "secret": second["secret"]})
    track = client.get(f"/track/{second['reference']}")
    assert track.status_code == 200 and f"您反映的问题已并入 {first['reference']}" in track.text
