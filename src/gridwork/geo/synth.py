"""A synthetic district, deterministically: street and community boundaries, compounds of
buildings with floors and households, and grids delineated from them.

Calibration (shared/reference/data-and-calibration.md): about 30,000 residents per km² in a
dense district, 2.62 people per household, grids of 300–500 households.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely import box
from shapely.geometry.base import BaseGeometry

from gridwork.geo.delineate import Plan, delineate
from gridwork.geo.projection import LocalMetric

DENSITY_PER_KM2 = 30_000
PEOPLE_PER_HOUSEHOLD = 2.62
HOUSEHOLDS_PER_INVENTED_COMMUNITY = 3_000
# (floors, households per floor, share of buildings): walk-ups, mid-rise, high-rise
BUILDING_TYPES = ((6, 2, 0.35), (11, 4, 0.25), (18, 4, 0.25), (26, 4, 0.10), (33, 6, 0.05))
COMPOUND_SIZE = 12  # buildings per residential compound (小区)
COMPOUND_SPREAD_M = 60.0


@dataclass
class Street:
    """A street (街道) of the unit and the communities it already has."""

    code: str
    name: str
    communities: list[tuple[str, str]]  # (code, name)


@dataclass
class Community:
    """A generated community: its boundary, buildings and grids."""

    code: str
    name: str
    invented: bool
    boundary: BaseGeometry
    lonlat: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 2)))
    floors: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    households: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    plan: Plan | None = None


@dataclass
class City:
    """Everything generated for a unit."""

    unit_boundary: BaseGeometry
    streets: list[tuple[str, BaseGeometry]]
    communities: list[Community]


def _scatter(rng: np.random.Generator, polygon: BaseGeometry, n: int) -> NDArray[np.float64]:
    """`n` uniform random points inside `polygon` (rejection sampling in its bounds)."""
    minx, miny, maxx, maxy = polygon.bounds
    out: list[NDArray[np.float64]] = []
    have = 0
    shapely.prepare(polygon)
    while have < n:
        want = max(2 * (n - have), 16)
        xs = rng.uniform(minx, maxx, want)
        ys = rng.uniform(miny, maxy, want)
        keep = shapely.contains_xy(polygon, xs, ys)
        out.append(np.column_stack((xs[keep], ys[keep])))
        have += int(keep.sum())
    return np.vstack(out)[:n]


def _voronoi_split(rng: np.random.Generator, polygon: BaseGeometry, n: int) -> list[BaseGeometry]:
    """Cut `polygon` into `n` parts around random seeds (parts ordered west → east)."""
    if n <= 1:
        return [polygon]
    seeds = _scatter(rng, polygon, n)
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=polygon, ordered=True)
    parts = [c.intersection(polygon) for c in shapely.get_parts(cells)]
    parts = [
        p if p.geom_type == "Polygon" else max(shapely.get_parts(p), key=lambda q: q.area)
        for p in parts
    ]
    return sorted(parts, key=lambda p: (p.centroid.x, p.centroid.y))


def _buildings(
    rng: np.random.Generator, polygon: BaseGeometry, households: int, metric: LocalMetric
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Buildings in compounds until `households` are housed: (lonlat, floors, households)."""
    kinds = np.array([(f, h) for f, h, _ in BUILDING_TYPES], dtype=np.int64)
    shares = np.array([s for _, _, s in BUILDING_TYPES])
    mean = float((kinds[:, 0] * kinds[:, 1] * shares).sum())
    count = max(1, math.ceil(households / mean * 1.2))
    chosen = kinds[rng.choice(len(kinds), size=count, p=shares)]
    while int((chosen[:, 0] * chosen[:, 1]).sum()) < households:
        more = kinds[rng.choice(len(kinds), size=count, p=shares)]
        chosen = np.vstack((chosen, more))
    per = chosen[:, 0] * chosen[:, 1]
    cut = int(np.searchsorted(np.cumsum(per), households)) + 1
    chosen, per = chosen[:cut], per[:cut].copy()
    per[-1] -= int(per.sum()) - households  # the last building houses the remainder
    keep = per > 0
    chosen, per = chosen[keep], per[keep]
    n = len(per)
    centres = _scatter(rng, polygon, max(1, n // COMPOUND_SIZE))
    home = rng.integers(0, len(centres), n)
    offsets = rng.normal(0.0, COMPOUND_SPREAD_M, (n, 2))
    xy = metric.forward(centres)[home] + offsets
    lonlat = metric.inverse(xy)
    outside = ~shapely.contains_xy(polygon, lonlat[:, 0], lonlat[:, 1])
    if outside.any():
        lonlat[outside] = _scatter(rng, polygon, int(outside.sum()))
    return lonlat, chosen[:, 0], per


def generate_city(
    streets: list[Street],
    residents: int,
    seed: int,
    centre: tuple[float, float],
    *,
    low: int = 300,
    high: int = 500,
    progress: Callable[[int], None] | None = None,
) -> City:
    """A district for `residents` people laid out around `centre` (lon, lat)."""
    if not streets:
        raise ValueError("the unit has no streets to lay out")
    rng = np.random.default_rng(seed)
    metric = LocalMetric(*centre)
    side_m = math.sqrt(residents / DENSITY_PER_KM2) * 1000.0
    corner = metric.inverse(np.array([[-side_m / 2, -side_m / 2], [side_m / 2, side_m / 2]]))
    unit = box(corner[0, 0], corner[0, 1], corner[1, 0], corner[1, 1])
    households_total = round(residents / PEOPLE_PER_HOUSEHOLD)
    street_parts = _voronoi_split(rng, unit, len(streets))
    city = City(unit, [], [])
    for street, part in zip(streets, street_parts, strict=True):
        city.streets.append((street.code, part))
        share = round(households_total * part.area / unit.area)
        names = list(street.communities)
        invented = not names
        if invented:
            count = max(1, round(share / HOUSEHOLDS_PER_INVENTED_COMMUNITY))
            names = [
                (f"{street.code}{n:03d}", f"{street.name}合成社区{n}") for n in range(1, count + 1)
            ]
        for (code, name), piece in zip(names, _voronoi_split(rng, part, len(names)), strict=True):
            city.communities.append(Community(code, name, invented, piece))
    for community in city.communities:
        households = round(households_total * community.boundary.area / unit.area)
        if households <= 0:
            continue
        lonlat, floors, per = _buildings(rng, community.boundary, households, metric)
        community.lonlat, community.floors, community.households = lonlat, floors, per
        community.plan = delineate(community.boundary, lonlat, per, low, high)
        if progress is not None:
            progress(households)
    return city
