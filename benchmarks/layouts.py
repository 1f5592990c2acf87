"""Synthetic grid layouts for the routing benchmark: communities of Voronoi grids."""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely import box
from shapely.geometry.base import BaseGeometry

WEST, SOUTH = 100.0, 30.0  # away from the demo district, so the two never overlap
COMMUNITY_DEG = 0.012  # about 1.2 km × 1.3 km


def voronoi_grids(
    communities: int, per_community: int, seed: int
) -> list[tuple[int, int, BaseGeometry, BaseGeometry]]:
    """(community index, grid index, community box, grid polygon), communities in a square."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(communities)))
    out = []
    for c in range(communities):
        x0 = WEST + (c % side) * COMMUNITY_DEG
        y0 = SOUTH + (c // side) * COMMUNITY_DEG
        frame = box(x0, y0, x0 + COMMUNITY_DEG, y0 + COMMUNITY_DEG)
        seeds = np.column_stack(
            (
                x0 + rng.random(per_community) * COMMUNITY_DEG,
                y0 + rng.random(per_community) * COMMUNITY_DEG,
            )
        )
        cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, ordered=True)
        for g, cell in enumerate(shapely.get_parts(cells)):
            out.append((c, g, frame, cell.intersection(frame)))
    return out


def random_points(
    grids: list[tuple[int, int, BaseGeometry, BaseGeometry]], n: int, seed: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """`n` uniform points over the layout's extent (with a margin outside it)."""
    bounds = shapely.total_bounds([g[3] for g in grids])
    rng = np.random.default_rng(seed)
    margin = 0.002
    lon = rng.uniform(bounds[0] - margin, bounds[2] + margin, n)
    lat = rng.uniform(bounds[1] - margin, bounds[3] + margin, n)
    return lon, lat
