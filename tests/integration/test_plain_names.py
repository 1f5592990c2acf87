"""Names staff enter for what the pages show (grids, facilities, depots, teams, activities,
notices, helpers) are refused when they hold markup or control characters: a grid named
`<img src=x onerror=…>` once ran its script on the public report map."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import JINYUAN, load_world, login

HOSTILE = ["<img src=x onerror=alert(1)>", "nul\x00name", "evil\u202egnp.exe", "iso\u2066late"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_grid_named_with_markup_or_controls_is_refused(
    conn: Connection, client: TestClient, name: str
) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="namedesk")
    refused = client.post(f"/api/v1/areas/{JINYUAN}/grids", json={"name": name}, headers=staff)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "invalid_input"
    assert refused.json()["details"] == {"field": "name"}
    fine = client.post(f"/api/v1/areas/{JINYUAN}/grids", json={"name": "三网格"}, headers=staff)
    assert fine.status_code == 201, fine.text


def test_other_displayed_names_are_refused_too(conn: Connection, client: TestClient) -> None:
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="namedesk2")
    bad = "<b>食堂</b>"
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("post", "/api/v1/facilities", {"community_code": JINYUAN, "kind": "canteen", "name": bad}),
        ("post", "/api/v1/depots", {"community_code": JINYUAN, "name": bad}),
        (
            "post",
            "/api/v1/teams",
            {"community_code": JINYUAN, "kind": "neighbourhood_help", "name": bad},
        ),
        ("post", "/api/v1/helpers", {"community_code": JINYUAN, "kind": "volunteer", "name": bad}),
    ]
    for method, path, body in attempts:
        answer = client.request(method, path, json=body, headers=staff)
        assert answer.status_code == 422, (path, answer.text)
        assert "'<', '>'" in answer.json()["message"], path
    made = client.post(
        "/api/v1/facilities",
        json={"community_code": JINYUAN, "kind": "canteen", "name": "金元长者食堂"},
        headers=staff,
    )
    assert made.status_code == 201, made.text
    renamed = client.patch(
        f"/api/v1/facilities/{made.json()['id']}", json={"name": "食堂\u202e"}, headers=staff
    )
    assert renamed.status_code == 422, renamed.text
