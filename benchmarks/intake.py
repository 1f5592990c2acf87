"""Intake under load: POST /api/v1/cases (validation, routing a point to its grid, writing
the case and its event) at 32 concurrent connections, against the trivial GET /api/v1/ping
of the same server in the same run, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx2 as httpx
import numpy as np
import psycopg
from sqlalchemy import select

from benchmarks.server import serving
from gridwork.store.engine import make_engine
from gridwork.store.tables import buildings

CONCURRENCY = 32
SECONDS = 8.0
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


async def _load(
    base: str, method: str, path: str, points: np.ndarray | None
) -> tuple[int, list[float]]:
    latencies: list[float] = []
    done = 0
    deadline = time.perf_counter() + SECONDS
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker(w: int) -> None:
            nonlocal done
            n = 0
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                if method == "GET":
                    response = await client.get(path)
                else:
                    assert points is not None
                    lon, lat = points[(w * 7919 + n) % len(points)]
                    n += 1
                    response = await client.post(
                        path,
                        json={
                            "category": "road",
                            "description": f"bench {w}-{n}",
                            "lat": float(lat),
                            "lng": float(lon),
                        },
                    )
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code in (200, 201), response.text[:200]
                done += 1

        await asyncio.gather(*(worker(w) for w in range(CONCURRENCY)))
    return done, latencies


def _measure(url: str, label: str) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:
        points = np.array(conn.execute(select(buildings.c.lon, buildings.c.lat).limit(2000)).all())
    engine.dispose()
    with serving(url, secret_key="benchmark-secret-key-0123456789") as (base, _pid):
        httpx.post(
            f"{base}/api/v1/cases",
            json={
                "category": "road",
                "description": "warm up",
                "lat": float(points[0][1]),
                "lng": float(points[0][0]),
            },
        )
        ping_n, ping_lat = asyncio.run(_load(base, "GET", "/api/v1/ping", None))
        take_n, take_lat = asyncio.run(_load(base, "POST", "/api/v1/cases", points))
    q = statistics.quantiles
    ping_rate, take_rate = ping_n / SECONDS, take_n / SECONDS
    print(f"  {label}")
    print(
        f"    GET /api/v1/ping (baseline) {ping_rate:>8,.0f} req/s  p50 {statistics.median(ping_lat):6.1f} ms  p99 {q(ping_lat, n=100)[98]:6.1f} ms"
    )
    print(
        f"    POST /api/v1/cases          {take_rate:>8,.0f} req/s  p50 {statistics.median(take_lat):6.1f} ms  p99 {q(take_lat, n=100)[98]:6.1f} ms"
        f"  ratio {take_rate / ping_rate:.2f} of the baseline (goal ≥ 0.5, p99 < 50 ms)"
    )


def _seed_demo(url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "gridwork", "demo"],
        check=True,
        capture_output=True,
        env={**os.environ, "GRIDWORK_DATABASE_URL": url},
    )


def run() -> None:
    """Both backends, each with the demo world (routing needs its grids)."""
    print(f"intake at {CONCURRENCY} concurrent connections, {SECONDS:.0f} s per endpoint")
    folder = Path(tempfile.mkdtemp(prefix="gridwork-intake-"))
    sqlite_url = f"sqlite:///{folder / 'intake.db'}"
    _seed_demo(sqlite_url)
    _measure(sqlite_url, "SQLite")
    name = f"gridwork_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    pg_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        _seed_demo(pg_url)
        _measure(pg_url, "PostgreSQL")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
