"""Idempotency keys bound to their sender and body; the channel from who reports; case
secrets that can be re-issued; key rotation; Secure cookies; the placeholder key refused."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.cli import cli
from gridwork.config import PLACEHOLDER_SECRET, Settings
from gridwork.store.notification_tables import notifications
from gridwork.store.people_tables import audit_log
from gridwork.store.tables import cases
from gridwork.web.app import create_app
from tests.conftest import RolledBackDatabase
from tests.factories import JINYUAN, SOUTH, WEST, load_world, login

KEY = "0b6f3c2e-7d41-4a9b-8e5f-2c1d9a7b6e30"
BODY = {"category": "road", "description": "井盖松动", "area_code": JINYUAN}


def post(client: TestClient, body: dict[str, Any], key: str, **headers: str) -> Any:
    return client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": key, **headers})


def test_a_stranger_reusing_an_anonymous_key_with_another_body_gets_nothing(
    conn: Connection, client: TestClient
) -> None:
    first = post(client, BODY, KEY)
    assert first.status_code == 201
    stranger = post(client, {**BODY, "description": "别的事"}, KEY)
    assert stranger.status_code == 422
    answer = stranger.json()
    assert answer["details"]["reason"] == "idempotency_key_reused"
    assert "same parameters" in answer["message"]
    assert "secret" not in answer and first.json()["reference"] not in stranger.text
    again = post(client, BODY, KEY)  # the reporter's own retry still answers the first
    assert (again.json()["id"], again.json()["secret"]) == (
        first.json()["id"],
        first.json()["secret"],
    )


@pytest.mark.parametrize("weak", ["k-1", "retry-1", "a" * 40, "0000000000000000000000000"])
def test_an_anonymous_key_must_be_unguessable(client: TestClient, weak: str) -> None:
    refused = post(client, BODY, weak)
    assert refused.status_code == 422
    assert refused.json()["details"]["reason"] == "weak_idempotency_key"


def test_staff_keys_are_their_own_and_need_no_uuid(conn: Connection, client: TestClient) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    mine = post(client, BODY, "desk-1", **staff)
    assert mine.status_code == 201
    assert post(client, BODY, "desk-1", **staff).json()["id"] == mine.json()["id"]
    anonymous = post(client, BODY, KEY)
    assert anonymous.json()["id"] != mine.json()["id"]


def test_the_web_form_and_the_api_share_the_anonymous_namespace(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    form = {
        "category": "road",
        "description": "路灯不亮",
        "lat": str(SOUTH + 0.005),
        "lng": str(WEST + 0.005),
        "idempotency": KEY,
    }
    page = client.post("/report", data=form, follow_redirects=False)
    assert page.status_code == 303, page.text
    assert post(client, {**BODY, "description": "别的事"}, KEY).status_code == 422
    weak = client.post("/report", data={**form, "idempotency": "abc"}, follow_redirects=False)
    assert weak.status_code == 422


def test_an_anonymous_report_cannot_claim_to_be_a_patrol(client: TestClient) -> None:
    refused = client.post("/api/v1/cases", json={**BODY, "channel": "patrol"})
    assert refused.status_code == 422 and refused.json()["details"]["field"] == "channel"
    assert client.post("/api/v1/cases", json=BODY).json()["channel"] == "web"
    assert client.post("/api/v1/cases", json={**BODY, "channel": "app"}).json()["channel"] == "app"


def test_staff_report_as_patrol_or_record_a_phone_call(
    conn: Connection, client: TestClient
) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    found = client.post("/api/v1/cases", json=BODY, headers=staff).json()
    assert found["channel"] == "patrol"
    called = client.post("/api/v1/cases", json={**BODY, "channel": "phone"}, headers=staff)
    assert called.json()["channel"] == "phone"
    bad = client.post("/api/v1/cases", json={**BODY, "channel": "open311"}, headers=staff)
    assert bad.status_code == 422


def test_a_reporter_reissues_the_follow_up_code_and_the_old_one_stops_working(
    conn: Connection, client: TestClient
) -> None:
    case = client.post("/api/v1/cases", json=BODY).json()
    ref, old = case["reference"], case["secret"]
    fresh = client.post(f"/api/v1/cases/{ref}/secret", headers={"X-Case-Secret": old})
    assert fresh.status_code == 200 and fresh.json()["secret"] != old
    assert client.get(f"/api/v1/cases/{ref}", headers={"X-Case-Secret": old}).status_code == 404
    new = fresh.json()["secret"]
    assert client.get(f"/api/v1/cases/{ref}", headers={"X-Case-Secret": new}).status_code == 200
    entries = conn.execute(
        select(audit_log.c.action, audit_log.c.actor_label).where(
            audit_log.c.subject == "case", audit_log.c.subject_id == case["id"]
        )
    ).all()
    assert ("secret_reissued", "resident") in [tuple(e) for e in entries]


def test_staff_reissue_a_code_for_a_reporter_who_lost_it(
    conn: Connection, client: TestClient
) -> None:
    phone = "13811112222"
    case = client.post(
        "/api/v1/cases", json={**BODY, "reporter": {"name": "李", "phone": phone}}
    ).json()
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    fresh = client.post(f"/api/v1/cases/{case['id']}/secret", headers=staff)
    assert fresh.status_code == 200
    # Staff never hold the new code (they could rate as the resident): it goes to the phone.
    assert fresh.json()["secret"] is None
    sent = conn.execute(
        select(notifications.c.body).where(notifications.c.recipient == f"phone:{phone}")
    ).scalars()
    codes = [b for b in sent if "新查询码" in b]
    assert len(codes) == 1
    new = codes[0].split("新查询码：")[1].split("（")[0]
    mine = {"X-Case-Secret": new}
    assert client.get(f"/api/v1/cases/{case['reference']}", headers=mine).status_code == 200
    old = {"X-Case-Secret": case["secret"]}
    assert client.get(f"/api/v1/cases/{case['reference']}", headers=old).status_code == 404
    assert client.post(f"/api/v1/cases/{case['id']}/secret").status_code == 401


def test_a_replay_after_a_reissue_hands_out_no_code(client: TestClient) -> None:
    first = post(client, BODY, KEY).json()
    client.post(
        f"/api/v1/cases/{first['reference']}/secret", headers={"X-Case-Secret": first["secret"]}
    )
    again = post(client, BODY, KEY)
    assert again.status_code == 409 and "secret" not in again.json()


def test_the_track_page_gives_a_new_code(client: TestClient) -> None:
    case = client.post("/api/v1/cases", json=BODY).json()
    ref = case["reference"]
    client.post("/track", data={"reference": ref, "secret": case["secret"]})
    page = client.get(f"/track/{ref}")
    assert "/new-code" in page.text
    moved = client.post(f"/track/{ref}/new-code", follow_redirects=False)
    assert moved.status_code == 303
    shown = client.get(moved.headers["location"])
    assert shown.status_code == 200 and case["secret"] not in shown.text
    old = {"X-Case-Secret": case["secret"]}
    assert client.get(f"/api/v1/cases/{ref}", headers=old).status_code == 404


def rotated(conn: Connection, settings: Settings, previous: str) -> TestClient:
    changed = settings.model_copy(
        update={"secret_key": "a-brand-new-key-after-rotation", "previous_secret_keys": previous}
    )
    return TestClient(
        create_app(changed, db=RolledBackDatabase(conn)), base_url="https://testserver"
    )


def test_a_rotated_key_still_accepts_what_the_previous_key_made(
    conn: Connection, client: TestClient, settings: Settings
) -> None:
    case = client.post("/api/v1/cases", json=BODY).json()
    staff = login(conn, client, role="community_staff", area=JINYUAN)
    secret = {"X-Case-Secret": case["secret"]}
    with rotated(conn, settings, f" {settings.secret_key} ,") as after:
        assert after.get(f"/api/v1/cases/{case['reference']}", headers=secret).status_code == 200
        assert after.get("/api/v1/cases", headers=staff).status_code == 200
        made = after.post("/api/v1/cases", json=BODY).json()
        stored = conn.execute(select(cases.c.secret_hash).where(cases.c.id == made["id"])).scalar()
        from gridwork.services.users import keyed_hash

        assert stored == keyed_hash("a-brand-new-key-after-rotation", made["secret"])
    with rotated(conn, settings, "") as forgotten:
        gone = forgotten.get(f"/api/v1/cases/{case['reference']}", headers=secret)
        assert gone.status_code == 404
        assert forgotten.get("/api/v1/cases", headers=staff).status_code == 401


def test_cookies_are_secure_outside_dev(client: TestClient) -> None:
    case = client.post("/api/v1/cases", json=BODY).json()
    answer = client.post(
        "/track",
        data={"reference": case["reference"], "secret": case["secret"]},
        follow_redirects=False,
    )
    assert "secure" in answer.headers["set-cookie"].lower()


def test_serve_refuses_the_placeholder_key_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: served.append(a))
    monkeypatch.setenv("GRIDWORK_ENV", "test")
    monkeypatch.setenv("GRIDWORK_SECRET_KEY", PLACEHOLDER_SECRET)
    refused = CliRunner().invoke(cli, ["serve"])
    assert refused.exit_code != 0 and served == []


def test_serve_in_dev_warns_about_the_placeholder_key(
    monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    served: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: served.append(a))
    monkeypatch.setenv("GRIDWORK_ENV", "dev")
    monkeypatch.setenv("GRIDWORK_DATABASE_URL", database_url)
    monkeypatch.delenv("GRIDWORK_SECRET_KEY", raising=False)
    ran = CliRunner().invoke(cli, ["serve"])
    assert ran.exit_code == 0, ran.output
    assert "placeholder GRIDWORK_SECRET_KEY" in ran.output and served
