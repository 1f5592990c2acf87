"""Emergency pages over HTTP: declaring, the board, a worker's checks in one step each, the
commander's actions and the after-action report; scope as everywhere else."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import JINYUAN, PASSWORD, make_user
from tests.integration.test_emergencies import world


def sign_in(client: TestClient, username: str) -> None:
    answer = client.post(
        "/signin", data={"username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 303


def test_an_emergency_through_its_pages(conn: Connection, client: TestClient) -> None:
    world(conn, client)
    sign_in(client, "staffer")
    refused = client.post("/emergencies", data={"kind": "riot", "area_codes": JINYUAN})
    assert refused.status_code == 422 and JINYUAN in refused.text  # the form is kept
    declared = client.post(
        "/emergencies", data={"kind": "flood", "area_codes": JINYUAN}, follow_redirects=False
    )
    assert declared.status_code == 303
    number = re.search(r"/emergencies/(\d+)", declared.headers["location"])
    assert number
    ref = number[1]
    board = client.get(f"/emergencies/{ref}?done=declare")
    assert board.status_code == 200 and 'id="checked">0 / 7<' in board.text
    assert "结束应急响应" in board.text  # staff command it
    assert client.get(f"/emergencies/{ref}/map.json").status_code == 200

    sign_in(client, "worker1")
    mine = client.get(f"/emergencies/{ref}/tasks").text
    assert "结束应急响应" not in client.get(f"/emergencies/{ref}").text  # workers do not
    tasks = re.findall(rf'action="/emergencies/{ref}/tasks/(\d+)"', mine)
    assert tasks
    first = tasks[0]
    missing = client.post(f"/emergencies/{ref}/tasks/{first}", data={"outcome": "needs_help"})
    assert missing.status_code == 422
    helped = client.post(
        f"/emergencies/{ref}/tasks/{first}",
        data={"outcome": "needs_help", "need": "需要饮用水"},
        follow_redirects=False,
    )
    assert helped.status_code == 303
    assert (
        client.post(
            f"/emergencies/{ref}/tasks/{tasks[1]}", data={"outcome": "safe"}, follow_redirects=False
        ).status_code
        == 303
    )

    sign_in(client, "staffer")
    board = client.get(f"/emergencies/{ref}").text
    assert 'id="checked">2 / 7<' in board and 'id="needs">1<' in board
    ended = client.post(f"/emergencies/{ref}/end")
    assert ended.status_code == 200 and "总结报告" in ended.text and "各网格排查情况" in ended.text

    make_user(conn, username="faraway", role="district_admin", area="520102")
    sign_in(client, "faraway")
    assert client.get(f"/emergencies/{ref}").status_code == 404
    assert client.get(f"/emergencies/{ref}/report").status_code == 404
    assert "您的区域没有应急事件" in client.get("/emergencies").text
