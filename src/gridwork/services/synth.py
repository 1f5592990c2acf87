"""`synthesize_city`: lay out a synthetic district under a real unit and store it in bulk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from gridwork.domain.areas import Kind, Level, is_valid_code
from gridwork.domain.errors import InvalidInput, NotFound
from gridwork.geo.geojson import to_geojson
from gridwork.geo.synth import City, Street, generate_city
from gridwork.services.area_counts import rebuild_counts
from gridwork.services.clock import utcnow
from gridwork.services.geometry import bump_geo_version
from gridwork.services.synth_people import clear_people, populate
from gridwork.store.bulk import bulk_insert, column_names, db_timestamp
from gridwork.store.scope import in_subtree
from gridwork.store.tables import area_geometries, areas, buildings

MAX_RESIDENTS = 50_000_000
GEOMETRY_COLUMNS = column_names(area_geometries)
BUILDING_COLUMNS = (
    "province_code",
    "community_code",
    "grid_code",
    "external_id",
    "lon",
    "lat",
    "floors",
    "households",
    "created_at",
)
AREA_COLUMNS = column_names(areas)


@dataclass
class SynthReport:
    """What was generated."""

    streets: int = 0
    communities: int = 0
    invented_communities: int = 0
    buildings: int = 0
    households: int = 0
    grids: int = 0
    grids_flagged: int = 0
    residents: int = 0
    flags: int = 0
    visits_due: int = 0


def _streets(conn: Connection, code: str) -> list[Street]:
    level = conn.execute(select(areas.c.level).where(areas.c.code == code)).scalar_one_or_none()
    if level is None or not is_valid_code(code):
        raise NotFound(f"no area {code}")
    if level not in (Level.DISTRICT.value, Level.STREET.value):
        raise InvalidInput(f"{code} is a {level}; synthesise a district or a street")
    rows = conn.execute(
        select(areas.c.code, areas.c.name, areas.c.level)
        .where(in_subtree(areas.c.code, code), areas.c.level.in_(["street", "community"]))
        .order_by(areas.c.code)
    ).all()
    streets = {r.code: Street(r.code, r.name, []) for r in rows if r.level == "street"}
    for r in rows:
        if r.level == "community":
            streets[r.code[:9]].communities.append((r.code, r.name))
    return list(streets.values())


def synthesize_city(
    conn: Connection,
    code: str,
    residents: int,
    seed: int,
    centre: tuple[float, float],
    *,
    progress: Callable[[int], None] | None = None,
    people: bool = True,
) -> SynthReport:
    """Replace the unit's geometry, buildings and registry with a generated district (with
    households and residents unless `people` is False); all or nothing.

    `progress` counts households: once while laying out, once more while filling them.
    """
    if not 1 <= residents <= MAX_RESIDENTS:
        raise InvalidInput(f"residents must be from 1 to {MAX_RESIDENTS:,}", field="residents")
    streets = _streets(conn, code)
    city = generate_city(streets, residents, seed, centre, progress=progress)
    clear_people(conn, code)
    report = _store(conn, code, city)
    if people:
        filled = populate(conn, code, seed, now=utcnow(), progress=progress)
        report.residents, report.flags = filled.residents, filled.flags
        report.visits_due = filled.visits_due
    return report


def _store(conn: Connection, code: str, city: City) -> SynthReport:
    now = utcnow()
    stamp = db_timestamp(conn, now)
    report = SynthReport(streets=len(city.streets), communities=len(city.communities))
    conn.execute(delete(buildings).where(in_subtree(buildings.c.community_code, code)))
    conn.execute(delete(area_geometries).where(in_subtree(area_geometries.c.code, code)))
    existing_grids: dict[str, list[str]] = {}
    for grid_code in conn.execute(
        select(areas.c.code)
        .where(in_subtree(areas.c.code, code), areas.c.level == Level.GRID.value)
        .order_by(areas.c.code)
    ).scalars():
        existing_grids.setdefault(grid_code[:12], []).append(grid_code)
    new_areas: list[tuple[object, ...]] = []
    geometries: list[tuple[object, ...]] = []
    houses: list[tuple[object, ...]] = []

    def geometry_row(unit: str, geometry: object) -> tuple[object, ...]:
        minx, miny, maxx, maxy = geometry.bounds  # type: ignore[attr-defined]
        return (unit, to_geojson(geometry), minx, miny, maxx, maxy, stamp)

    if code not in {street for street, _ in city.streets}:  # a street is its own unit
        geometries.append(geometry_row(code, city.unit_boundary))
    for street_code, polygon in city.streets:
        geometries.append(geometry_row(street_code, polygon))
    for community in city.communities:
        if community.invented:
            report.invented_communities += 1
            new_areas.append(
                (
                    community.code,
                    community.name,
                    Level.COMMUNITY.value,
                    Kind.COMMUNITY.value,
                    community.code[:9],
                    False,
                    community.code[:2],
                    stamp,
                    stamp,
                )
            )
        geometries.append(geometry_row(community.code, community.boundary))
        if community.plan is None:
            continue
        old = existing_grids.get(community.code, [])
        serial = int(old[-1][-3:]) + 1 if old else 1
        for index, grid in enumerate(community.plan.grids):
            if index < len(old):
                grid_code = old[index]
            else:
                grid_code = f"{community.code}{serial:03d}"
                serial += 1
                new_areas.append(
                    (
                        grid_code,
                        f"网格{grid_code[-3:]}",
                        Level.GRID.value,
                        Kind.GRID.value,
                        community.code,
                        False,
                        grid_code[:2],
                        stamp,
                        stamp,
                    )
                )
            geometries.append(geometry_row(grid_code, grid.polygon))
            report.grids += 1
            report.grids_flagged += grid.flag is not None
            for number, m in enumerate(grid.members, start=1):
                # building code: grid code + 5 digits, as the grid-code standards number them
                houses.append(
                    (
                        community.code[:2],
                        community.code,
                        grid_code,
                        f"{grid_code}{number:05d}",
                        float(community.lonlat[m, 0]),
                        float(community.lonlat[m, 1]),
                        int(community.floors[m]),
                        int(community.households[m]),
                        stamp,
                    )
                )
                report.households += int(community.households[m])
    report.buildings = len(houses)
    # Invented communities first, then their grids: parents before children.
    new_areas.sort(key=lambda row: len(str(row[0])))
    bulk_insert(conn, areas, AREA_COLUMNS, new_areas)
    bulk_insert(conn, area_geometries, GEOMETRY_COLUMNS, geometries)
    bulk_insert(conn, buildings, BUILDING_COLUMNS, houses)
    rebuild_counts(conn)
    bump_geo_version(conn)
    return report
