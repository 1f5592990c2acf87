"""Acknowledged means durable: kill the server with SIGKILL in the middle of a stream of
reports, restart it, and find every acknowledged report there exactly once, whole.

(SQLite runs in WAL mode with synchronous=NORMAL: a commit survives the process being
killed; it is the operating system crashing that NORMAL does not cover.)
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import httpx2 as httpx
from sqlalchemy import func, select

from gridwork.store.engine import make_engine
from gridwork.store.tables import case_events, cases, idempotency_keys
from tests.conftest import SECRET
from tests.e2e.conftest import SMALL_DEMO, free_port, run_cli

WRITERS = 8
LOAD_SECONDS = 3.0


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GRIDWORK_DATABASE_URL": url, "GRIDWORK_SECRET_KEY": SECRET}
    server = subprocess.Popen(
        [sys.executable, "-m", "gridwork", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("the server did not start")


def writer(
    base: str, worker: int, acked: dict[str, int], tried: list[str], stop: threading.Event
) -> None:
    with httpx.Client(base_url=base, timeout=5) as client:
        n = 0
        while not stop.is_set():
            key = f"crash-{worker}-{n}-{secrets.token_urlsafe(16)}"  # anonymous: unguessable
            n += 1
            tried.append(key)
            try:
                response = client.post(
                    "/api/v1/cases",
                    json={"category": "road", "description": key, "area_code": "520115007005001"},
                    headers={"Idempotency-Key": key},
                )
            except httpx.TransportError:
                return  # the server is gone: this one was never acknowledged
            if response.status_code == 201:
                acked[key] = response.json()["id"]


def test_every_acknowledged_report_survives_a_kill(fresh_url: str) -> None:
    assert run_cli(fresh_url, "demo", *SMALL_DEMO).returncode == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(fresh_url, port)
    acked: dict[str, int] = {}
    tried: list[str] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=writer, args=(base, w, acked, tried, stop)) for w in range(WRITERS)
    ]
    for t in threads:
        t.start()
    time.sleep(LOAD_SECONDS)
    os.kill(server.pid, signal.SIGKILL)  # mid-load: requests are in flight
    server.wait()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acked) > 20, "the load did not get going"
    in_flight = [k for k in tried if k not in acked]

    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(cases.c.id, cases.c.description, cases.c.event_count).where(
                cases.c.description.like("crash-%")
            )
        ).all()
        by_description: dict[str, list[Any]] = {}
        for row in rows:
            by_description.setdefault(row.description, []).append(row)
        # every acknowledged report is there, once, with the id it was acknowledged with
        for key, case_id in acked.items():
            assert [r.id for r in by_description.get(key, [])] == [case_id], key
        # nothing is duplicated, nothing half-written: each case has all its events
        assert all(len(v) == 1 for v in by_description.values())
        events = dict(
            conn.execute(
                select(case_events.c.case_id, func.count())
                .where(case_events.c.case_id.in_([r.id for r in rows]))
                .group_by(case_events.c.case_id)
            ).all()
        )
        assert all(events.get(r.id) == r.event_count == 1 for r in rows)
        keys = dict(
            conn.execute(
                select(idempotency_keys.c.key, idempotency_keys.c.case_id).where(
                    idempotency_keys.c.key.like("crash-%")
                )
            ).all()
        )
        assert {r.description: r.id for r in rows} == keys
    engine.dispose()

    # After a restart, retrying what was in flight creates each report at most once.
    server = start_server(fresh_url, port)
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            for key in in_flight + list(acked)[:5]:
                again = client.post(
                    "/api/v1/cases",
                    json={"category": "road", "description": key, "area_code": "520115007005001"},
                    headers={"Idempotency-Key": key},
                )
                assert again.status_code == 201
                if key in acked:
                    assert again.json()["id"] == acked[key]
                    assert again.headers.get("Idempotent-Replayed") == "true"
    finally:
        server.terminate()
        server.wait(timeout=10)
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count()).select_from(cases).where(cases.c.description.like("crash-%"))
        ).scalar_one()
    engine.dispose()
    assert count == len(set(tried))
    print(
        f"\ncrash test: {len(acked)} acknowledged, {len(in_flight)} in flight at the kill; "
        f"after restart {count} cases for {len(set(tried))} distinct reports"
    )
