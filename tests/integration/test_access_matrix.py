"""Every endpoint × every role × where the role's grant lies, generated and walked (as
NetBox's API test mixins do): anonymous → 401; grant outside the object's subtree → 404
(lists: an empty page); in scope without the role's permission → 403; otherwise 2xx. No
answer that is not a success may carry a resident's name or phone. A new endpoint must be
added to ENDPOINTS or EXEMPT, or `test_every_endpoint_is_in_the_matrix` fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from gridwork.domain.access import (
    ACCESS_LOG_READERS,
    EMERGENCY_COMMANDERS,
    GRID_EDITORS,
    REGISTRY_EDITORS,
    REGISTRY_READERS,
    REPORTER_READERS,
    ROLE_ACTIONS,
    VISITORS,
    Role,
)
from gridwork.domain.accounts import USER_MANAGERS
from gridwork.domain.mediation import MEDIATION_LOG_READERS, MEDIATORS
from gridwork.domain.publication import PUBLICITY_EDITORS
from gridwork.domain.workflow import Action
from gridwork.services.clock import utcnow
from gridwork.services.community import propose
from tests.conftest import SECRET
from tests.factories import (
    ALONE,
    GRID1,
    GRID2,
    JINYUAN,
    household,
    load_world,
    login,
    make_user,
    report_case,
    resident,
)

ALL = frozenset(Role)
DESK = frozenset(r for r in Role if Action.ACCEPT in ROLE_ACTIONS[r])
NAME, PHONE = "张秀兰", "13800000001"

# Where a user's single grant lies, relative to Jinyuan's grid 001 (where the objects live).
PLACEMENTS = {
    "own grid": GRID1,
    "sibling grid": GRID2,
    "own community": JINYUAN,
    "sibling community": "520115007001",
    "own street": "520115007",
    "sibling street": "520115001",
    "own district": "520115",
    "sibling district": "520102",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {case}, {household}, {resident}, {helper} are filled in
    body: dict[str, Any] | None = None
    unit: str = GRID1  # where the object lives: a grant must cover it
    roles: frozenset[Role] = ALL  # roles that may do this in scope
    kind: str = "object"  # object | list | public | unscoped | import
    csv: str | None = None
    personal: frozenset[Role] = ALL  # roles whose 2xx answer may carry the name and phone


CSV = f"household,grid_code,address,name,birth_year\nx,{GRID1},金元路7号,新居民,1990\n"
ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/api/v1/categories", kind="public"),
    Endpoint("GET", "/api/v1/areas?q=金元", unit=JINYUAN, kind="list"),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}", unit=JINYUAN),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/children", unit=JINYUAN),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/geometry", unit=JINYUAN),
    Endpoint("GET", f"/api/v1/areas/{GRID1}/staffing"),
    Endpoint("GET", f"/api/v1/areas/{GRID1}/stats"),
    Endpoint("GET", "/api/v1/locate?lat=26.605&lng=106.605", kind="public"),
    Endpoint("POST", "/api/v1/locate", {"points": [[106.605, 26.605]]}, kind="unscoped"),
    Endpoint("POST", f"/api/v1/areas/{JINYUAN}/grids", {"name": "新网格"}, JINYUAN, GRID_EDITORS),
    Endpoint(
        "POST",
        "/api/v1/cases",
        {"category": "road", "description": "坑", "area_code": GRID1},
        kind="public",
    ),
    Endpoint("GET", "/api/v1/cases", kind="list"),
    Endpoint("GET", "/api/v1/cases/{case}", personal=REPORTER_READERS),
    Endpoint("POST", "/api/v1/cases/{case}/actions", {"action": "accept"}, roles=DESK),
    Endpoint("POST", "/api/v1/cases/{case}/secret", roles=DESK),
    Endpoint(
        "PUT", "/api/v1/cases/{case}/publicity", {"publicity": "hidden"}, roles=PUBLICITY_EDITORS
    ),
    Endpoint(
        "POST",
        "/api/v1/households",
        {"grid_code": GRID1, "address": "金元路8号"},
        roles=REGISTRY_EDITORS,
    ),
    Endpoint("GET", "/api/v1/households/{household}?purpose=registry", roles=REGISTRY_READERS),
    Endpoint(
        "PATCH", "/api/v1/households/{household}", {"address": "改址"}, roles=REGISTRY_EDITORS
    ),
    Endpoint("POST", "/api/v1/households/{household}/archive", roles=REGISTRY_EDITORS),
    Endpoint(
        "POST",
        "/api/v1/residents",
        {"household_id": "{household}", "name": "李四", "birth_year": 1970},
        roles=REGISTRY_EDITORS,
    ),
    Endpoint("GET", "/api/v1/residents?purpose=registry", roles=REGISTRY_READERS, kind="list"),
    Endpoint(
        "GET",
        f"/api/v1/residents/export.csv?area={GRID1}&purpose=registry",
        roles=REGISTRY_READERS,
    ),
    Endpoint("GET", "/api/v1/residents/{resident}?purpose=visit", roles=REGISTRY_READERS),
    Endpoint("PATCH", "/api/v1/residents/{resident}", {"name": "张兰"}, roles=REGISTRY_EDITORS),
    Endpoint("POST", "/api/v1/residents/{resident}/archive", roles=REGISTRY_EDITORS),
    Endpoint("GET", "/api/v1/residents/{resident}/access-log", roles=ACCESS_LOG_READERS),
    Endpoint("POST", "/api/v1/registry/import", roles=REGISTRY_EDITORS, kind="import", csv=CSV),
    Endpoint("GET", "/api/v1/visits/due", roles=VISITORS, kind="list"),
    Endpoint(
        "POST", "/api/v1/visits", {"resident_id": "{resident}", "outcome": "met"}, roles=VISITORS
    ),
    Endpoint(
        "POST",
        "/api/v1/helpers",
        {"community_code": JINYUAN, "kind": "volunteer", "name": "志愿者"},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
    Endpoint("GET", "/api/v1/helpers", unit=JINYUAN, roles=REGISTRY_READERS, kind="list"),
    Endpoint(
        "POST",
        "/api/v1/emergencies",
        {"kind": "flood", "area_codes": [GRID1]},
        roles=EMERGENCY_COMMANDERS,
    ),
    Endpoint("GET", "/api/v1/emergencies/{emergency}"),
    Endpoint(
        "POST",
        "/api/v1/emergencies/{emergency}/areas",
        {"add": [], "remove": []},
        roles=EMERGENCY_COMMANDERS,
    ),
    Endpoint("GET", f"/api/v1/emergencies/{{emergency}}/board?area={GRID1}"),
    Endpoint("GET", "/api/v1/emergencies/{emergency}/tasks"),
    Endpoint(
        "POST", "/api/v1/emergencies/{emergency}/tasks/{task}", {"outcome": "safe"}, roles=VISITORS
    ),
    Endpoint(
        "POST",
        "/api/v1/emergencies/{emergency}/reassign",
        {"task_ids": ["{task}"], "assignee": "matrixstaff"},
        roles=EMERGENCY_COMMANDERS,
    ),
    Endpoint("GET", "/api/v1/emergencies/{emergency}/service"),
    Endpoint(
        "POST",
        "/api/v1/emergencies/{emergency}/commendations",
        {"username": "matrixstaff", "note": "逐户排查"},
        roles=EMERGENCY_COMMANDERS,
    ),
    Endpoint("POST", "/api/v1/emergencies/{emergency}/end", roles=EMERGENCY_COMMANDERS),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/supplies", unit=JINYUAN),
    Endpoint("GET", "/api/v1/workers/{worker}/records", roles=EMERGENCY_COMMANDERS),
    Endpoint(
        "POST",
        "/api/v1/workers/{worker}/records",
        {"kind": "training", "title": "急救培训", "on_date": "2026-11-01", "hours": 4},
        roles=EMERGENCY_COMMANDERS,
    ),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/facilities", kind="public"),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/demands", kind="public"),
    Endpoint(
        "POST",
        "/api/v1/facilities",
        {"community_code": JINYUAN, "kind": "health", "name": "卫生服务站"},
        JINYUAN,
        EMERGENCY_COMMANDERS,
    ),
    Endpoint(
        "PATCH", "/api/v1/facilities/{facility}", {"capacity": 30}, JINYUAN, EMERGENCY_COMMANDERS
    ),
    Endpoint(
        "POST",
        "/api/v1/proposals/{proposal}/answer",
        {"status": "considering", "answer": "研究中"},
        JINYUAN,
        EMERGENCY_COMMANDERS,
    ),
    Endpoint(
        "POST",
        "/api/v1/depots",
        {"community_code": JINYUAN, "name": "应急仓库"},
        JINYUAN,
        EMERGENCY_COMMANDERS,
    ),
    Endpoint(
        "POST",
        "/api/v1/depots/{depot}/stock",
        {"kind": "water", "add": 5},
        JINYUAN,
        EMERGENCY_COMMANDERS,
    ),
    Endpoint(
        "POST",
        "/api/v1/depots/{depot}/deliveries",
        {"kind": "water", "quantity": 1},
        JINYUAN,
        EMERGENCY_COMMANDERS,
    ),
    Endpoint(
        "POST",
        "/api/v1/helpers/{helper}/households",
        {"household_ids": ["{household}"]},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
]
ENDPOINTS += [
    Endpoint(
        "POST",
        "/api/v1/mediations",
        {
            "community_code": JINYUAN,
            "kind": "neighbours",
            "summary": "噪音",
            "parties": [{"role": "applicant", "name": "甲"}, {"role": "respondent", "name": "乙"}],
        },
        JINYUAN,
        MEDIATORS,
    ),
    Endpoint("GET", "/api/v1/mediations", unit=JINYUAN, roles=MEDIATORS, kind="list"),
    Endpoint("GET", "/api/v1/mediations/{mediation}", unit=JINYUAN, roles=MEDIATORS),
    Endpoint(
        "POST",
        "/api/v1/mediations/{mediation}/parties/{party}/consent",
        unit=JINYUAN,
        roles=MEDIATORS,
    ),
    Endpoint(
        "POST",
        "/api/v1/mediations/{mediation}/sessions",
        {"held_at": "2026-11-20T10:00:00+08:00", "place": "调解室"},
        JINYUAN,
        MEDIATORS,
    ),
    Endpoint(
        "POST",
        "/api/v1/mediations/{mediation}/outcome",
        {"outcome": "withdrawn"},
        JINYUAN,
        MEDIATORS,
    ),
    Endpoint(
        "GET",
        "/api/v1/mediations/{mediation}/access-log",
        unit=JINYUAN,
        roles=MEDIATION_LOG_READERS,
    ),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/mediations", unit=JINYUAN),
    Endpoint("GET", "/api/v1/cases/nearby?category=road&lat=26.605&lng=106.605", kind="public"),
    Endpoint("GET", "/api/v1/cases/{case}/duplicates"),
    Endpoint("POST", "/api/v1/cases/{case2}/merge", {"into": "{case}"}, roles=DESK),
    Endpoint("GET", "/api/v1/inbox", kind="unscoped"),
    Endpoint("PUT", "/api/v1/inbox/preferences", {"channel": "in_app"}, kind="unscoped"),
    Endpoint(
        "POST",
        "/api/v1/notices",
        {"community_code": JINYUAN, "title": "停水", "body": "周三停水"},
        JINYUAN,
        EMERGENCY_COMMANDERS,
    ),
    Endpoint("POST", "/api/v1/notices/{notice}/withdraw", unit=JINYUAN, roles=EMERGENCY_COMMANDERS),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/notices", kind="public"),
    Endpoint(
        "POST",
        "/api/v1/activities",
        {
            "community_code": JINYUAN,
            "kind": "calligraphy",
            "title": "书法班",
            "starts_at": "{future}",
        },
        JINYUAN,
        EMERGENCY_COMMANDERS,
    ),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/activities", kind="public"),
    Endpoint(
        "POST",
        "/api/v1/activities/{activity}/signups",
        {"resident_id": "{resident2}"},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
    Endpoint(
        "POST",
        "/api/v1/activities/{activity}/signups/{signup}/cancel",
        unit=JINYUAN,
        roles=REGISTRY_EDITORS,
    ),
    Endpoint("GET", "/api/v1/activities/{activity}/roster", unit=JINYUAN, roles=REGISTRY_EDITORS),
    Endpoint(
        "POST",
        "/api/v1/teams",
        {"community_code": JINYUAN, "kind": "legal", "name": "法律服务队"},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
    Endpoint("GET", "/api/v1/teams", unit=JINYUAN, roles=REGISTRY_READERS, kind="list"),
    Endpoint("GET", "/api/v1/teams/{team}", unit=JINYUAN, roles=REGISTRY_READERS),
    Endpoint(
        "POST",
        "/api/v1/teams/{team}/members",
        {"helper_id": "{helper2}"},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
    Endpoint(
        "POST",
        "/api/v1/teams/{team}/duties",
        {"helper_id": "{helper}", "day": "{today}", "shift": "上午"},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
    Endpoint(
        "POST",
        "/api/v1/teams/{team}/hours",
        {"helper_id": "{helper}", "on_date": "{today}", "hours": 2},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
    Endpoint("GET", f"/api/v1/areas/{JINYUAN}/volunteer-hours", unit=JINYUAN),
    Endpoint(
        "PUT",
        "/api/v1/canteens/{facility}",
        {"meal_price_fen": 1500, "subsidy_fen": {"60": 300, "70": 500, "80": 800}},
        JINYUAN,
        EMERGENCY_COMMANDERS,
    ),
    Endpoint(
        "POST",
        "/api/v1/canteens/{facility}/members",
        {"resident_id": "{resident2}"},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
    Endpoint(
        "POST",
        "/api/v1/canteens/{facility}/bookings",
        {"day": "{today}", "meal": "dinner", "resident_id": "{resident}"},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
    Endpoint(
        "POST",
        "/api/v1/canteens/{facility}/served",
        {"day": "{today}", "meal": "lunch", "resident_id": "{resident}"},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
    Endpoint(
        "GET", "/api/v1/canteens/{facility}/day?date={today}", unit=JINYUAN, roles=REGISTRY_EDITORS
    ),
    Endpoint(
        "GET",
        "/api/v1/canteens/{facility}/statement?month={month}",
        unit=JINYUAN,
        roles=REGISTRY_EDITORS,
    ),
    Endpoint(
        "POST",
        "/api/v1/activities/{activity}/attendance",
        {"session": 0, "resident_ids": ["{resident}"]},
        JINYUAN,
        REGISTRY_EDITORS,
    ),
]
# Staff accounts: {worker} holds grid_worker over GRID1; administrators over it manage it.
ENDPOINTS += [
    Endpoint("GET", "/api/v1/users/{worker}", roles=USER_MANAGERS),
    Endpoint(
        "POST",
        "/api/v1/users/{worker}/password",
        {"password": "a-fine-long-passphrase"},
        roles=USER_MANAGERS,
    ),
    Endpoint(
        "POST",
        "/api/v1/users/{worker}/grants",
        {"role": "auditor", "area": GRID1},  # community_staff is granted at communities only
        roles=USER_MANAGERS,
    ),
    Endpoint("DELETE", f"/api/v1/users/{{worker}}/grants/grid_worker/{GRID1}", roles=USER_MANAGERS),
    Endpoint("POST", "/api/v1/users/{worker}/deactivate", {"force": True}, roles=USER_MANAGERS),
    Endpoint("POST", "/api/v1/users/{worker}/reactivate", roles=USER_MANAGERS),
    Endpoint("POST", "/api/v1/users/{worker}/revoke", roles=USER_MANAGERS),
]
# Routes outside the matrix, each with the reason.
EXEMPT = {
    ("GET", "/api/v1/users"): "a manager's own staff are always listed; test_accounts",
    ("DELETE", "/api/v1/users/{username}/grants/{role}/{area}"): "walked above, concrete path",
    ("POST", "/api/v1/auth/token"): "signing in itself; tested in test_auth, test_resident_access",
    ("POST", "/api/v1/auth/session"): "signing in itself; tested in test_resident_access",
    ("DELETE", "/api/v1/auth/session"): "signing out; tested in test_resident_access",
    ("GET", "/api/v1/auth/sessions"): "one's own sessions; tested in test_accounts",
    ("DELETE", "/api/v1/auth/sessions/{session_id}"): "one's own sessions; test_accounts",
    ("POST", "/api/v1/auth/password"): "one's own password; tested in test_accounts",
    ("POST", "/api/v1/resident/code"): "residents' sign-in; tested in test_resident_access",
    ("POST", "/api/v1/resident/token"): "residents' sign-in; tested in test_resident_access",
    ("DELETE", "/api/v1/resident/token"): "residents' sign-out; tested in test_resident_access",
    ("GET", "/api/v1/me"): "resident tokens only (staff get 401); test_resident_access",
    ("GET", "/api/v1/me/cases"): "resident tokens only (staff get 401); test_resident_access",
    ("GET", "/api/v1/me/access-log"): "resident tokens only; test_resident_access",
    ("GET", "/api/v1/me/notifications"): "resident tokens only; test_notifications",
    ("POST", "/api/v1/me/notifications/{notification_id}/read"): "resident tokens only",
    ("GET", "/api/v1/me/notification-preferences"): "resident tokens only; test_notifications",
    ("PUT", "/api/v1/me/notification-preferences"): "resident tokens only; test_notifications",
    ("POST", "/api/v1/proposals"): "resident tokens only (staff get 401); test_community",
    ("POST", "/api/v1/proposals/{proposal_id}/support"): "resident tokens only; test_community",
    ("GET", "/healthz"): "liveness probe, reveals nothing",
    ("GET", "/api/v1/ping"): "trivial endpoint for benchmarks, reveals nothing",
}


def expected(endpoint: Endpoint, role: Role, grant: str) -> str:
    """What `role` holding a grant over `grant` must get: ok, empty, 403 or 404."""
    if endpoint.kind in ("public", "unscoped"):
        return "ok"
    covers = endpoint.unit.startswith(grant)
    allowed = role in endpoint.roles
    if endpoint.kind == "import":
        return "ok" if covers and allowed else "422"  # every line names its refusal
    if endpoint.kind == "list":
        if not allowed and endpoint.roles != ALL:
            return "403"
        return "ok" if covers else "empty"
    if not covers:
        return "404"
    return "ok" if allowed else "403"


def users(conn: Connection, client: TestClient) -> Iterator[tuple[Role, str, dict[str, str]]]:
    """One user per role and placement, plus an admin over the whole country."""
    for role in Role:
        for place, code in PLACEMENTS.items():
            name = f"{role.value.replace('_', '')}-{code}"
            yield role, place, login(conn, client, role=role.value, area=code, username=name)
    yield Role.ADMIN, "country", login(conn, client, role="admin", area="all", username="root")


def world(conn: Connection, client: TestClient) -> dict[str, Any]:
    """A case, a household with an elderly resident living alone, and a helper, in grid 001."""
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="matrixstaff")
    home = household(client, staff)
    person = resident(
        client, staff, home["id"], name=NAME, phone=PHONE, birth_year=1940, flags=ALONE
    )
    case = report_case(client, area_code=GRID1, reporter={"name": NAME, "phone": PHONE})
    read = client.get(f"/api/v1/residents/{person['id']}?purpose=visit", headers=staff)
    assert read.status_code == 200  # so the access log has an entry to show
    helper = client.post(
        "/api/v1/helpers",
        json={"community_code": JINYUAN, "kind": "alley_chief", "name": "街巷长"},
        headers=staff,
    ).json()
    emergency = client.post(
        "/api/v1/emergencies", json={"kind": "flood", "area_codes": [GRID1]}, headers=staff
    ).json()["id"]
    depot = client.post(
        "/api/v1/depots", json={"community_code": JINYUAN, "name": "金元应急仓库"}, headers=staff
    ).json()["id"]
    stocked = client.post(
        f"/api/v1/depots/{depot}/stock", json={"kind": "water", "add": 10}, headers=staff
    )
    assert stocked.status_code == 200, stocked.text
    task = first_task(conn, emergency)
    checked = client.post(
        f"/api/v1/emergencies/{emergency}/tasks/{task}", json={"outcome": "safe"}, headers=staff
    )
    assert checked.status_code == 200, checked.text  # so there is service to commend
    facility = client.post(
        "/api/v1/facilities",
        json={"community_code": JINYUAN, "kind": "canteen", "name": "长者食堂"},
        headers=staff,
    ).json()["id"]
    proposal = propose(conn, PHONE, JINYUAN, "增加座椅", "公园里", secret_key=SECRET)["id"]
    make_user(conn, username="matrixworker", role="grid_worker", area=GRID1)
    lawyer = login(conn, client, role="legal_staff", area=JINYUAN, username="matrixlawyer")
    dispute = client.post(
        "/api/v1/mediations",
        json={
            "community_code": JINYUAN,
            "kind": "neighbours",
            "summary": "楼上漏水",
            "parties": [
                {"role": "applicant", "name": NAME, "phone": PHONE, "consented": True},
                {"role": "respondent", "name": "王五", "consented": True},
            ],
        },
        headers=lawyer,
    )
    assert dispute.status_code == 201, dispute.text
    notice = client.post(
        "/api/v1/notices",
        json={"community_code": JINYUAN, "title": "通知", "body": "内容"},
        headers=staff,
    ).json()["id"]
    second = report_case(client, area_code=GRID1, reporter={"name": NAME, "phone": PHONE})
    other = resident(client, staff, home["id"], name="李四", birth_year=1950)
    future = (utcnow() + timedelta(days=30)).isoformat()
    activity = client.post(
        "/api/v1/activities",
        json={
            "community_code": JINYUAN,
            "kind": "tai_chi",
            "title": "太极",
            "starts_at": future,
            "capacity": 5,
        },
        headers=staff,
    ).json()["id"]
    signup = client.post(
        f"/api/v1/activities/{activity}/signups", json={"resident_id": person["id"]}, headers=staff
    )
    assert signup.status_code == 201, signup.text
    prices = {"meal_price_fen": 1500, "subsidy_fen": {"60": 300, "70": 500, "80": 800}}
    assert client.put(f"/api/v1/canteens/{facility}", json=prices, headers=staff).status_code == 200
    member = client.post(
        f"/api/v1/canteens/{facility}/members", json={"resident_id": person["id"]}, headers=staff
    )
    assert member.status_code == 201, member.text
    today = utcnow().date()
    team = client.post(
        "/api/v1/teams",
        json={"community_code": JINYUAN, "kind": "neighbourhood_help", "name": "互助队"},
        headers=staff,
    ).json()["id"]
    joined = client.post(
        f"/api/v1/teams/{team}/members", json={"helper_id": helper["id"]}, headers=staff
    )
    assert joined.status_code == 201, joined.text
    helper2 = client.post(
        "/api/v1/helpers",
        json={"community_code": JINYUAN, "kind": "volunteer", "name": "志愿者乙"},
        headers=staff,
    ).json()["id"]
    return {
        "team": team,
        "helper2": helper2,
        "today": today.isoformat(),
        "month": today.strftime("%Y-%m"),
        "future": future,
        "activity": activity,
        "signup": signup.json()["id"],
        "resident2": other["id"],
        "case2": second["id"],
        "notice": notice,
        "mediation": dispute.json()["id"],
        "party": dispute.json()["parties"][0]["id"],
        "worker": "matrixworker",
        "facility": facility,
        "proposal": proposal,
        "depot": depot,
        "case": case["id"],
        "household": home["id"],
        "resident": person["id"],
        "helper": helper["id"],
        "emergency": emergency,
        "task": first_task(conn, emergency),
    }


def first_task(conn: Connection, emergency: int) -> int:
    from sqlalchemy import select

    from gridwork.services.emergency_lists import task_id
    from gridwork.store.emergency_tables import emergency_lists

    first_list = conn.execute(
        select(emergency_lists.c.id)
        .where(emergency_lists.c.emergency_id == emergency)
        .order_by(emergency_lists.c.id)
        .limit(1)
    ).scalar_one()
    return task_id(first_list, 0)


def fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        for key, number in ids.items():
            if value == f"{{{key}}}":
                return number
            value = value.replace(f"{{{key}}}", str(number))
        return value
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


@contextmanager
def undone(conn: Connection) -> Iterator[None]:
    """Whatever the call changes is undone, so every user meets the same world."""
    savepoint = conn.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()


def call(
    client: TestClient, endpoint: Endpoint, ids: dict[str, Any], headers: dict[str, str]
) -> Any:
    path = fill(endpoint.path, ids)
    if endpoint.csv is not None:
        return client.post(
            path, content=endpoint.csv.encode(), headers={**headers, "Content-Type": "text/csv"}
        )
    return client.request(endpoint.method, path, json=fill(endpoint.body, ids), headers=headers)


def outcome(response: Any) -> str:
    if response.status_code in (200, 201):
        body = response.json() if "json" in response.headers.get("content-type", "") else None
        if isinstance(body, dict) and "items" in body and body["items"] == []:
            return "empty"
        return "ok"
    return str(response.status_code)


def test_access_matrix(conn: Connection, client: TestClient) -> None:
    ids = world(conn, client)
    everyone = list(users(conn, client))
    failures: list[str] = []
    cells = 0
    for endpoint in ENDPOINTS:
        label = f"{endpoint.method} {endpoint.path}"
        with undone(conn):
            anonymous = call(client, endpoint, ids, {})
        if endpoint.kind == "public":
            if anonymous.status_code >= 300:
                failures.append(f"{label} anonymous: {anonymous.status_code}")
        elif anonymous.status_code != 401:
            failures.append(f"{label} anonymous: {anonymous.status_code}, not 401")
        for role, place, headers in everyone:
            cells += 1
            grant = "" if place == "country" else PLACEMENTS[place]
            want = expected(endpoint, role, grant)
            with undone(conn):
                response = call(client, endpoint, ids, headers)
            got = outcome(response)
            if got == "empty" and endpoint.kind in ("object", "public", "unscoped"):
                got = "ok"  # an object holding an empty list; the same answer for everyone
            if got != want:
                failures.append(f"{label} as {role.value} over {place}: {got}, want {want}")
            personal = NAME in response.text or PHONE in response.text
            if personal and (want != "ok" or role not in endpoint.personal):
                failures.append(f"{label} as {role.value} over {place}: LEAKS personal data")
    print(f"access matrix: {len(ENDPOINTS)} endpoints × {len(everyone)} users = {cells} cells")
    assert not failures, "\n".join(failures)


def test_every_endpoint_is_in_the_matrix(client: TestClient) -> None:
    routes = {
        (method.upper(), path)
        for path, operations in client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
        for method in operations
    }
    normal = {
        "{case}": "{case_ref}",
        "{household}": "{household_id}",
        "{resident}": "{resident_id}",
        "{helper}": "{helper_id}",
        "{emergency}": "{emergency_id}",
        "{task}": "{task_id}",
        "{depot}": "{depot_id}",
        "{facility}": "{facility_id}",
        "{worker}": "{username}",
        "{proposal}": "{proposal_id}",
        "{mediation}": "{mediation_id}",
        "{party}": "{party_id}",
        "{notice}": "{notice_id}",
        "{case2}": "{case_ref}",
        "{activity}": "{activity_id}",
        "{signup}": "{signup_id}",
        "{team}": "{team_id}",
    }
    covered = set()
    for e in ENDPOINTS:
        path = e.path.split("?")[0]
        for ours, theirs in normal.items():
            path = path.replace(ours, theirs)
        covered.add(
            (e.method, path.replace(JINYUAN + "/", "{code}/").replace(GRID1 + "/", "{code}/"))
        )
        covered.add((e.method, path.replace(f"/{JINYUAN}", "/{code}")))
    assert routes - covered - set(EXEMPT) == set()


def test_a_bad_bearer_token_is_401_even_on_public_endpoints(client: TestClient) -> None:
    response = client.get("/api/v1/categories", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 200  # public endpoints do not read the token
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
