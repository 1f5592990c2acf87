"""The whole life of a case through the pages, in a real browser, in Chinese and in English:
a resident reports with a map pin and follows it; the worker, on a 375 px phone, resolves it
with a photo; staff accept, dispatch, check and close it; the resident rates it; and the
district administrator's dashboard counts it. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx2 as httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect
from shapely.geometry import shape

from tests.browser.accessibility import check_accessible

GRID1 = "520115007005001"
WORKER_PHONE = {"width": 375, "height": 740}
WORDS = {
    "zh-CN": {
        "send": "提交反映",
        "accept": "受理",
        "dispatch": "派遣",
        "start": "开始处置",
        "resolve": "处置完毕",
        "close": "结案",
        "rate": "提交评价",
        "closed": "已结案",
        "sign_in": "登录",
        "received": "收到",
    },
    "en": {
        "send": "Send report",
        "accept": "Accept",
        "dispatch": "Dispatch",
        "start": "Start work",
        "resolve": "Resolve",
        "close": "Close",
        "rate": "Send my rating",
        "closed": "Closed",
        "sign_in": "Sign in",
        "received": "Received",
    },
}


def point_in_grid(base: str, code: str) -> tuple[float, float]:
    """(lat, lng) well inside a grid, from the public outlines the report map draws."""
    outlines = httpx.get(f"{base}/map/grids.json", params={"lat": 26.65, "lng": 106.63}).json()
    if not any(f["properties"]["code"] == code for f in outlines["features"]):
        centre = httpx.get(f"{base}/report").text
        match = re.search(r'data-lat="([\d.]+)" data-lng="([\d.]+)"', centre)
        assert match
        outlines = httpx.get(
            f"{base}/map/grids.json", params={"lat": match[1], "lng": match[2]}
        ).json()
    feature = next(f for f in outlines["features"] if f["properties"]["code"] == code)
    inside = shape(feature["geometry"]).representative_point()
    return inside.y, inside.x


def new_context(browser: Browser, base: str, language: str, **options: object) -> BrowserContext:
    context = browser.new_context(base_url=base, locale=language, **options)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    return context


def sign_in(page: Page, username: str, language: str) -> None:
    page.goto("/signin")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill("gridwork-demo")
    page.get_by_role("button", name=WORDS[language]["sign_in"], exact=True).click()


def received_at(page: Page, code: str) -> int:
    page.goto(f"/dashboard/{code}?days=7")
    return int(page.locator("#received").inner_text())


def a_photo() -> bytes:
    """A small JPEG with a GPS block in its EXIF, as a phone would send it."""
    image = Image.new("RGB", (640, 480), (90, 140, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (26.0, 39.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_case_from_report_to_rating(
    browser: Browser, served: str, artifacts: Path, tmp_path: Path, language: str
) -> None:
    words = WORDS[language]
    shots = artifacts / language
    shots.mkdir(exist_ok=True)
    lat, lng = point_in_grid(served, GRID1)

    # The district administrator's count before.
    admin = new_context(browser, served, language, viewport={"width": 1366, "height": 900})
    admin_page = admin.new_page()
    sign_in(admin_page, "district", language)
    before = received_at(admin_page, GRID1)

    # 1. A resident reports a broken pavement, with a pin on the map.
    resident = new_context(browser, served, language, viewport={"width": 414, "height": 860})
    page = resident.new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_accessible(page)
    page.screenshot(path=shots / "01-home.png", full_page=True)
    page.goto("/report")
    page.select_option("#category", "road")
    expect(page.locator("#questions input[type=radio]").first).to_be_visible()  # htmx swapped in
    page.fill("#description", "人行道地砖松动，老人容易绊倒 / loose paving stones")
    page.wait_for_function("window.gridworkMaps && window.gridworkMaps.pick")
    page.locator("#pick-map").scroll_into_view_if_needed()
    spot = page.evaluate(
        "([lat, lng]) => { const m = window.gridworkMaps.pick; m.setView([lat, lng], 17);"
        " const p = m.latLngToContainerPoint([lat, lng]); return {x: p.x, y: p.y}; }",
        [lat, lng],
    )
    box = page.locator("#pick-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    assert abs(float(page.input_value("#lat")) - lat) < 0.0005
    assert abs(float(page.input_value("#lng")) - lng) < 0.0005
    page.set_input_files(
        "#photo", files=[{"name": "road.jpg", "mimeType": "image/jpeg", "buffer": a_photo()}]
    )
    check_accessible(page)
    page.screenshot(path=shots / "02-report-form.png", full_page=True)
    page.get_by_role("button", name=words["send"]).click()
    expect(page).to_have_url(re.compile(r"/track/[A-Z0-9]+"))
    reference = page.url.split("/track/")[1].split("?")[0]
    expect(page.locator(".code")).to_contain_text(reference)
    check_accessible(page)
    page.screenshot(path=shots / "03-received.png", full_page=True)
    photo_url = page.locator("img.thumb").first.get_attribute("src")
    assert photo_url is not None
    stored = Image.open(io.BytesIO(httpx.get(served + photo_url).content))
    assert 0x8825 not in stored.getexif()  # the location left the photo

    # 2. Community staff accept it from the desk and dispatch it to the grid's worker.
    staff = new_context(browser, served, language, viewport={"width": 1280, "height": 900})
    desk = staff.new_page()
    sign_in(desk, "staff", language)
    expect(desk).to_have_url(re.compile("/desk"))
    check_accessible(desk)
    desk.screenshot(path=shots / "04-desk.png", full_page=True)
    desk.get_by_role("link", name=re.compile(reference)).click()
    desk.locator("#act-accept button").click()
    expect(desk.locator(".alert.ok")).to_be_visible()
    desk.select_option("#assignee-dispatch", "worker1")
    desk.locator("#act-dispatch button").click()
    expect(desk.locator(".alert.ok")).to_be_visible()
    check_accessible(desk)
    desk.screenshot(path=shots / "05-dispatched.png", full_page=True)

    # 3. The worker, on a phone, starts and resolves it with a note and a photo.
    worker = new_context(
        browser, served, language, viewport=WORKER_PHONE, is_mobile=True, has_touch=True
    )
    phone = worker.new_page()
    sign_in(phone, "worker1", language)
    expect(phone).to_have_url(re.compile("/work"))
    check_accessible(phone)
    phone.screenshot(path=shots / "06-worker-cases.png", full_page=True)
    phone.get_by_role("link", name=re.compile(reference)).click()
    phone.get_by_role("button", name=words["start"]).click()
    expect(phone.locator(".alert.ok")).to_be_visible()
    phone.fill("#note-resolve", "已更换松动地砖 / paving relaid")
    phone.set_input_files(
        "#photo-resolve",
        files=[{"name": "done.jpg", "mimeType": "image/jpeg", "buffer": a_photo()}],
    )
    check_accessible(phone)
    phone.screenshot(path=shots / "07-worker-resolve.png", full_page=True)
    phone.locator("#act-resolve button").click()
    expect(phone.locator(".alert.ok")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= WORKER_PHONE["width"]

    # 4. Staff check the work and close the case.
    desk.goto("/desk")
    desk.locator("#check-h").scroll_into_view_if_needed()
    desk.get_by_role("link", name=re.compile(reference)).click()
    desk.get_by_role("button", name=words["close"], exact=True).click()
    expect(desk.locator(".badge.s-closed").first).to_be_visible()

    # 5. The resident, back on the same browser, sees it closed and rates it.
    page.goto(f"/track/{reference}")
    expect(page.locator("h1 .badge")).to_have_text(words["closed"])
    expect(page.locator(".timeline img.thumb")).to_have_count(1)  # the repair photo
    page.locator("input[name=rating][value='5']").check()
    page.fill("#comment", "修得很快 / quick")
    page.get_by_role("button", name=words["rate"]).click()
    expect(page.locator(".alert.ok").first).to_be_visible()
    check_accessible(page)
    page.screenshot(path=shots / "08-rated.png", full_page=True)

    # 6. The administrator's dashboard counts it, and its CSV says the same.
    assert received_at(admin_page, GRID1) == before + 1
    admin_page.goto("/dashboard/520115007005?days=7")
    admin_page.wait_for_selector("#unit-map[data-ready]")
    admin_page.wait_for_selector("#trend-chart canvas")
    check_accessible(admin_page)
    admin_page.screenshot(path=shots / "09-dashboard-community.png", full_page=True)
    admin_page.locator("table.data").first.get_by_role(
        "link", name=re.compile("金元第一网格")
    ).click()
    expect(admin_page).to_have_url(re.compile(GRID1))
    with admin_page.expect_download() as download:
        admin_page.get_by_role("link", name=re.compile("CSV")).click()
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("code,name,from,to,open,overdue,received")
    assert rows[1].split(",")[6] == str(before + 1)
    admin_page.goto("/dashboard/520115?days=30")
    admin_page.wait_for_selector("#unit-map[data-ready]")
    check_accessible(admin_page)
    admin_page.screenshot(path=shots / "10-dashboard-district.png", full_page=True)
    for context in (admin, resident, staff, worker):
        context.close()
