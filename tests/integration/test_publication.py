"""What the public sees of cases is decided in one place (services/publication.py): never a
household's need, never a name, phone, ID number or typed address, never an internal note."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.domain.publication import mask_text
from gridwork.store.people_tables import audit_log
from tests.factories import (
    ALONE,
    GRID1,
    JINYUAN,
    SOUTH,
    WEST,
    act,
    api_key,
    household,
    load_world,
    login,
    resident,
)
from tests.integration.test_community import resident_token
from tests.integration.test_resident_access import Outbox

BASE = "/open311/v2"
POINT = {"lat": SOUTH + 0.005, "lng": WEST + 0.005}  # grid 001 of Jinyuan
YEAR = datetime.now(UTC).year


def report(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"category": "road", "description": "路面塌陷", **POINT, **fields}
    made = client.post("/api/v1/cases", json=body)
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


def public_ids(client: TestClient) -> set[int]:
    listed = client.get(f"{BASE}/requests.json")
    assert listed.status_code == 200, listed.text
    return {int(r["service_request_id"]) for r in listed.json()}


def is_public(client: TestClient, case_id: int) -> bool:
    one = client.get(f"{BASE}/requests/{case_id}.json")
    assert one.status_code in (200, 404), one.text
    listed = client.get(f"{BASE}/requests.json?service_request_id={case_id}").json()
    assert (one.status_code == 200) == bool(listed) == (case_id in public_ids(client))
    return one.status_code == 200


def test_a_need_recorded_on_a_visit_is_never_published(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    worker = login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    home = household(client, staff, address="金元小区3号楼2单元401")
    person = resident(client, staff, home["id"], birth_year=YEAR - 85, flags=ALONE)
    visit = client.post(
        "/api/v1/visits",
        json={
            "resident_id": person["id"],
            "outcome": "met",
            "need": "阿尔茨海默症，需要上门照护",
            "need_category": "road",  # even in a category that is not sensitive
        },
        headers=worker,
    )
    assert visit.status_code == 201, visit.text
    case_id = visit.json()["case"]["id"]
    assert not is_public(client, case_id)
    feed = client.get(f"{BASE}/requests.json").text
    assert "阿尔茨海默症" not in feed and "401" not in feed
    nearby = client.get("/api/v1/cases/nearby", params={"category": "road", **POINT}).json()
    assert nearby["items"] == []


def test_what_a_welfare_check_found_is_never_published(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    worker = login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    home = household(client, staff, address="金元路9号")
    resident(client, staff, home["id"], birth_year=YEAR - 85, flags=ALONE)
    eid = client.post(
        "/api/v1/emergencies", json={"kind": "heat_wave", "area_codes": [JINYUAN]}, headers=staff
    ).json()["id"]
    task = client.get(f"/api/v1/emergencies/{eid}/tasks", headers=worker).json()["items"][0]
    found = client.post(
        f"/api/v1/emergencies/{eid}/tasks/{task['id']}",
        json={"outcome": "needs_help", "need": "独居老人需要送饮用水"},
        headers=worker,
    )
    assert found.status_code == 200, found.text
    assert not is_public(client, found.json()["case_id"])
    assert "独居老人" not in client.get(f"{BASE}/requests.json").text


def test_public_text_is_masked_and_the_typed_address_is_not_shown(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    made = report(
        client,
        description="井盖丢失，联系13812345678或 li.ming@example.com，身份证110101199003071234",
        address="金元小区3号楼2单元401室",
        reporter={"name": "李明", "phone": "13812345678"},
    )
    shown = client.get(f"{BASE}/requests/{made['id']}.json").json()[0]
    text = client.get(f"{BASE}/requests/{made['id']}.json").text
    for secret in ("13812345678", "li.ming@example.com", "110101199003071234", "李明", "401"):
        assert secret not in text
    assert shown["description"].startswith("井盖丢失，联系***")
    assert shown["address"] is not None and "3号楼" not in shown["address"]
    assert shown["address_id"] == made["area_code"]


def test_status_notes_carry_only_notes_staff_made_public(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    made = report(client)
    case_id = made["id"]
    assert act(client, case_id, "accept", staff, note="内部：王主任说先别修").status_code == 200
    shown = client.get(f"{BASE}/requests/{case_id}.json").json()[0]
    assert shown["status_notes"] is None
    login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    public = act(
        client,
        case_id,
        "dispatch",
        staff,
        assignee="worker1",
        note="已派网格员，电话 010-12345678",
        public_note=True,
    )
    assert public.status_code == 200, public.text
    shown = client.get(f"{BASE}/requests/{case_id}.json").json()[0]
    assert shown["status_notes"] == "已派网格员，电话 ***"
    key = api_key(conn)
    updates = client.get(f"{BASE}/servicerequestupdates.json", params={"api_key": key}).json()
    texts = [u["description"] for u in updates if u["service_request_id"] == str(case_id)]
    assert "内部：王主任说先别修" not in texts and "已派网格员，电话 ***" in texts


def test_a_residents_rating_comment_never_reaches_the_feed(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    worker = login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    made = report(client)
    case_id, secret = made["id"], made["secret"]
    act(client, case_id, "accept", staff)
    act(client, case_id, "dispatch", staff, assignee="worker1")
    act(client, case_id, "start", worker)
    act(client, case_id, "resolve", worker, note="已修复")
    act(client, case_id, "close", staff)
    rated = client.post(
        f"/api/v1/cases/{made['reference']}/actions",
        json={"action": "rate", "rating": 2, "note": "我是张三 13900001111，修得不好"},
        headers={"X-Case-Secret": secret},
    )
    assert rated.status_code == 200, rated.text
    text = client.get(f"{BASE}/requests/{case_id}.json").text
    assert "张三" not in text and "13900001111" not in text and "修得不好" not in text
    # what was done is addressed to the reporter (and the public) unless staff say otherwise
    assert client.get(f"{BASE}/requests/{case_id}.json").json()[0]["status_notes"] == "已修复"


def test_private_reports_and_sensitive_kinds_stay_off_the_feed(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    open_one = report(client)
    private = report(client, private=True)
    sensitive = report(client, category="neighbour_dispute", description="楼上邻居吵架")
    assert is_public(client, open_one["id"])
    assert not is_public(client, private["id"])
    assert not is_public(client, sensitive["id"])
    nearby = client.get("/api/v1/cases/nearby", params={"category": "road", **POINT}).json()
    assert [n["reference"] for n in nearby["items"]] == [open_one["reference"]]


def test_staff_hide_and_redact_a_case_and_it_is_audited(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    auditor = login(conn, client, role="auditor", area=JINYUAN, username="auditor1")
    made = report(client, description="某某家门口堆放垃圾")
    path = f"/api/v1/cases/{made['id']}/publicity"
    refused = client.put(path, json={"publicity": "hidden"}, headers=auditor)
    assert refused.status_code == 403
    redacted = client.put(
        path,
        json={"publicity": "public", "public_description": "楼道堆放垃圾", "public_media": False},
        headers=staff,
    )
    assert redacted.status_code == 200, redacted.text
    assert redacted.json()["published"] is True
    shown = client.get(f"{BASE}/requests/{made['id']}.json").json()[0]
    assert shown["description"] == "楼道堆放垃圾" and shown["media_url"] is None
    hidden = client.put(path, json={"publicity": "hidden"}, headers=staff)
    assert hidden.json() == {**hidden.json(), "publicity": "hidden", "published": False}
    assert not is_public(client, made["id"])
    audited = conn.execute(
        select(audit_log.c.actor_label).where(audit_log.c.action == "publicity_set")
    ).scalars()
    assert list(audited) == ["staffer", "staffer"]
    bad = client.put(path, json={"publicity": "restricted"}, headers=staff)
    assert bad.status_code == 422


def test_a_private_report_cannot_be_published_by_staff(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    made = report(client, private=True)
    tried = client.put(
        f"/api/v1/cases/{made['id']}/publicity", json={"publicity": "public"}, headers=staff
    )
    assert tried.status_code == 422
    assert not is_public(client, made["id"])


def test_a_list_of_ids_obeys_the_page_size(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    ids = ",".join(str(n) for n in range(1, 2001))
    refused = client.get(f"{BASE}/requests.json", params={"service_request_id": ids})
    assert refused.status_code == 400 and "page_size" in refused.text
    few = client.get(
        f"{BASE}/requests.json", params={"service_request_id": "1,2,3", "page_size": "2"}
    )
    assert few.status_code == 400


def test_a_bounding_box_of_infinities_is_refused_not_crashed(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    for bad in ("inf", "nan", "-inf"):
        box = {"lat_sw": "1", "long_sw": "1", "lat_ne": bad, "long_ne": "2"}
        assert client.get(f"{BASE}/requests.json", params=box).status_code == 400


def test_dates_at_the_end_of_the_calendar_are_refused_not_crashed(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    for name in ("start_date", "end_date", "updated_after", "updated_before"):
        for value in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"):
            answer = client.get(f"{BASE}/requests.json", params={name: value})
            assert answer.status_code == 400, (name, value, answer.text)


def test_masking_covers_phones_ids_and_mail_in_any_spacing() -> None:
    assert mask_text("138 1234 5678") == "***"
    assert mask_text("电话:138-1234-5678。") == "电话:***。"
    assert mask_text("身份证11010119900307123X号") == "身份证***号"
    assert mask_text("写信到 a.b+c@mail.example.cn 吧") == "写信到 *** 吧"
    assert mask_text("3号楼2单元") == "3号楼2单元"  # short numbers stay
    assert mask_text("I was at the park at 3 pm") == "I was at the park at 3 pm"
    assert mask_text(None) is None
    for dodge in (
        "138  0013  8000",
        "138/0013/8000",
        "138 - 0013 - 8000",
        "138—0013—8000",
        "１３８−００１３−８０００",
        "13800\u200b138000",
        "一三八零零一三八零零零",
        "zhang＠example.com",
        "foo@localhost",
        "110101 19900307 123X",
        "1 3 8 | 0 0 1 3 | 8 0 0 0",
        "138:0013:8000",
        "138*0013*8000",
        "①③⑧⓪⓪①③⑧⓪⓪⓪",
        "john (at) example (dot) com",
        "john[at]example.com",
        "foo at example dot com",
    ):
        assert mask_text(f"找我 {dodge} 谢谢") == "找我 *** 谢谢", dodge


def test_proposals_on_the_public_tally_are_masked(conn: Connection, client: TestClient) -> None:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    home = household(client, staff)
    resident(client, staff, home["id"], phone="13800001111")
    proposer = resident_token(client, outbox, "13800001111")
    idea = {
        "community_code": JINYUAN,
        "title": "增加座椅 13800001111",
        "body": "有意见请发邮件 wang@example.com",
    }
    assert client.post("/api/v1/proposals", json=idea, headers=proposer).status_code == 201
    tally = client.get(f"/api/v1/areas/{JINYUAN}/demands")
    assert tally.status_code == 200
    assert "13800001111" not in tally.text and "wang@example.com" not in tally.text
    assert tally.json()["items"][0]["title"] == "增加座椅 ***"


def test_the_reporter_reads_outward_notes_and_their_own_words_only(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    made = report(client)
    act(client, made["id"], "accept", staff, note="内部：这人经常投诉")
    act(client, made["id"], "escalate", staff, note="已由市政处理", public_note=True)
    own = client.get(
        f"/api/v1/cases/{made['reference']}", headers={"X-Case-Secret": made["secret"]}
    ).json()
    notes = [e["note"] for e in own["timeline"]]
    assert "内部：这人经常投诉" not in notes and "已由市政处理" in notes
    client.cookies.set(f"gridwork_case_{made['reference']}", made["secret"])
    page = client.get(f"/track/{made['reference']}")
    assert page.status_code == 200 and "已由市政处理" in page.text
    assert "这人经常投诉" not in page.text


def test_a_merged_duplicates_reporter_follows_the_survivor_as_the_public_would(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    survivor = report(client, private=True, description="我家楼下噪音")
    act(client, survivor["id"], "accept", staff, note="内部：楼下住户有前科")
    told = "已联系物业，电话 13922223333"  # told to the survivor's own reporter, not to others
    act(client, survivor["id"], "escalate", staff, note=told, public_note=True)
    duplicate = report(client, description="路面塌陷（同一处）")
    merged = client.post(
        f"/api/v1/cases/{duplicate['id']}/merge", json={"into": survivor["id"]}, headers=staff
    )
    assert merged.status_code == 200, merged.text
    seen = client.get(
        f"/api/v1/cases/{duplicate['reference']}", headers={"X-Case-Secret": duplicate["secret"]}
    )
    assert seen.status_code == 200
    assert seen.json()["merged_into"]["reference"] == survivor["reference"]
    assert "楼下住户有前科" not in seen.text and "我家楼下噪音" not in seen.text
    assert "已联系物业" not in seen.text and "13922223333" not in seen.text


def test_public_locations_cannot_be_narrowed_past_their_rounding(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    exact = {"lat": SOUTH + 0.0051137, "lng": WEST + 0.0050163}
    made = report(client, **exact)
    shown = client.get(f"{BASE}/requests/{made['id']}.json").json()[0]
    assert (shown["lat"], shown["long"]) == (round(exact["lat"], 4), round(exact["lng"], 4))
    for south in (exact["lat"] - 1e-7, exact["lat"] + 1e-7):  # edges either side of the pin
        box = {"lat_sw": south, "long_sw": WEST, "lat_ne": SOUTH + 0.02, "long_ne": WEST + 0.02}
        found = client.get(f"{BASE}/requests.json", params=box).json()
        assert str(made["id"]) in {r["service_request_id"] for r in found}
    distances = set()
    for step in range(8):  # a walk past the pin sees only distances to the rounded point
        probe = {"category": "road", "lat": exact["lat"] + step * 1e-5, "lng": exact["lng"]}
        items = client.get("/api/v1/cases/nearby", params=probe).json()["items"]
        distances |= {i["distance_m"] for i in items}
    assert distances and all(d % 10 == 0 for d in distances)
