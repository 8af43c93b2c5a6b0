"""回访核查 in Chromium: the page with a sample, answers and a reported problem, at desktop width and at 390 px, and
the 疑点 on the data-quality page; screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from pipeline import db, labels, masking
from pipeline.callbacks import entry, sample
from tests.browser.conftest import open_signed_in, screenshot, serve_app, wait_for_app
from tests.conftest import EXAMPLE_TODAY, build_example_database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def callbacks_url(tmp_path_factory):
    """The example city with a sample of this quarter, two people called back and a problem reported."""
    database = build_example_database(tmp_path_factory.mktemp("callbacks") / "example.duckdb")
    with db.session(database) as con:
        drawn = sample.draw(con, "2026Q4", per_department=2, seed=7, today=EXAMPLE_TODAY, user="市级测试")
        people = sample.lines(con, drawn, masked=False)
        answers = [
            {
                "reach": "接通",
                "knows_cadre": "否",
                "contact_truth": "不属实",
                "satisfaction": "基本满意",
                "reported_issue": "冬天取暖煤不够用",
            },
            {"reach": "接通", "knows_cadre": "是", "contact_truth": "属实", "satisfaction": "满意"},
            {"reach": "未接通"},
        ]
        for line, answer in zip(people.itertuples(), answers, strict=False):
            answer = {"callback_date": EXAMPLE_TODAY, "caller": "王敏", **answer}
            report = entry.record(
                con, drawn.sample_id, line.line_no, line.id_number, answer, user="市级测试", today=EXAMPLE_TODAY
            )
            assert report.inserted == 1, report.errors
    CALLED.update(people.iloc[0][["department", "cadre_name", "cadre_phone"]].to_dict())
    with serve_app(database, "streamlit-callbacks.log") as url:
        yield url


CALLED: dict[str, str] = {}  # the cadre of the first person called, who said the contacts did not happen


def _choose(page, label: str, option: str) -> None:
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def _open(page, url: str) -> None:
    open_signed_in(page, f"{url}/callbacks")
    page.get_by_role("heading", name=labels.CB_PAGE_SAMPLES, exact=True).wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    page.wait_for_timeout(2_000)  # the widgets and tables below the fold draw a moment after the script ends


def test_the_page_at_desktop_width(page, callbacks_url):
    page.set_viewport_size({"width": 1280, "height": 4200})  # the whole page in one picture
    _open(page, callbacks_url)
    text = page.locator("[data-testid='stMainBlockContainer']").inner_text()
    for words in (
        labels.PAGE_TITLES["callbacks"],
        labels.CB_PAGE_DRAW,
        labels.CB_PAGE_ENTRY,
        labels.CB_PAGE_ISSUES,
        labels.CB_PAGE_SHEET_DOWNLOAD,
        labels.CB_PAGE_ENTRY_SAVE,
    ):
        assert words in text, words
    screenshot(page, "callbacks-desktop")
    page.get_by_role("tab", name=labels.CB_PAGE_ISSUES).click()
    page.get_by_text("冬天取暖煤不够用").wait_for(timeout=30_000)
    screenshot(page, "callbacks-desktop-issues")


def test_the_page_on_a_phone(browser, callbacks_url):
    context = browser.new_context(viewport={"width": 390, "height": 5200}, locale="zh-CN")
    phone = context.new_page()
    try:
        _open(phone, callbacks_url)
        # nothing wider than the screen but the tables, which scroll inside themselves
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 2
        screenshot(phone, "callbacks-phone")
    finally:
        context.close()


def test_the_doubts_on_the_quality_page(page, callbacks_url):
    open_signed_in(page, f"{callbacks_url}/quality")
    page.get_by_role("tab", name=labels.QUALITY_DOUBT_TAB).click()
    wait_for_app(page)
    page.get_by_text(labels.QUALITY_DOUBT_RULE_FILTER).first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "callbacks-quality-doubts")
    page.get_by_role("tab", name=labels.QUALITY_CHECK_TITLES["callback_untrue_contacts"]).click()
    wait_for_app(page)
    screenshot(page, "callbacks-quality-untrue")


def test_untrue_contacts_are_ringed_on_the_cadre_timeline(page, callbacks_url):
    page.set_viewport_size({"width": 1280, "height": 3000})
    open_signed_in(page, f"{callbacks_url}/department")
    _choose(page, labels.DEPARTMENT_PICK, CALLED["department"])
    cadre = labels.CADRE_OPTION.format(name=CALLED["cadre_name"], phone=masking.mask_phone(CALLED["cadre_phone"]))
    _choose(page, labels.CADRE_PICK, cadre)
    page.get_by_text(labels.UNTRUE_MARK).first.wait_for(timeout=30_000)  # the timeline's legend
    page.wait_for_timeout(1_500)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "callbacks-cadre-timeline")
