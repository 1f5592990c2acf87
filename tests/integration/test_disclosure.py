"""Personal data leaves services only through `services.disclosure`: the views that carry it
demand a disclosure that audited it, the anonymous intake writes no audit row, and no
service appends to the audit log any other way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.services.case_views import staff_view
from gridwork.services.cases import load_case
from gridwork.services.disclosure import CASE, RESIDENT, Disclosed, own_data
from gridwork.services.registry import resident_views
from gridwork.store.people_tables import audit_head, audit_log, residents
from tests.factories import (
    ALONE,
    GRID1,
    JINYUAN,
    household,
    load_world,
    login,
    report_case,
    resident,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "gridwork"
CALLER = {"name": "张秀兰", "phone": "13800000001"}


def audit_seq(conn: Connection) -> int:
    seq: int = conn.execute(select(audit_head.c.seq)).scalar_one()
    return seq


def test_a_disclosure_cannot_be_made_up() -> None:
    with pytest.raises(TypeError):
        Disclosed(RESIDENT, frozenset({1}))


def test_personal_views_refuse_subjects_their_disclosure_did_not_audit(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="desk")
    person = resident(client, staff, household(client, staff)["id"])
    row = conn.execute(select(residents).where(residents.c.id == person["id"])).mappings().one()
    with pytest.raises(RuntimeError, match="without an audit entry"):
        resident_views(conn, [row], own_data(RESIDENT, [person["id"] + 1]))
    case = load_case(conn, report_case(client, area_code=GRID1, reporter=CALLER)["id"])
    with pytest.raises(RuntimeError, match="without an audit entry"):
        staff_view(conn, case, own_data(CASE, [case["id"] + 1]))
    anonymous = load_case(conn, report_case(client, area_code=GRID1)["id"])
    assert staff_view(conn, anonymous, own_data(CASE, []))["reporter"]["phone"] is None


def test_the_anonymous_intake_writes_no_audit_row_and_staff_filing_for_a_caller_does(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="desk")
    before = audit_seq(conn)
    mine = report_case(client, area_code=GRID1, reporter=CALLER)
    assert "reporter" not in mine and audit_seq(conn) == before  # their own data, to them
    filed = report_case(client, area_code=GRID1, reporter=CALLER, headers=staff, channel="phone")
    assert filed["reporter"]["phone"] == CALLER["phone"]
    entry = conn.execute(select(audit_log).where(audit_log.c.seq > before)).mappings().one()
    assert (entry["actor_label"], entry["purpose"], entry["action"]) == (
        "desk",
        "case",
        "submitted",
    )
    assert (entry["subject"], entry["subject_id"]) == ("case", filed["id"])


def test_only_the_disclosure_module_appends_to_the_audit_log() -> None:
    callers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"\brecord_reads\(", path.read_text(encoding="utf-8"))
    )
    assert callers == ["services/audit.py", "services/disclosure.py"]


def test_a_workers_check_list_is_audited_for_the_people_it_places(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="desk")
    home = household(client, staff, address="金元路9号")
    person = resident(client, staff, home["id"], flags=ALONE)
    worker = login(conn, client, role="grid_worker", area=GRID1, username="walker")
    made = client.post(
        "/api/v1/emergencies", json={"kind": "flood", "area_codes": [GRID1]}, headers=staff
    )
    assert made.status_code == 201, made.text
    before = audit_seq(conn)
    tasks = client.get(f"/api/v1/emergencies/{made.json()['id']}/tasks", headers=worker).json()
    assert [t["address"] for t in tasks["items"]] == ["金元路9号"]
    entries = conn.execute(select(audit_log).where(audit_log.c.seq > before)).mappings().all()
    assert [(e["actor_label"], e["purpose"], e["subject_id"]) for e in entries] == [
        ("walker", "emergency", person["id"])
    ]
