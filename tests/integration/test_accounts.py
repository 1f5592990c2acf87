"""Staff accounts that can be ended, and sign-in that cannot be abused: deactivation, password
changes, sign-out and revocation end tokens and sessions at once; throttling keeps the owner
in; sign-in from another site is refused; common passwords are refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select

from gridwork.cli.serve import proxy_options
from gridwork.config import Settings
from gridwork.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridwork.services.accounts import (
    deactivate_user,
    grant_role,
    list_users,
    set_password,
)
from gridwork.services.open_work import open_work_of
from gridwork.services.users import actor_for_username, create_user
from gridwork.store.people_tables import audit_log
from gridwork.store.tables import cases, sign_in_failures, users
from gridwork.web.app import create_app
from tests.conftest import SECRET, RolledBackDatabase
from tests.factories import (
    GRID1,
    JINYUAN,
    PASSWORD,
    load_world,
    login,
    make_user,
    report_case,
    token_for,
)

NEW = "plum-lantern-orbit-42"
SIBLING_DISTRICT = "520102"


def signin(client: TestClient, username: str, password: str = PASSWORD) -> int:
    return client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    ).status_code


def works(client: TestClient, headers: dict[str, str]) -> int:
    return client.get("/api/v1/cases", headers=headers).status_code


def test_after_deactivation_a_token_answers_401_and_sign_in_fails(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    make_user(conn, username="leaver", role="grid_worker", area=GRID1)
    headers = token_for(client, "leaver")
    assert works(client, headers) == 200
    deactivate_user(conn, None, "leaver", force=True, key=SECRET)
    assert works(client, headers) == 401
    assert signin(client, "leaver") == 401


def test_after_a_password_change_old_tokens_answer_401(
    conn: Connection, client: TestClient
) -> None:
    make_user(conn, username="mover", role="community_staff", area=JINYUAN)
    phone, laptop = token_for(client, "mover"), token_for(client, "mover")
    changed = client.post(
        "/api/v1/auth/password",
        json={"old_password": PASSWORD, "new_password": NEW},
        headers=laptop,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"ended": 1}
    assert works(client, phone) == 401  # the other device is signed out at once
    assert works(client, laptop) == 200  # the one that changed it stays in
    assert signin(client, "mover") == 401
    assert signin(client, "mover", NEW) == 200
    # an administrator setting it ends every session, this one too
    set_password(conn, None, "mover", "another-long-secret-9", min_length=10, key=SECRET)
    assert works(client, laptop) == 401


def test_changing_a_password_needs_the_old_one_and_refuses_common_ones(
    conn: Connection, client: TestClient
) -> None:
    make_user(conn, username="careful", role="community_staff", area=JINYUAN)
    headers = token_for(client, "careful")
    wrong = client.post(
        "/api/v1/auth/password",
        json={"old_password": "not-my-password", "new_password": NEW},
        headers=headers,
    )
    assert wrong.status_code == 422 and wrong.json()["details"]["field"] == "old_password"
    common = client.post(
        "/api/v1/auth/password",
        json={"old_password": PASSWORD, "new_password": "password1234"},
        headers=headers,
    )
    assert common.status_code == 422 and "common" in common.json()["message"]
    short = client.post(
        "/api/v1/auth/password",
        json={"old_password": PASSWORD, "new_password": "x7#kQ2"},
        headers=headers,
    )
    assert short.status_code == 422 and "10 characters" in short.json()["message"]
    # guessing the current password through a stolen session meets the sign-in limit
    tries = [
        client.post(
            "/api/v1/auth/password",
            json={"old_password": f"guess-{n}-wrong", "new_password": NEW},
            headers=headers,
        ).status_code
        for n in range(6)
    ]
    assert tries[:4] == [422] * 4 and tries[-1] == 429


def test_common_and_short_passwords_are_refused_for_new_accounts(conn: Connection) -> None:
    with pytest.raises(InvalidInput, match="common"):
        create_user(conn, "weak1", "qwertyuiop", "community_staff", JINYUAN)
    with pytest.raises(InvalidInput, match="common"):
        create_user(conn, "weak2", "Password123", "community_staff", JINYUAN)
    with pytest.raises(InvalidInput, match="at least 10"):
        create_user(conn, "weak3", "k9$vLp2a", "community_staff", JINYUAN)
    for guessable in ("aaaaaaaaaaaa", "12345678901", "worker1worker1", "qwertyuiop12"):
        with pytest.raises(InvalidInput, match=r"easy to guess|common"):
            create_user(conn, "worker1", guessable, "community_staff", JINYUAN)
    # no composition rules: a long lower-case phrase is fine
    create_user(conn, "strong", "quiet river under stone", "community_staff", JINYUAN)


def test_signing_out_revokes_the_bearer_token(conn: Connection, client: TestClient) -> None:
    make_user(conn, username="outgoing", role="community_staff", area=JINYUAN)
    headers = token_for(client, "outgoing")
    assert client.delete("/api/v1/auth/session", headers=headers).status_code == 204
    assert works(client, headers) == 401


def test_a_user_lists_and_ends_their_own_sessions(conn: Connection, client: TestClient) -> None:
    make_user(conn, username="many", role="community_staff", area=JINYUAN)
    first, second = token_for(client, "many"), token_for(client, "many")
    listed = client.get("/api/v1/auth/sessions", headers=second).json()
    assert [s["current"] for s in listed] == [True, False]
    assert {s["kind"] for s in listed} == {"token"}
    other = listed[1]["id"]
    assert client.delete(f"/api/v1/auth/sessions/{other}", headers=second).status_code == 204
    assert works(client, first) == 401 and works(client, second) == 200
    # someone else's session is not found, not ended
    make_user(conn, username="nosy", role="community_staff", area=JINYUAN)
    nosy = token_for(client, "nosy")
    mine = client.get("/api/v1/auth/sessions", headers=second).json()[0]["id"]
    assert client.delete(f"/api/v1/auth/sessions/{mine}", headers=nosy).status_code == 404
    assert works(client, second) == 200


def test_rotating_forwarded_addresses_do_not_lock_the_owner_out(
    conn: Connection, settings: Settings
) -> None:
    make_user(conn, username="owner", role="community_staff", area=JINYUAN)
    app = create_app(settings, db=RolledBackDatabase(conn))
    with (
        TestClient(app, client=("203.0.113.9", 40000)) as attacker,
        TestClient(app, client=("198.51.100.7", 40000)) as owner,
    ):
        for n in range(8):
            attacker.post(
                "/api/v1/auth/token",
                data={"username": "owner", "password": f"guess-{n}-wrong"},
                headers={"X-Forwarded-For": f"10.0.0.{n}"},
            )
        assert signin(attacker, "owner") == 429  # the guesser's own address is stopped
        assert signin(owner, "owner") == 200  # the owner, from their own device, is not


def test_many_addresses_together_meet_the_slower_per_account_limit(
    conn: Connection, settings: Settings
) -> None:
    make_user(conn, username="sprayed", role="community_staff", area=JINYUAN)
    tight = settings.model_copy(update={"login_failures_per_account": 6})
    app = create_app(tight, db=RolledBackDatabase(conn))
    for n in range(6):
        with TestClient(app, client=(f"203.0.113.{n}", 40000)) as guesser:
            assert signin(guesser, "sprayed", "wrong-guess-xyz") == 401
    with TestClient(app, client=("198.51.100.7", 40000)) as other:
        blocked = other.post(
            "/api/v1/auth/token", data={"username": "sprayed", "password": PASSWORD}
        )
    assert blocked.status_code == 429
    assert "many addresses" in blocked.json()["message"]


def test_throttling_is_shared_by_every_process_through_the_database(
    conn: Connection, settings: Settings
) -> None:
    make_user(conn, username="shared", role="community_staff", area=JINYUAN)
    one = create_app(settings, db=RolledBackDatabase(conn))
    two = create_app(settings, db=RolledBackDatabase(conn))
    with TestClient(one) as first, TestClient(two) as second:
        for _ in range(5):
            assert signin(first, "shared", "wrong-guess-xyz") == 401
        assert signin(second, "shared") == 429  # the other process counts the same failures
    stored = conn.execute(select(func.count()).select_from(sign_in_failures)).scalar_one()
    assert stored == 15  # five failures × (account+client, account, client)


def test_sign_in_from_another_site_is_refused(conn: Connection, client: TestClient) -> None:
    make_user(conn, username="visitor", role="community_staff", area=JINYUAN)
    form = {"username": "visitor", "password": PASSWORD}
    evil = {"Origin": "https://evil.example"}
    page = client.post("/signin", data=form, headers=evil, follow_redirects=False)
    assert page.status_code == 403 and "set-cookie" not in page.headers
    api = client.post("/api/v1/auth/session", data=form, headers=evil)
    assert api.status_code == 403 and "set-cookie" not in api.headers
    token = client.post("/api/v1/auth/token", data=form, headers=evil)
    assert token.status_code == 403
    referer = client.post(
        "/signin", data=form, headers={"Referer": "https://evil.example/x"}, follow_redirects=False
    )
    assert referer.status_code == 403
    null = client.post("/signin", data=form, headers={"Origin": "null"}, follow_redirects=False)
    assert null.status_code == 403
    # the same site, and a non-browser client with neither header, sign in
    same = client.post(
        "/signin", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False
    )
    assert same.status_code == 303
    assert client.post("/api/v1/auth/token", data=form).status_code == 200


def test_forwarded_headers_are_believed_only_from_configured_proxies() -> None:
    assert proxy_options("") == (False, "")
    assert proxy_options(" 10.0.0.1, 10.0.0.2 ") == (True, "10.0.0.1,10.0.0.2")


def test_an_administrator_manages_only_the_accounts_of_their_subtree(conn: Connection) -> None:
    load_world(conn)
    make_user(conn, username="district", role="district_admin", area="520115")
    make_user(conn, username="inside", role="grid_worker", area=GRID1)
    make_user(conn, username="outside", role="grid_worker", area=SIBLING_DISTRICT)
    make_user(conn, username="worker", role="grid_worker", area=GRID1)
    district = actor_for_username(conn, "district")
    worker = actor_for_username(conn, "worker")
    assert district is not None and worker is not None
    names = {u.username for u in list_users(conn, district)}
    assert "inside" in names and "outside" not in names
    with pytest.raises(NotFound):
        deactivate_user(conn, district, "outside", force=False, key=SECRET)
    with pytest.raises(PermissionDenied):
        deactivate_user(conn, worker, "inside", force=False, key=SECRET)
    with pytest.raises(PermissionDenied):
        list_users(conn, worker)
    with pytest.raises(PermissionDenied):  # cannot make anyone an admin, nor grant elsewhere
        grant_role(conn, district, "inside", "admin", "520115", key=SECRET)
    with pytest.raises(PermissionDenied):
        grant_role(conn, district, "inside", "grid_worker", SIBLING_DISTRICT, key=SECRET)
    grant_role(conn, district, "inside", "community_staff", JINYUAN, key=SECRET)
    deactivate_user(conn, district, "inside", force=False, key=SECRET)
    entries = conn.execute(
        select(audit_log.c.actor_label, audit_log.c.action).where(audit_log.c.subject == "user")
    ).all()
    assert ("district", "granted") in entries and ("district", "deactivated") in entries


def test_administrators_cannot_raise_themselves_or_anyone_to_their_own_rank(
    conn: Connection,
) -> None:
    load_world(conn)
    make_user(conn, username="district", role="district_admin", area="520115")
    make_user(conn, username="city", role="city_admin", area="5201")
    make_user(conn, username="inside", role="grid_worker", area=GRID1)
    district = actor_for_username(conn, "district")
    city = actor_for_username(conn, "city")
    assert district is not None and city is not None
    for role, area in (
        ("community_staff", "520115"),  # the whole district's registry, to oneself
        ("auditor", "520115"),
    ):
        with pytest.raises(PermissionDenied):
            grant_role(conn, district, "district", role, area, key=SECRET)
    with pytest.raises(PermissionDenied):  # a role at or above their own, to anyone
        grant_role(conn, district, "inside", "city_admin", "520115", key=SECRET)
    with pytest.raises(PermissionDenied):
        grant_role(conn, district, "inside", "district_admin", "520115", key=SECRET)
    with pytest.raises(PermissionDenied):  # a community's role over a whole district
        grant_role(conn, district, "inside", "community_staff", "520115", key=SECRET)
    grant_role(conn, city, "inside", "district_admin", "520115", key=SECRET)
    with pytest.raises(PermissionDenied):  # one's own password only with the current one
        set_password(conn, district, "district", "a new long passphrase", min_length=10, key=SECRET)


def test_open_work_is_listed_and_blocks_deactivation_until_handed_back(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    make_user(conn, username="busy", role="grid_worker", area=GRID1)
    busy = conn.execute(select(users.c.id).where(users.c.username == "busy")).scalar_one()
    made = report_case(client)
    conn.execute(
        cases.update()
        .where(cases.c.reference == made["reference"])
        .values(assignee_id=busy, status="dispatched")
    )
    work = open_work_of(conn, busy)
    assert [c.reference for c in work.cases] == [made["reference"]]
    assert work.visit_grids == [GRID1]  # nobody else works that grid
    with pytest.raises(Conflict, match="open work"):
        deactivate_user(conn, None, "busy", force=False, key=SECRET)
    deactivate_user(conn, None, "busy", force=True, key=SECRET)
    assert open_work_of(conn, busy).cases == []  # the case went back to its unit's queue
    row = conn.execute(select(cases).where(cases.c.reference == made["reference"])).one()
    assert row.assignee_id is None and row.status == "dispatched"


def test_the_admin_pages_deactivate_after_confirmation(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    make_user(conn, username="cityboss", role="city_admin", area="5201")
    make_user(conn, username="gridder", role="grid_worker", area=GRID1)
    client.post("/signin", data={"username": "cityboss", "password": PASSWORD})
    listing = client.get("/admin/users")
    assert listing.status_code == 200 and "gridder" in listing.text
    gridder_token = token_for(client, "gridder")
    page = client.get("/admin/users/gridder")
    assert page.status_code == 200 and GRID1 in page.text  # its grid is open work
    refused = client.post("/admin/users/gridder/deactivate", follow_redirects=False)
    assert refused.status_code == 409
    done = client.post(
        "/admin/users/gridder/deactivate", data={"confirm": "yes"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert works(client, gridder_token) == 401


def test_the_account_page_changes_the_password_and_keeps_this_session(
    conn: Connection, client: TestClient
) -> None:
    make_user(conn, username="self", role="community_staff", area=JINYUAN)
    elsewhere = token_for(client, "self")
    client.post("/signin", data={"username": "self", "password": PASSWORD})
    page = client.get("/account")
    assert page.status_code == 200 and "API" in page.text
    changed = client.post(
        "/account/password",
        data={"old_password": PASSWORD, "new_password": NEW, "repeat": NEW},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert works(client, elsewhere) == 401
    assert client.get("/account").status_code == 200  # still signed in here


def test_the_users_api_deactivates_only_after_open_work_is_handed_back(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    make_user(conn, username="lonely", role="grid_worker", area=GRID1)
    boss = login(conn, client, role="district_admin", area="520115", username="boss")
    lonely = token_for(client, "lonely")
    detail = client.get("/api/v1/users/lonely", headers=boss).json()
    assert detail["open_work"]["visit_grids"] == [GRID1]
    assert detail["last_sign_in_at"] is not None
    refused = client.post("/api/v1/users/lonely/deactivate", json={}, headers=boss)
    assert refused.status_code == 409 and refused.json()["details"]["grids"] == 1
    assert works(client, lonely) == 200
    done = client.post("/api/v1/users/lonely/deactivate", json={"force": True}, headers=boss)
    assert done.status_code == 200 and done.json()["visit_grids"] == [GRID1]
    assert works(client, lonely) == 401
    assert [u["username"] for u in client.get("/api/v1/users", headers=boss).json()["items"]] == [
        "boss",
        "lonely",
    ]


def test_ending_a_session_with_an_impossible_id_is_a_client_error(
    conn: Connection, client: TestClient
) -> None:
    load_world(conn)
    headers = login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    answer = client.delete("/api/v1/auth/sessions/" + "1" * 31, headers=headers)
    assert answer.status_code == 422
