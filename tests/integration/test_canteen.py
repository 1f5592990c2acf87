"""The elderly canteen: prices and subsidy tiers, registration from age 60, bookings by
members and at the desk, meals served (booked or walk-in), the day's sheet and the monthly
statement per member and per canteen (reads of names audited)."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from gridwork.domain.canteen import subsidy_fen, tier_for
from gridwork.services.clock import utcnow
from tests.factories import GRID1, JINYUAN, household, load_world, login, make_user, resident
from tests.integration.test_community import resident_token
from tests.integration.test_pages import sign_in
from tests.integration.test_resident_access import Outbox

PRICES = {"meal_price_fen": 1500, "subsidy_fen": {"60": 300, "70": 500, "80": 800}}


def test_tiers_by_age_in_the_meals_year() -> None:
    assert [tier_for(b, date(2026, 5, 1)) for b in (1990, 1966, 1956, 1946, 1930)] == [
        None,
        60,
        70,
        80,
        80,
    ]
    assert subsidy_fen(80, 600, {80: 800}) == 600  # never more than the meal costs
    assert subsidy_fen(None, 1500, {60: 300}) == 0


def test_register_book_serve_and_the_statement(conn: Connection, client: TestClient) -> None:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="canteendesk")
    home = household(client, staff, grid=GRID1)
    year = utcnow().year
    old = resident(
        client, staff, home["id"], name="孙奶奶", phone="13800007001", birth_year=year - 86
    )
    younger = resident(
        client, staff, home["id"], name="钱叔叔", phone="13800007002", birth_year=year - 63
    )
    young = resident(
        client, staff, home["id"], name="小李", phone="13800007003", birth_year=year - 30
    )
    place = client.post(
        "/api/v1/facilities",
        json={"community_code": JINYUAN, "kind": "canteen", "name": "金元长者食堂"},
        headers=staff,
    ).json()["id"]
    base = f"/api/v1/canteens/{place}"
    assert (
        client.put(
            base, json={**PRICES, "subsidy_fen": {"60": 2000, "70": 0, "80": 0}}, headers=staff
        ).status_code
        == 422
    )
    assert client.put(base, json=PRICES, headers=staff).status_code == 200
    for person in (old, younger):
        assert (
            client.post(
                f"{base}/members", json={"resident_id": person["id"]}, headers=staff
            ).status_code
            == 201
        )
    refused = client.post(f"{base}/members", json={"resident_id": young["id"]}, headers=staff)
    assert refused.status_code == 422 and "60" in refused.json()["message"]
    assert (
        client.post(f"{base}/members", json={"resident_id": old["id"]}, headers=staff).status_code
        == 409
    )
    today = utcnow().date()
    me = resident_token(client, outbox, "13800007001")
    booked = client.post(
        f"{base}/bookings", json={"day": today.isoformat(), "meal": "lunch"}, headers=me
    )
    assert booked.status_code == 201, booked.text
    assert (
        client.post(
            f"{base}/bookings", json={"day": today.isoformat(), "meal": "lunch"}, headers=me
        ).status_code
        == 409
    )
    too_far = (today + timedelta(days=15)).isoformat()
    assert (
        client.post(
            f"{base}/bookings", json={"day": too_far, "meal": "lunch"}, headers=me
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{base}/bookings", json={"day": today.isoformat(), "meal": "breakfast"}, headers=me
        ).status_code
        == 422
    )
    stranger = resident_token(client, outbox, "13800007003")
    assert (
        client.post(
            f"{base}/bookings", json={"day": today.isoformat(), "meal": "lunch"}, headers=stranger
        ).status_code
        == 404
    )
    desk_booked = client.post(
        f"{base}/bookings",
        json={"day": today.isoformat(), "meal": "dinner", "resident_id": old["id"]},
        headers=staff,
    )
    assert desk_booked.status_code == 201
    for meal, who in (("lunch", old), ("dinner", old), ("lunch", younger)):  # the last is a walk-in
        served = client.post(
            f"{base}/served",
            json={"day": today.isoformat(), "meal": meal, "resident_id": who["id"]},
            headers=staff,
        )
        assert served.status_code == 200, served.text
    again = client.post(
        f"{base}/served",
        json={"day": today.isoformat(), "meal": "lunch", "resident_id": old["id"]},
        headers=staff,
    )
    assert again.status_code == 409
    sheet = client.get(f"{base}/day", params={"date": today.isoformat()}, headers=staff).json()
    assert sheet["counts"] == {
        "lunch": {"booked": 0, "served": 2},
        "dinner": {"booked": 0, "served": 1},
    }
    month = today.strftime("%Y-%m")
    statement = client.get(f"{base}/statement", params={"month": month}, headers=staff).json()
    rows = {
        m["name"]: (m["tier"], m["meals"], m["subsidy_fen"], m["paid_fen"])
        for m in statement["members"]
    }
    assert rows == {"孙奶奶": (80, 2, 1600, 1400), "钱叔叔": (60, 1, 300, 1200)}
    assert statement["totals"] == {
        "meals": 3,
        "price_fen": 4500,
        "subsidy_fen": 1900,
        "paid_fen": 2600,
    }
    assert statement["by_tier"]["80"] == {"members": 1, "meals": 2, "subsidy_fen": 1600}
    assert (
        client.get(f"{base}/statement", params={"month": "2026-13"}, headers=staff).status_code
        == 422
    )
    district = login(conn, client, role="district_admin", area="520115", username="canteenboss")
    assert (
        client.get(f"{base}/statement", params={"month": month}, headers=district).status_code
        == 403
    )
    log = client.get(f"/api/v1/residents/{old['id']}/access-log", headers=staff).json()["items"]
    assert {e["purpose"] for e in log} >= {"canteen"}


def test_canteen_pages(conn: Connection, client: TestClient) -> None:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="canteenapi")
    make_user(conn, username="canteenpages", role="community_staff", area=JINYUAN)
    home = household(client, staff, grid=GRID1)
    old = resident(
        client, staff, home["id"], name="周爷爷", phone="13800007101", birth_year=utcnow().year - 82
    )
    place = client.post(
        "/api/v1/facilities",
        json={"community_code": JINYUAN, "kind": "canteen", "name": "长者食堂"},
        headers=staff,
    ).json()["id"]
    sign_in(client, "canteenpages")
    assert (
        client.post(
            f"/canteens/{place}/prices", data={"price": "15", "s60": "3", "s70": "5", "s80": "8"}
        ).status_code
        == 200
    )
    bad = client.post(
        f"/canteens/{place}/prices", data={"price": "abc", "s60": "3", "s70": "5", "s80": "8"}
    )
    assert bad.status_code == 422
    client.post(f"/canteens/{place}/members", data={"resident_id": str(old["id"])})
    today = utcnow().date().isoformat()
    page = client.get(f"/canteens/{place}")
    assert "周爷爷" in page.text and "¥15.00" in page.text
    client.post(
        f"/canteens/{place}/served",
        data={"resident_id": str(old["id"]), "day": today, "meal": "lunch"},
    )
    statement = client.get(f"/canteens/{place}/statement").text
    assert "¥8.00" in statement and "¥7.00" in statement  # subsidy, and what he paid
    client.cookies.clear()
    client.post("/me/signin/code", data={"phone": "13800007101"})
    client.post(
        "/me/signin/verify", data={"phone": "13800007101", "code": outbox.code(), "next": "/"}
    )
    booked = client.post(
        f"/community/{JINYUAN}/canteens/{place}/book", data={"day": today, "meal": "dinner"}
    )
    assert booked.status_code == 200 and "已为您预订" in booked.text
