"""Routing: 30,000 grids and 1,000,000 points, the index against shapely's STRtree.

Baseline: `STRtree.query(points, predicate="intersects")` on the same polygons and points
in the same run (reduced to the lowest grid per point, the index's rule on shared edges).
Then a real `gridwork serve` answers single-point GET /api/v1/locate requests.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import numpy as np
import shapely
from sqlalchemy import select

from benchmarks.layouts import random_points, voronoi_grids
from benchmarks.server import serving
from gridwork.geo.geojson import to_geojson
from gridwork.geo.index import NO_GRID, TiledGridIndex, release_freed_memory
from gridwork.services.area_counts import rebuild_counts
from gridwork.services.geometry import bump_geo_version
from gridwork.store.bulk import bulk_insert, column_names, db_timestamp
from gridwork.store.engine import make_engine
from gridwork.store.tables import area_geometries, areas

COMMUNITIES, PER_COMMUNITY, POINTS = 1_000, 30, 1_000_000
SINGLE_REQUESTS = 2_000


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def in_memory() -> list[tuple[int, int, object, object]]:
    """Bulk routing in process: build both, time both, compare every answer."""
    layout = voronoi_grids(COMMUNITIES, PER_COMMUNITY, seed=11)
    polygons = [g[3] for g in layout]
    lon, lat = random_points(layout, POINTS, seed=12)
    release_freed_memory()
    rss_polygons = _rss_mb(os.getpid())
    started = time.perf_counter()
    index = TiledGridIndex(polygons)
    build = time.perf_counter() - started
    release_freed_memory()
    rss_index = _rss_mb(os.getpid()) - rss_polygons
    started = time.perf_counter()
    tree = shapely.STRtree(polygons)
    tree_build = time.perf_counter() - started
    ours, theirs = [], []
    for _ in range(3):
        started = time.perf_counter()
        found = index.locate_many(lon, lat)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        pts, polys = tree.query(shapely.points(lon, lat), predicate="intersects")
        reference = np.full(POINTS, 2**62, dtype=np.int64)
        np.minimum.at(reference, pts, polys)
        reference[reference == 2**62] = NO_GRID
        theirs.append(time.perf_counter() - started)
    mismatches = int((found != reference).sum())
    best_ours, best_theirs = min(ours), min(theirs)
    print(f"routing, {len(polygons):,} grids, {POINTS:,} points (best of 3)")
    print(
        f"  build: index {build:.2f} s, STRtree {tree_build:.2f} s; index arrays {index.nbytes() / 2**20:.1f} MiB,"
        f" process memory +{rss_index:.0f} MiB once built (goal < 100 MB)"
    )
    print(
        f"  STRtree bulk intersects   {best_theirs:>7.3f} s  {POINTS / best_theirs:>12,.0f} points/s  (baseline)"
    )
    print(
        f"  gridwork index            {best_ours:>7.3f} s  {POINTS / best_ours:>12,.0f} points/s"
        f"  ratio {best_theirs / best_ours:.1f}x the baseline (goal ≥ 10x)"
    )
    print(f"  answers differing from the exact test: {mismatches} (goal 0)")
    return layout


def over_http(db: Path, layout: list[tuple[int, int, object, object]]) -> None:
    """Store the grids under real communities, serve them, time single-point requests."""
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    with engine.begin() as conn:
        communities = list(
            conn.execute(
                select(areas.c.code)
                .where(areas.c.level == "community")
                .order_by(areas.c.code)
                .limit(COMMUNITIES)
            ).scalars()
        )
        stamp = db_timestamp(conn, datetime.now(UTC))
        grid_rows, geo_rows = [], []
        for c, g, frame, polygon in layout:
            code = f"{communities[c]}{g + 1:03d}"
            grid_rows.append(
                (
                    code,
                    f"网格{g + 1:03d}",
                    "grid",
                    "grid",
                    communities[c],
                    False,
                    code[:2],
                    stamp,
                    stamp,
                )
            )
            b = polygon.bounds  # type: ignore[attr-defined]
            geo_rows.append((code, to_geojson(polygon), *b, stamp))  # type: ignore[arg-type]
            if g == 0:
                fb = frame.bounds  # type: ignore[attr-defined]
                geo_rows.append((communities[c], to_geojson(frame), *fb, stamp))  # type: ignore[arg-type]
        bulk_insert(
            conn,
            areas,
            column_names(areas),
            grid_rows,
        )
        bulk_insert(
            conn,
            area_geometries,
            column_names(area_geometries),
            geo_rows,
        )
        rebuild_counts(conn)
        bump_geo_version(conn)
    engine.dispose()
    with serving(url) as (base, pid):
        rss_before = _rss_mb(pid)
        lon, lat = random_points(layout, SINGLE_REQUESTS, seed=13)
        with httpx.Client(base_url=base, timeout=60) as client:
            started = time.perf_counter()
            client.get(f"/api/v1/locate?lat={lat[0]}&lng={lon[0]}")
            first = time.perf_counter() - started
            rss_after = _rss_mb(pid)
            health, single = [], []
            for x, y in zip(lon, lat, strict=True):
                started = time.perf_counter()
                client.get("/healthz")
                health.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                response = client.get(f"/api/v1/locate?lat={y}&lng={x}")
                single.append((time.perf_counter() - started) * 1000)
                assert response.status_code in (200, 422)
    q = statistics.quantiles
    print(f"  GET /api/v1/locate over HTTP ({SINGLE_REQUESTS:,} sequential requests, 30,000 grids)")
    print(f"    first request (builds the index from the database): {first:.2f} s")
    print(
        f"    /healthz baseline  p50 {statistics.median(health):.2f} ms  p99 {q(health, n=100)[98]:.2f} ms"
    )
    print(
        f"    /api/v1/locate     p50 {statistics.median(single):.2f} ms  p99 {q(single, n=100)[98]:.2f} ms"
        f"  (goal p99 < 5 ms; p50 {statistics.median(single) / statistics.median(health):.1f}x baseline)"
    )
    print(
        f"    server resident memory: {rss_before:.0f} MiB before the index, {rss_after:.0f} MiB after"
    )


def run(national_db: Path | None = None) -> None:
    """Both parts; the HTTP part needs the imported country (for real community codes)."""
    layout = in_memory()
    if national_db is not None:
        over_http(national_db, layout)
