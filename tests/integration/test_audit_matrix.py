"""Every endpoint of the access matrix, called by each role that may use it in scope: an
answer that carries personal data (a personal field such as a name, phone, reporter, address
or flags of a person, or a seeded resident's name or phone anywhere in the body) must have
written at least one audit row in the same request, writes included. Runs on SQLite only
(the rule lives in services, not in the backend; the walk is the access matrix's world)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from gridwork.domain.access import Role
from gridwork.store.people_tables import audit_head
from tests.factories import JINYUAN, login, token_for
from tests.integration.test_access_matrix import (
    ENDPOINTS,
    NAME,
    PHONE,
    Endpoint,
    call,
    undone,
    world,
)

# Keys that name a person's data wherever they appear in an answer.
PERSONAL_KEYS = frozenset(
    {
        "phone",
        "reporter",
        "reporter_name",
        "reporter_phone",
        "flags",
        "id_number",
        "birth_year",
        "parties",  # a mediation's parties are people, named
    }
)
# Strings of the seeded people (the residents, their household address, the reporter).
SEEDED = (NAME, PHONE, "李四", "张兰", "金元路1号1单元101")


def has_value(value: Any) -> bool:
    """Whether a field holds something (a reporter of an anonymous report holds nothing)."""
    if isinstance(value, dict):
        return any(has_value(v) for v in value.values())
    if isinstance(value, list):
        return any(has_value(v) for v in value)
    return value not in (None, "")


def personal_keys(value: Any, path: str = "") -> list[str]:
    """Where in a JSON answer a personal field is present (with a value)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in PERSONAL_KEYS and has_value(item):
                found.append(f"{path}.{key}")
            found += personal_keys(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            found += personal_keys(item, f"{path}[]")
    return found


def carries_personal_data(response: Any) -> list[str]:
    """Why an answer counts as personal data (empty when it does not)."""
    reasons = [s for s in SEEDED if s in response.text]
    if "json" in response.headers.get("content-type", ""):
        reasons += personal_keys(response.json())
    return reasons


def audit_seq(conn: Connection) -> int:
    seq: int = conn.execute(select(audit_head.c.seq)).scalar_one()
    return seq


def callers(endpoint: Endpoint) -> list[Role | str]:
    """The roles that may call the endpoint in scope, and the world's own staff member (who
    is assigned its emergency's checks, so their task list names households)."""
    roles: list[Role | str] = sorted(endpoint.roles, key=lambda r: r.value)
    return [*roles, "matrixstaff"] if Role.COMMUNITY_STAFF in endpoint.roles else roles


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_answer_with_personal_data_is_audited(conn: Connection, client: TestClient) -> None:
    ids = world(conn, client)
    headers: dict[Role | str, dict[str, str]] = {
        role: login(conn, client, role=role.value, area=JINYUAN, username=f"audit-{role.value}")
        for role in Role
    }
    headers["matrixstaff"] = token_for(client, "matrixstaff")
    failures: list[str] = []
    checked = 0
    for endpoint in ENDPOINTS:
        for role in callers(endpoint):
            with undone(conn):
                before = audit_seq(conn)
                response = call(client, endpoint, ids, headers[role])
                written = audit_seq(conn) - before
            if response.status_code >= 300:
                continue
            reasons = carries_personal_data(response)
            if not reasons:
                continue
            checked += 1
            if written == 0:
                failures.append(
                    f"{endpoint.method} {endpoint.path} as {role}: answers "
                    f"{', '.join(sorted(set(reasons))[:4])} with no audit row"
                )
    print(f"audit matrix: {checked} answers carrying personal data checked")
    assert checked > 0
    assert not failures, "\n".join(failures)
