"""A new public endpoint cannot publish by forgetting: every GET route the app has, walked
anonymously with the ids, references and units of private cases filled in, must show none
of what those cases hold (their words, their reporters, their addresses, staff notes).

The routes are read from the app itself, so a route added tomorrow is walked tomorrow."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from starlette.routing import Route

from tests.factories import (
    ALONE,
    GRID1,
    JINYUAN,
    SOUTH,
    WEST,
    act,
    household,
    load_world,
    login,
    resident,
)

POINT = {"lat": SOUTH + 0.005, "lng": WEST + 0.005}
# Markers no public answer may carry; each is planted in a case that must stay private.
MARKERS = {
    "visit": "走访发现阿尔茨海默",
    "private": "私下反映楼道隐患",
    "sensitive": "邻里纠纷吵架内容",
    "hidden": "已隐藏的井盖问题",
    "note": "内部批注勿外传",
    "address": "幸福里7号楼1402室",
    "reporter": "13912345678",
    "name": "秘密反映人",
}


def _plant(conn: Connection, client: TestClient) -> tuple[list[dict[str, Any]], list[str]]:
    """Private cases of every kind; returns them and the markers they carry."""
    load_world(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="staffer")
    worker = login(conn, client, role="grid_worker", area=GRID1, username="worker1")
    home = household(client, staff, address=MARKERS["address"])
    person = resident(client, staff, home["id"], birth_year=1930, flags=ALONE)
    made: list[dict[str, Any]] = []
    visit = client.post(
        "/api/v1/visits",
        json={"resident_id": person["id"], "outcome": "met", "need": MARKERS["visit"]},
        headers=worker,
    )
    assert visit.status_code == 201, visit.text
    made.append(visit.json()["case"])
    reporter = {"name": MARKERS["name"], "phone": MARKERS["reporter"]}
    for kind, extra in (
        ("private", {"private": True}),
        ("sensitive", {"category": "neighbour_dispute"}),
        ("hidden", {}),
    ):
        body = {
            "category": "road",
            "description": MARKERS[kind],
            "address": MARKERS["address"],
            "reporter": reporter,
            **POINT,
            **extra,
        }
        answer = client.post("/api/v1/cases", json=body)
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    hidden = made[-1]
    assert (
        client.put(
            f"/api/v1/cases/{hidden['id']}/publicity", json={"publicity": "hidden"}, headers=staff
        ).status_code
        == 200
    )
    public = client.post(
        "/api/v1/cases",
        json={"category": "road", "description": "公开的路面坑洼", "reporter": reporter, **POINT},
    ).json()
    assert act(client, public["id"], "accept", staff, note=MARKERS["note"]).status_code == 200
    made.append(public)
    return made, list(MARKERS.values())


def _get_paths(routes: Iterable[Any]) -> Iterator[str]:
    """Every GET path of the app, through included routers (FastAPI keeps them nested)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _get_paths(inner.routes)
        elif isinstance(route, APIRoute | Route) and "GET" in (route.methods or ()):
            yield route.path


def _fill(path: str, case: dict[str, Any]) -> str:
    values = {
        "fmt": "json",
        "code": GRID1,
        "reference": case["reference"],
        "token": case["reference"],
    }

    def one(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name in values:
            return str(values[name])
        if "ref" in name or name in ("request_id", "id", "case_id"):
            return str(case["id"])
        return "1"

    return re.sub(r"\{([^}]+)\}", one, path)


QUERY = {
    "category": "road",
    "lat": str(POINT["lat"]),
    "lng": str(POINT["lng"]),
    "q": "金元",
}


def test_no_anonymous_get_shows_what_a_private_case_holds(
    conn: Connection, client: TestClient
) -> None:
    made, markers = _plant(conn, client)
    anonymous = TestClient(client.app)
    walked = 0
    paths = sorted(set(_get_paths(client.app.routes)))  # type: ignore[attr-defined]
    assert len(paths) > 60  # the walk really covers the app
    for template in paths:
        for case in made:
            for fmt in ("json", "xml") if "{fmt}" in template else ("",):
                path = _fill(template, case)
                if fmt:
                    path = path.replace(".json", f".{fmt}")
                answer = anonymous.get(path, params=QUERY)
                walked += 1
                assert answer.status_code < 500, (path, answer.text[:300])
                body = answer.text
                leaked = [m for m in markers if m in body]
                assert not leaked, (path, leaked)
    assert walked > 300
