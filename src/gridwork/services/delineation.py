"""`delineate_community`: draw a community's grids from its buildings; save only on commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Connection, delete, select, update

from gridwork.domain.areas import Level, is_valid_code
from gridwork.domain.errors import InvalidInput, NotFound
from gridwork.domain.workflow import OPEN_STATUSES
from gridwork.geo.delineate import Plan, delineate
from gridwork.geo.geojson import from_geojson
from gridwork.geo.projection import LocalMetric
from gridwork.services.clock import utcnow
from gridwork.services.geometry import bump_geo_version, save_boundary
from gridwork.services.grids import add_grid_unit
from gridwork.services.registry import rehome_households
from gridwork.services.rollups import move_case_counts
from gridwork.store.scope import in_subtree
from gridwork.store.tables import area_geometries, areas, buildings, case_events, cases


@dataclass
class DelineationResult:
    """The plan's figures and, once committed, what changed."""

    community: str
    summary: dict[str, Any]
    grids: list[dict[str, Any]] = field(default_factory=list)
    committed: bool = False
    cases_rehomed: int = 0
    households_rehomed: int = 0
    grids_retired: list[str] = field(default_factory=list)


def reading_order(plan: Plan) -> list[int]:
    """Grid numbering west → east within bands running north → south (as Beijing numbers)."""
    centres = np.array([[g.polygon.centroid.x, g.polygon.centroid.y] for g in plan.grids])
    if not len(centres):
        return []
    band = np.sqrt(np.mean([g.polygon.area for g in plan.grids])) or 1.0
    rows = np.floor((centres[:, 1].max() - centres[:, 1]) / band)
    return [int(i) for i in np.lexsort((centres[:, 0], rows))]


def delineate_community(
    conn: Connection,
    code: str,
    low: int,
    high: int,
    *,
    commit: bool = False,
    now: datetime | None = None,
) -> DelineationResult:
    """Plan grids of `low`–`high` households for a community; write them if `commit`."""
    if not 1 <= low <= high:
        raise InvalidInput("--min must be at least 1 and no more than --max", field="min")
    level = conn.execute(select(areas.c.level).where(areas.c.code == code)).scalar_one_or_none()
    if not is_valid_code(code) or level is None:
        raise NotFound(f"no area {code}")
    if level != Level.COMMUNITY.value:
        raise InvalidInput(f"{code} is a {level}; grids are drawn within a community")
    text = conn.execute(
        select(area_geometries.c.geojson).where(area_geometries.c.code == code)
    ).scalar_one_or_none()
    if text is None:
        raise InvalidInput(
            f"community {code} has no boundary; import it with `gridwork geo import`"
        )
    boundary = from_geojson(text)
    rows = conn.execute(
        select(buildings.c.id, buildings.c.lon, buildings.c.lat, buildings.c.households)
        .where(buildings.c.community_code == code)
        .order_by(buildings.c.id)
    ).all()
    if not rows:
        raise InvalidInput(f"community {code} has no buildings; import them first")
    ids = np.array([r.id for r in rows], dtype=np.int64)
    lonlat = np.array([[r.lon, r.lat] for r in rows], dtype=np.float64)
    households = np.array([r.households for r in rows], dtype=np.int64)
    plan = delineate(boundary, lonlat, households, low, high)
    order = reading_order(plan)
    centre = boundary.centroid
    result = DelineationResult(code, plan.summary(LocalMetric(centre.x, centre.y)))
    existing = list(
        conn.execute(
            select(areas.c.code)
            .where(in_subtree(areas.c.code, code), areas.c.level == Level.GRID.value)
            .order_by(areas.c.code)
        ).scalars()
    )
    codes = existing[: len(order)]
    next_serial = int(existing[-1][-3:]) + 1 if existing else 1
    while len(codes) < len(order):
        codes.append(f"{code}{next_serial:03d}")
        next_serial += 1
    for new_code, gi in zip(codes, order, strict=True):
        grid = plan.grids[gi]
        result.grids.append(
            {
                "code": new_code,
                "households": grid.households,
                "buildings": len(grid.members),
                "flag": grid.flag,
            }
        )
    if not commit:
        return result
    now = now or utcnow()
    for new_code, gi in zip(codes, order, strict=True):
        grid = plan.grids[gi]
        if new_code not in existing:
            add_grid_unit(conn, new_code, f"网格{new_code[-3:]}", now)
        save_boundary(conn, new_code, grid.polygon)
        conn.execute(
            update(buildings)
            .where(buildings.c.id.in_([int(ids[m]) for m in grid.members]))
            .values(grid_code=new_code)
        )
    result.grids_retired = existing[len(order) :]
    if result.grids_retired:
        # Retired grids keep their unit (and the workers and history on it), not their area.
        conn.execute(
            delete(area_geometries).where(area_geometries.c.code.in_(result.grids_retired))
        )
    polygons = [plan.grids[gi].polygon for gi in order]
    result.cases_rehomed = _rehome_cases(conn, code, codes, polygons, result.grids_retired, now)
    result.households_rehomed = rehome_households(conn, code)
    bump_geo_version(conn)
    result.committed = True
    return result


def _rehome_cases(
    conn: Connection,
    community: str,
    codes: list[str],
    polygons: list[Any],
    retired: list[str],
    now: datetime,
) -> int:
    """Move open cases of the community's grids to the grid now holding their location."""
    rows = (
        conn.execute(
            select(cases).where(
                in_subtree(cases.c.area_code, community),
                cases.c.status.in_([s.value for s in OPEN_STATUSES]),
            )
        )
        .mappings()
        .all()
    )
    tree = shapely.STRtree(polygons) if polygons else None
    moved = 0
    for row in rows:
        current = row["area_code"]
        if len(current) != 15 and not row["outside_grid"]:
            continue  # owned by the community on purpose (escalated), not by a grid
        target = current
        if row["lat"] is not None and tree is not None:
            hits = tree.query(shapely.Point(row["lng"], row["lat"]), predicate="intersects")
            target = codes[int(min(hits))] if len(hits) else community
        elif current in retired:
            target = community
        if target == current:
            continue
        move_case_counts(conn, row, target)
        seq = row["event_count"] + 1
        conn.execute(
            update(cases)
            .where(cases.c.id == row["id"])
            .values(
                area_code=target,
                handler_unit=None,
                outside_grid=target == community,
                event_count=seq,
                updated_at=now,
            )
        )
        conn.execute(
            case_events.insert().values(
                case_id=row["id"],
                province_code=row["province_code"],
                seq=seq,
                action="rehome",
                actor_id=None,
                actor_label="system",
                at=now,
                from_status=row["status"],
                to_status=row["status"],
                area_code=target,
                note=f"grids redrawn: moved from {current} to {target}",
            )
        )
        moved += 1
    return moved
