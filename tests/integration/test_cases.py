from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.services.clock import utcnow
from gridwork.services.sweep import escalate_overdue
from gridwork.store.tables import case_events, cases
from tests.factories import JINYUAN, act, login, make_grid, report_case


def test_a_resident_reports_and_gets_a_reference_and_secret(
    conn: Connection, client: TestClient
) -> None:
    body = report_case(client, reporter={"name": "王女士", "phone": "13900000000"})
    assert body["status"] == "submitted"
    assert body["reference"].startswith("GW-")
    assert len(body["secret"]) >= 16
    assert "reporter" not in body  # an anonymous answer never echoes personal data
    assert body["timeline"][0]["action"] == "submit"


def test_the_whole_lifecycle_is_recorded(conn: Connection, client: TestClient) -> None:
    grid = make_grid(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    worker = login(conn, client, role="grid_worker", area=grid, username="worker")
    case = report_case(client, area_code=grid)
    cid = case["id"]
    assert act(client, cid, "accept", staff).json()["deadline_at"] is not None
    dispatched = act(client, cid, "dispatch", staff, assignee="worker").json()
    assert dispatched["assignee"] == "worker"
    assert act(client, cid, "start", worker).json()["status"] == "in_progress"
    assert act(client, cid, "resolve", worker, note="已修复").json()["status"] == "resolved"
    returned = act(client, cid, "return", staff, note="未修好").json()
    assert (returned["status"], returned["return_count"]) == ("dispatched", 1)
    act(client, cid, "start", worker)
    act(client, cid, "resolve", worker, note="已彻底修复")
    closed = act(client, cid, "close", staff).json()
    assert closed["status"] == "closed"
    headers = {"X-Case-Secret": case["secret"]}
    rated = act(client, case["reference"], "rate", headers, rating=4, note="满意").json()
    assert rated["rating"] == 4
    timeline = client.get(f"/api/v1/cases/{cid}", headers=staff).json()["timeline"]
    assert [e["action"] for e in timeline] == [
        "submit",
        "accept",
        "dispatch",
        "start",
        "resolve",
        "return",
        "start",
        "resolve",
        "close",
        "rate",
    ]
    assert [e["actor"] for e in timeline][:3] == ["resident", staff_name(), staff_name()]
    assert timeline[4]["note"] == "已修复"


def staff_name() -> str:
    return f"communitystaff{JINYUAN}"


def test_a_disallowed_action_is_409_and_changes_nothing(
    conn: Connection, client: TestClient
) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    case = report_case(client)
    response = act(client, case["id"], "close", staff)
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert response.json()["details"]["allowed"] == [
        "accept",
        "merge",
        "reject",
    ]  # merge: POST …/merge
    after = client.get(f"/api/v1/cases/{case['id']}", headers=staff).json()
    assert after["status"] == "submitted"
    assert len(after["timeline"]) == 1


def test_escalation_moves_the_case_to_the_parent_unit(conn: Connection, client: TestClient) -> None:
    grid = make_grid(conn)
    worker = login(conn, client, role="grid_worker", area=grid)
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    case = report_case(client, area_code=grid)
    act(client, case["id"], "accept", staff)
    missing_reason = act(client, case["id"], "escalate", worker)
    assert missing_reason.status_code == 422
    escalated = act(client, case["id"], "escalate", worker, note="需要社区协调").json()
    assert (escalated["status"], escalated["area_code"]) == ("accepted", JINYUAN)
    # the grid worker no longer answers for it and so no longer sees it
    assert client.get(f"/api/v1/cases/{case['id']}", headers=worker).status_code == 404
    again = act(client, case["id"], "escalate", staff, note="需要街道协调").json()
    assert again["area_code"] == "520115007"
    assert again["escalation_count"] == 2


def test_a_beijing_district_escalates_past_the_pseudo_city(
    conn: Connection, client: TestClient
) -> None:
    admin = login(conn, client, role="city_admin", area="11")
    case = report_case(client, area_code="110105")
    act(client, case["id"], "accept", admin)
    escalated = act(client, case["id"], "escalate", admin, note="跨区协调").json()
    assert escalated["area_code"] == "11"
    top = act(client, case["id"], "escalate", admin, note="再上报")
    assert top.status_code == 409


def test_the_sweep_escalates_overdue_cases_as_the_system(
    conn: Connection, client: TestClient
) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    urgent = report_case(client, category="safety_hazard", attributes={"danger_now": "no"})
    calm = report_case(client, category="road")
    act(client, urgent["id"], "accept", staff)
    act(client, calm["id"], "accept", staff)
    report = escalate_overdue(conn, now=utcnow() + timedelta(hours=3))
    assert (report.overdue, report.escalated) == (1, 1)
    moved = conn.execute(select(cases).where(cases.c.id == urgent["id"])).mappings().one()
    assert moved["area_code"] == "520115007"
    event = (
        conn.execute(
            select(case_events)
            .where(case_events.c.case_id == urgent["id"])
            .order_by(case_events.c.seq.desc())
        )
        .mappings()
        .first()
    )
    assert event is not None
    assert (event["action"], event["actor_label"]) == ("escalate", "system")
    stayed = conn.execute(select(cases.c.area_code).where(cases.c.id == calm["id"])).scalar_one()
    assert stayed == JINYUAN
    # the escalated case got a fresh deadline at its new unit, so a second sweep is quiet
    assert escalate_overdue(conn, now=utcnow() + timedelta(hours=3)).escalated == 0


def close_case(client: TestClient, headers: dict[str, str], case_id: int) -> None:
    for action, extra in [
        ("accept", {}),
        ("dispatch", {"assignee": JINYUAN}),
        ("start", {}),
        ("resolve", {"note": "done"}),
        ("close", {}),
    ]:
        response = act(client, case_id, action, headers, **extra)
        assert response.status_code == 200, response.text


def test_a_resident_may_reopen_within_seven_days(conn: Connection, client: TestClient) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    case = report_case(client)
    close_case(client, staff, case["id"])
    resident = {"X-Case-Secret": case["secret"]}
    reopened = act(client, case["reference"], "reopen", resident, note="还是坏的").json()
    assert (reopened["status"], reopened["reopen_count"]) == ("accepted", 1)


def test_reopening_after_seven_days_is_refused(conn: Connection, client: TestClient) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    case = report_case(client)
    close_case(client, staff, case["id"])
    conn.execute(
        cases.update()
        .where(cases.c.id == case["id"])
        .values(closed_at=utcnow() - timedelta(days=8))
    )
    response = act(client, case["reference"], "reopen", {"X-Case-Secret": case["secret"]})
    assert response.status_code == 409
    assert "7 days" in response.json()["message"]


def test_a_case_is_rated_once_by_its_resident_only(conn: Connection, client: TestClient) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    case = report_case(client)
    close_case(client, staff, case["id"])
    assert act(client, case["id"], "rate", staff, rating=5).status_code == 403
    resident = {"X-Case-Secret": case["secret"]}
    assert act(client, case["reference"], "rate", resident, rating=9).status_code == 422
    assert act(client, case["reference"], "rate", resident, rating=2).status_code == 200
    assert act(client, case["reference"], "rate", resident, rating=5).status_code == 409


def test_a_resident_reads_their_case_by_reference_and_secret(
    conn: Connection, client: TestClient
) -> None:
    case = report_case(client)
    ok = client.get(f"/api/v1/cases/{case['reference']}", headers={"X-Case-Secret": case["secret"]})
    assert ok.status_code == 200
    assert ok.json()["id"] == case["id"]
    wrong = client.get(f"/api/v1/cases/{case['reference']}", headers={"X-Case-Secret": "nope"})
    assert wrong.status_code == 404
    unknown = client.get("/api/v1/cases/GW-AAAA-AAAA", headers={"X-Case-Secret": case["secret"]})
    assert unknown.status_code == 404
    assert (
        act(client, case["reference"], "accept", {"X-Case-Secret": case["secret"]}).status_code
        == 403
    )


def test_a_point_without_grid_boundaries_is_a_clear_422(client: TestClient) -> None:
    response = client.post(
        "/api/v1/cases",
        json={"category": "road", "description": "坑", "lat": 26.6, "lng": 106.6},
    )
    assert response.status_code == 422
    assert response.json()["details"]["reason"] == "no_grid_geometry"


def test_bad_reports_are_refused_with_the_field_named(client: TestClient) -> None:
    cases_ = [
        ({"category": "nope", "description": "x", "area_code": JINYUAN}, "category"),
        ({"category": "road", "description": "  ", "area_code": JINYUAN}, "description"),
        ({"category": "road", "description": "x", "area_code": "999999"}, "area_code"),
        ({"category": "road", "description": "x"}, "area_code"),
        ({"category": "road", "description": "x", "lat": 99, "lng": 0}, "lat"),
        (
            {"category": "road", "description": "x", "area_code": JINYUAN, "channel": "fax"},
            "channel",
        ),
        ({"description": "x", "area_code": JINYUAN}, "category"),
    ]
    for body, field in cases_:
        response = client.post("/api/v1/cases", json=body)
        assert response.status_code == 422, body
        assert field in response.text, (body, response.text)
    garbage = client.post(
        "/api/v1/cases", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert garbage.status_code == 422
    assert garbage.json()["code"] == "invalid_input"


def test_lists_are_scoped_filtered_and_paged(conn: Connection, client: TestClient) -> None:
    grid = make_grid(conn)
    for _ in range(3):
        report_case(client, area_code=grid)
    report_case(client, area_code="520115007001")
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    street = login(conn, client, role="street_admin", area="520115007")
    assert client.get("/api/v1/cases", headers=staff).json()["total"] == 3
    assert client.get("/api/v1/cases", headers=street).json()["total"] == 4
    page = client.get("/api/v1/cases?page_size=2&page=2", headers=street).json()
    assert len(page["items"]) == 2
    only = client.get(f"/api/v1/cases?area={grid}&status=submitted", headers=street).json()
    assert only["total"] == 3
    none = client.get("/api/v1/cases?status=closed", headers=street).json()
    assert none["total"] == 0
    bad = client.get("/api/v1/cases?status=lost", headers=street)
    assert bad.status_code == 422


def test_categories_carry_urgency_and_deadline(client: TestClient) -> None:
    body = client.get("/api/v1/categories").json()
    by_code = {c["code"]: c for c in body}
    assert set(by_code) == {
        "road",
        "water",
        "sanitation",
        "noise",
        "facilities",
        "elderly_help",
        "neighbour_dispute",
        "safety_hazard",
        "emergency_need",
        "other",
    }
    assert by_code["safety_hazard"]["deadline_hours"] == 2
    assert by_code["emergency_need"]["deadline_hours"] == 2
    assert by_code["neighbour_dispute"]["deadline_hours"] == 360


def test_times_are_shown_in_the_configured_zone(client: TestClient) -> None:
    body = report_case(client)
    assert body["created_at"].endswith("+08:00")


KEY1 = "3f2b8c1e-9a4d-4e7b-8c2f-1d0e5a6b7c8d"
KEY2 = "a91c4e27-5b3f-4d8a-b6e1-0f9d2c7a4e53"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_case(
    conn: Connection, client: TestClient
) -> None:
    body = {"category": "road", "description": "井盖松动", "area_code": JINYUAN}
    first = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": KEY1})
    again = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": KEY1})
    other = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": KEY2})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (again.json()["id"], again.json()["secret"]) == (
        first.json()["id"],
        first.json()["secret"],
    )
    assert other.json()["id"] != first.json()["id"]
    count = conn.execute(select(cases.c.id).where(cases.c.description == "井盖松动")).all()
    assert len(count) == 2


def test_extra_questions_are_checked_and_kept(client: TestClient) -> None:
    missing = client.post(
        "/api/v1/cases",
        json={"category": "safety_hazard", "description": "电线裸露", "area_code": JINYUAN},
    )
    assert missing.status_code == 422
    assert "danger_now" in missing.json()["message"]
    wrong = report_case_raw(client, attributes={"danger_now": "maybe"})
    assert wrong.status_code == 422
    ok = report_case(
        client,
        category="safety_hazard",
        description="电线裸露",
        attributes={"danger_now": "yes"},
        address="金元路12号",
    )
    assert ok["attributes"] == {"danger_now": "yes"}
    assert ok["address"] == "金元路12号"


def report_case_raw(client: TestClient, **extra: object) -> Any:
    body = {"category": "safety_hazard", "description": "电线裸露", "area_code": JINYUAN, **extra}
    return client.post("/api/v1/cases", json=body)
