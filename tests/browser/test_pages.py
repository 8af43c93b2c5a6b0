"""Every page opens in Chromium and shows the figures the pipeline computes, with no error element."""

from __future__ import annotations

import urllib.parse

import pytest

from app_ui import filters
from pipeline import labels
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def url(app_url: str, path: str, period: str = "2026Q3", **scope) -> str:
    return f"{app_url}/{path}?" + urllib.parse.urlencode(filters.url_params(period, **scope), doseq=True)


def metric_texts(page) -> dict[str, str]:
    cards = page.locator("[data-testid='stMetric']")
    texts = {}
    for i in range(cards.count()):
        label = cards.nth(i).locator("[data-testid='stMetricLabel']").inner_text().strip()
        texts[label] = cards.nth(i).locator("[data-testid='stMetricValue']").inner_text().strip()
    return texts


def test_overview_renders_the_pipeline_figures(app_url, page):
    page.goto(url(app_url, "overview"))
    wait_for_app(page)
    page.get_by_text(labels.METRIC_LABELS["contact_rate"]).first.wait_for(timeout=30_000)
    shown = metric_texts(page)
    # expected_2026Q3_overall.csv
    assert shown[labels.METRIC_LABELS["contact_rate"]] == "74.1%"
    assert shown[labels.METRIC_LABELS["pairing_rate"]] == "93.5%"
    assert shown[labels.METRIC_LABELS["overdue_contact"]] == "29"
    assert page.locator("[data-testid='stException']").count() == 0
    assert screenshot(page, "overview").stat().st_size > 10_000


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox by its label, then wait for the rerun to finish."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def assert_no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def test_county_drill_down_to_the_pairs(app_url, page):
    page.goto(url(app_url, "county"))
    wait_for_app(page)
    page.get_by_text(labels.COUNTY_TABLE).first.wait_for(timeout=30_000)
    choose(page, labels.COUNTY_PICK, "东川县")
    page.get_by_text(labels.TOWNSHIP_TABLE.format(county="东川县")).first.wait_for(timeout=30_000)
    # expected_2026Q3_county.csv: 东川县 has 21 beneficiaries, all in its one township 东川乡 (chosen for us)
    caption = labels.PAIRS_COUNT.format(place="东川县东川乡", filter=labels.PAIR_FILTER_LABELS["all"], count=21)
    page.get_by_text(caption).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "county")


def test_department_page_shows_the_ranking(app_url, page):
    page.goto(url(app_url, "department"))
    wait_for_app(page)
    page.get_by_text(labels.DEPARTMENT_TABLE).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "department")


def test_issues_page(app_url, page):
    page.goto(url(app_url, "issues"))
    wait_for_app(page)
    page.get_by_text(labels.ISSUES_OVERDUE_LIST).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "issues")


def test_reminders_page(app_url, page):
    page.goto(url(app_url, "reminders"))
    wait_for_app(page)
    page.get_by_text(labels.REMINDERS_FILTER_DEPARTMENT).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "reminders")
