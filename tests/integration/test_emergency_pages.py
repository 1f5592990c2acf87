"""Emergency pages over HTTP: declaring, the board, a worker's checks in one step each, the
commander's actions and the after-action report; scope as everywhere else."""

from __future__ import annotations

import re
from io import BytesIO

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Connection

from tests.factories import GRID1, JINYUAN, PASSWORD, household, make_user, resident
from tests.integration.test_emergencies import world
from tests.integration.test_resident_access import Outbox


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
    assert "需要饮用水" in ended.text  # the need, and the case it became
    paper = client.get(f"/emergencies/{ref}/report.pdf")
    assert paper.status_code == 200 and paper.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(paper.content)).pages)
    for expected in ("总结报告", "各网格排查情况", "需要饮用水", GRID1, "worker1", "2 / 7"):
        assert expected in text, expected
    english = client.get(f"/emergencies/{ref}/report.pdf", headers={"Accept-Language": "en"})
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(english.content)).pages)
    assert "After-action report" in text and "Needs and how they were met" in text

    make_user(conn, username="faraway", role="district_admin", area="520102")
    sign_in(client, "faraway")
    assert client.get(f"/emergencies/{ref}").status_code == 404
    assert client.get(f"/emergencies/{ref}/report").status_code == 404
    assert client.get(f"/emergencies/{ref}/report.pdf").status_code == 404
    assert "您的区域没有应急事件" in client.get("/emergencies").text


def test_a_household_answers_for_itself_with_a_code(conn: Connection, client: TestClient) -> None:
    outbox = Outbox()
    client.app.state.otp_sender = outbox  # type: ignore[attr-defined]
    users = world(conn, client)
    home = household(client, users["staff"], grid=GRID1, address="金元路99号")
    resident(client, users["staff"], home["id"], name="自报户", phone="13800009999")
    declared = client.post(
        "/api/v1/emergencies",
        json={"kind": "flood", "area_codes": [JINYUAN]},
        headers=users["staff"],
    )
    ref = declared.json()["id"]

    wrong_phone = client.post(
        "/safe/code", data={"reference": home["reference"], "phone": "13900000000"}
    )
    assert wrong_phone.status_code == 200 and outbox.sent == []  # same page, no code
    sent = client.post("/safe/code", data={"reference": home["reference"], "phone": "13800009999"})
    assert sent.status_code == 200 and len(outbox.sent) == 1
    bad = client.post(
        "/safe/verify",
        data={"reference": home["reference"], "phone": "13800009999", "code": "000000"},
    )
    assert bad.status_code == 401
    good = client.post(
        "/safe/verify",
        data={"reference": home["reference"], "phone": "13800009999", "code": outbox.code()},
        follow_redirects=False,
    )
    assert good.status_code == 303
    page = client.get(good.headers["location"])
    assert "我家平安" in page.text
    helped = client.post(
        f"/safe/{home['reference']}",
        data={"outcome": "needs_help", "need": "家里进水，老人行动不便"},
    )
    assert helped.status_code == 200 and "紧急事件" in helped.text
    board = client.get(f"/api/v1/emergencies/{ref}/board?area={JINYUAN}", headers=users["staff"])
    assert board.json()["needs_help"] == 1 and board.json()["done"] == 1
    safe = client.post(f"/safe/{home['reference']}", data={"outcome": "safe"})
    assert safe.status_code == 200
    board = client.get(f"/api/v1/emergencies/{ref}/board?area={JINYUAN}", headers=users["staff"])
    assert (
        board.json()["needs_help"] == 0 and board.json()["safe"] == 1 and board.json()["done"] == 1
    )
    client.cookies.clear()
    assert client.get(f"/safe/{home['reference']}", follow_redirects=False).status_code == 303
