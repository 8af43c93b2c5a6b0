"""Every page opens in Chromium and shows the figures the pipeline computes, with no error element."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import Error as PlaywrightError

from app_ui import filters
from pipeline import labels
from tests.browser.conftest import open_signed_in, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def url(app_url: str, path: str, period: str = "2026Q3", **scope) -> str:
    path = "" if path == "overview" else path  # the default page lives at the root address
    return f"{app_url}/{path}?" + urllib.parse.urlencode(filters.url_params(period, **scope), doseq=True)


def metric_texts(page, *wanted: str, timeout_ms: int = 30_000) -> dict[str, str]:
    """The metric cards' values by label, once every label in `wanted` is on a card.

    A page's cards are drawn one by one while its script runs (and redrawn by a rerun), so the cards are read again
    until the ones asked for are all there; a card replaced while being read is read again too.
    """
    waited = 0
    while True:
        texts: dict[str, str] = {}
        try:
            cards = page.locator("[data-testid='stMetric']")
            for i in range(cards.count()):
                card = cards.nth(i)
                label = card.locator("[data-testid='stMetricLabel']").inner_text(timeout=2_000).strip()
                texts[label] = card.locator("[data-testid='stMetricValue']").inner_text(timeout=2_000).strip()
        except PlaywrightError:
            texts = {}
        if all(label in texts for label in wanted) or waited >= timeout_ms:
            return texts
        page.wait_for_timeout(250)
        waited += 250


def test_overview_renders_the_pipeline_figures(app_url, page):
    open_signed_in(page, url(app_url, "overview"))
    page.get_by_text(labels.METRIC_LABELS["contact_rate"]).first.wait_for(timeout=30_000)
    shown = metric_texts(
        page, *(labels.METRIC_LABELS[key] for key in ("contact_rate", "pairing_rate", "overdue_contact"))
    )
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
    open_signed_in(page, url(app_url, "county"))
    page.get_by_text(labels.COUNTY_TABLE).first.wait_for(timeout=30_000)
    choose(page, labels.COUNTY_PICK, "东川县")
    page.get_by_text(labels.TOWNSHIP_TABLE.format(county="东川县")).first.wait_for(timeout=30_000)
    # expected_2026Q3_county.csv: 东川县 has 21 beneficiaries, all in its one township 东川乡 (chosen for us)
    caption = labels.PAIRS_COUNT.format(place="东川县东川乡", filter=labels.PAIR_FILTER_LABELS["all"], count=21)
    page.get_by_text(caption).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "county")


def test_department_page_shows_the_ranking(app_url, page):
    open_signed_in(page, url(app_url, "department"))
    page.get_by_text(labels.DEPARTMENT_TABLE).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "department")


def test_issues_page(app_url, page):
    open_signed_in(page, url(app_url, "issues"))
    page.get_by_text(labels.ISSUES_OVERDUE_LIST).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "issues")


def test_reminders_page(app_url, page):
    open_signed_in(page, url(app_url, "reminders"))
    page.get_by_text(labels.REMINDERS_FILTER_DEPARTMENT).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "reminders")


def test_quality_page(app_url, page):
    open_signed_in(page, url(app_url, "quality"))
    page.get_by_text(labels.QUALITY_INTRO).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "quality")


def test_settings_page(app_url, page):
    open_signed_in(page, url(app_url, "settings"))
    page.get_by_text(labels.SETTING_LABELS["overdue_days"]).first.wait_for(timeout=30_000)
    assert_no_error(page)
    screenshot(page, "settings")


def test_upload_a_gbk_csv_shows_counts_and_reasons(app_url, page):
    # one new contact in November (outside the quarters the other tests read) and one for nobody in the roster
    csv_text = (
        "身份证号,走访日期,联系方式,满意度\n"
        "620102201205030014,2026-11-20,电话,满意\n"
        "620102201205030022,2026-11-21,电话,\n"
    )
    open_signed_in(page, url(app_url, "upload"))
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": "十一月走访.csv", "mimeType": "text/csv", "buffer": csv_text.encode("gbk")}]
    )
    wait_for_app(page)
    page.get_by_role("button", name=re.compile(labels.UPLOAD_BUTTON)).click()
    wait_for_app(page)
    page.get_by_text(labels.UPLOAD_RESULT_PARTIAL.split("（")[0]).first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=30_000)
    shown = metric_texts(page, labels.COUNT_LABELS["inserted"], labels.COUNT_LABELS["rejected"])
    assert shown[labels.COUNT_LABELS["inserted"]] == "1"
    assert shown[labels.COUNT_LABELS["rejected"]] == "1"
    # the error table is a canvas grid: its cells exist for screen readers but are not visible
    reason = page.get_by_text("对象不在台账").first
    reason.wait_for(state="attached", timeout=30_000)
    assert "620102********0022" in reason.text_content()
    assert_no_error(page)
    screenshot(page, "upload")


def test_report_page(app_url, page):
    open_signed_in(page, url(app_url, "report"))
    page.get_by_text(labels.REPORT_PAGE_DOWNLOADS).first.wait_for(timeout=60_000)
    assert_no_error(page)
    screenshot(page, "report")


def test_a_county_user_logs_in_and_sees_only_his_county_whatever_the_link_asks(app_url, page):
    page.goto(url(app_url, "county", county="西坪县"))
    page.get_by_label(labels.LOGIN_PASSWORD).wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stMetric']").count() == 0  # nothing before the login
    # while the form is filled in, the browser fetches the code of the charts and tables the next page draws,
    # for a chart and a table of nothing that are never shown
    for chunk in ("PlotlyChart", "DataFrame"):
        page.wait_for_function(
            "chunk => performance.getEntriesByType('resource').some(e => e.name.includes(`/${chunk}.`))",
            arg=chunk,
            timeout=30_000,
        )
    assert page.locator(".js-plotly-plot").count() == 1 and page.locator(".js-plotly-plot").is_hidden()
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    assert page.locator("[data-testid='stDataFrame']").is_hidden()
    screenshot(page, "login")
    open_signed_in(page, url(app_url, "county", county="西坪县"), user="县区测试")
    # the page the link named, as a county account sees it: its own county's townships
    page.get_by_text(labels.TOWNSHIP_TABLE.format(county="东川县")).first.wait_for(timeout=30_000)
    main = page.locator("[data-testid='stMain']").inner_text()
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert "东川县" in sidebar and "西坪县" not in sidebar and "临河区" not in sidebar
    assert "西坪县" not in main and "临河区" not in main
    assert_no_error(page)
    screenshot(page, "county_user")
