"""Fixtures: a real SQLite file and a throwaway PostgreSQL database, each migrated once.

Every integration test runs on both backends inside a transaction that is rolled back
(SQLAlchemy's "join a session into an external transaction" recipe, with savepoints).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from gridwork.config import Settings
from gridwork.services.area_import import import_areas
from gridwork.store.engine import make_engine
from gridwork.store.migrate import upgrade
from gridwork.web.app import create_app
from gridwork.web.database import Database


def _shared_data() -> Path:
    """The team's shared data: $GRIDWORK_SHARED_DATA, ../shared/data, or /work/shared/data."""
    candidates = [
        os.environ.get("GRIDWORK_SHARED_DATA"),
        Path(__file__).resolve().parents[2] / "shared" / "data",
        Path("/work/shared/data"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "divisions-52").is_dir():
            return Path(candidate)
    raise RuntimeError("shared data not found; set GRIDWORK_SHARED_DATA to shared/data")


SHARED = _shared_data()
GUIZHOU = SHARED / "divisions-52"
BEIJING = SHARED / "divisions-11"
PG_ADMIN = os.environ.get("GRIDWORK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET = "test-secret-key-0123456789"


def pg_available() -> bool:
    """Whether the PostgreSQL test server answers."""
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@contextmanager
def throwaway_database(kind: str, tmp: Path) -> Iterator[str]:
    """A fresh empty database URL of `kind`, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'gridwork.db'}"
        return
    if not pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN}")
        pytest.skip("PostgreSQL is not reachable")
    name = f"gridwork_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database holding Guizhou and Beijing, once per backend per run."""
    with throwaway_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        upgrade(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            import_areas(conn, GUIZHOU)
            import_areas(conn, BEIJING)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The engine of the session's database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    try:
        yield connection
    finally:
        outer.rollback()
        connection.close()


class RolledBackDatabase(Database):
    """Each unit of work is a savepoint inside the test's outer transaction."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection.engine)
        self.connection = connection

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Connection]:
        with self.connection.begin_nested():
            yield self.connection


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the session's database (and a photo folder of the test's own)."""
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=SECRET,
        geo_refresh_seconds=0,
        media_dir=str(tmp_path / "media"),
    )


@pytest.fixture
def client(conn: Connection, settings: Settings) -> Iterator[TestClient]:
    """The app over HTTP semantics, writing into the rolled-back transaction."""
    app = create_app(settings, db=RolledBackDatabase(conn))
    # https: cookies are Secure outside dev, and a browser sends them back only over https.
    with TestClient(
        app, base_url="https://testserver", raise_server_exceptions=False
    ) as test_client:
        yield test_client
