"""Least privilege, role by role and place by place (as the access matrix walks endpoints):
who sees a case's reporter, who may be a case's assignee, who may be given and record an
emergency's welfare checks, and that nobody keeps their own training record."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection, update

from gridwork.domain.access import (
    CASE_ASSIGNEES,
    REPORTER_READERS,
    WELFARE_CHECKERS,
    Role,
    may_be_assigned,
    may_check_welfare,
    may_see_reporter,
)
from gridwork.services.emergency_lists import materialise
from gridwork.store.emergency_tables import emergency_tasks
from gridwork.store.tables import users
from tests.factories import (
    ALONE,
    GRID1,
    JINYUAN,
    act,
    household,
    load_world,
    login,
    make_user,
    report_case,
    resident,
)
from tests.integration.test_access_matrix import PLACEMENTS, first_task, undone
from tests.integration.test_pages import sign_in

NAME, PHONE = "王秀英", "13900000002"
# Placements whose grant covers grid 001, where the case and the household are.
COVERING = {p: c for p, c in PLACEMENTS.items() if GRID1.startswith(c)}


def test_the_role_sets() -> None:
    assert set(Role) - {Role.AUDITOR, Role.LEGAL_STAFF} == REPORTER_READERS
    assert {Role.GRID_WORKER, Role.COMMUNITY_STAFF} == CASE_ASSIGNEES
    assert {Role.GRID_WORKER, Role.COMMUNITY_STAFF} == WELFARE_CHECKERS
    assert not may_see_reporter([Role.AUDITOR, Role.LEGAL_STAFF])
    assert may_see_reporter([Role.AUDITOR, Role.GRID_WORKER])
    assert not may_be_assigned([Role.AUDITOR]) and not may_check_welfare([Role.LEGAL_STAFF])


def test_only_roles_that_work_a_case_see_its_reporter(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    case = report_case(client, area_code=GRID1, reporter={"name": NAME, "phone": PHONE})
    failures = []
    for role in Role:
        for place, code in COVERING.items():
            headers = login(conn, client, role=role.value, area=code, username=f"r{role}{code}")
            answer = client.get(f"/api/v1/cases/{case['id']}", headers=headers)
            assert answer.status_code == 200, (role, place, answer.text)
            shown = answer.json()["reporter"]
            if role in REPORTER_READERS:
                ok = shown == {"name": NAME, "phone": PHONE}
            else:
                ok = shown is None and PHONE not in answer.text and NAME not in answer.text
            if not ok:
                failures.append(f"{role.value} over {place}: reporter {shown}")
    assert not failures, "\n".join(failures)


def test_the_case_page_works_without_the_reporter(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    case = report_case(client, area_code=GRID1, reporter={"name": NAME, "phone": PHONE})
    make_user(conn, username="pageauditor", role="auditor", area=JINYUAN)
    sign_in(client, "pageauditor")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200, page.text
    assert case["reference"] in page.text and PHONE not in page.text and NAME not in page.text


def test_only_roles_that_work_cases_can_be_assignees(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    desk = login(conn, client, role="community_staff", area=JINYUAN, username="dispatcher")
    case = report_case(client, area_code=GRID1)
    assert act(client, case["id"], "accept", desk).status_code == 200
    failures = []
    for role in Role:
        for place, code in COVERING.items():
            name = make_user(conn, username=f"a{role}{code}", role=role.value, area=code)
            with undone(conn):
                answer = act(client, case["id"], "dispatch", desk, assignee=name)
            want = 200 if role in CASE_ASSIGNEES else 422
            if answer.status_code != want:
                failures.append(f"{role.value} over {place}: {answer.status_code}, want {want}")
    assert not failures, "\n".join(failures)
    sign_in(client, "dispatcher")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200, page.text
    assert f"agrid_worker{GRID1}" in page.text  # the menu lists eligible users only
    assert "aauditor" not in page.text and "alegal_staff" not in page.text


def emergency_world(conn: Connection, client: TestClient) -> tuple[dict[str, str], int, int]:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="commander")
    home = household(client, staff)
    resident(client, staff, home["id"], name=NAME, phone=PHONE, birth_year=1940, flags=ALONE)
    emergency = client.post(
        "/api/v1/emergencies", json={"kind": "flood", "area_codes": [GRID1]}, headers=staff
    ).json()["id"]
    return staff, emergency, first_task(conn, emergency)


def test_welfare_checks_go_only_to_checkers_of_the_grid(
    conn: Connection, client: TestClient
) -> None:
    staff, emergency, task = emergency_world(conn, client)
    failures = []
    for role in Role:
        for place, code in PLACEMENTS.items():
            name = make_user(conn, username=f"c{role}{code}", role=role.value, area=code)
            with undone(conn):
                answer = client.post(
                    f"/api/v1/emergencies/{emergency}/reassign",
                    json={"task_ids": [task], "assignee": name},
                    headers=staff,
                )
            want = 200 if role in WELFARE_CHECKERS and GRID1.startswith(code) else 422
            if answer.status_code != want:
                failures.append(f"{role.value} over {place}: {answer.status_code}, want {want}")
    assert not failures, "\n".join(failures)


def test_an_assignee_without_the_role_cannot_record_the_check(
    conn: Connection, client: TestClient
) -> None:
    staff, emergency, task = emergency_world(conn, client)
    auditor = login(conn, client, role="auditor", area=JINYUAN, username="checkauditor")
    lawyer = login(conn, client, role="legal_staff", area=GRID1, username="checklawyer")
    materialise(conn, [task])  # the check gets its row, so it can be handed over
    for name, headers in (("checkauditor", auditor), ("checklawyer", lawyer)):
        uid = conn.execute(users.select().where(users.c.username == name)).one().id
        # a check handed over before assignees were checked
        conn.execute(
            update(emergency_tasks).where(emergency_tasks.c.id == task).values(assignee_id=uid)
        )
        answer = client.post(
            f"/api/v1/emergencies/{emergency}/tasks/{task}",
            json={"outcome": "safe"},
            headers=headers,
        )
        assert answer.status_code == 403, answer.text
    done = client.post(
        f"/api/v1/emergencies/{emergency}/tasks/{task}", json={"outcome": "safe"}, headers=staff
    )
    assert done.status_code == 200, done.text


def test_nobody_keeps_their_own_training_record(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="selfpraise")
    course = {"kind": "training", "title": "应急救护培训", "on_date": "2026-10-12", "hours": 60}
    own = client.post("/api/v1/workers/selfpraise/records", json=course, headers=staff)
    assert own.status_code == 403, own.text
    praise = {"kind": "commendation", "title": "优秀", "on_date": "2026-10-12"}
    own = client.post("/api/v1/workers/selfpraise/records", json=praise, headers=staff)
    assert own.status_code == 403, own.text
    record = client.get("/api/v1/workers/selfpraise/records", headers=staff).json()
    assert record["training"] == [] and record["commendations"] == []
    make_user(conn, username="colleague", role="grid_worker", area=GRID1)
    other = client.post("/api/v1/workers/colleague/records", json=course, headers=staff)
    assert other.status_code == 201, other.text
