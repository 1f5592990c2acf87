"""Migrations that move data: stepping back from welfare-check lists (0018) gives every
check nothing was done to its row again, and stepping forward keeps working."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gridwork.config import Settings
from gridwork.services.area_import import import_areas
from gridwork.store.emergency_tables import emergency_tasks
from gridwork.store.engine import make_engine
from gridwork.store.migrate import alembic_config, upgrade
from gridwork.web.app import create_app
from tests.conftest import GUIZHOU, SECRET, RolledBackDatabase, throwaway_database
from tests.factories import JINYUAN
from tests.integration.test_emergencies import world


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_stepping_back_from_lists_keeps_every_check(kind: str, tmp_path: Path) -> None:
    with throwaway_database(kind, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                import_areas(conn, GUIZHOU)
            settings = Settings(
                env="test", database_url=url, secret_key=SECRET, geo_refresh_seconds=0
            )
            with engine.connect() as conn:
                outer = conn.begin()  # kept this time: committed below
                app = create_app(settings, db=RolledBackDatabase(conn))
                client = TestClient(app, raise_server_exceptions=False)
                users = world(conn, client)
                made = client.post(
                    "/api/v1/emergencies",
                    json={"kind": "flood", "area_codes": [JINYUAN]},
                    headers=users["staff"],
                )
                assert made.status_code == 201, made.text
                eid = made.json()["id"]
                first = client.get(f"/api/v1/emergencies/{eid}/tasks", headers=users["w1"]).json()
                done = client.post(
                    f"/api/v1/emergencies/{eid}/tasks/{first['items'][0]['id']}",
                    json={"outcome": "safe"},
                    headers=users["w1"],
                )
                assert done.status_code == 200, done.text
                outer.commit()
            engine.dispose()
            command.downgrade(alembic_config(url), "0017_emergency_alerts")
            with engine.connect() as conn:
                statuses = dict(
                    conn.execute(
                        select(emergency_tasks.c.status, func.count()).group_by(
                            emergency_tasks.c.status
                        )
                    ).all()
                )
            assert statuses == {"open": 6, "safe": 1}
            upgrade(url)
        finally:
            engine.dispose()
