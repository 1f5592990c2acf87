"""An emergency in a real browser: staff declare it over the community, a worker records
welfare checks on a phone, the board and its map show the progress, and ending it gives the
after-action report (printed to PDF by Chromium, as a user's "save as PDF" would)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.accessibility import check_accessible
from tests.browser.test_journeys import WORKER_PHONE, new_context, sign_in

JINYUAN = "520115007005"
WORDS = {
    "zh-CN": {
        "declare": "启动",
        "safe": "平安",
        "needs": "需要帮助",
        "end": "结束应急响应",
        "add_depot": "添加物资点",
        "add_stock": "入库",
        "hand_out": "发放",
    },
    "en": {
        "declare": "Declare",
        "safe": "Safe",
        "needs": "Needs help",
        "end": "End the emergency",
        "add_depot": "Add the depot",
        "add_stock": "Add stock",
        "hand_out": "Hand out",
    },
}


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_an_emergency_from_declaration_to_report(
    browser: Browser, served: str, artifacts: Path, language: str
) -> None:
    words = WORDS[language]
    shots = artifacts / language
    shots.mkdir(exist_ok=True)
    staff = new_context(browser, served, language, viewport={"width": 1280, "height": 900})
    desk = staff.new_page()
    sign_in(desk, "staff", language)
    desk.goto("/emergencies")
    desk.select_option("#kind", "flood")
    desk.fill("#area_codes", JINYUAN)
    desk.get_by_role("button", name=words["declare"], exact=True).click()
    expect(desk).to_have_url(re.compile(r"/emergencies/\d+"))
    ref = re.findall(r"/emergencies/(\d+)", desk.url)[0]
    total = int(desk.locator("#checked").inner_text().split("/")[1])
    assert total > 0

    worker = new_context(
        browser, served, language, viewport=WORKER_PHONE, is_mobile=True, has_touch=True
    )
    phone = worker.new_page()
    sign_in(phone, "worker1", language)
    phone.goto(f"/emergencies/{ref}/tasks")
    first, second = phone.locator(".visit").nth(0), phone.locator(".visit").nth(1)
    check_accessible(phone)
    phone.screenshot(path=shots / "14-emergency-checks.png", full_page=True)
    first.get_by_role("button", name=words["safe"], exact=True).click()
    expect(phone.locator(".alert.ok")).to_be_visible()
    second = phone.locator(".visit").nth(1)
    second.locator("summary").click()
    second.locator("input[name=need]").fill("需要饮用水 / drinking water")
    second.get_by_role("button", name=words["needs"], exact=True).click()
    expect(phone.locator(".alert.ok")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= WORKER_PHONE["width"]

    # The desk keeps a depot: stock comes in, a delivery goes out, the shortage is flagged.
    desk.goto(f"/supplies/{JINYUAN}")
    desk.fill("#depot-name", f"金元应急仓库 {language}")
    desk.get_by_role("button", name=words["add_depot"]).click()
    depot = desk.locator("section.depot").last
    depot.locator("select[name=kind]").select_option("water")
    depot.locator("input[name=quantity]").fill("20")
    depot.locator("input[name=threshold]").fill("10")
    depot.get_by_role("button", name=words["add_stock"]).click()
    depot = desk.locator("section.depot").last
    depot.locator("select[name=kind]").select_option("water")
    depot.locator("input[name=quantity]").fill("15")
    depot.get_by_role("button", name=words["hand_out"]).click()
    expect(desk.locator("section.depot").last.locator("td.late")).to_have_text("5")
    check_accessible(desk)
    desk.screenshot(path=shots / "15-supplies.png", full_page=True)

    desk.goto(f"/emergencies/{ref}")
    expect(desk.locator("#supplies-h .badge")).to_be_visible()
    expect(desk.locator("#checked")).to_have_text(f"2 / {total}")
    expect(desk.locator("#needs")).to_have_text("1")
    desk.wait_for_selector("#emergency-map[data-ready]")
    check_accessible(desk)
    desk.screenshot(path=shots / "16-emergency-board.png", full_page=True)
    desk.get_by_role("button", name=words["end"]).click()
    expect(desk).to_have_url(re.compile(rf"/emergencies/{ref}/report"))
    check_accessible(desk)
    desk.screenshot(path=shots / "17-emergency-report.png", full_page=True)
    service = desk.locator("form.check-form").first
    service.locator("input[name=note]").fill("暴雨中逐户排查 / checked door to door in the storm")
    service.get_by_role("button").click()
    expect(desk.locator(".alert.ok")).to_be_visible()
    expect(desk.locator("#service")).to_contain_text("checked door to door")
    expect(desk.locator("#needs-met")).to_contain_text("GW-")  # the case the need became
    with desk.expect_download() as download:
        desk.locator('a[href$="/report.pdf"]').click()
    made = shots / "17-emergency-report-server.pdf"
    download.value.save_as(made)
    assert made.read_bytes().startswith(b"%PDF")
    desk.emulate_media(media="print")
    pdf = shots / "17-emergency-report.pdf"
    desk.pdf(path=pdf, format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
    for context in (staff, worker):
        context.close()


def test_an_emergency_over_an_area_drawn_on_the_map(
    browser: Browser, served: str, artifacts: Path
) -> None:
    context = new_context(browser, served, "zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, "district", "zh-CN")
    page.goto("/emergencies")
    page.select_option("#kind", "heat_wave")
    page.wait_for_function("window.gridworkMaps && window.gridworkMaps.draw")
    page.locator("#draw-map").scroll_into_view_if_needed()
    box = page.locator("#draw-map").bounding_box()
    assert box is not None
    middle_x, middle_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-90, -70), (90, -70), (90, 70), (-90, 70)):
        page.mouse.click(middle_x + dx, middle_y + dy)
    assert page.input_value("#polygon").startswith('{"type":"Polygon"')
    check_accessible(page)
    page.screenshot(path=artifacts / "zh-CN" / "18-emergency-drawn.png", full_page=True)
    page.get_by_role("button", name="启动", exact=True).click()
    expect(page).to_have_url(re.compile(r"/emergencies/\d+"))
    total = int(page.locator("#checked").inner_text().split("/")[1])
    assert total > 0
    context.close()
