"""API latency on the national hierarchy, over real HTTP to a `gridwork serve` process.

Baseline: GET /healthz on the same server in the same run (the cost of HTTP + framework).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import httpx2 as httpx

from benchmarks.server import serving
from gridwork.services.demo import seed_demo
from gridwork.services.users import create_user
from gridwork.store.engine import make_engine

SECRET = "benchmark-secret-key-0123456789"
REQUESTS = 300


def _timings(client: httpx.Client, method: str, path: str, **kwargs: object) -> list[float]:
    out = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
        out.append((time.perf_counter() - started) * 1000)
        assert response.status_code < 300, (path, response.status_code, response.text[:200])
    return out


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(db: Path) -> None:
    """Seed the demo into the national database, serve it and time the main reads."""
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    with engine.begin() as conn:
        seed_demo(conn, secret_key=SECRET)
        create_user(conn, "bench", "bench-password", "admin", "all")
    engine.dispose()
    with (
        serving(url, secret_key=SECRET) as (base, _pid),
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        token = client.post(
            "/api/v1/auth/token", data={"username": "bench", "password": "bench-password"}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        case_id = client.get("/api/v1/cases?page_size=1").json()["items"][0]["id"]
        cases = [
            ("GET", "/healthz", {}),
            ("GET", "/api/v1/areas/52", {}),
            ("GET", "/api/v1/areas/11", {}),
            ("GET", "/api/v1/areas/520115007005", {}),
            ("GET", "/api/v1/areas/520115007/children", {}),
            ("GET", "/api/v1/areas?q=金元&page_size=20", {}),
            ("GET", "/api/v1/cases?area=520115&page_size=20", {}),
            ("GET", f"/api/v1/cases/{case_id}", {}),
            (
                "POST",
                "/api/v1/cases",
                {
                    "json": {
                        "category": "road",
                        "description": "benchmark report",
                        "area_code": "520115007005001",
                    }
                },
            ),
        ]
        results = [(m, p, _timings(client, m, p, **kw)) for m, p, kw in cases]
    baseline = statistics.median(results[0][2])
    print(f"API latency over HTTP, national hierarchy in SQLite ({REQUESTS} sequential requests)")
    print(f"  {'request':<46} {'p50 ms':>8} {'p99 ms':>8} {'p50 / baseline':>15}")
    for method, path, values in results:
        p50 = statistics.median(values)
        print(
            f"  {method + ' ' + path:<46} {p50:>8.2f} {_p(values, 99):>8.2f} "
            f"{p50 / baseline:>14.1f}x"
        )
