"""Dashboards cost the same at any scale: a two-year history of 100,000 and of 10,000,000
cases over the synthetic Guanshanhu district, and the stats of the city, the district, a
community and a grid over real HTTP.

The history is simulated case by case (grid, day, category and outcome drawn at random)
and aggregated into the counters exactly as the live counting would store them; dashboards
read only the counters, so this is what they see. Baseline: GET /healthz on the same server.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx2 as httpx
import numpy as np
from sqlalchemy import select

from benchmarks.server import serving
from gridwork.domain.rollups import COUNTERS
from gridwork.services.area_import import import_areas
from gridwork.services.demo import packaged_divisions
from gridwork.services.synth import synthesize_city
from gridwork.services.users import create_user
from gridwork.store.bulk import analyze, bulk_insert
from gridwork.store.engine import begin_write, make_engine
from gridwork.store.migrate import upgrade
from gridwork.store.tables import areas, case_counts, case_counts_monthly, categories

SECRET = "benchmark-secret-key-0123456789"
DAYS = 730
REQUESTS = 200
LAST_DAY = date(2026, 11, 22)
# Shares of each outcome among cases (rough, for realistic rates; not calibrated figures).
OUTCOMES = {
    "accepted": 0.96,
    "responded_on_time": 0.93,
    "rejected": 0.04,
    "resolved": 0.92,
    "closed": 0.90,
    "closed_on_time": 0.85,
    "returned": 0.05,
    "escalated": 0.06,
    "reopened": 0.01,
    "rating_count": 0.60,
}


def _history(
    cases: int, grids: list[str], cats: list[str], seed: int
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Counter rows for `cases` simulated cases, at every unit from grid to province."""
    rng = np.random.default_rng(seed)
    grid = rng.integers(0, len(grids), cases)
    day = rng.integers(0, DAYS, cases)
    cat = rng.integers(0, len(cats), cases)
    columns = {"received": np.ones(cases, dtype=np.int64)}
    for name, share in OUTCOMES.items():
        columns[name] = (rng.random(cases) < share).astype(np.int64)
    ratings = rng.choice([1, 2, 3, 4, 5], cases, p=[0.02, 0.02, 0.06, 0.25, 0.65])
    columns["rating_sum"] = ratings * columns["rating_count"]
    columns["satisfied"] = (ratings >= 4) * columns["rating_count"]
    first = LAST_DAY - timedelta(days=DAYS - 1)
    dates = [first + timedelta(days=d) for d in range(DAYS)]
    month_starts = sorted({d.replace(day=1) for d in dates})
    month_of_day = np.array([month_starts.index(d.replace(day=1)) for d in dates])
    daily: list[tuple[object, ...]] = []
    monthly: list[tuple[object, ...]] = []
    for length in (15, 12, 9, 6, 4, 2):  # grid, community, street, district, city, province
        names = sorted({g[:length] for g in grids})
        unit_of_grid = np.array([names.index(g[:length]) for g in grids])
        for periods, labels, rows in (
            (day, [str(d) for d in dates], daily),
            (month_of_day[day], [str(m) for m in month_starts], monthly),
        ):
            span = len(labels)
            level_key = (unit_of_grid[grid] * span + periods) * len(cats) + cat
            unique, inverse = np.unique(level_key, return_inverse=True)
            summed = np.column_stack(
                [np.bincount(inverse, weights=columns[n]).astype(np.int64) for n in COUNTERS]
            )
            units = unique // (span * len(cats))
            at = (unique // len(cats)) % span
            kinds = unique % len(cats)
            for u, d, c, values in zip(
                units.tolist(), at.tolist(), kinds.tolist(), summed.tolist(), strict=True
            ):
                rows.append((names[u], labels[d], cats[c], *values))
    return daily, monthly


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def _measure(cases: int, folder: Path) -> dict[str, float]:
    url = f"sqlite:///{folder / f'stats-{cases}.db'}"
    upgrade(url)
    engine = make_engine(url)
    with begin_write(engine) as conn:
        import_areas(conn, packaged_divisions())
        synthesize_city(conn, "520115", 600_000, 7, (106.63, 26.65), people=False)
        grids = list(
            conn.execute(
                select(areas.c.code)
                .where(areas.c.level == "grid", areas.c.code.like("520115%"))
                .order_by(areas.c.code)
            ).scalars()
        )
        cats = list(conn.execute(select(categories.c.code).order_by(categories.c.code)).scalars())
        started = time.perf_counter()
        rows, monthly = _history(cases, grids, cats, seed=cases)
        bulk_insert(conn, case_counts, ("area_code", "day", "category_code", *COUNTERS), rows)
        bulk_insert(
            conn,
            case_counts_monthly,
            ("area_code", "month", "category_code", *COUNTERS),
            monthly,
        )
        analyze(conn, [case_counts, case_counts_monthly])
        create_user(conn, "bench", "bench-password", "city_admin", "5201")
        built = time.perf_counter() - started
    engine.dispose()
    print(f"{cases:>12,} cases: {len(rows):,} counter rows, built in {built:.1f} s")
    units = {
        "city 5201": "5201",
        "district 520115": "520115",
        f"community {grids[0][:12]}": grids[0][:12],
        f"grid {grids[0]}": grids[0],
    }
    window = f"from={LAST_DAY - timedelta(days=DAYS - 1)}&to={LAST_DAY}"
    result: dict[str, float] = {}
    with (
        serving(url, secret_key=SECRET) as (base, _pid),
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        token = client.post(
            "/api/v1/auth/token", data={"username": "bench", "password": "bench-password"}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        health = []
        for _ in range(REQUESTS):
            t = time.perf_counter()
            client.get("/healthz")
            health.append((time.perf_counter() - t) * 1000)
        print(f"  /healthz baseline p95 {_p95(health):.1f} ms")
        for label, code in units.items():
            times = []
            for _ in range(REQUESTS):
                t = time.perf_counter()
                response = client.get(f"/api/v1/areas/{code}/stats?{window}")
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, response.text[:200]
            received = response.json()["totals"]["received"]
            result[label] = _p95(times)
            print(f"  {label:<28} two years, {received:>10,} received: p95 {_p95(times):6.1f} ms")
    return result


def run() -> None:
    """The two sizes and the ratio of their times."""
    folder = Path(tempfile.mkdtemp(prefix="gridwork-bench-stats-"))
    small = _measure(100_000, folder)
    large = _measure(10_000_000, folder)
    print("ratio of p95 at 10,000,000 to 100,000 cases (goal ≤ 1.5; each p95 goal < 20 ms):")
    for label in small:
        print(f"  {label:<28} {large[label] / small[label]:.2f}")
