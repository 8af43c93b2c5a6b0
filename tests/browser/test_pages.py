"""Every page opens in Chromium and shows the figures the pipeline computes, with no error element."""

from __future__ import annotations

import pytest

from pipeline import labels
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_overview_renders_the_counts(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text(labels.STATUS_BENEFICIARIES).first.wait_for(timeout=30_000)
    metrics = page.locator("[data-testid='stMetric']")
    texts = [metrics.nth(i).inner_text() for i in range(metrics.count())]
    assert any(labels.STATUS_BENEFICIARIES in t and "64" in t for t in texts), texts
    assert any(labels.STATUS_CONTACTS in t and "273" in t for t in texts), texts
    assert page.locator("[data-testid='stException']").count() == 0
    assert screenshot(page, "overview").stat().st_size > 10_000
