"""Grid outlines for the public report map: where the grids are, with no personal data."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, func, select

from gridwork.domain.areas import Level
from gridwork.domain.errors import InvalidInput
from gridwork.store.tables import area_geometries, areas

NEAR_DEGREES = 0.02  # about 2 km around the point asked for
MAX_OUTLINES = 200


def map_centre(conn: Connection) -> tuple[float, float] | None:
    """(lat, lng) of the middle of the grids on record; None if no grid has a boundary."""
    row = conn.execute(
        select(
            func.min(area_geometries.c.min_lat),
            func.max(area_geometries.c.max_lat),
            func.min(area_geometries.c.min_lon),
            func.max(area_geometries.c.max_lon),
        )
        .join(areas, areas.c.code == area_geometries.c.code)
        .where(areas.c.level == Level.GRID.value)
    ).one()
    if row[0] is None:
        return None
    return ((row[0] + row[1]) / 2, (row[2] + row[3]) / 2)


def grid_outlines_near(conn: Connection, lat: float, lng: float) -> dict[str, Any]:
    """A FeatureCollection of the grids (code, name, boundary) within about 2 km."""
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput("lat must lie in -90..90 and lng in -180..180", field="lat")
    rows = conn.execute(
        select(areas.c.code, areas.c.name, area_geometries.c.geojson)
        .join(area_geometries, area_geometries.c.code == areas.c.code)
        .where(
            areas.c.level == Level.GRID.value,
            area_geometries.c.max_lat >= lat - NEAR_DEGREES,
            area_geometries.c.min_lat <= lat + NEAR_DEGREES,
            area_geometries.c.max_lon >= lng - NEAR_DEGREES,
            area_geometries.c.min_lon <= lng + NEAR_DEGREES,
        )
        .order_by(areas.c.code)
        .limit(MAX_OUTLINES)
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": r.code, "name": r.name},
                "geometry": json.loads(r.geojson),
            }
            for r in rows
        ],
    }
