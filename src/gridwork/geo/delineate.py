"""Balanced, contiguous, compact grids drawn from buildings (recursive weighted bisection).

The community's buildings are split by straight cuts, each placed at the household-weighted
position that gives both sides the right share of grids, along the axis that keeps the parts
compact. Grid polygons are unions of the buildings' Voronoi cells clipped to the community
boundary, so the grids tile the community exactly: no gaps, no overlaps. A building with
more households than the maximum becomes a grid of its own, flagged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from gridwork.geo.projection import LocalMetric

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass
class Grid:
    """One drawn grid: its buildings (indices), households, polygon and any flag."""

    members: IntArray
    households: int
    polygon: BaseGeometry
    flag: str | None = None  # "oversize_building", "below_min", "above_max", "not_contiguous"


@dataclass
class Plan:
    """A delineation and its figures of merit."""

    grids: list[Grid] = field(default_factory=list)

    @property
    def sizes(self) -> NDArray[np.int64]:
        """Households per grid."""
        return np.array([g.households for g in self.grids], dtype=np.int64)

    def summary(self, metric: LocalMetric | None = None) -> dict[str, float | int]:
        """Grids; households min/median/max and coefficient of variation; compactness."""
        sizes = self.sizes
        if not len(sizes):
            return {"grids": 0}
        compact = [polsby_popper(g.polygon, metric) for g in self.grids]
        return {
            "grids": len(sizes),
            "households_min": int(sizes.min()),
            "households_median": float(np.median(sizes)),
            "households_max": int(sizes.max()),
            "households_cv": float(sizes.std() / sizes.mean()) if sizes.mean() else 0.0,
            "compactness_mean": float(np.mean(compact)),
            "contiguous": sum(1 for g in self.grids if g.polygon.geom_type == "Polygon"),
            "flagged": sum(1 for g in self.grids if g.flag),
        }


def polsby_popper(polygon: BaseGeometry, metric: LocalMetric | None = None) -> float:
    """4πA / P²: 1 for a circle, about 0.785 for a square, near 0 for slivers."""
    if metric is not None:
        polygon = shapely.transform(polygon, metric.forward)
    perimeter = polygon.length
    return float(4 * math.pi * polygon.area / perimeter**2) if perimeter else 0.0


def choose_grid_count(total: int, low: int, high: int) -> int:
    """How many grids `total` households make, each within [low, high] if possible."""
    if total <= high:
        return 1
    fewest, most = math.ceil(total / high), total // low
    if fewest <= most:
        return min(max(round(total / ((low + high) / 2)), fewest), most)
    # No count fits both bounds: pick the one that misses by less.
    over = total / most - high if most else math.inf
    under = low - total / fewest
    return most if most and over < under else fewest


def bisect(xy: FloatArray, weight: NDArray[np.int64], idx: IntArray, k: int) -> list[IntArray]:
    """Split `idx` into k groups of near-equal weight by recursive straight cuts."""
    if k <= 1 or len(idx) <= 1:
        return [idx]
    k_left = k // 2
    pts, w = xy[idx], weight[idx]
    total = float(w.sum())
    extent = pts.max(axis=0) - pts.min(axis=0)
    best: tuple[float, IntArray, IntArray] | None = None
    for axis in (0, 1):
        order = np.argsort(pts[:, axis], kind="stable")
        cum = np.cumsum(w[order])
        target = total * k_left / k
        j = int(np.searchsorted(cum, target))
        for cut in {max(1, min(j, len(idx) - 1)), max(1, min(j + 1, len(idx) - 1))}:
            left = float(cum[cut - 1])
            error = abs(left / k_left - (total - left) / (k - k_left)) / (total / k)
            # prefer cutting across the longer side: compact parts
            score = error + (0.0 if extent[axis] >= extent[1 - axis] else 0.04)
            if best is None or score < best[0]:
                best = (score, idx[order[:cut]], idx[order[cut:]])
    assert best is not None
    return bisect(xy, weight, best[1], k_left) + bisect(xy, weight, best[2], k - k_left)


def building_cells(boundary: BaseGeometry, lonlat: FloatArray) -> list[BaseGeometry]:
    """Each building's Voronoi cell clipped to the boundary (cells tile the boundary)."""
    if len(lonlat) == 1:
        return [boundary]
    cells = shapely.voronoi_polygons(shapely.multipoints(lonlat), extend_to=boundary, ordered=True)
    parts = list(shapely.get_parts(cells))
    return list(shapely.intersection(np.array(parts, dtype=object), boundary))


def delineate(
    boundary: BaseGeometry, lonlat: FloatArray, households: NDArray[np.int64], low: int, high: int
) -> Plan:
    """Partition buildings into grids of `low`–`high` households that tile `boundary`."""
    lonlat = np.asarray(lonlat, dtype=np.float64)
    households = np.asarray(households, dtype=np.int64)
    lonlat = _separate_duplicates(lonlat)
    centre = boundary.centroid
    metric = LocalMetric(centre.x, centre.y)
    xy = metric.forward(lonlat)
    everyone = np.arange(len(lonlat))
    big = everyone[households > high]
    rest = everyone[households <= high]
    groups: list[tuple[IntArray, str | None]] = [(np.array([b]), "oversize_building") for b in big]
    if len(rest):
        k = choose_grid_count(int(households[rest].sum()), low, high)
        groups += [(g, None) for g in bisect(xy, households, rest, k)]
    cells = building_cells(boundary, lonlat)
    neighbours = _adjacency(cells)
    movable = [g for g, flag in groups if flag is None]
    _join_stray_parts(movable, households, neighbours)
    _balance(movable, households, neighbours)
    groups = [(g, "oversize_building") for g, flag in groups if flag] + [(g, None) for g in movable]
    plan = Plan()
    for members, flag in groups:
        polygon = shapely.coverage_union_all([cells[i] for i in members])
        size = int(households[members].sum())
        if flag is None and size < low:
            flag = "below_min"
        elif flag is None and size > high:
            flag = "above_max"
        elif polygon.geom_type != "Polygon":
            flag = "not_contiguous"
        plan.grids.append(Grid(members, size, polygon, flag))
    return plan


def _adjacency(cells: list[BaseGeometry]) -> list[set[int]]:
    """Which buildings' cells share an edge (touching at a corner does not count)."""
    neighbours: list[set[int]] = [set() for _ in cells]
    if len(cells) < 2:
        return neighbours
    geoms = np.array(cells, dtype=object)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right]))
    for a, b in zip(left[shared > 0], right[shared > 0], strict=True):
        neighbours[int(a)].add(int(b))
        neighbours[int(b)].add(int(a))
    return neighbours


def _connected(members: set[int], neighbours: list[set[int]]) -> bool:
    if not members:
        return False
    start = next(iter(members))
    seen = {start}
    stack = [start]
    while stack:
        for nb in neighbours[stack.pop()]:
            if nb in members and nb not in seen:
                seen.add(nb)
                stack.append(nb)
    return len(seen) == len(members)


def _components(members: set[int], neighbours: list[set[int]]) -> list[set[int]]:
    left = set(members)
    out = []
    while left:
        start = left.pop()
        part = {start}
        stack = [start]
        while stack:
            for nb in neighbours[stack.pop()]:
                if nb in left:
                    left.discard(nb)
                    part.add(nb)
                    stack.append(nb)
        out.append(part)
    return out


def _join_stray_parts(
    groups: list[IntArray], households: NDArray[np.int64], neighbours: list[set[int]]
) -> None:
    """A cut can strand a few buildings from the rest of their grid: give them to a neighbour."""
    owner = {int(m): gi for gi, g in enumerate(groups) for m in g}
    members = [set(int(m) for m in g) for g in groups]
    for gi in range(len(members)):
        parts = _components(members[gi], neighbours)
        if len(parts) < 2:
            continue
        parts.sort(key=lambda p: -int(households[list(p)].sum()))
        for part in parts[1:]:
            links: dict[int, int] = {}
            for m in part:
                for nb in neighbours[m]:
                    other = owner.get(nb)
                    if other is not None and other != gi:
                        links[other] = links.get(other, 0) + 1
            if not links:
                continue
            target = max(links, key=lambda g: links[g])
            for m in part:
                owner[m] = target
            members[gi] -= part
            members[target] |= part
    for gi, grid in enumerate(members):
        groups[gi] = np.array(sorted(grid), dtype=np.int64)


def _balance(
    groups: list[IntArray], households: NDArray[np.int64], neighbours: list[set[int]]
) -> None:
    """Move border buildings from fuller grids to emptier neighbours while the spread shrinks.

    A move of h households from A to B helps exactly when 0 < h < A − B; a building moves
    only if it borders B and A stays connected without it.
    """
    if len(groups) < 2:
        return
    owner = {int(m): gi for gi, g in enumerate(groups) for m in g}
    members = [set(int(m) for m in g) for g in groups]
    sizes = [int(households[list(m)].sum()) for m in members]
    blocked: set[tuple[int, int]] = set()
    for _ in range(40 * len(groups)):
        best: tuple[int, int, int, int] | None = None  # (gain, building, from, to)
        for a, grid in enumerate(members):
            for m in grid:
                h = int(households[m])
                for nb in neighbours[m]:
                    b = owner.get(nb)
                    if b is None or b == a or (m, b) in blocked:
                        continue
                    gap = sizes[a] - sizes[b]
                    if 0 < h < gap:
                        gain = h * (gap - h)
                        if best is None or gain > best[0]:
                            best = (gain, m, a, b)
        if best is None:
            break
        _, m, a, b = best
        if len(members[a]) > 1 and _connected(members[a] - {m}, neighbours):
            members[a].discard(m)
            members[b].add(m)
            owner[m] = b
            sizes[a] -= int(households[m])
            sizes[b] += int(households[m])
        else:
            blocked.add((m, b))  # moving it would split its grid; try the next best move
    for gi, grid in enumerate(members):
        groups[gi] = np.array(sorted(grid), dtype=np.int64)


def _separate_duplicates(lonlat: FloatArray) -> FloatArray:
    """Nudge buildings that share a point by a millimetre so each gets its own cell."""
    counts = np.unique(lonlat, axis=0, return_counts=True)[1]
    if (counts == 1).all():
        return lonlat
    out = lonlat.copy()
    seen: dict[tuple[float, float], int] = {}
    for i, (x, y) in enumerate(lonlat):
        n = seen.get((x, y), 0)
        seen[(x, y)] = n + 1
        if n:
            out[i] = (x + n * 1e-8, y + n * 1e-8)
    return out
