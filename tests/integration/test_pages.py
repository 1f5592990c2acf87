"""The web pages over HTTP: who is sent to sign in, scope, languages, and errors in words.
(The full journeys run in a real browser in tests/browser/.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.factories import JINYUAN, PASSWORD, act, login, make_grid, make_user, report_case

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "src/gridwork/locale/zh_CN/LC_MESSAGES/messages.po"


def sign_in(client: TestClient, username: str) -> None:
    answer = client.post(
        "/signin", data={"username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text


def test_staff_pages_send_anonymous_visitors_to_sign_in(client: TestClient) -> None:
    for path in ("/work", "/desk", "/cases?status=open", "/dashboard", "/cases/1"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/signin?next=%2F"), path
    for path in ("/", "/report", "/track", "/signin"):
        assert client.get(path).status_code == 200, path


def test_sign_in_goes_home_by_role_and_never_to_another_site(
    conn: Connection, client: TestClient
) -> None:
    make_user(conn, username="desk1", role="community_staff", area=JINYUAN)
    wrong = client.post("/signin", data={"username": "desk1", "password": "nope"})
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    answer = client.post(
        "/signin",
        data={"username": "desk1", "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/desk"
    assert "httponly" in answer.headers["set-cookie"].lower()
    assert client.get("/desk").status_code == 200
    client.post("/signout")
    assert client.get("/desk", follow_redirects=False).status_code == 303


def test_pages_speak_chinese_unless_english_is_chosen(client: TestClient) -> None:
    assert "有问题，告诉社区" in client.get("/").text
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"})
    assert "Tell your community what needs fixing" in english.text
    assert english.headers["content-language"] == "en"
    preferred = client.get("/", headers={"Accept-Language": "fr, zh-TW;q=0.8, en;q=0.5"})
    assert "有问题" in preferred.text
    client.get("/language/en?next=/report", follow_redirects=False)
    assert "Report a problem" in client.get("/report", headers={"Accept-Language": "zh"}).text
    client.get("/language/zh-CN")
    assert 'lang="zh-CN"' in client.get("/report").text


def test_every_message_on_the_pages_has_a_chinese_translation(tmp_path: Path) -> None:
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "-k",
            "_",
            "-o",
            str(template),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    with template.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string}
    assert len(wanted) > 150
    assert sorted(wanted - translated) == []  # every message is translated
    assert sorted({m.id for m in catalogue if m.id} - wanted) == []  # and none is stale


def test_a_case_outside_the_readers_grid_is_not_found_in_words(
    conn: Connection, client: TestClient
) -> None:
    grid1, grid2 = make_grid(conn, name="一网格"), make_grid(conn, name="二网格")
    make_user(conn, username="walker1", role="grid_worker", area=grid1)
    make_user(conn, username="walker2", role="grid_worker", area=grid2)
    case = report_case(client, area_code=grid1)
    sign_in(client, "walker2")
    answer = client.get(f"/cases/{case['id']}")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "未找到" in answer.text and "Traceback" not in answer.text
    assert client.get("/dashboard/520115").status_code == 404
    sign_in(client, "walker1")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200 and case["reference"] in page.text


def test_actions_from_a_case_page_and_their_errors(conn: Connection, client: TestClient) -> None:
    grid = make_grid(conn)
    make_user(conn, username="desk2", role="community_staff", area=JINYUAN)
    make_user(conn, username="walker", role="grid_worker", area=grid)
    case = report_case(client, area_code=grid, reporter={"name": "王女士", "phone": "13900001111"})
    sign_in(client, "desk2")
    page = client.get(f"/cases/{case['id']}").text
    assert 'id="act-accept"' in page and 'id="act-reject"' in page
    assert 'id="act-start"' not in page  # not in this state
    missing_note = client.post(f"/cases/{case['id']}/act", data={"action": "reject"})
    assert missing_note.status_code == 422 and "请填写理由或处理情况" in missing_note.text
    done = client.post(f"/cases/{case['id']}/act", data={"action": "accept"})
    assert done.status_code == 200 and "已完成：受理" in done.text
    dispatched = client.post(
        f"/cases/{case['id']}/act", data={"action": "dispatch", "assignee": "walker"}
    )
    assert dispatched.status_code == 200
    again = client.post(f"/cases/{case['id']}/act", data={"action": "accept"})
    assert again.status_code == 409
    sign_in(client, "walker")
    mine = client.get("/work").text
    assert case["reference"] in mine
    staff_only = client.post(f"/cases/{case['id']}/act", data={"action": "close"})
    assert staff_only.status_code == 403 and "您的角色不能对此事件进行该操作" in staff_only.text


def test_report_form_keeps_what_was_typed_and_says_what_is_missing(
    conn: Connection, client: TestClient
) -> None:
    answer = client.post(
        "/report",
        data={"category": "road", "description": "井盖缺失", "lat": "", "lng": ""},
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 422
    assert "Put a pin on the map where the problem is." in answer.text
    assert "井盖缺失" in answer.text  # nothing typed is lost
    assert 'value="road" selected' in answer.text


def test_a_resident_follows_and_rates_their_own_case_only(
    conn: Connection, client: TestClient
) -> None:
    staff = login(conn, client, role="community_staff", area=JINYUAN, username="desk3")
    case = report_case(client, area_code=JINYUAN)
    reference, secret = case["reference"], case["secret"]
    assert client.get(f"/track/{reference}", follow_redirects=False).status_code == 303
    wrong = client.post("/track", data={"reference": reference, "secret": "guess"})
    assert wrong.status_code == 404
    found = client.post("/track", data={"reference": reference, "secret": secret})
    assert found.status_code == 200 and reference in found.text
    assert 'name="rating"' not in found.text  # not closed yet
    for action, extra in (
        ("accept", {}),
        ("dispatch", {"assignee": JINYUAN}),
        ("start", {}),
        ("resolve", {"note": "修好了"}),
        ("close", {}),
    ):
        assert act(client, case["id"], action, staff, **extra).status_code == 200
    closed = client.get(f"/track/{reference}")
    assert 'name="rating"' in closed.text and "修好了" in closed.text
    bad = client.post(f"/track/{reference}/rate", data={"rating": "9"})
    assert bad.status_code == 422
    rated = client.post(f"/track/{reference}/rate", data={"rating": "4", "comment": "还行"})
    assert rated.status_code == 200 and "感谢您的评价" in rated.text
    assert act(client, case["id"], "rate", staff, rating=5).status_code != 200


def test_dashboard_shows_and_exports_the_units_figures(
    conn: Connection, client: TestClient
) -> None:
    grid = make_grid(conn)
    make_user(conn, username="head", role="district_admin", area="520115")
    for _ in range(3):
        report_case(client, area_code=grid)
    sign_in(client, "head")
    assert (
        client.get("/dashboard", follow_redirects=False).headers["location"] == "/dashboard/520115"
    )
    page = client.get(f"/dashboard/{JINYUAN}?days=7")
    assert page.status_code == 200 and 'id="received">3<' in page.text
    submitted = 'status=submitted"><span class="badge s-submitted">待受理</span> <strong>3</strong>'
    assert submitted in page.text
    exported = client.get(f"/dashboard/{JINYUAN}/export.csv?days=7")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = exported.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("code,name,from,to,open,overdue,received")
    unit, child = rows[1].split(","), rows[2].split(",")
    assert unit[0] == JINYUAN and unit[4] == "3" and unit[6] == "3"
    assert child[0] == grid and child[4] == "3"
    shapes = client.get(f"/dashboard/{JINYUAN}/map.json")
    assert shapes.status_code == 200
    assert client.get("/dashboard/520102").status_code == 404  # another district


def test_a_country_wide_admin_starts_at_the_first_province(
    conn: Connection, client: TestClient
) -> None:
    make_user(conn, username="national", role="admin", area="all")
    sign_in(client, "national")
    for page in ("/dashboard", "/supplies"):
        start = client.get(page, follow_redirects=False).headers["location"]
        assert start.endswith("/11"), (page, start)  # Beijing: the lowest province code here
        assert client.get(start).status_code == 200
