"""The people side: how far the walking order is from optimal, how long a worker's due list
takes on the demo-sized district, and how fast the audit chain verifies.

Baselines, measured in the same run: the optimal path (Held–Karp) for the walking order;
a bare HMAC-SHA256 loop over the same entries for the audit verification.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gridwork.config import Settings
from gridwork.geo.route import nearest_next, optimal_order, path_length, walking_order
from gridwork.services.area_import import import_areas
from gridwork.services.audit import Reader, record_reads, verify_chain
from gridwork.services.demo import packaged_divisions
from gridwork.services.synth import synthesize_city
from gridwork.services.users import create_user
from gridwork.store.engine import begin_write, make_engine
from gridwork.store.migrate import upgrade
from gridwork.store.people_tables import audit_log, visit_dues
from gridwork.web.app import create_app

KEY = "benchmark-secret-key-0123"


def route_gap(trials: int = 200, stops: int = 10) -> None:
    """Mean and worst excess length over the optimal path."""
    rng = random.Random(11)
    greedy, improved = [], []
    for _ in range(trials):
        points = [(rng.uniform(0, 600), rng.uniform(0, 600)) for _ in range(stops)]
        start = (rng.uniform(0, 600), rng.uniform(0, 600))
        best = path_length(points, optimal_order(points, start), start)
        greedy.append(path_length(points, nearest_next(points, start), start) / best - 1)
        improved.append(path_length(points, walking_order(points, start), start) / best - 1)
    print(f"walking order, {trials} random sets of {stops} stops, against the optimal path:")
    print(f"  nearest-next        mean +{statistics.mean(greedy):.1%}  worst +{max(greedy):.1%}")
    print(
        f"  nearest-next+2-opt  mean +{statistics.mean(improved):.1%}  worst +{max(improved):.1%}"
    )
    rng = random.Random(12)
    points = [(rng.uniform(0, 800), rng.uniform(0, 800)) for _ in range(200)]
    started = time.perf_counter()
    walking_order(points, (0.0, 0.0))
    print(f"  planning 200 stops takes {(time.perf_counter() - started) * 1000:.0f} ms")


def due_list_and_audit(residents: int = 600_000) -> None:
    """A worker's due list over HTTP on a demo-sized district, then the audit chain."""
    folder = Path(tempfile.mkdtemp(prefix="gridwork-bench-people-"))
    url = f"sqlite:///{folder / 'people.db'}"
    upgrade(url)
    engine = make_engine(url)
    with begin_write(engine) as conn:
        import_areas(conn, packaged_divisions())
        started = time.perf_counter()
        made = synthesize_city(conn, "520115", residents, 7, (106.63, 26.65))
        elapsed = time.perf_counter() - started
        busiest = conn.execute(
            select(visit_dues.c.grid_code)
            .group_by(visit_dues.c.grid_code)
            .order_by(func.count().desc(), visit_dues.c.grid_code)
            .limit(1)
        ).scalar_one()
        create_user(conn, "benchworker", "bench-password", "grid_worker", busiest)
    print(
        f"synthetic district: {made.residents:,} residents, {made.visits_due:,} visits due, "
        f"generated and stored in {elapsed:.1f} s"
    )
    settings = Settings(env="test", database_url=url, secret_key=KEY)
    with TestClient(create_app(settings)) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": "benchworker", "password": "bench-password"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        times, ping = [], []
        for _ in range(60):
            t = time.perf_counter()
            plan = client.get("/api/v1/visits/due?horizon_days=7", headers=headers)
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            client.get("/api/v1/ping")
            ping.append(time.perf_counter() - t)
        items = len(plan.json()["items"])
    p50, p50_ping = statistics.median(times) * 1000, statistics.median(ping) * 1000
    print(
        f"due list of one grid ({items} stops, audited): p50 {p50:.1f} ms, "
        f"p95 {sorted(times)[int(len(times) * 0.95)] * 1000:.1f} ms "
        f"(ping p50 {p50_ping:.2f} ms, ratio {p50 / p50_ping:.1f}×)"
    )
    with begin_write(engine) as conn:
        for start in range(0, 100_000, 1000):
            record_reads(
                conn,
                Reader(1, "bench"),
                "visit",
                "list",
                "resident",
                list(range(start, start + 1000)),
                key=KEY,
            )
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.hash)).all()
        started = time.perf_counter()
        report = verify_chain(conn, key=KEY)
        verify = time.perf_counter() - started
    started = time.perf_counter()
    for row in rows:
        hmac.new(KEY.encode(), row.hash.encode(), hashlib.sha256).hexdigest()
    bare = time.perf_counter() - started
    print(
        f"audit verify: {report.checked:,} entries in {verify:.2f} s "
        f"({report.checked / verify:,.0f}/s; bare HMAC loop {bare:.2f} s, ratio {verify / bare:.1f}×)"
    )
    engine.dispose()


def run() -> None:
    """Both parts."""
    route_gap()
    due_list_and_audit()
