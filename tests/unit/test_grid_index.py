"""The routing index answers exactly as shapely's closed `intersects` test, lowest index on ties."""

from __future__ import annotations

import numpy as np
import shapely
import shapely.affinity
from shapely import box
from shapely.geometry import MultiPolygon, Polygon

from gridwork.geo.index import NO_GRID, GridIndex


def reference(polygons: list[Polygon], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    tree = shapely.STRtree(polygons)
    pts, polys = tree.query(shapely.points(x, y), predicate="intersects")
    best = np.full(len(x), 2**62, dtype=np.int64)
    np.minimum.at(best, pts, polys)
    best[best == 2**62] = NO_GRID
    return best


def voronoi_cells(n: int, seed: int) -> list[Polygon]:
    rng = np.random.default_rng(seed)
    frame = box(0, 0, 1, 1)
    seeds = shapely.multipoints(rng.random((n, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    return [c.intersection(frame) for c in cells]


def test_random_points_match_the_exact_test() -> None:
    polygons = voronoi_cells(400, seed=3)
    rng = np.random.default_rng(4)
    x, y = rng.uniform(-0.1, 1.1, 200_000), rng.uniform(-0.1, 1.1, 200_000)
    index = GridIndex(polygons)
    assert np.array_equal(index.locate_many(x, y), reference(polygons, x, y))


def test_points_on_vertices_and_shared_edges_go_to_the_lowest_index() -> None:
    polygons = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 1, 2), box(1, 1, 2, 2)]
    index = GridIndex(polygons)
    x = np.array([1.0, 1.0, 0.5, 1.5, 1.0, 2.0, 0.0, 2.0, 0.5])
    y = np.array([0.5, 1.0, 1.0, 1.0, 1.5, 2.0, 0.0, 1.5, 2.0])
    found = index.locate_many(x, y)
    assert list(found) == [0, 0, 0, 1, 2, 3, 0, 3, 2]
    assert np.array_equal(found, reference(polygons, x, y))


def test_points_aligned_with_vertices_are_still_exact() -> None:
    """Points on the same horizontal or vertical line as many vertices (degenerate rays)."""
    polygons = [box(i, j, i + 1, j + 1) for i in range(10) for j in range(10)]
    xs, ys = np.meshgrid(np.linspace(-0.5, 10.5, 221), np.linspace(-0.5, 10.5, 221))
    x, y = xs.ravel(), ys.ravel()
    index = GridIndex(polygons)
    assert np.array_equal(index.locate_many(x, y), reference(polygons, x, y))


def test_holes_and_multipolygons() -> None:
    donut = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (3, 1), (3, 3), (1, 3)]])
    islands = MultiPolygon([box(1.2, 1.2, 1.8, 1.8), box(2.2, 2.2, 2.8, 2.8)])
    polygons = [donut, islands]
    rng = np.random.default_rng(5)
    x, y = rng.uniform(-1, 5, 50_000), rng.uniform(-1, 5, 50_000)
    index = GridIndex(polygons)
    found = index.locate_many(x, y)
    assert np.array_equal(found, reference(polygons, x, y))
    assert {0, 1, NO_GRID} == set(found.tolist())


def test_an_empty_index_finds_nothing() -> None:
    index = GridIndex([])
    assert list(index.locate_many(np.array([0.5]), np.array([0.5]))) == [NO_GRID]


def test_points_outside_the_extent_find_nothing() -> None:
    index = GridIndex([box(0, 0, 1, 1)])
    found = index.locate_many(np.array([-5.0, 5.0, 0.5]), np.array([0.5, 0.5, 0.5]))
    assert list(found) == [NO_GRID, NO_GRID, 0]


def test_the_tiled_index_answers_like_the_exact_test_across_distant_cities() -> None:
    from gridwork.geo.index import TiledGridIndex

    near = [shapely.affinity.translate(p, 106.0, 26.0) for p in voronoi_cells(150, seed=8)]
    far = [shapely.affinity.translate(p, 116.0, 39.5) for p in voronoi_cells(150, seed=9)]
    polygons = near + far  # two cities a thousand kilometres apart, straddling tile edges
    rng = np.random.default_rng(10)
    x = np.concatenate([rng.uniform(105.9, 107.1, 40_000), rng.uniform(115.9, 117.1, 40_000)])
    y = np.concatenate([rng.uniform(25.9, 27.1, 40_000), rng.uniform(39.4, 40.6, 40_000)])
    index = TiledGridIndex(polygons)
    assert len(index.tiles) >= 4
    assert np.array_equal(index.locate_many(x, y), reference(polygons, x, y))
    assert list(index.locate_many(x[:1], y[:1])) == list(reference(polygons, x[:1], y[:1]))
