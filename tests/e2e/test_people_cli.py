"""The people side as an operator runs it: registry import from the command line, reads over
HTTP that land in the audit chain, `gridwork audit verify` before and after tampering,
the sweep, and the visit rules."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine, text

from tests.conftest import GUIZHOU
from tests.e2e.conftest import run_cli, running_server

JINYUAN = "520115007005"
PASSWORD = "a-long-password\n"


def setup(url: str) -> None:
    assert run_cli(url, "db", "upgrade").returncode == 0
    assert run_cli(url, "areas", "import", str(GUIZHOU)).returncode == 0
    for name, role, area in (("root", "admin", "all"), ("desk", "community_staff", JINYUAN)):
        made = run_cli(url, "users", "create", name, "--role", role, "--area", area, stdin=PASSWORD)
        assert made.returncode == 0, made.stderr


def token(base: str, username: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": username, "password": PASSWORD.strip()}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def tamper(url: str) -> None:
    """What an insider with database access might do: lift the guard, rewrite a purpose."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text("UPDATE audit_log SET purpose = 'case' WHERE seq = 2"))
    engine.dispose()


def test_import_read_verify_tamper(fresh_url: str, tmp_path: Path) -> None:
    setup(fresh_url)
    with running_server(fresh_url) as base:
        grid = httpx.post(
            f"{base}/api/v1/areas/{JINYUAN}/grids",
            json={"name": "第一网格"},
            headers=token(base, "root"),
        ).json()["code"]
        csv = tmp_path / "people.csv"
        csv.write_text(
            "household,grid_code,address,name,phone,birth_year,lives_alone\n"
            f"a,{grid},金元路1号,王大爷,13900000001,1938,consent\n"
            f"b,{grid},金元路2号,李奶奶,,1950,\n",
            encoding="utf-8",
        )
        dry = run_cli(fresh_url, "registry", "import", str(csv), "--as", "desk", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.strip() == "would import 2 households and 2 residents"
        real = run_cli(fresh_url, "registry", "import", str(csv), "--as", "desk")
        assert real.stdout.strip() == "imported 2 households and 2 residents", real.stderr
        bad = tmp_path / "bad.csv"
        bad.write_text(
            "household,grid_code,address,name,birth_year\n"
            f"a,{grid},x,好,1950\n"
            f"b,{grid},x,坏,someday\n"
            f"c,{grid},x,,1950\n",
            encoding="utf-8",
        )
        refused = run_cli(fresh_url, "registry", "import", str(bad), "--as", "desk")
        assert refused.returncode == 1
        lines = refused.stderr.strip().splitlines()
        assert lines[0].startswith(f"{bad}:3: ") and lines[1].startswith(f"{bad}:4: ")
        assert lines[-1] == "nothing was written"
        desk = token(base, "desk")
        people = httpx.get(f"{base}/api/v1/residents?purpose=registry", headers=desk).json()
        assert [p["name"] for p in people["items"]] == ["王大爷", "李奶奶"]
        one = httpx.get(
            f"{base}/api/v1/residents/{people['items'][0]['id']}?purpose=visit", headers=desk
        )
        assert one.status_code == 200
    intact = run_cli(fresh_url, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    # two accounts created (audited as made by the CLI), then three reads
    assert intact.stdout.strip() == "audit chain intact: 5 entries verified"
    tamper(fresh_url)
    broken = run_cli(fresh_url, "audit", "verify")
    assert broken.returncode == 1
    assert "BROKEN at entry 2" in broken.stderr and "altered" in broken.stderr


def test_sweep_and_visit_rules(fresh_url: str) -> None:
    setup(fresh_url)
    swept = run_cli(fresh_url, "sweep")
    assert swept.returncode == 0, swept.stderr
    assert "0 visits newly overdue" in swept.stdout
    assert (
        "retention (365 days): 0 cases, 0 residents and 0 mediations anonymised, 0 old notifications deleted"
        in swept.stdout
    )
    rules = run_cli(fresh_url, "visits", "rules")
    assert "aged80_alone" in rules.stdout and "every   7 days" in rules.stdout
    changed = run_cli(fresh_url, "visits", "set-rule", "aged60_alone", "--interval", "10")
    assert changed.returncode == 0 and "every 10 days" in changed.stdout
    unknown = run_cli(fresh_url, "visits", "set-rule", "aged99", "--interval", "10")
    assert unknown.returncode == 1 and "no visit rule 'aged99'" in unknown.stderr
    refreshed = run_cli(fresh_url, "visits", "refresh", JINYUAN)
    assert refreshed.stdout.strip() == "re-planned visits for 0 residents"
