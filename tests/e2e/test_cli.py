"""The `gridwork` command as an operator runs it, on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.conftest import GUIZHOU
from tests.e2e.conftest import SMALL_DEMO, run_cli


def test_upgrade_import_and_users_from_the_command_line(fresh_url: str) -> None:
    upgraded = run_cli(fresh_url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    first = run_cli(fresh_url, "areas", "import", str(GUIZHOU))
    assert first.returncode == 0, first.stderr
    assert "19572 new" in first.stdout
    assert "rows/s" in first.stdout
    second = run_cli(fresh_url, "areas", "import", str(GUIZHOU))
    assert "0 new, 0 renamed, 19572 unchanged" in second.stdout
    created = run_cli(
        fresh_url,
        "users",
        "create",
        "wangfang",
        "--role",
        "community_staff",
        "--area",
        "520115007005",
        stdin="a-long-password\n",
    )
    assert created.returncode == 0, created.stderr
    again = run_cli(
        fresh_url,
        "users",
        "create",
        "wangfang",
        "--role",
        "community_staff",
        "--area",
        "520115007005",
        stdin="a-long-password\n",
    )
    assert again.returncode == 1
    assert again.stderr.strip() == "error: user 'wangfang' already exists"
    swept = run_cli(fresh_url, "sweep")
    assert swept.returncode == 0
    assert swept.stdout.startswith("0 overdue")


def test_a_bad_import_is_one_line_with_file_and_line(fresh_url: str, tmp_path: Path) -> None:
    run_cli(fresh_url, "db", "upgrade")
    layout = tmp_path / "bad"
    shutil.copytree(GUIZHOU, layout)
    streets = layout / "streets.csv"
    streets.chmod(0o644)
    lines = streets.read_text(encoding="utf-8").splitlines()
    lines[3] = "52010201X" + lines[3][9:]
    streets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(fresh_url, "areas", "import", str(layout))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: streets.csv:4: malformed code '52010201X'")
    assert "Traceback" not in result.stderr
    count = run_cli(fresh_url, "areas", "import", str(tmp_path / "absent"))
    assert count.returncode != 0
    assert "no such directory" in count.stderr


def test_the_demo_is_ready_to_explore_and_safe_to_repeat(fresh_url: str) -> None:
    first = run_cli(fresh_url, "demo", *SMALL_DEMO)
    assert first.returncode == 0, first.stderr
    made = re.search(
        r"4 grids, (\d+) buildings, (\d+) residents, 9 users, 36 cases added", first.stdout
    )
    assert made is not None, first.stdout
    assert int(made.group(1)) > 100  # the district is laid out by the synthetic city
    assert int(made.group(2)) > 1_500  # and filled with people (as many as asked for)
    assert "staff" in first.stdout and "gridwork-demo" in first.stdout
    verified = run_cli(fresh_url, "stats", "verify")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("counters match the events:")
    tamper = create_engine(fresh_url)
    with tamper.begin() as conn:
        conn.execute(text("UPDATE case_counts SET received = received + 1"))
    tamper.dispose()
    broken = run_cli(fresh_url, "stats", "verify", "520115007005")
    assert broken.returncode == 1 and "events say" in broken.stderr
    assert "`gridwork stats rebuild` fixes them" in broken.stderr
    rebuilt = run_cli(fresh_url, "stats", "rebuild")
    assert rebuilt.returncode == 0 and rebuilt.stdout.startswith("counters rebuilt:")
    assert run_cli(fresh_url, "stats", "verify").returncode == 0
    second = run_cli(fresh_url, "demo", *SMALL_DEMO)
    assert second.returncode == 0, second.stderr
    assert "0 areas, 0 grids, 0 buildings, 0 residents, 0 users, 0 cases added" in second.stdout


def test_bad_settings_are_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "GRIDWORK_TIMEZONE": "Mars/Olympus"}
    result = subprocess.run(
        [sys.executable, "-m", "gridwork", "sweep"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "unknown time zone" in result.stderr
    assert "Traceback" not in result.stderr
