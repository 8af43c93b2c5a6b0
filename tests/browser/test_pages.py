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
