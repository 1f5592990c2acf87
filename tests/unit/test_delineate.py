from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely import box
from shapely.geometry import Polygon

from gridwork.geo.delineate import choose_grid_count, delineate

BOUNDARY = box(106.60, 26.60, 106.62, 26.62)


def random_buildings(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lonlat = np.column_stack([106.60 + rng.random(n) * 0.02, 26.60 + rng.random(n) * 0.02])
    return lonlat, rng.integers(12, 130, n)


def assert_tiles(boundary: Polygon, polygons: list[Polygon]) -> None:
    union = shapely.union_all(polygons)
    assert union.symmetric_difference(boundary).area < 1e-12
    assert abs(sum(p.area for p in polygons) - boundary.area) < 1e-12  # no overlaps


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grids_are_balanced_contiguous_and_tile_the_community(seed: int) -> None:
    lonlat, households = random_buildings(400, seed)
    plan = delineate(BOUNDARY, lonlat, households, 300, 500)
    sizes = plan.sizes
    assert sizes.sum() == households.sum()
    assert sizes.min() >= 300 and sizes.max() <= 500
    assert sizes.std() / sizes.mean() <= 0.10
    assert all(g.polygon.geom_type == "Polygon" for g in plan.grids)
    assert_tiles(BOUNDARY, [g.polygon for g in plan.grids])
    members = np.concatenate([g.members for g in plan.grids])
    assert sorted(members.tolist()) == list(range(400))  # every building in exactly one grid


def test_a_building_above_the_maximum_is_its_own_flagged_grid() -> None:
    lonlat, households = random_buildings(60, 4)
    households[7] = 900
    plan = delineate(BOUNDARY, lonlat, households, 300, 500)
    alone = [g for g in plan.grids if 7 in g.members]
    assert len(alone) == 1 and alone[0].members.tolist() == [7]
    assert alone[0].flag == "oversize_building"


def test_buildings_sharing_a_point_are_kept_apart() -> None:
    lonlat = np.array([[106.61, 26.61], [106.61, 26.61], [106.605, 26.605]])
    plan = delineate(BOUNDARY, lonlat, np.array([200, 200, 200]), 300, 500)
    assert sum(len(g.members) for g in plan.grids) == 3
    assert_tiles(BOUNDARY, [g.polygon for g in plan.grids])


@pytest.mark.parametrize(("total", "count"), [(250, 1), (500, 1), (800, 2), (4000, 10), (550, 2)])
def test_the_number_of_grids_keeps_sizes_in_bounds_when_it_can(total: int, count: int) -> None:
    assert choose_grid_count(total, 300, 500) == count


def test_a_small_community_is_one_grid_flagged_below_min() -> None:
    lonlat, _ = random_buildings(3, 5)
    plan = delineate(BOUNDARY, lonlat, np.array([50, 60, 70]), 300, 500)
    assert len(plan.grids) == 1 and plan.grids[0].flag == "below_min"
    assert plan.grids[0].polygon.equals(BOUNDARY)
