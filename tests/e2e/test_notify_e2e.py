"""The served process delivers notifications by itself: a worker who chose e-mail receives
the dispatch through a real SMTP server on localhost, and `gridwork notify send` reports what
it sent."""

from __future__ import annotations

import httpx2 as httpx

from tests.e2e.conftest import free_port, run_cli, running_server
from tests.e2e.test_people_cli import JINYUAN, PASSWORD, setup, token
from tests.smtp import smtp_server


def test_server_delivers_email_over_smtp(fresh_url: str) -> None:
    setup(fresh_url)
    port = free_port()
    env = {
        "GRIDWORK_SMTP_HOST": "127.0.0.1",
        "GRIDWORK_SMTP_PORT": str(port),
        "GRIDWORK_NOTIFY_INTERVAL": "0.2",
    }
    with smtp_server(port) as box, running_server(fresh_url, extra_env=env) as base:
        grid = httpx.post(
            f"{base}/api/v1/areas/{JINYUAN}/grids",
            json={"name": "第一网格"},
            headers=token(base, "root"),
        ).json()["code"]
        made = run_cli(
            fresh_url,
            "users",
            "create",
            "walker",
            "--role",
            "grid_worker",
            "--area",
            grid,
            stdin=PASSWORD,
        )
        assert made.returncode == 0, made.stderr
        walker = token(base, "walker")
        chose = httpx.put(
            f"{base}/api/v1/inbox/preferences",
            json={"channel": "email", "email": "walker@example.org"},
            headers=walker,
        )
        assert chose.status_code == 200, chose.text
        case = httpx.post(
            f"{base}/api/v1/cases",
            json={"category": "road", "description": "路面塌陷", "area_code": grid},
        ).json()
        desk = token(base, "desk")
        for body in ({"action": "accept"}, {"action": "dispatch", "assignee": "walker"}):
            done = httpx.post(f"{base}/api/v1/cases/{case['id']}/actions", json=body, headers=desk)
            assert done.status_code == 200, done.text
        [mail] = box.wait_for(1)
        assert mail["To"] == "walker@example.org" and case["reference"] in mail["Subject"]
    sent = run_cli(fresh_url, "notify", "send")
    assert sent.returncode == 0 and "0 sent" in sent.stdout  # the server sent it already
