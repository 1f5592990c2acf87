"""An emergency over about a million households: generating, prioritising and assigning
every task (goal: under 5 s), and the live board while welfare checks are recorded
(goal: under 50 ms). Baseline: reading one household row in the same database."""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import Engine, func, select

from gridwork.domain.access import Actor, Grant, Role
from gridwork.services import emergencies
from gridwork.services.area_import import import_areas
from gridwork.services.demo import packaged_divisions
from gridwork.services.emergency_lists import task_id
from gridwork.services.synth import synthesize_city
from gridwork.services.users import actor_for_username, create_user
from gridwork.store.emergency_tables import emergency_lists
from gridwork.store.engine import begin_write, make_engine
from gridwork.store.migrate import upgrade
from gridwork.store.people_tables import households
from gridwork.store.tables import areas

RESIDENTS = 2_620_000  # about a million households at 2.62 people each
SECRET = "benchmark-secret-key-0123"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def build(url: str) -> Engine:
    """Migrate and synthesise the district (2.62 million residents, two workers per grid)."""
    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    with begin_write(engine) as conn:
        import_areas(conn, packaged_divisions())
        synthesize_city(conn, "520115", RESIDENTS, 11, (106.63, 26.65))
        grids = list(
            conn.execute(
                select(areas.c.code).where(areas.c.level == "grid", areas.c.code.like("520115%"))
            ).scalars()
        )
        for n, grid in enumerate(grids):  # two workers per grid
            for k in (1, 2):
                create_user(conn, f"w{n}x{k}", "bench-password", "grid_worker", grid)
        create_user(conn, "benchhead", "bench-password", "district_admin", "520115")
    print(
        f"district of {RESIDENTS:,} residents and {len(grids) * 2} workers made in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return engine


def run() -> None:
    """On SQLite and on PostgreSQL: synthesise the district, then time the declaration and
    the board."""
    folder = Path(tempfile.mkdtemp(prefix="gridwork-bench-emergency-"))
    print("SQLite:")
    engine = build(f"sqlite:///{folder / 'emergency.db'}")
    measure(engine)
    engine.dispose()
    name = f"gridwork_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        print("PostgreSQL:")
        engine = build(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
        measure(engine)
        engine.dispose()
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(engine: Engine) -> None:
    """Declare over the whole district, then read the board between recorded checks."""
    with engine.connect() as conn:
        commander = actor_for_username(conn, "benchhead")
    assert commander is not None
    with begin_write(engine) as conn:
        homes = conn.execute(select(func.count()).select_from(households)).scalar_one()
        started = time.perf_counter()
        made = emergencies.declare(conn, commander, "flood", ["520115"])
        declared = time.perf_counter() - started
    print(
        f"declare over {homes:,} households: {made['tasks']:,} tasks generated, prioritised, "
        f"assigned and ordered in {declared:.2f} s (goal < 5 s)"
    )
    with engine.connect() as conn:
        lists = list(
            conn.execute(
                select(emergency_lists.c.id, emergency_lists.c.assignee_id)
                .where(
                    emergency_lists.c.emergency_id == made["id"],
                    emergency_lists.c.assignee_id.is_not(None),
                )
                .order_by(emergency_lists.c.id)
                .limit(300)
            )
        )
    board, base = [], []
    for n, first in enumerate(lists):  # the first check of 300 workers' lists
        worker = Actor(int(first.assignee_id), "w", (Grant(Role.GRID_WORKER, "520115"),))
        check = task_id(first.id, 0)
        with begin_write(engine) as conn:
            emergencies.record_outcome(
                conn, worker, str(made["id"]), str(check), "safe", None, secret_key=SECRET
            )
        with engine.connect() as conn:
            t = time.perf_counter()
            emergencies.board(conn, commander, str(made["id"]), "520115")
            board.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            conn.execute(select(households.c.address).where(households.c.id == n + 1)).first()
            base.append((time.perf_counter() - t) * 1000)
    p95 = statistics.quantiles(board, n=100)[94]
    print(
        f"board of the district between {len(lists)} recorded checks: p50 "
        f"{statistics.median(board):.1f} ms, p95 {p95:.1f} ms (goal < 50 ms; one-row read "
        f"p50 {statistics.median(base):.2f} ms)"
    )
