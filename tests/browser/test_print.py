"""The PDF of the quarterly report, downloaded from the 季度调度 page of the app as `make run` serves it."""

from __future__ import annotations

import urllib.parse

import pytest

from app_ui import filters
from pipeline import labels, report
from tests.browser.conftest import open_signed_in, wait_for_app

pytestmark = pytest.mark.browser


def test_the_report_page_downloads_the_pdf(app_url, page, tmp_path):
    if not report.pdf_available():
        pytest.skip("no Chromium to print with")
    query = urllib.parse.urlencode(filters.url_params("2026Q3"), doseq=True)
    open_signed_in(page, f"{app_url}/report?{query}")
    button = page.get_by_role("button", name=labels.REPORT_PAGE_DOWNLOAD_PDF)
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=120_000) as started:
        button.click()
    download = started.value
    assert download.suggested_filename == "全市_2026年第三季度_季度调度.pdf"
    saved = tmp_path / "report.pdf"
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF") and b"NotoSansCJK" in content
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
