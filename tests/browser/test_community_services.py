"""The community-services pages in a real browser, in both languages: legal staff open a
mediation, the desk schedules a class, runs the canteen's day, forms a volunteer team and
publishes a notice, and a worker reads their messages. Every page is checked for labelled
fields and AA contrast, and screenshotted."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.accessibility import check_accessible
from tests.browser.test_journeys import new_context, sign_in

JINYUAN = "520115007005"


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_mediation_activities_canteen_teams_and_messages(
    browser: Browser, served: str, artifacts: Path, language: str
) -> None:
    shots = artifacts / language
    context = new_context(browser, served, language, viewport={"width": 1280, "height": 900})
    page = context.new_page()

    sign_in(page, "lawyer", language)
    page.goto("/mediations")
    check_accessible(page)
    page.select_option("#m-kind", "neighbours")
    page.fill("#m-summary", f"楼上漏水 {language}")
    page.fill("#m-a", "赵大妈")
    page.fill("#m-r", "钱先生")
    page.locator("input[name=applicant_consents]").check()
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("#")
    expect(page.get_by_text("赵大妈")).to_be_visible()
    check_accessible(page)
    page.screenshot(path=shots / "21-mediation.png", full_page=True)
    page.locator("form[action$='/consent'] button").first.click()
    expect(page.locator(".alert.ok")).to_be_visible()
    context.clear_cookies()

    sign_in(page, "staff", language)
    page.goto("/activities")
    first = (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%dT09:00")
    page.fill("#a-title", f"太极拳 {language}")
    page.fill("#a-start", first)
    page.select_option("#a-rec", "weekly")
    page.fill("#a-sessions", "6")
    page.fill("#a-cap", "20")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(f"太极拳 {language}")
    check_accessible(page)
    page.screenshot(path=shots / "22-activity.png", full_page=True)

    page.goto("/facilities")
    page.fill("#new-name", f"助餐点 {language}")
    page.select_option("#new-kind", "canteen")
    page.locator("section form button[type=submit]").click()
    page.locator("summary", has_text=f"助餐点 {language}").click()
    page.locator("a[href^='/canteens/']").last.click()
    page.fill("input[name=price]", "15")
    page.fill("input[name=s60]", "3")
    page.fill("input[name=s70]", "5")
    page.fill("input[name=s80]", "8")
    page.locator("form[action$='/prices'] button").click()
    expect(page.locator(".alert.ok")).to_be_visible()
    check_accessible(page)
    page.screenshot(path=shots / "23-canteen.png", full_page=True)

    page.goto("/teams")
    page.fill("#t-name", f"邻里互助队 {language}")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(f"邻里互助队 {language}")
    check_accessible(page)
    page.screenshot(path=shots / "24-team.png", full_page=True)

    page.goto("/notices")
    page.fill("#n-title", f"停水通知 {language}")
    page.fill("#n-body", "周三 9:00–17:00 停水")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator(".alert.ok")).to_be_visible()
    check_accessible(page)
    page.goto(f"/community/{JINYUAN}")
    expect(page.get_by_text(f"停水通知 {language}")).to_be_visible()
    expect(page.get_by_text(f"太极拳 {language}")).to_be_visible()
    check_accessible(page)
    page.screenshot(path=shots / "25-community-services.png", full_page=True)
    context.clear_cookies()

    sign_in(page, "worker1", language)
    page.goto("/inbox")
    check_accessible(page)
    page.screenshot(path=shots / "26-messages.png", full_page=True)
    context.close()
