"""The public dashboard (web/) in headless Chromium against a local server with known data."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
import requests

from tests.browser.conftest import DESKTOP, PHONE, YEAR, screenshot
from tests.http.conftest import free_port

pytestmark = pytest.mark.browser

HEADLINE = (
    "meetings.held",
    "appeals.resolved",
    "volunteers.activities",
    "volunteers.residents_served",
    "projects.started",
    "projects.funding.total",
)


def figure(figures: dict, path: str) -> int:
    value = figures
    for part in path.split("."):
        value = value[part]
    return value


def shown_in_wan(n: int | Decimal, unit: str) -> str:
    """What the page writes for a figure of ``n`` 万: two decimals at most, trailing zeros dropped."""
    rounded = Decimal(n).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN).normalize()
    return f"{rounded:,f} {unit}"


def open_city(page, site, year: int = YEAR) -> None:
    page.goto(site.url(f"/#/{year}"))
    page.wait_for_selector("#headline, #empty-state, #error-state")


def headline_values(page) -> dict[str, int]:
    return {
        e.get_attribute("data-figure"): int(e.get_attribute("data-value"))
        for e in page.query_selector_all("#headline .figure")
    }


def test_headline_figures_equal_the_live_figures(site, page):
    open_city(page.page, site)
    live = requests.get(site.url(f"/v1/stats/{YEAR}"), timeout=10).json()
    assert headline_values(page.page) == {path: figure(live, path) for path in HEADLINE}
    text = {
        e.get_attribute("data-figure"): " ".join(e.query_selector(".figure-number").inner_text().split())
        for e in page.page.query_selector_all("#headline .figure")
    }
    assert text["meetings.held"] == f"{live['meetings']['held']:,} 场"
    served = live["volunteers"]["residents_served"]
    expected = shown_in_wan(Decimal(served) / 10_000, "万人次") if served >= 10_000 else f"{served:,} 人次"
    assert text["volunteers.residents_served"] == expected
    assert text["projects.funding.total"] == shown_in_wan(
        Decimal(live["projects"]["funding"]["total"]) / 1_000_000, "万元"
    )
    assert page.errors == []


def test_the_city_view_makes_at_most_three_api_requests(site, page):
    open_city(page.page, site)
    page.page.wait_for_load_state("networkidle")
    assert len(page.api_requests) <= 3, page.api_requests


def test_switching_to_english_changes_the_labels_without_asking_the_api_again(site, page):
    open_city(page.page, site)
    label = page.page.locator('#headline .figure[data-figure="meetings.held"] .figure-label')
    assert label.inner_text() == "楼宇协商会"
    asked = len(page.api_requests)
    page.page.click("#lang-switch")
    assert label.inner_text() == "Consultation meetings"
    assert page.page.get_attribute("html", "lang") == "en"
    assert page.page.locator("#communities-title").inner_text() == "Communities"
    assert len(page.api_requests) == asked
    page.page.click("#lang-switch")
    assert label.inner_text() == "楼宇协商会"
    assert page.errors == []


def column(page, key: str) -> list[str]:
    index = [b.get_attribute("data-sort") for b in page.query_selector_all("#communities-table button.sort")].index(key)
    return [
        row.query_selector_all("th, td")[index].inner_text()
        for row in page.query_selector_all("#communities-table tbody tr")
    ]


def test_the_community_table_sorts_by_a_column_both_ways(site, page):
    open_city(page.page, site)
    scopes = requests.get(site.url(f"/v1/stats/{YEAR}/scopes"), timeout=10).json()["communities"]
    submitted = sorted((f["appeals"]["submitted"] for f in scopes.values()), reverse=True)
    assert len(set(submitted)) > 1  # the data can tell a sorted table from an unsorted one

    page.page.click('#communities-table button.sort[data-sort="submitted"]')
    assert [int(v.replace(",", "")) for v in column(page.page, "submitted")] == submitted
    header = page.page.locator('#communities-table th:has(button[data-sort="submitted"])')
    assert header.get_attribute("aria-sort") == "descending"

    page.page.click('#communities-table button.sort[data-sort="submitted"]')
    assert [int(v.replace(",", "")) for v in column(page.page, "submitted")] == submitted[::-1]
    assert header.get_attribute("aria-sort") == "ascending"
    assert page.errors == []


def test_the_community_table_is_searchable_and_flags_communities_without_a_secretary_led_project(site, page):
    open_city(page.page, site)
    report = requests.get(site.url(f"/v1/stats/{YEAR}/scopes"), timeout=10).json()["communities"]
    lacking = {c for c, f in report.items() if not f["projects"]["by_kind"]["secretary_led"]}
    flagged = {
        row.get_attribute("data-community")
        for row in page.page.query_selector_all("#communities-table tbody tr")
        if row.query_selector(".flag")
    }
    assert flagged == lacking and 0 < len(lacking) < 44
    page.page.fill("#community-search", "宁和")
    assert [r.get_attribute("data-community") for r in page.page.query_selector_all("#communities-table tbody tr")] == [
        "cm_ninghe"
    ]


def test_a_community_page_shows_that_communitys_figures(site, page):
    open_city(page.page, site)
    page.page.click('#communities-table tr[data-community="cm_ninghe"] a')
    page.page.wait_for_selector('[data-community="cm_ninghe"] #headline')
    assert "宁和社区" in page.page.locator("#community-title").inner_text()
    live = requests.get(site.url(f"/v1/stats/{YEAR}"), params={"scope": "community:cm_ninghe"}, timeout=10).json()
    assert headline_values(page.page) == {path: figure(live, path) for path in HEADLINE}
    assert live["meetings"]["held"] > 0  # the demo's meeting is in 宁和社区: a figure that is not zero
    months = requests.get(
        site.url(f"/v1/stats/{YEAR}/months"), params={"scope": "community:cm_ninghe"}, timeout=10
    ).json()["months"]
    first_table = page.page.locator("table").nth(1)  # the monthly appeals table, after the community's row
    submitted = [int(r.inner_text().replace(",", "")) for r in first_table.locator("tbody td:nth-of-type(1)").all()]
    assert submitted == [m["appeals"]["submitted"] for m in months]
    screenshot(page.page, "community-1366x768")
    assert page.errors == []


def test_a_year_without_data_shows_the_empty_state(site, page):
    open_city(page.page, site, year=2023)
    assert page.page.locator("#empty-state").is_visible()
    assert "2023年暂无数据" in page.page.locator("#empty-state").inner_text()
    assert page.page.locator("#headline").count() == 0
    screenshot(page.page, "empty-2023")
    assert page.errors == []


def test_an_unreachable_api_shows_the_error_state(site, page):
    closed = free_port()  # nothing listens there
    page.page.route(
        "**/config.json",
        lambda route: route.fulfill(
            content_type="application/json", body=json.dumps({"api_url": f"http://127.0.0.1:{closed}"})
        ),
    )
    open_city(page.page, site)
    error = page.page.locator("#error-state")
    assert error.is_visible()
    assert "暂时无法连接数据服务" in error.inner_text()
    assert page.page.locator("#retry").is_visible()
    screenshot(page.page, "error")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366x768", "390x844"])
def test_the_city_view_fits_the_screen_and_is_kept_as_a_screenshot(site, browser, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_city(page, site)
    page.wait_for_load_state("networkidle")
    # Nothing wider than the screen: wide tables scroll inside their own box, the page does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    charts = page.locator(".chart svg")
    assert charts.count() == 4
    path = screenshot(page, f"city-{viewport['width']}x{viewport['height']}")
    assert path.stat().st_size > 10_000
    context.close()
    assert errors == []


def test_the_dashboard_and_its_config_are_served_at_the_root(site):
    index = requests.get(site.url("/"), timeout=10)
    assert (index.status_code, index.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    asset = re.search(r'src="\./(assets/[^"]+\.js)"', index.text).group(1)
    assert requests.get(site.url(f"/{asset}"), timeout=10).status_code == 200
    assert requests.get(site.url("/config.json"), timeout=10).json() == {"api_url": ""}
    assert requests.get(site.url("/assets/../pyproject.toml"), timeout=10).status_code == 404
