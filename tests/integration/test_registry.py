"""The registry through the API: households and residents, flags with their basis, moves,
archiving, audited reads, CSV import; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select, text

from gridwork.store.people_tables import audit_log, residents
from tests.factories import ALONE, GRID1, GRID2, JINYUAN, household, load_world, login, resident


def staff(conn: Connection, client: TestClient) -> dict[str, str]:
    load_world(conn)
    return login(conn, client, role="community_staff", area=JINYUAN, username="staffer")


def test_a_household_and_resident_with_flags_and_their_basis(
    conn: Connection, client: TestClient
) -> None:
    headers = staff(conn, client)
    home = household(client, headers)
    assert home["grid_code"] == GRID1 and home["reference"].startswith("H")
    person = resident(
        client,
        headers,
        home["id"],
        flags={
            **ALONE,
            "low_income": {"basis": "programme", "programme": "城市低保"},
            "needs_assistance": {"basis": "consent", "need": "每周代买菜"},
        },
    )
    assert person["age"] >= 80
    assert person["flags"]["lives_alone"]["basis"] == "consent"
    assert person["flags"]["lives_alone"]["set_by"] == "staffer"
    assert person["flags"]["low_income"]["programme"] == "城市低保"
    assert person["flags"]["needs_assistance"]["need"] == "每周代买菜"
    # aged 80+ living alone: weekly
    assert person["visit_rule"] == "aged80_alone"
    assert person["next_visit_due"] is not None


def test_the_registry_refuses_what_it_must_not_keep(conn: Connection, client: TestClient) -> None:
    headers = staff(conn, client)
    home = household(client, headers)
    base = {"household_id": home["id"], "name": "李四", "birth_year": 1960}
    cases: list[tuple[dict[str, Any], str]] = [
        ({**base, "id_number": "520102196001011234"}, "id_number"),
        ({**base, "flags": {"key_person": {"basis": "consent"}}}, "unknown flag"),
        ({**base, "flags": {"disability": {"basis": "programme"}}}, "name the programme"),
        ({**base, "flags": {"lives_alone": {"basis": "rumour"}}}, "basis"),
        ({**base, "flags": {"needs_assistance": {"basis": "consent"}}}, "what help"),
        ({**base, "birth_year": 2999}, "birth_year"),
        ({**base, "phone": "call me"}, "phone"),
        ({**base, "sex": "unknown"}, "sex"),
    ]
    for body, expected in cases:
        response = client.post("/api/v1/residents", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert expected in response.text, response.text
    # the database itself refuses an unknown flag
    row = resident(client, headers, home["id"])
    bad = text(
        "INSERT INTO resident_flags (resident_id, flag, province_code, basis, set_at) "
        "VALUES (:r, 'political_view', '52', 'consent', CURRENT_TIMESTAMP)"
    )
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), conn.begin_nested():
        conn.execute(bad, {"r": row["id"]})


def test_reads_name_a_purpose_and_are_audited_in_the_same_transaction(
    conn: Connection, client: TestClient
) -> None:
    headers = staff(conn, client)
    home = household(client, headers)
    person = resident(client, headers, home["id"])
    before = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    missing = client.get(f"/api/v1/residents/{person['id']}", headers=headers)
    assert missing.status_code == 422 and "purpose" in missing.json()["message"]
    wrong = client.get(f"/api/v1/residents/{person['id']}?purpose=curiosity", headers=headers)
    assert wrong.status_code == 422
    got = client.get(f"/api/v1/residents/{person['id']}?purpose=visit", headers=headers)
    assert got.status_code == 200 and got.json()["name"] == "张秀兰"
    listed = client.get("/api/v1/residents?purpose=registry", headers=headers)
    assert [p["id"] for p in listed.json()["items"]] == [person["id"]]
    exported = client.get(
        f"/api/v1/residents/export.csv?area={GRID1}&purpose=registry", headers=headers
    )
    assert exported.status_code == 200 and "张秀兰" in exported.text
    whole = client.get(f"/api/v1/households/{home['id']}?purpose=case", headers=headers)
    assert [p["name"] for p in whole.json()["residents"]] == ["张秀兰"]
    after = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    assert after - before == 4  # read, list, export, household: one per person each
    log = client.get(f"/api/v1/residents/{person['id']}/access-log", headers=headers).json()
    assert [(e["reader"], e["purpose"], e["action"]) for e in log["items"]] == [
        ("staffer", "case", "read"),
        ("staffer", "registry", "export"),
        ("staffer", "registry", "list"),
        ("staffer", "visit", "read"),
        ("staffer", "registry", "created"),  # the record answered on creation
    ]


def test_moving_a_household_moves_its_people_and_their_visits(
    conn: Connection, client: TestClient
) -> None:
    headers = staff(conn, client)
    home = household(client, headers)
    person = resident(client, headers, home["id"], flags=ALONE)
    moved = client.patch(
        f"/api/v1/households/{home['id']}",
        json={"grid_code": GRID2, "address": "新地址 2 号"},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["grid_code"] == GRID2 and moved.json()["address"] == "新地址 2 号"
    grid = conn.execute(
        select(residents.c.grid_code).where(residents.c.id == person["id"])
    ).scalar_one()
    assert grid == GRID2
    outside = client.patch(
        f"/api/v1/households/{home['id']}", json={"grid_code": "520115007001001"}, headers=headers
    )
    assert outside.status_code in (404, 422), outside.text
    # a resident moves to another household
    other = household(client, headers, grid=GRID1, address="金元路 9 号")
    response = client.patch(
        f"/api/v1/residents/{person['id']}",
        json={"household_id": other["id"], "flags": {"lives_alone": None}},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["grid_code"] == GRID1 and body["flags"] == {} and body["visit_rule"] is None


def test_archiving_stops_visits_and_refuses_edits(conn: Connection, client: TestClient) -> None:
    headers = staff(conn, client)
    home = household(client, headers)
    person = resident(client, headers, home["id"], flags=ALONE)
    archived = client.post(f"/api/v1/households/{home['id']}/archive", headers=headers)
    assert archived.status_code == 200 and archived.json()["archived"] is True
    again = client.get(f"/api/v1/residents/{person['id']}?purpose=registry", headers=headers).json()
    assert again["archived"] is True and again["next_visit_due"] is None
    edit = client.patch(f"/api/v1/residents/{person['id']}", json={"name": "x"}, headers=headers)
    assert edit.status_code == 422
    listed = client.get("/api/v1/residents?purpose=registry", headers=headers).json()
    assert listed["items"] == []
    with_archived = client.get("/api/v1/residents?purpose=registry&archived=true", headers=headers)
    assert len(with_archived.json()["items"]) == 1


CSV_OK = (
    "household,grid_code,address,name,phone,birth_year,sex,lives_alone,disability,need,needs_assistance\n"
    f"a,{GRID1},金元路3号,王大爷,13900000001,1938,male,consent,,,\n"
    f"b,{GRID2},金元路4号,李奶奶,,1950,female,,programme:残疾人证,,\n"
    f"b,{GRID2},金元路4号,李小明,13900000003,1985,,,,,\n"
)


def test_csv_import_dry_run_then_real(conn: Connection, client: TestClient) -> None:
    headers = {**staff(conn, client), "Content-Type": "text/csv"}
    dry = client.post(
        "/api/v1/registry/import?dry_run=true", content=CSV_OK.encode(), headers=headers
    )
    nothing_failed = {"skipped": 0, "failed_lines": [], "errors": []}
    assert dry.json() == {"households": 2, "residents": 3, "dry_run": True, **nothing_failed}
    assert conn.execute(select(func.count()).select_from(residents)).scalar_one() == 0
    real = client.post("/api/v1/registry/import", content=CSV_OK.encode(), headers=headers)
    assert real.json() == {"households": 2, "residents": 3, "dry_run": False, **nothing_failed}
    assert conn.execute(select(func.count()).select_from(residents)).scalar_one() == 3


def test_csv_import_names_every_bad_line_and_writes_nothing(
    conn: Connection, client: TestClient
) -> None:
    headers = {**staff(conn, client), "Content-Type": "text/csv"}
    bad = (
        "household,grid_code,address,name,birth_year,lives_alone\n"
        f"a,{GRID1},金元路3号,王大爷,1938,consent\n"
        f"b,{GRID1},金元路4号,李奶奶,nineteen,\n"
        f"c,520115007001001,外社区,赵,1950,\n"
        f"d,{GRID1},金元路5号,钱,1950,maybe\n"
    )
    response = client.post("/api/v1/registry/import", content=bad.encode(), headers=headers)
    assert response.status_code == 422, response.text
    errors = response.json()["details"]["errors"]
    assert [e.split(":")[1] for e in errors] == ["3", "4", "5"], errors
    assert "not a year" in errors[0] and "basis" in errors[2]
    assert conn.execute(select(func.count()).select_from(residents)).scalar_one() == 0
    extra = "household,grid_code,address,name,birth_year,ethnicity\n"
    response = client.post("/api/v1/registry/import", content=extra.encode(), headers=headers)
    assert response.status_code == 422 and "ethnicity" in response.json()["message"]
    for garbage in ("x\ry", "household,grid_code\ra\x00b", 'a\rb,"c\nd'):
        broken = client.post("/api/v1/registry/import", content=garbage.encode(), headers=headers)
        assert broken.status_code == 422, broken.text
    binary = client.post("/api/v1/registry/import", content=b"\xff\xfe\x00", headers=headers)
    assert binary.status_code == 422 and "UTF-8" in binary.json()["message"]
    wrong_type = client.post(
        "/api/v1/registry/import",
        content=b"x",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert wrong_type.status_code == 422
