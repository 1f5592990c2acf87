"""An id no BIGINT can hold (10^30, from a path, a query, a form or a JSON body) is a 404 or a
422, never a database error; the bound is in one place (domain/ids.py, web/schemas.Id)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from gridwork.domain.ids import MAX_ID, parse_id
from gridwork.services.clock import utcnow
from tests.factories import JINYUAN, load_world, login
from tests.integration.test_pages import sign_in

HUGE = 10**30


def test_parse_id_refuses_numbers_beyond_bigint() -> None:
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(str(MAX_ID + 1)) is None
    assert parse_id(str(HUGE)) is None
    assert parse_id("١٢") is None and parse_id("") is None


def test_huge_ids_are_refused_not_500(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="idstaff")
    future = (utcnow() + timedelta(days=30)).isoformat()
    activity = {"community_code": JINYUAN, "kind": "tai_chi", "title": "太极", "starts_at": future}
    made = client.post("/api/v1/activities", json=activity, headers=staff)
    assert made.status_code == 201, made.text
    aid = made.json()["id"]
    facility = client.post(
        "/api/v1/facilities",
        json={"community_code": JINYUAN, "kind": "canteen", "name": "食堂"},
        headers=staff,
    ).json()["id"]
    team = client.post(
        "/api/v1/teams",
        json={"community_code": JINYUAN, "kind": "legal", "name": "法律服务队"},
        headers=staff,
    ).json()["id"]
    calls = [
        ("POST", "/api/v1/activities", {**activity, "facility_id": HUGE}),
        ("POST", f"/api/v1/activities/{aid}/signups", {"resident_id": HUGE}),
        ("POST", f"/api/v1/activities/{aid}/attendance", {"session": 0, "resident_ids": [HUGE]}),
        ("POST", f"/api/v1/canteens/{facility}/members", {"resident_id": HUGE}),
        ("POST", f"/api/v1/teams/{team}/members", {"helper_id": HUGE}),
        ("POST", "/api/v1/residents", {"household_id": HUGE, "name": "李四", "birth_year": 1970}),
        ("POST", f"/api/v1/depots/{HUGE}/deliveries", {"kind": "water", "quantity": 1}),
        ("GET", f"/api/v1/cases/{HUGE}", None),
        ("GET", f"/api/v1/activities/{HUGE}/roster", None),
        ("PATCH", f"/api/v1/facilities/{HUGE}", {"capacity": 3}),
        ("POST", f"/api/v1/me/notifications/{HUGE}/read", None),
    ]
    for method, path, body in calls:
        answer = client.request(method, path, json=body, headers=staff)
        assert answer.status_code in (401, 404, 422), (path, answer.status_code, answer.text)
    sign_in(client, "idstaff")
    forms = [
        (f"/canteens/{facility}/members", {"resident_id": str(HUGE)}),
        (f"/teams/{team}/members", {"helper_id": str(HUGE)}),
        (f"/activities/{aid}/attendance", {"session": "0", "present": str(HUGE)}),
    ]
    for path, form in forms:
        answer = client.post(path, data=form, follow_redirects=False)
        assert answer.status_code in (303, 404, 422), (path, answer.status_code, answer.text)
