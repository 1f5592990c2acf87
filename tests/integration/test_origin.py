"""One cross-site check for every cookie: a write carrying the staff session, the resident
session or a case's follow-up code from another site (its Origin, or without one its
Referer) is refused; the same write from this site goes through."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import GRID1, JINYUAN, household, load_world, login, report_case, resident
from tests.integration.test_pages import sign_in
from tests.integration.test_resident_access import Outbox

PHONE = "13800006666"
FOREIGN = [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Referer": "https://evil.example/page"},
    {"Origin": "http://testserver.evil.example"},
]


def test_a_resident_session_write_from_another_site_is_refused(
    conn: Connection, client: TestClient
) -> None:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="origindesk")
    home = household(client, staff)
    resident(client, staff, home["id"], name="钱先生", phone=PHONE)
    client.post("/me/signin/code", data={"phone": PHONE})
    client.post("/me/signin/verify", data={"phone": PHONE, "code": outbox.code(), "next": "/"})
    choice = {"channel": "in_app", "email": ""}
    for headers in FOREIGN:
        forged = client.post("/me/notifications/preferences", data=choice, headers=headers)
        assert forged.status_code == 403, (headers, forged.text)
    for headers in ({"Origin": "http://testserver"}, {"Referer": "http://testserver/me"}, {}):
        fine = client.post("/me/notifications/preferences", data=choice, headers=headers)
        assert fine.status_code == 200, (headers, fine.text)


def test_a_case_code_cookie_write_from_another_site_is_refused(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    case = report_case(client, area_code=GRID1)
    reference = case["reference"]
    client.post("/track", data={"reference": reference, "secret": case["secret"]})
    for headers in FOREIGN:
        forged = client.post(f"/track/{reference}/rate", data={"rating": "1"}, headers=headers)
        assert forged.status_code == 403, (headers, forged.text)
    mine = client.post(
        f"/track/{reference}/rate", data={"rating": "1"}, headers={"Origin": "http://testserver"}
    )
    assert mine.status_code != 403


def test_a_staff_session_write_with_a_foreign_referer_is_refused(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    login(conn, client, role="community_staff", area=JINYUAN, username="originstaff")
    sign_in(client, "originstaff")
    grid = {"name": "新网格"}
    url = f"/api/v1/areas/{JINYUAN}/grids"
    for headers in FOREIGN:
        assert client.post(url, json=grid, headers=headers).status_code == 403, headers
    made = client.post(url, json=grid, headers={"Referer": "http://testserver/desk"})
    assert made.status_code == 201, made.text


def test_the_public_url_counts_as_this_site_behind_a_proxy(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"public_url": "https://grid.example.gov.cn"}
    )
    login(conn, client, role="community_staff", area=JINYUAN, username="proxystaff")
    sign_in(client, "proxystaff")
    url = f"/api/v1/areas/{JINYUAN}/grids"
    proxied = client.post(
        url, json={"name": "代理网格"}, headers={"Origin": "https://grid.example.gov.cn"}
    )
    assert proxied.status_code == 201, proxied.text
