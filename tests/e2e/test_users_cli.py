"""`gridwork users` as an operator runs it: list, passwd, grant/ungrant, deactivate (with
open work: refused without --force), reactivate and revoke, against a served process whose
tokens end the moment the CLI, another process, acts."""

from __future__ import annotations

import httpx2 as httpx

from tests.conftest import GUIZHOU
from tests.e2e.conftest import run_cli, running_server

JINYUAN = "520115007005"
PASSWORD = "a-long-password"


def test_the_users_commands_end_access_at_once(fresh_url: str) -> None:
    assert run_cli(fresh_url, "db", "upgrade").returncode == 0
    assert run_cli(fresh_url, "areas", "import", str(GUIZHOU)).returncode == 0
    for name, role in (("walker", "grid_worker"), ("desk", "community_staff")):
        made = run_cli(
            fresh_url, "users", "create", name, "--role", role, "--area", JINYUAN, stdin=PASSWORD
        )
        assert made.returncode == 0, made.stderr
    weak = run_cli(
        fresh_url,
        "users",
        "create",
        "weak",
        "--role",
        "grid_worker",
        "--area",
        JINYUAN,
        stdin="password123",
    )
    assert weak.returncode == 1 and "common" in weak.stderr
    with running_server(fresh_url) as base:

        def token(user: str, password: str = PASSWORD) -> httpx.Response:
            return httpx.post(
                f"{base}/api/v1/auth/token", data={"username": user, "password": password}
            )

        def works(response: httpx.Response) -> int:
            headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
            return httpx.get(f"{base}/api/v1/cases", headers=headers).status_code

        desk = token("desk")
        walker = token("walker")
        assert works(desk) == works(walker) == 200

        listed = run_cli(fresh_url, "users", "list")
        assert listed.returncode == 0
        lines = {line.split("\t")[0]: line for line in listed.stdout.splitlines()}
        assert "active" in lines["desk"] and f"community_staff@{JINYUAN}" in lines["desk"]
        assert "last sign-in never" not in lines["desk"]

        granted = run_cli(
            fresh_url, "users", "grant", "desk", "--role", "grid_worker", "--area", JINYUAN
        )
        assert granted.returncode == 0, granted.stderr
        ungranted = run_cli(
            fresh_url, "users", "ungrant", "desk", "--role", "grid_worker", "--area", JINYUAN
        )
        assert ungranted.returncode == 0, ungranted.stderr

        passwd = run_cli(fresh_url, "users", "passwd", "desk", stdin="new-long-passphrase")
        assert passwd.returncode == 0, passwd.stderr
        assert works(desk) == 401  # the served process sees it at once
        assert token("desk").status_code == 401
        assert token("desk", "new-long-passphrase").status_code == 200

        # the walker is the only grid worker of Jinyuan: their visits would be orphaned
        refused = run_cli(fresh_url, "users", "deactivate", "walker")
        assert refused.returncode == 1
        assert f"visits in grid {JINYUAN}" in refused.stderr and "--force" in refused.stderr
        assert works(walker) == 200
        forced = run_cli(fresh_url, "users", "deactivate", "walker", "--force")
        assert forced.returncode == 0, forced.stderr
        assert works(walker) == 401
        assert token("walker").status_code == 401
        assert "DEACTIVATED" in run_cli(fresh_url, "users", "list").stdout

        assert run_cli(fresh_url, "users", "reactivate", "walker").returncode == 0
        again = token("walker")
        assert works(again) == 200
        revoked = run_cli(fresh_url, "users", "revoke", "walker")
        assert revoked.returncode == 0 and revoked.stdout.startswith("1 session")
        assert works(again) == 401
    missing = run_cli(fresh_url, "users", "revoke", "nobody")
    assert missing.returncode == 1 and missing.stderr.strip() == "error: no user 'nobody'"
