"""Dispute mediation: opened by legal staff with parties who consent, sessions only after
every consent, an outcome; read only by the mediator and legal staff (each read audited);
the desk and administrators above see counts; retention clears the parties and content."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from gridwork.services.clock import utcnow
from gridwork.services.retention import anonymise_expired
from tests.factories import GRID1, JINYUAN, load_world, login, make_user, token_for
from tests.integration.test_pages import sign_in

DISPUTE = {
    "community_code": JINYUAN,
    "kind": "neighbours",
    "summary": "楼上卫生间漏水，渗到楼下厨房",
    "parties": [
        {"role": "applicant", "name": "赵大妈", "phone": "13900000001", "consented": True},
        {"role": "respondent", "name": "钱先生"},
    ],
}


def test_mediation_from_consent_to_agreement(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    lawyer = login(conn, client, role="legal_staff", area=JINYUAN, username="lawyer1")
    login(conn, client, role="legal_staff", area=JINYUAN, username="mediator2")
    opened = client.post(
        "/api/v1/mediations", json={**DISPUTE, "mediator": "mediator2"}, headers=lawyer
    )
    assert opened.status_code == 201, opened.text
    made = opened.json()
    assert made["status"] == "open" and [p["name"] for p in made["parties"]] == ["赵大妈", "钱先生"]
    number = made["id"]
    respondent = made["parties"][1]["id"]
    session = {"held_at": "2026-11-20T10:00:00+08:00", "place": "社区调解室", "note": "双方到场"}
    refused = client.post(f"/api/v1/mediations/{number}/sessions", json=session, headers=lawyer)
    assert refused.status_code == 409 and "consent" in refused.json()["message"]
    mediator = token_for(client, "mediator2")
    consented = client.post(
        f"/api/v1/mediations/{number}/parties/{respondent}/consent", headers=mediator
    )
    assert consented.status_code == 200 and consented.json()["parties"][1]["consented_at"]
    held = client.post(f"/api/v1/mediations/{number}/sessions", json=session, headers=mediator)
    assert held.status_code == 201 and held.json()["sessions"][0]["place"] == "社区调解室"
    no_text = client.post(
        f"/api/v1/mediations/{number}/outcome", json={"outcome": "agreement"}, headers=mediator
    )
    assert no_text.status_code == 422  # an agreement is written down
    agreed = client.post(
        f"/api/v1/mediations/{number}/outcome",
        json={"outcome": "agreement", "note": "钱先生负责维修，十日内完成"},
        headers=mediator,
    )
    assert agreed.status_code == 200 and agreed.json()["status"] == "agreement"
    again = client.post(
        f"/api/v1/mediations/{number}/outcome", json={"outcome": "court"}, headers=mediator
    )
    assert again.status_code == 409
    log = client.get(f"/api/v1/mediations/{number}/access-log", headers=lawyer).json()["items"]
    # lawyer1 was shown the parties when opening it; mediator2 by every step since
    assert {e["reader"] for e in log} == {"lawyer1", "mediator2"} and all(
        e["purpose"] == "mediation" for e in log
    )
    client.get(f"/api/v1/mediations/{number}", headers=lawyer)
    log = client.get(f"/api/v1/mediations/{number}/access-log", headers=lawyer).json()["items"]
    assert log[0]["reader"] == "lawyer1"


def test_bad_mediations_are_refused_with_reasons(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    lawyer = login(conn, client, role="legal_staff", area=JINYUAN, username="lawyer3")
    login(conn, client, role="community_staff", area=JINYUAN, username="notlawyer")
    bad = [
        {**DISPUTE, "kind": "political"},
        {**DISPUTE, "summary": "  "},
        {**DISPUTE, "parties": DISPUTE["parties"][:1]},
        {**DISPUTE, "parties": [{"role": "applicant", "name": "甲"}] * 2},
        {
            **DISPUTE,
            "parties": [{"role": "judge", "name": "甲"}, {"role": "respondent", "name": "乙"}],
        },
        {**DISPUTE, "community_code": GRID1},
        {**DISPUTE, "mediator": "notlawyer"},
        {**DISPUTE, "national_id": "52010119400101001X"},
    ]
    for body in bad:
        answer = client.post("/api/v1/mediations", json=body, headers=lawyer)
        assert answer.status_code == 422, (body, answer.text)
        assert "Traceback" not in answer.text


def test_only_the_mediator_and_legal_staff_read_it(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    lawyer = login(conn, client, role="legal_staff", area=JINYUAN, username="lawyer4")
    number = client.post("/api/v1/mediations", json=DISPUTE, headers=lawyer).json()["id"]
    desk = login(conn, client, role="community_staff", area=JINYUAN, username="desk4")
    district = login(conn, client, role="district_admin", area="520115", username="district4")
    auditor = login(conn, client, role="auditor", area="520115", username="auditor4")
    elsewhere = login(conn, client, role="legal_staff", area="520115007001", username="lawyer5")
    for headers, status in ((desk, 403), (district, 403), (auditor, 403), (elsewhere, 404)):
        answer = client.get(f"/api/v1/mediations/{number}", headers=headers)
        assert answer.status_code == status and "赵大妈" not in answer.text
    assert client.get("/api/v1/mediations", headers=desk).status_code == 403
    assert client.get("/api/v1/mediations", headers=elsewhere).json()["items"] == []
    listed = client.get("/api/v1/mediations", headers=lawyer).json()["items"]
    assert [m["id"] for m in listed] == [number] and "赵大妈" not in str(listed)
    counts = client.get("/api/v1/areas/520115/mediations", headers=district).json()
    assert counts["by_kind"]["neighbours"]["open"] == 1 and "赵大妈" not in str(counts)
    seen = client.get(f"/api/v1/mediations/{number}/access-log", headers=auditor)
    # no one has read it since it was opened (the answer to opening named the parties)
    assert seen.status_code == 200 and [e["action"] for e in seen.json()["items"]] == ["opened"]


def test_retention_clears_parties_and_content(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    lawyer = login(conn, client, role="legal_staff", area=JINYUAN, username="lawyer6")
    number = client.post("/api/v1/mediations", json=DISPUTE, headers=lawyer).json()["id"]
    client.post(
        f"/api/v1/mediations/{number}/outcome",
        json={"outcome": "withdrawn", "note": "申请人撤回"},
        headers=lawyer,
    )
    assert anonymise_expired(conn, 365, now=utcnow() + timedelta(days=30)).mediations == 0
    assert anonymise_expired(conn, 365, now=utcnow() + timedelta(days=400)).mediations == 1
    kept = client.get(f"/api/v1/mediations/{number}", headers=lawyer).json()
    assert kept["status"] == "withdrawn" and kept["summary"] is None
    assert [p["name"] for p in kept["parties"]] == [None, None] and kept["outcome_note"] is None


def test_mediation_pages_for_legal_staff(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    make_user(conn, username="lawyer7", role="legal_staff", area=JINYUAN)
    make_user(conn, username="desk7", role="community_staff", area=JINYUAN)
    sign_in(client, "lawyer7")
    home = client.get("/mediations")
    assert home.status_code == 200 and "受理调解" in home.text
    form = {
        "community_code": JINYUAN,
        "kind": "house_land",
        "summary": "宅基地边界",
        "applicant": "孙大爷",
        "applicant_consents": "yes",
        "respondent": "李大娘",
    }
    missing = client.post("/mediations", data={**form, "respondent": ""})
    assert missing.status_code == 422 and "宅基地边界" in missing.text  # what was typed stays
    opened = client.post("/mediations", data=form, follow_redirects=False)
    assert opened.status_code == 303
    page = client.get(opened.headers["location"])
    assert "孙大爷" in page.text and "记录同意" in page.text and "lawyer7" in page.text
    number = opened.headers["location"].rsplit("/", 1)[1]
    early = client.post(f"/mediations/{number}/sessions", data={"held_at": "2026-11-20T10:00"})
    assert early.status_code == 409 and "Traceback" not in early.text
    sign_in(client, "desk7")
    refused = client.get(f"/mediations/{number}")
    assert refused.status_code == 403 and "孙大爷" not in refused.text
