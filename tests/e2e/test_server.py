"""The demo served by a real `gridwork serve` process, spoken to over HTTP."""

from __future__ import annotations

import httpx2 as httpx

from tests.e2e.conftest import SMALL_DEMO, run_cli, running_server


def test_the_demo_server_answers_every_role(fresh_url: str) -> None:
    assert run_cli(fresh_url, "demo", *SMALL_DEMO).returncode == 0
    with running_server(fresh_url) as base:
        assert "gridwork" in httpx.get(f"{base}/").text
        tokens = {}
        for user in ("staff", "worker1", "street", "auditor"):
            login = httpx.post(
                f"{base}/api/v1/auth/token",
                data={"username": user, "password": "gridwork-demo"},
            )
            assert login.status_code == 200, login.text
            tokens[user] = {"Authorization": f"Bearer {login.json()['access_token']}"}
        cases = httpx.get(f"{base}/api/v1/cases?page_size=100", headers=tokens["staff"]).json()
        assert cases["total"] >= 30
        statuses = {c["status"] for c in cases["items"]}
        assert {
            "submitted",
            "accepted",
            "dispatched",
            "in_progress",
            "resolved",
            "closed",
            "rejected",
        } <= statuses
        mine = httpx.get(f"{base}/api/v1/cases", headers=tokens["worker1"]).json()
        assert 0 < mine["total"] < cases["total"]
        created = httpx.post(
            f"{base}/api/v1/cases",
            json={"category": "noise", "description": "夜间施工", "area_code": "520115007005002"},
        )
        assert created.status_code == 201
        accepted = httpx.post(
            f"{base}/api/v1/cases/{created.json()['id']}/actions",
            json={"action": "accept"},
            headers=tokens["staff"],
        )
        assert accepted.status_code == 200
        denied = httpx.post(
            f"{base}/api/v1/cases/{created.json()['id']}/actions",
            json={"action": "dispatch", "assignee": "worker2"},
            headers=tokens["auditor"],
        )
        assert denied.status_code == 403
        area = httpx.get(f"{base}/api/v1/areas/520115007005", headers=tokens["street"]).json()
        assert area["counts"] == {"grid": 4}
