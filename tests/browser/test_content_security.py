"""The pages under their Content-Security-Policy in Chromium: no console error and no
policy violation on the main pages of residents, workers, staff and administrators; and a
unit name holding markup (old data, from before names were checked) shows on the maps as
text, its script never run. Screenshots at 375 px and desktop width go to
test-artifacts/browser/csp/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import create_engine, text

from tests.browser.test_journeys import new_context, sign_in

JINYUAN = "520115007005"
HOSTILE = '<img src=x onerror="window.pwned=1">第四网格'
# Recorded before any page script runs (init scripts are not subject to the page's CSP).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""
WIDTHS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}


class Watched:
    """A page whose console errors, uncaught exceptions and CSP violations are collected."""

    def __init__(self, context: BrowserContext) -> None:
        context.add_init_script(WATCH_VIOLATIONS)
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"{m.location.get('url')}: {m.text}")
                if m.type == "error"
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))
        self.page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def visit(self, path: str) -> Page:
        """Open `path`, which must come with the policy, and let its scripts settle."""
        response = self.page.goto(path)
        assert response is not None and response.ok, path
        assert "script-src 'self';" in response.headers.get("content-security-policy", ""), path
        self.page.wait_for_load_state("networkidle")
        return self.page

    def check(self) -> None:
        """Fail on anything collected on the current page (and before it)."""
        violations = self.page.evaluate("window.__violations || []")
        assert violations == [], f"{self.page.url}: CSP violations {violations}"
        assert self.errors == [], self.errors


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def a_case(base: str) -> dict[str, str]:
    """A resident's report through the API: its reference and follow-up code."""
    answer = httpx.post(
        f"{base}/api/v1/cases",
        json={"category": "road", "description": "井盖松动", "area_code": JINYUAN + "001"},
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, str] = answer.json()
    return body


def test_the_main_pages_run_under_the_policy_without_errors(
    browser: Browser, served: str, artifacts: Path, width: str
) -> None:
    shots = artifacts / "csp"
    shots.mkdir(exist_ok=True)
    viewport = WIDTHS[width]
    case = a_case(served)

    # A resident: report form (map pin, htmx questions and nearby list), then follow-up.
    resident = Watched(new_context(browser, served, "zh-CN", viewport=viewport))
    page = resident.visit("/report")
    page.select_option("#category", "road")
    expect(page.locator("#questions input[type=radio]").first).to_be_visible()
    page.wait_for_function("window.gridworkMaps && window.gridworkMaps.pick")
    expect(page.locator("#pick-map path.leaflet-interactive").first).to_be_attached()
    page.locator("#pick-map").scroll_into_view_if_needed()
    box = page.locator("#pick-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#lat")).not_to_have_value("")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=shots / f"report-{width}.png", full_page=True)
    resident.check()
    page = resident.visit("/track")
    page.fill("#reference", case["reference"])
    page.fill("#secret", case["secret"])
    page.locator("form[action='/track'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/track/[A-Z0-9-]+$"))
    page.wait_for_load_state("networkidle")
    page.screenshot(path=shots / f"track-{width}.png", full_page=True)
    resident.check()

    # Community staff: the case list, a case with its map, the desk, emergencies.
    staff = Watched(new_context(browser, served, "zh-CN", viewport=viewport))
    sign_in(staff.page, "staff", "zh-CN")
    page = staff.visit("/cases")
    page.screenshot(path=shots / f"cases-{width}.png", full_page=True)
    links = page.locator("a[href^='/cases/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 10))]
    for href in hrefs:  # a case with a map: one reported with a pin
        assert href is not None
        page = staff.visit(href)
        if page.locator("#case-map").count():
            break
    expect(page.locator("#case-map .leaflet-interactive").first).to_be_attached()
    page.screenshot(path=shots / f"case-{width}.png", full_page=True)
    for path in ("/desk", "/emergencies"):
        page = staff.visit(path)
        page.screenshot(path=shots / f"{path.strip('/')}-{width}.png", full_page=True)
    staff.check()

    # The city administrator's dashboard: the unit map and the trend chart with its tooltip.
    city = Watched(new_context(browser, served, "zh-CN", viewport=viewport))
    sign_in(city.page, "city", "zh-CN")
    page = city.visit("/dashboard")
    expect(page.locator("#unit-map[data-ready]")).to_be_attached()
    chart = page.locator("#trend-chart")
    if chart.count():
        chart.scroll_into_view_if_needed()
        chart.hover()
    page.screenshot(path=shots / f"dashboard-{width}.png", full_page=True)
    city.check()

    # A grid worker: their visits with the walking-order map, and their cases.
    worker = Watched(new_context(browser, served, "zh-CN", viewport=viewport))
    sign_in(worker.page, "worker1", "zh-CN")
    for path in ("/visits", "/work"):
        page = worker.visit(path)
        page.screenshot(path=shots / f"{path.strip('/')}-{width}.png", full_page=True)
    worker.check()


@pytest.fixture
def hostile_grid(demo_world: tuple[str, str]) -> Iterator[str]:
    """A demo grid with a boundary (the last, which the journeys leave alone) renamed to
    markup straight in the database, as data from before names were checked would be; its
    old name is put back afterwards. Yields the grid's code."""
    engine = create_engine(demo_world[0])
    with engine.begin() as conn:
        code, old = conn.execute(
            text(
                "SELECT areas.code, areas.name FROM areas"
                " JOIN area_geometries ON area_geometries.code = areas.code"
                " WHERE areas.level = 'grid' ORDER BY areas.code DESC LIMIT 1"
            )
        ).one()
        conn.execute(
            text("UPDATE areas SET name = :name WHERE code = :code"),
            {"name": HOSTILE, "code": code},
        )
    try:
        yield str(code)
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE areas SET name = :name WHERE code = :code"),
                {"name": old, "code": code},
            )
        engine.dispose()


def hover_feature(page: Page, map_name: str, element: str, code: str) -> None:
    """Move the mouse over the middle of the map feature of unit `code`."""
    page.wait_for_function(
        "([name, code]) => { const m = (window.gridworkMaps || {})[name]; let found = false;"
        " m && m.eachLayer(l => { if (l.feature && l.feature.properties.code === code) found = true; });"
        " return found; }",
        arg=[map_name, code],
    )
    page.locator(element).scroll_into_view_if_needed()
    spot = page.evaluate(
        "([name, code]) => { const m = window.gridworkMaps[name]; let layer = null;"
        " m.eachLayer(l => { if (l.feature && l.feature.properties.code === code) layer = l; });"
        " m.fitBounds(layer.getBounds(), { animate: false });"
        " const p = m.latLngToContainerPoint(layer.getBounds().getCenter());"
        " return { x: p.x, y: p.y }; }",
        [map_name, code],
    )
    box = page.locator(element).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + spot["x"] - 3, box["y"] + spot["y"] - 3)
    page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"])


def test_a_unit_name_with_markup_shows_as_text_on_the_maps(
    browser: Browser, served: str, artifacts: Path, hostile_grid: str
) -> None:
    names = httpx.get(f"{served}/map/grids.json", params={"lat": 26.65, "lng": 106.63}).json()
    if not any(f["properties"]["code"] == hostile_grid for f in names["features"]):
        pytest.fail("the renamed grid is not among the report map's outlines")

    # Anyone, on the public report form.
    anonymous = Watched(new_context(browser, served, "zh-CN", viewport=WIDTHS["desktop"]))
    page = anonymous.visit("/report")
    page.wait_for_function("window.gridworkMaps && window.gridworkMaps.pick")
    hover_feature(page, "pick", "#pick-map", hostile_grid)
    tooltip = page.locator("#pick-map .leaflet-tooltip")
    expect(tooltip).to_have_text(HOSTILE)
    assert tooltip.locator("img").count() == 0
    page.screenshot(path=artifacts / "csp" / "hostile-name-report.png")
    assert page.evaluate("typeof window.pwned") == "undefined"

    # The city administrator, on the dashboard map of the grid's community.
    staff = Watched(new_context(browser, served, "zh-CN", viewport=WIDTHS["desktop"]))
    sign_in(staff.page, "city", "zh-CN")
    page = staff.visit(f"/dashboard/{hostile_grid[:12]}")
    hover_feature(page, "unit", "#unit-map", hostile_grid)
    tooltip = page.locator("#unit-map .leaflet-tooltip")
    expect(tooltip).to_contain_text(HOSTILE)
    assert tooltip.locator("img").count() == 0
    page.screenshot(path=artifacts / "csp" / "hostile-name-dashboard.png")
    assert page.evaluate("typeof window.pwned") == "undefined"
    anonymous.check()
    staff.check()
