"""Declaring an emergency over a drawn area rather than units: the households whose
buildings lie inside it get tasks, and the grids they lie in become the emergency's units."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, select

from gridwork.domain.errors import InvalidInput
from gridwork.store.tables import buildings

MAX_SPAN_DEGREES = 1.0  # about 100 km: a drawn area is a neighbourhood, not a province


def parse_area(geojson: dict[str, Any]) -> BaseGeometry:
    """A drawn area as a valid WGS-84 polygon (or multipolygon), or InvalidInput."""
    try:
        geometry = shape(geojson)
    except (
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        IndexError,
        RecursionError,
        shapely.errors.GEOSException,
    ):
        raise InvalidInput(
            "polygon must be a GeoJSON Polygon or MultiPolygon", field="polygon"
        ) from None
    if not isinstance(geometry, Polygon | MultiPolygon) or geometry.is_empty:
        raise InvalidInput("polygon must be a GeoJSON Polygon or MultiPolygon", field="polygon")
    min_x, min_y, max_x, max_y = geometry.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise InvalidInput("polygon must be in WGS-84 longitude and latitude", field="polygon")
    if max_x - min_x > MAX_SPAN_DEGREES or max_y - min_y > MAX_SPAN_DEGREES:
        raise InvalidInput(
            "a drawn area may span at most one degree; name units instead", field="polygon"
        )
    if not geometry.is_valid:
        raise InvalidInput("polygon crosses itself", field="polygon")
    return geometry


def buildings_inside(conn: Connection, area: BaseGeometry) -> tuple[set[int], list[str]]:
    """The buildings inside the area, and the grids they belong to (sorted)."""
    min_x, min_y, max_x, max_y = area.bounds
    rows = conn.execute(
        select(buildings.c.id, buildings.c.grid_code, buildings.c.lon, buildings.c.lat).where(
            buildings.c.lon.between(min_x, max_x),
            buildings.c.lat.between(min_y, max_y),
            buildings.c.grid_code.is_not(None),
        )
    ).all()
    if not rows:
        return set(), []
    lon = np.array([r.lon for r in rows])
    lat = np.array([r.lat for r in rows])
    inside = shapely.contains_xy(area, lon, lat)
    chosen = [rows[int(i)] for i in np.flatnonzero(inside)]
    return {int(r.id) for r in chosen}, sorted({r.grid_code for r in chosen})


def area_text(area: BaseGeometry) -> str:
    """The area as stored: GeoJSON text."""
    return json.dumps(shapely.geometry.mapping(area))
