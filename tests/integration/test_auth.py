from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.services.clock import utcnow
from gridwork.store.tables import api_tokens, users
from tests.factories import JINYUAN, PASSWORD, make_user, token_for


def test_login_gives_a_bearer_token(conn: Connection, client: TestClient) -> None:
    make_user(conn, username="lixia", role="community_staff", area=JINYUAN)
    response = client.post("/api/v1/auth/token", data={"username": "lixia", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 12 * 3600


def test_wrong_passwords_and_unknown_users_get_the_same_401(
    conn: Connection, client: TestClient
) -> None:
    make_user(conn, username="lixia", role="community_staff", area=JINYUAN)
    wrong = client.post("/api/v1/auth/token", data={"username": "lixia", "password": "x" * 10})
    nobody = client.post("/api/v1/auth/token", data={"username": "zhao", "password": "x" * 10})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()


def test_passwords_are_stored_as_argon2_hashes(conn: Connection) -> None:
    make_user(conn, username="lixia", role="community_staff", area=JINYUAN)
    stored = conn.execute(
        select(users.c.password_hash).where(users.c.username == "lixia")
    ).scalar_one()
    assert stored.startswith("$argon2")
    assert PASSWORD not in stored


def test_tokens_are_stored_hashed_and_expire(conn: Connection, client: TestClient) -> None:
    make_user(conn, username="lixia", role="community_staff", area=JINYUAN)
    headers = token_for(client, "lixia")
    token = headers["Authorization"].split()[1]
    assert conn.execute(select(api_tokens.c.token_hash)).scalars().all() != [token]
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    conn.execute(api_tokens.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = client.get("/api/v1/cases", headers=headers)
    assert expired.status_code == 401
    assert "expired" in expired.json()["message"]


def test_a_malformed_authorization_header_is_explained(client: TestClient) -> None:
    response = client.get("/api/v1/cases", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


def test_unknown_routes_and_methods_answer_in_the_error_shape(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    wrong_method = client.delete("/api/v1/categories")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "method_not_allowed"
