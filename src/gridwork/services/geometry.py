"""`import_geometry` and `export_geometry`: boundaries and buildings as GeoJSON, all or nothing."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, func, select, update

from gridwork.domain.areas import Level, is_valid_code, level_of
from gridwork.domain.errors import ImportFailed
from gridwork.domain.ids import parse_id
from gridwork.geo.geojson import Feature, from_geojson, read_features, to_geojson
from gridwork.services.clock import utcnow
from gridwork.services.grids import add_grid_unit
from gridwork.store.scope import in_subtree
from gridwork.store.tables import area_geometries, areas, buildings, geo_state

TOLERANCE_DEG = 1e-7  # about 1 cm: slack for coordinates rounded on export and re-import
OVERLAP_AREA = 1e-12  # square degrees (about 0.01 m²): less is a shared edge, not an overlap
SQM_PER_HOUSEHOLD = 90.0  # floor area per household when only floors and footprint are known


@dataclass
class GeometryReport:
    """What an import changed."""

    boundaries: int = 0
    grids_created: int = 0
    buildings_added: int = 0
    buildings_updated: int = 0


def metres_squared(geometry: BaseGeometry) -> float:
    """Approximate area in m² of a lon/lat geometry (local equirectangular projection)."""
    lat = geometry.centroid.y
    kx = 111_320.0 * math.cos(math.radians(lat))
    ky = 110_540.0
    return float(geometry.area * kx * ky)


def bump_geo_version(conn: Connection) -> None:
    """Tell every process that grid geometry changed, so routing indexes rebuild."""
    conn.execute(
        update(geo_state).where(geo_state.c.id == 1).values(version=geo_state.c.version + 1)
    )


def import_geometry(conn: Connection, text: str, source: str) -> GeometryReport:
    """Import a FeatureCollection of boundaries (community, grid, …) and buildings."""
    features = read_features(text, source)
    report = GeometryReport()
    boundaries = [f for f in features if f.level != "building"]
    houses = [f for f in features if f.level == "building"]

    def fail(feature: Feature, message: str) -> ImportFailed:
        return ImportFailed(source, None, f"{feature.label}: {message}")

    seen: dict[str, Feature] = {}
    known = {}
    for f in boundaries:
        code = str(f.properties.get("code", ""))
        if not is_valid_code(code) or level_of(code).value != f.level:
            raise fail(f, f"code must be a {f.level} code")
        if code in seen:
            raise fail(f, f"code {code} appears twice (also feature {seen[code].number})")
        seen[code] = f
        row = conn.execute(select(areas.c.name).where(areas.c.code == code)).first()
        if row is None and f.level != Level.GRID.value:
            raise fail(f, f"no area {code}; import the divisions first")
        if row is None:
            parent = code[:12]
            if conn.execute(select(areas.c.code).where(areas.c.code == parent)).first() is None:
                raise fail(f, f"the grid's community {parent} does not exist")
            if not str(f.properties.get("name", "")).strip():
                raise fail(f, "a new grid needs a 'name'")
        known[code] = row is not None

    touched = {c[:12] for c in seen if len(c) >= 12}
    touched |= {str(f.properties.get("community", ""))[:12] for f in houses}
    stored = _stored_geometries(conn, {c for c in touched if len(c) == 12})
    communities = {c: s for c, s in stored.items() if len(c) == 12}
    communities.update({c: f.geometry for c, f in seen.items() if len(c) == 12})

    grids_by_community: dict[str, dict[str, BaseGeometry]] = defaultdict(dict)
    for code, geometry in stored.items():
        if len(code) == 15:
            grids_by_community[code[:12]][code] = geometry
    for code, f in seen.items():
        if len(code) != 15:
            continue
        community = communities.get(code[:12])
        if community is not None and not community.buffer(TOLERANCE_DEG).covers(f.geometry):
            raise fail(f, f"the grid lies outside its community {code[:12]}")
        grids_by_community[code[:12]][code] = f.geometry
    for grids in grids_by_community.values():
        _check_no_overlaps(grids, seen, source)

    now = utcnow()
    for code, f in sorted(seen.items()):
        if not known[code]:
            add_grid_unit(conn, code, str(f.properties["name"]).strip()[:100], now)
            report.grids_created += 1
        save_boundary(conn, code, f.geometry)
        report.boundaries += 1

    for f in houses:
        added = _save_building(conn, f, communities, grids_by_community, fail, now)
        if added:
            report.buildings_added += 1
        else:
            report.buildings_updated += 1
    if report.boundaries:
        bump_geo_version(conn)
    return report


def _stored_geometries(conn: Connection, community_codes: set[str]) -> dict[str, BaseGeometry]:
    """Stored boundaries of these communities and of their grids."""
    out: dict[str, BaseGeometry] = {}
    for community in community_codes:
        rows = conn.execute(
            select(area_geometries.c.code, area_geometries.c.geojson).where(
                in_subtree(area_geometries.c.code, community)
            )
        )
        for code, text in rows:
            out[code] = from_geojson(text)
    return out


def _check_no_overlaps(
    grids: dict[str, BaseGeometry], seen: dict[str, Feature], source: str
) -> None:
    codes = sorted(grids)
    geoms = [grids[c] for c in codes]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if not len(left):
        return
    areas_ = shapely.area(shapely.intersection([geoms[i] for i in left], [geoms[j] for j in right]))
    for i, j, area in zip(left, right, areas_, strict=True):
        if area > OVERLAP_AREA:
            a, b = codes[i], codes[j]
            feature = seen.get(b) or seen.get(a)
            label = feature.label if feature else f"grid {b}"
            raise ImportFailed(source, None, f"{label}: grids {a} and {b} overlap")


def save_boundary(conn: Connection, code: str, geometry: BaseGeometry) -> None:
    minx, miny, maxx, maxy = geometry.bounds
    values = {
        "geojson": to_geojson(geometry),
        "min_lon": minx,
        "min_lat": miny,
        "max_lon": maxx,
        "max_lat": maxy,
        "updated_at": utcnow(),
    }
    changed = conn.execute(
        update(area_geometries).where(area_geometries.c.code == code).values(**values)
    ).rowcount
    if not changed:
        conn.execute(area_geometries.insert().values(code=code, **values))


def _save_building(
    conn: Connection,
    f: Feature,
    communities: dict[str, BaseGeometry],
    grids_by_community: dict[str, dict[str, BaseGeometry]],
    fail: Any,
    now: Any,
) -> bool:
    props = f.properties
    community = str(props.get("community", ""))
    if (
        len(community) != 12
        or conn.execute(select(areas.c.code).where(areas.c.code == community)).first() is None
    ):
        raise fail(f, "a building needs 'community': an existing community code")
    point = f.geometry if f.geometry.geom_type == "Point" else f.geometry.representative_point()
    boundary = communities.get(community)
    if boundary is not None and not boundary.buffer(TOLERANCE_DEG).covers(point):
        raise fail(f, f"the building lies outside its community {community}")
    floors = props.get("floors")
    if floors is not None and (not isinstance(floors, int) or floors < 1 or floors > 200):
        raise fail(f, "floors must be a whole number from 1 to 200")
    households = props.get("households")
    if households is None:
        if floors is None or f.geometry.geom_type == "Point":
            raise fail(f, "give 'households', or 'floors' with a footprint polygon")
        households = max(1, round(floors * metres_squared(f.geometry) / SQM_PER_HOUSEHOLD))
    if not isinstance(households, int) or households < 0:
        raise fail(f, "households must be a whole number, 0 or more")
    grid = props.get("grid")
    if grid is not None:
        grid = str(grid)
        if len(grid) != 15 or not grid.startswith(community):
            raise fail(f, f"grid {grid} is not a grid of community {community}")
    else:
        for code, geometry in sorted(grids_by_community.get(community, {}).items()):
            if geometry.buffer(TOLERANCE_DEG).covers(point):
                grid = code
                break
    external = props.get("id")
    own_id = _own_building_id(external)
    values = {
        "grid_code": grid,
        "name": (str(props["name"])[:100] if props.get("name") else None),
        "lon": point.x,
        "lat": point.y,
        "footprint": None if f.geometry.geom_type == "Point" else to_geojson(f.geometry),
        "floors": floors,
        "households": households,
    }
    if external is not None:
        match = (
            buildings.c.id == own_id
            if own_id is not None
            else buildings.c.external_id == str(external)
        )
        changed = conn.execute(
            update(buildings).where(buildings.c.community_code == community, match).values(**values)
        ).rowcount
        if changed:
            return False
    conn.execute(
        buildings.insert().values(
            province_code=community[:2],
            community_code=community,
            external_id=None if external is None or own_id is not None else str(external)[:64],
            created_at=now,
            **values,
        )
    )
    return True


def _own_building_id(external: object) -> int | None:
    """Our own id from an exported `building-<id>` (buildings imported without an id)."""
    text = str(external or "")
    suffix = text.removeprefix("building-")
    return parse_id(suffix) if text.startswith("building-") else None


def export_geometry(conn: Connection, code: str) -> dict[str, Any]:
    """A FeatureCollection of every boundary and building in `code`'s subtree."""
    households = dict(
        conn.execute(
            select(buildings.c.grid_code, func.sum(buildings.c.households))
            .where(
                in_subtree(buildings.c.community_code, code[:12])
                if len(code) >= 12
                else in_subtree(buildings.c.community_code, code)
            )
            .group_by(buildings.c.grid_code)
        ).all()
    )
    features: list[dict[str, Any]] = []
    rows = conn.execute(
        select(areas.c.code, areas.c.name, areas.c.level, area_geometries.c.geojson)
        .join(area_geometries, area_geometries.c.code == areas.c.code)
        .where(in_subtree(areas.c.code, code))
        .order_by(areas.c.code)
    )
    for r in rows:
        props: dict[str, Any] = {"code": r.code, "name": r.name, "level": r.level}
        if r.level == Level.GRID.value:
            props["households"] = int(households.get(r.code) or 0)
        elif r.level == Level.COMMUNITY.value:
            props["households"] = int(
                sum(v or 0 for k, v in households.items() if (k or "").startswith(r.code))
            )
        features.append({"type": "Feature", "properties": props, "geometry": json.loads(r.geojson)})
    scope = (
        in_subtree(buildings.c.grid_code, code)
        if len(code) == 15
        else in_subtree(buildings.c.community_code, code)
    )
    for b in conn.execute(select(buildings).where(scope).order_by(buildings.c.id)).mappings():
        geometry = (
            json.loads(b["footprint"])
            if b["footprint"]
            else mapping(shapely.Point(b["lon"], b["lat"]))
        )
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": b["external_id"] or f"building-{b['id']}",
                    "id": b["external_id"] or f"building-{b['id']}",
                    "name": b["name"],
                    "level": "building",
                    "community": b["community_code"],
                    "grid": b["grid_code"],
                    "floors": b["floors"],
                    "households": b["households"],
                },
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": features}
