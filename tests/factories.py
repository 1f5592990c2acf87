"""Keyword-only factories for test data, written through the real services."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from gridwork.services.grids import create_grid
from gridwork.services.users import actor_for_username, create_user

JINYUAN = "520115007005"
PASSWORD = "correct-horse-battery"


def make_user(conn: Connection, *, username: str, role: str, area: str) -> str:
    """A user with one grant; returns the username."""
    create_user(conn, username, PASSWORD, role, area)
    return username


def token_for(client: TestClient, username: str) -> dict[str, str]:
    """Authorization headers for `username`, obtained through the login endpoint."""
    response = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def login(
    conn: Connection, client: TestClient, *, role: str, area: str, username: str | None = None
) -> dict[str, str]:
    """Create a user and return their authorization headers."""
    name = username or f"{role.replace('_', '')}{area or 'all'}"
    make_user(conn, username=name, role=role, area=area)
    return token_for(client, name)


def make_grid(conn: Connection, *, community: str = JINYUAN, name: str = "第一网格") -> str:
    """A grid under `community`; returns its code."""
    actor = actor_for_username(conn, "gridmaker")
    if actor is None:
        create_user(conn, "gridmaker", PASSWORD, "admin", "all")
        actor = actor_for_username(conn, "gridmaker")
    assert actor is not None
    code: str = create_grid(conn, actor, community, name)["code"]
    return code


def report_case(
    client: TestClient,
    *,
    area_code: str = JINYUAN,
    category: str = "road",
    description: str = "路面坑洼",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Submit a case through the API; returns the 201 body (with its secret)."""
    body = {"category": category, "description": description, "area_code": area_code, **extra}
    response = client.post("/api/v1/cases", json=body, headers=headers or {})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def act(
    client: TestClient, case_id: int | str, action: str, headers: dict[str, str], **fields: Any
) -> Any:
    """Post an action; returns the response."""
    return client.post(
        f"/api/v1/cases/{case_id}/actions", json={"action": action, **fields}, headers=headers
    )


# A 2 × 2 block of grids tiling a square Jinyuan: lon 106.60–106.62, lat 26.60–26.62.
WEST, SOUTH, SIZE = 106.60, 26.60, 0.02


def square(x0: float, y0: float, w: float, h: float) -> dict[str, Any]:
    """A GeoJSON polygon for an axis-aligned rectangle."""
    ring = [[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(level: str, geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    """A GeoJSON feature with `level` and other properties."""
    return {"type": "Feature", "properties": {"level": level, **properties}, "geometry": geometry}


def jinyuan_world() -> dict[str, Any]:
    """Jinyuan's boundary and four grids (001 south-west, 002 south-east, 003 NW, 004 NE)."""
    half = SIZE / 2
    corners = [(0, 0), (half, 0), (0, half), (half, half)]
    features = [feature("community", square(WEST, SOUTH, SIZE, SIZE), code=JINYUAN)]
    for n, (dx, dy) in enumerate(corners, start=1):
        features.append(
            feature(
                "grid",
                square(WEST + dx, SOUTH + dy, half, half),
                code=f"{JINYUAN}{n:03d}",
                name=f"第{n}网格",
            )
        )
    return {"type": "FeatureCollection", "features": features}


def load_world(conn: Connection, world: dict[str, Any] | None = None) -> None:
    """Import a GeoJSON world through the real service."""
    import json

    from gridwork.services.geometry import import_geometry

    import_geometry(conn, json.dumps(world or jinyuan_world()), "world.geojson")


def api_key(conn: Connection, *, name: str = "integrator", area: str = "520115") -> str:
    """A fresh Open311 API key over `area`."""
    from gridwork.services.apikeys import create_api_key
    from tests.conftest import SECRET

    return create_api_key(conn, name, area, secret_key=SECRET)


GRID1 = f"{JINYUAN}001"
GRID2 = f"{JINYUAN}002"


def household(
    client: TestClient,
    headers: dict[str, str],
    *,
    grid: str = GRID1,
    address: str = "金元路1号1单元101",
) -> dict[str, Any]:
    """A household through the API; returns the 201 body."""
    response = client.post(
        "/api/v1/households", json={"grid_code": grid, "address": address}, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def resident(
    client: TestClient,
    headers: dict[str, str],
    household_id: int,
    *,
    name: str = "张秀兰",
    phone: str | None = "13800000001",
    birth_year: int = 1940,
    flags: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A resident through the API; returns the 201 body."""
    body: dict[str, Any] = {
        "household_id": household_id,
        "name": name,
        "phone": phone,
        "birth_year": birth_year,
        "flags": flags or {},
    }
    response = client.post("/api/v1/residents", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


ALONE = {"lives_alone": {"basis": "consent"}}
