"""督办事项 end to end in Chromium: the city raises an item on 督办提醒, the department signs and answers, the city
presses, accepts the 情况说明 and closes. The app runs on a database of its own (the loop writes to it), started
as in tests/browser/conftest.py; screenshots at desktop width and at 390 px go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app_ui import filters
from pipeline import labels
from tests.browser.conftest import open_signed_in, screenshot, serve_app, wait_for_app
from tests.conftest import CITY_USER, build_example_database

pytestmark = pytest.mark.browser
DEPARTMENT_USER = "单位测试"
PHONE_WIDTH = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def loop_url(tmp_path_factory):
    """The app on a fresh example database, so that the items raised here touch no other test."""
    database = build_example_database(tmp_path_factory.mktemp("supervision") / "example.duckdb")
    with serve_app(database, "streamlit-supervision.log") as url:
        yield url


def address(base: str, path: str, period: str = "2026-10", **extra) -> str:
    return f"{base}/{path}?" + urllib.parse.urlencode({**filters.url_params(period), **extra}, doseq=True)


def multiselect(page, label: str, option: str) -> None:
    """Type an option into a Streamlit multiselect and take it with Enter (the list re-renders as it filters)."""
    box = page.locator("[data-testid='stMultiSelect']").filter(has_text=label)
    taken = box.locator("[data-testid='stMultiSelectTagsContainer']").filter(has_text=option)
    for _ in range(3):  # the list can miss the first keystrokes, or close, while the page settles
        box.locator("input").click()
        box.locator("input").fill(option)
        try:
            page.get_by_role("option", name=option, exact=True).first.wait_for(state="attached", timeout=5_000)
        except PlaywrightTimeout:
            page.locator("h1").first.click()
            wait_for_app(page)
            continue
        page.keyboard.press("Enter")
        wait_for_app(page)
        if taken.count():  # the option stands in the box as a tag: the page has it
            break
    page.locator("h1").first.click()  # close the list
    assert taken.count(), f"{option} was not taken in {label}"
    wait_for_app(page)


def take_step(page, step: str, text: tuple[str, str] | None = None) -> None:
    """Choose a step in the item's 办理 control, fill its text and submit its form."""
    segments = page.locator("button[data-variant='segmented_control']")
    segments.filter(has=page.get_by_text(step, exact=True)).click()
    wait_for_app(page)
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name=step, exact=True))
    form.get_by_role("button", name=step, exact=True).wait_for(timeout=30_000)  # this step's form, drawn
    if text is not None:
        form.get_by_label(text[0]).fill(text[1])
    form.get_by_role("button", name=step, exact=True).click()
    wait_for_app(page)
    try:
        page.get_by_text(f"已{step}").first.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        screenshot(page, f"failed-{step}")
        raise


def on_a_phone(browser, link: str, user: str, name: str) -> None:
    """The item's page as a phone shows it (390 px wide, the sidebar folded away), saved as a screenshot."""
    context = browser.new_context(viewport=PHONE_WIDTH, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    open_signed_in(page, link, user=user)
    heading = page.get_by_text("督办〔2026〕第1号　市民政局").first
    heading.wait_for(timeout=30_000)
    no_error(page)
    screenshot(page, name)
    heading.scroll_into_view_if_needed()
    screenshot(page, name + "-item")
    context.close()


def no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def test_the_loop_end_to_end(loop_url, browser):
    # the city office raises an item from 督办提醒 (2026-10): 市民政局, one cadre
    city = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    open_signed_in(city, address(loop_url, "reminders"))
    city.get_by_text(labels.SV_REMINDERS_RAISE).first.click()
    wait_for_app(city)
    multiselect(city, labels.SV_PAGE_RAISE_DEPARTMENTS, "市民政局")
    multiselect(city, labels.SV_PAGE_RAISE_CADRES, "朱军华")
    city.get_by_role("button", name=labels.SV_PAGE_RAISE_BUTTON.format(count=1)).click()
    wait_for_app(city)
    city.get_by_text("已交办：督办〔2026〕第1号").first.wait_for(timeout=30_000)
    no_error(city)
    screenshot(city, "supervision-raise-city")

    # the department signs in, lands on its open item, signs and answers
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    department = context.new_page()
    open_signed_in(department, loop_url, user=DEPARTMENT_USER)
    department.get_by_text("督办〔2026〕第1号　市民政局").first.wait_for(timeout=30_000)
    screenshot(department, "supervision-department-desktop")
    take_step(department, "签收")
    take_step(department, "反馈", (labels.SV_TEXT_WHAT["feedback"], "已电话督促，本周入户"))
    no_error(department)
    context.close()
    on_a_phone(browser, loop_url, DEPARTMENT_USER, "supervision-department-390")

    # the city office presses, accepts the 情况说明 of the one line and closes
    open_signed_in(city, address(loop_url, "supervision", "2026Q4", item="1"))
    city.get_by_text("督办〔2026〕第1号　市民政局").first.wait_for(timeout=30_000)
    take_step(city, "催办", (labels.SV_FIELD_NOTE, "请尽快入户"))
    take_step(city, "采纳情况说明", (labels.SV_FIELD_NOTE, "已电话核实，对象本周在外就医"))
    city.get_by_text(labels.SV_PAGE_READY.format(number="督办〔2026〕第1号")).first.wait_for(timeout=30_000)
    take_step(city, "销号")
    city.get_by_text("目前“已销号”").first.wait_for(timeout=30_000)
    wait_for_app(city)
    no_error(city)
    screenshot(city, "supervision-city-desktop")

    # the 单位 page: the department's 督办落实情况 in 2026Q4 (one item, closed)
    open_signed_in(city, address(loop_url, "department", "2026Q4"))  # a full load: signed in again
    city.get_by_role("combobox", name=labels.DEPARTMENT_PICK, exact=True).click()
    city.keyboard.type("市民政局")
    city.keyboard.press("Enter")
    wait_for_app(city)
    section = city.get_by_text(labels.SV_DEPARTMENT_HEADING.format(department="市民政局")).first
    section.wait_for(timeout=30_000)
    section.scroll_into_view_if_needed()
    assert city.locator("[data-testid='stException']").count() == 0  # (a department behind is shown in red)
    screenshot(city, "supervision-department-page-city")
    city.context.close()
    on_a_phone(browser, address(loop_url, "supervision", "2026Q4", item="1"), CITY_USER, "supervision-city-390")
