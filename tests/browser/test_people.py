"""Door-to-door visits on a worker's phone, and the desk's registry with its access log, in
a real browser in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.accessibility import check_accessible
from tests.browser.test_journeys import WORKER_PHONE, new_context, sign_in

WORDS = {
    "zh-CN": {"logged": "走访已登记", "case": "该诉求已生成事件", "who": "谁读取了这条记录"},
    "en": {
        "logged": "Visit logged",
        "case": "The need became a case",
        "who": "Who read this record",
    },
}


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_worker_logs_a_due_visit_and_a_need_becomes_a_case(
    browser: Browser, served: str, artifacts: Path, language: str
) -> None:
    shots = artifacts / language
    shots.mkdir(exist_ok=True)
    context = new_context(
        browser, served, language, viewport=WORKER_PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    sign_in(page, "worker1", language)
    page.goto("/visits")
    before = int(page.locator("h1 .count").inner_text())
    assert before > 0
    page.wait_for_selector("#visit-map .stop-icon")
    check_accessible(page)
    page.screenshot(path=shots / "11-visits.png", full_page=True)
    first = page.locator(".visit").first
    first.locator("summary").click()
    first.locator("input[name=outcome][value=met]").check()
    first.locator("input[name=need]").fill("需要帮忙代购药品 / needs medicine fetched")
    first.locator("select[name=need_category]").select_option("elderly_help")
    first.locator("button[type=submit]").click()
    expect(page.locator(".alert.ok")).to_contain_text(WORDS[language]["logged"])
    assert int(page.locator("h1 .count").inner_text()) == before - 1
    expect(page.locator("table.data tbody tr").first).to_contain_text("needs medicine")
    page.get_by_role("link", name=WORDS[language]["case"]).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+"))
    expect(page.locator(".desc")).to_contain_text("needs medicine")
    assert page.evaluate("document.documentElement.scrollWidth") <= WORKER_PHONE["width"]
    context.close()


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_staff_read_the_registry_and_see_who_read_a_record(
    browser: Browser, served: str, artifacts: Path, language: str
) -> None:
    shots = artifacts / language
    context = new_context(browser, served, language, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, "staff", language)
    page.goto("/registry?flag=lives_alone")
    rows = page.locator("table.data tbody tr")
    expect(rows.first).to_be_visible()
    check_accessible(page)
    page.screenshot(path=shots / "12-registry.png", full_page=True)
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name=WORDS[language]["who"])).to_be_visible()
    readers = page.locator("table.data tbody tr")
    expect(readers.filter(has_text="staff").first).to_be_visible()  # this very read is logged
    check_accessible(page)
    page.screenshot(path=shots / "13-resident.png", full_page=True)
    context.close()


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_community_pages_read_well(
    browser: Browser, served: str, artifacts: Path, language: str
) -> None:
    """Staff add a facility; the public page shows it with the tally of proposals."""
    shots = artifacts / language
    context = new_context(browser, served, language, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, "staff", language)
    page.goto("/facilities")
    page.fill("#new-name", f"金元长者食堂 {language}")
    page.select_option("#new-kind", "canteen")
    page.fill("#new-hours", "11:00–13:00")
    page.fill("#new-places", "120")
    page.locator("section form button[type=submit]").click()
    expect(page.locator(".alert.ok")).to_be_visible()
    check_accessible(page)
    page.screenshot(path=shots / "19-facilities.png", full_page=True)
    page.goto("/community/520115007005")
    expect(page.locator(".card h3", has_text=f"金元长者食堂 {language}")).to_be_visible()
    check_accessible(page)
    page.screenshot(path=shots / "20-community.png", full_page=True)
    page.goto("/proposals")
    check_accessible(page)
    context.close()
