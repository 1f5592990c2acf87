"""Reading boundaries as GeoJSON: a unit and its children, within the reader's scope."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, func, or_, select

from gridwork.domain.access import Actor
from gridwork.domain.areas import Level, is_valid_code
from gridwork.domain.errors import NotFound
from gridwork.store.scope import in_subtree
from gridwork.store.tables import area_geometries, areas, buildings


def area_geometry_for(conn: Connection, actor: Actor, code: str) -> dict[str, Any]:
    """A FeatureCollection: the unit, its children and, for a grid, its buildings."""
    if not is_valid_code(code) or not actor.covers(code):
        raise NotFound(f"no area {code}")
    if conn.execute(select(areas.c.code).where(areas.c.code == code)).first() is None:
        raise NotFound(f"no area {code}")
    households = dict(
        conn.execute(
            select(buildings.c.grid_code, func.sum(buildings.c.households))
            .where(in_subtree(buildings.c.community_code, code[:12]))
            .group_by(buildings.c.grid_code)
        ).all()
        if len(code) >= 12
        else []
    )
    rows = conn.execute(
        select(areas.c.code, areas.c.name, areas.c.level, area_geometries.c.geojson)
        .join(area_geometries, area_geometries.c.code == areas.c.code)
        .where(or_(areas.c.code == code, areas.c.parent_code == code))
        .order_by(areas.c.code)
    )
    features: list[dict[str, Any]] = []
    for r in rows:
        props: dict[str, Any] = {"code": r.code, "name": r.name, "level": r.level}
        if r.level == Level.GRID.value:
            props["households"] = int(households.get(r.code) or 0)
        features.append({"type": "Feature", "properties": props, "geometry": json.loads(r.geojson)})
    if len(code) == 15:
        for b in conn.execute(
            select(buildings).where(buildings.c.grid_code == code).order_by(buildings.c.id)
        ).mappings():
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": b["external_id"] or f"building-{b['id']}",
                        "level": "building",
                        "floors": b["floors"],
                        "households": b["households"],
                    },
                    "geometry": {"type": "Point", "coordinates": [b["lon"], b["lat"]]},
                }
            )
    return {"type": "FeatureCollection", "features": features}
