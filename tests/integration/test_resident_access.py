"""Residents sign in with phone and one-time code and see their record, their cases and
who read them; staff sign in to the web with a session cookie; sign-in is throttled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.domain.errors import InvalidInput, RateLimited
from gridwork.services import resident_auth
from gridwork.services.clock import utcnow
from gridwork.services.otp import ConsoleSender, load_sender
from gridwork.store.people_tables import resident_codes
from gridwork.web.guard import SignInGuard
from tests.conftest import SECRET
from tests.factories import (
    GRID1,
    JINYUAN,
    PASSWORD,
    household,
    load_world,
    login,
    make_user,
    report_case,
    resident,
)

PHONE = "13800000001"


@dataclass
class Outbox:
    """A sender that keeps messages for the test to read."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, phone: str, message: str) -> None:
        self.sent.append((phone, message))

    def code(self) -> str:
        found = re.search(r"\b(\d{6})\b", self.sent[-1][1])
        assert found is not None
        return found.group(1)


OUTBOX = Outbox()


@pytest.fixture
def outbox(client: TestClient) -> Outbox:
    box = Outbox()
    client.app.state.otp_sender = box  # type: ignore[attr-defined]
    return box


def registered(conn: Connection, client: TestClient) -> tuple[dict[str, str], int]:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    home = household(client, staff)
    person = resident(client, staff, home["id"], phone=PHONE)
    return staff, person["id"]


def sign_in(client: TestClient, outbox: Outbox, phone: str = PHONE) -> dict[str, str]:
    sent = client.post("/api/v1/resident/code", json={"phone": phone})
    assert sent.status_code == 202, sent.text
    token = client.post("/api/v1/resident/token", json={"phone": phone, "code": outbox.code()})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_a_resident_sees_their_record_cases_and_who_read_them(
    conn: Connection, client: TestClient, outbox: Outbox
) -> None:
    staff, resident_id = registered(conn, client)
    case = report_case(client, area_code=GRID1, reporter={"name": "张秀兰", "phone": PHONE})
    client.get(f"/api/v1/residents/{resident_id}?purpose=visit", headers=staff)
    client.get(f"/api/v1/cases/{case['id']}", headers=staff)
    me = sign_in(client, outbox)
    record = client.get("/api/v1/me", headers=me).json()["records"]
    assert [r["name"] for r in record] == ["张秀兰"]
    cases = client.get("/api/v1/me/cases", headers=me).json()["items"]
    assert [c["reference"] for c in cases] == [case["reference"]]
    assert all("reporter" not in c for c in cases)  # the resident's view, no staff names
    log = client.get("/api/v1/me/access-log", headers=me).json()["items"]
    assert [(e["reader"], e["purpose"], e["subject"]) for e in log] == [
        ("staffer", "case", "case"),
        ("staffer", "visit", "resident"),
        ("staffer", "registry", "resident"),  # the record answered on creation
    ]


def test_writes_that_answered_with_their_data_are_in_the_residents_access_log(
    conn: Connection, client: TestClient, outbox: Outbox
) -> None:
    staff, resident_id = registered(conn, client)
    case = report_case(client, area_code=GRID1, reporter={"name": "张秀兰", "phone": PHONE})
    patched = client.patch(f"/api/v1/residents/{resident_id}", json={}, headers=staff)
    assert patched.status_code == 200 and patched.json()["phone"] == PHONE
    accepted = client.post(
        f"/api/v1/cases/{case['id']}/actions", json={"action": "accept"}, headers=staff
    )
    assert accepted.status_code == 200 and accepted.json()["reporter"]["phone"] == PHONE
    archived = client.post(f"/api/v1/residents/{resident_id}/archive", headers=staff)
    assert archived.status_code == 200 and archived.json()["phone"] == PHONE
    me = sign_in(client, outbox)
    log = client.get("/api/v1/me/access-log", headers=me).json()["items"]
    assert [(e["reader"], e["purpose"], e["action"], e["subject"]) for e in log] == [
        ("staffer", "registry", "archived", "resident"),
        ("staffer", "case", "acted", "case"),  # found by the reporter's phone
        ("staffer", "registry", "updated", "resident"),
        ("staffer", "registry", "created", "resident"),
    ]


def test_an_unknown_phone_gets_the_same_answer_and_no_code(
    client: TestClient, conn: Connection, outbox: Outbox
) -> None:
    registered(conn, client)
    known = client.post("/api/v1/resident/code", json={"phone": PHONE})
    unknown = client.post("/api/v1/resident/code", json={"phone": "13999999999"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [p for p, _ in outbox.sent] == [PHONE]


def test_wrong_codes_are_counted_and_then_throttled(
    client: TestClient, conn: Connection, outbox: Outbox
) -> None:
    registered(conn, client)
    client.post("/api/v1/resident/code", json={"phone": PHONE})
    right = outbox.code()
    wrong = "000000" if right != "000000" else "111111"
    statuses = [
        client.post("/api/v1/resident/token", json={"phone": PHONE, "code": wrong}).status_code
        for _ in range(5)
    ]
    # one request for the code plus four wrong codes use up the five allowed per phone
    assert statuses == [401, 401, 401, 401, 429]
    last = client.post("/api/v1/resident/token", json={"phone": PHONE, "code": right})
    assert last.status_code == 429 and "try again in" in last.json()["message"]
    assert int(last.headers["retry-after"]) > 0


def test_staff_tokens_are_not_resident_tokens(conn: Connection, client: TestClient) -> None:
    staff, _ = registered(conn, client)
    assert client.get("/api/v1/me", headers=staff).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_a_web_session_cookie_signs_in_and_out(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    make_user(conn, username="desk", role="community_staff", area=JINYUAN)
    opened = client.post("/api/v1/auth/session", data={"username": "desk", "password": PASSWORD})
    assert opened.status_code == 200, opened.text
    cookie = opened.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert client.get(f"/api/v1/areas/{JINYUAN}").status_code == 200
    # a write from another site with the cookie is refused
    forged = client.post(
        f"/api/v1/areas/{JINYUAN}/grids",
        json={"name": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403
    closed = client.delete("/api/v1/auth/session")
    assert closed.status_code == 204
    client.cookies.clear()
    assert client.get(f"/api/v1/areas/{JINYUAN}").status_code == 401


def test_password_sign_in_is_throttled_per_user_with_a_clear_message(
    conn: Connection, client: TestClient
) -> None:
    make_user(conn, username="target", role="community_staff", area=JINYUAN)
    for _ in range(5):
        bad = client.post(
            "/api/v1/auth/token", data={"username": "target", "password": "wrong-pass"}
        )
        assert bad.status_code == 401
    blocked = client.post("/api/v1/auth/token", data={"username": "target", "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"
    assert "too many failed sign-ins for this account" in blocked.json()["message"]
    # another account from the same address is not blocked by these five
    make_user(conn, username="bystander", role="community_staff", area=JINYUAN)
    fine = client.post("/api/v1/auth/token", data={"username": "bystander", "password": PASSWORD})
    assert fine.status_code == 200


def test_password_sign_in_is_throttled_per_address(conn: Connection, client: TestClient) -> None:
    for n in range(20):
        client.post("/api/v1/auth/token", data={"username": f"nobody{n}", "password": "x" * 8})
    make_user(conn, username="victim", role="community_staff", area=JINYUAN)
    blocked = client.post("/api/v1/auth/token", data={"username": "victim", "password": PASSWORD})
    assert blocked.status_code == 429 and "your address" in blocked.json()["message"]


def test_senders_are_pluggable(capsys: pytest.CaptureFixture[str]) -> None:
    assert isinstance(load_sender("console"), ConsoleSender)
    load_sender("console").send("138", "code 123456")
    assert "123456" in capsys.readouterr().out
    assert load_sender("tests.integration.test_resident_access:OUTBOX") is OUTBOX
    with pytest.raises(InvalidInput, match="cannot be loaded"):
        load_sender("no.such.module:Sender")
    with pytest.raises(InvalidInput, match="console"):
        load_sender("nonsense")


class FailingSender:
    """A gateway that is down."""

    def send(self, phone: str, message: str) -> None:
        raise RuntimeError("gateway down")


def test_the_code_is_sent_after_the_answer_the_same_way_for_every_phone(
    client: TestClient, conn: Connection
) -> None:
    registered(conn, client)
    client.app.state.otp_sender = FailingSender()  # type: ignore[attr-defined]
    # Sent inside the request, a slow or failing gateway showed which phones are registered.
    known = client.post("/api/v1/resident/code", json={"phone": PHONE})
    unknown = client.post("/api/v1/resident/code", json={"phone": "13999999998"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    page = client.post("/me/signin/code", data={"phone": PHONE})
    assert page.status_code == 200
    rows = conn.execute(select(resident_codes.c.phone_hash)).scalars().all()
    assert len(rows) == 3 and len(set(rows)) == 2  # the same database work for any phone


def test_codes_are_capped_per_phone_per_day_in_the_database(
    client: TestClient, conn: Connection, outbox: Outbox
) -> None:
    registered(conn, client)
    start = utcnow() - timedelta(hours=23)
    for hour in range(10):  # ten codes, an hour apart: no 15-minute limit is reached
        resident_auth.request_code(
            conn, PHONE, secret_key=SECRET, sender=outbox, now=start + timedelta(hours=hour)
        )
    with pytest.raises(RateLimited):
        resident_auth.request_code(conn, PHONE, secret_key=SECRET, sender=outbox)
    assert len(outbox.sent) == 10
    # Another process (a guard of its own) is refused too: the count is in the database.
    state = client.app.state  # type: ignore[attr-defined]
    state.guard = SignInGuard(state.db, per_pair=5, per_account=50, per_client=20)
    answer = client.post("/api/v1/resident/code", json={"phone": PHONE})
    assert answer.status_code == 429 and len(outbox.sent) == 10


def test_five_codes_in_fifteen_minutes_are_counted_in_the_database(
    conn: Connection, client: TestClient, outbox: Outbox
) -> None:
    registered(conn, client)
    for _ in range(5):
        resident_auth.request_code(conn, "13999999997", secret_key=SECRET, sender=outbox)
    with pytest.raises(RateLimited):
        resident_auth.request_code(conn, "13999999997", secret_key=SECRET, sender=outbox)


def test_a_resident_signs_out_and_the_token_stops_working(
    conn: Connection, client: TestClient, outbox: Outbox
) -> None:
    registered(conn, client)
    me = sign_in(client, outbox)
    assert client.get("/api/v1/me", headers=me).status_code == 200
    assert client.delete("/api/v1/resident/token", headers=me).status_code == 204
    assert client.get("/api/v1/me", headers=me).status_code == 401
    assert client.delete("/api/v1/resident/token", headers=me).status_code == 401


def test_a_resident_signs_out_on_the_pages_and_the_cookie_is_dead(
    conn: Connection, client: TestClient, outbox: Outbox
) -> None:
    registered(conn, client)
    client.post("/me/signin/code", data={"phone": PHONE})
    client.post("/me/signin/verify", data={"phone": PHONE, "code": outbox.code()})
    token = client.cookies.get("gridwork_resident")
    assert token
    page = client.get(f"/community/{JINYUAN}")
    assert 'action="/me/signout"' in page.text
    out = client.post("/me/signout", follow_redirects=False)
    assert out.status_code == 303 and "gridwork_resident" in out.headers["set-cookie"]
    assert 'action="/me/signout"' not in client.get(f"/community/{JINYUAN}").text
    # The next person on this phone, even holding the old cookie's value, is not signed in.
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


def test_a_resident_sign_in_from_another_site_is_refused(
    conn: Connection, client: TestClient, outbox: Outbox
) -> None:
    registered(conn, client)
    client.post("/me/signin/code", data={"phone": PHONE})
    forged = client.post(
        "/me/signin/verify",
        data={"phone": PHONE, "code": outbox.code()},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert "gridwork_resident" not in forged.headers.get("set-cookie", "")
