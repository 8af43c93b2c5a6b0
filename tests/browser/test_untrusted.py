"""In Chromium: names from the offices' files never make the browser fetch or link anywhere, and tables
offer no download of their own.

A small HTTP listener on 127.0.0.1 stands for an outside server; the example city is imported with
county, department, cadre and beneficiary names that point at it (tests/payloads.py). A city user
then walks through every page and drills down to those names; the listener must receive nothing
and no link on any page may lead to it. Separately, hovering a table shows its toolbar without the
grid's own "Download as CSV" (client.disableDataExport): the audited Excel download is the only one.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import threading

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pipeline import labels
from tests.browser.conftest import open_signed_in, screenshot, serve_app, wait_for_app
from tests.browser.test_pages import url
from tests.payloads import build_payload_database, payload_names

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def listener():
    """An HTTP server on a free local port that notes every request path; stopped when the block ends."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if len(seen) < 1000:  # bounded whatever a page does
                seen.append(self.path)
            self.send_response(204)
            self.end_headers()

        do_HEAD = do_POST = do_GET

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def beacon():
    with listener() as found:
        yield found


@pytest.fixture(scope="module")
def payload_app(beacon, tmp_path_factory):
    address, _ = beacon
    database = build_payload_database(tmp_path_factory.mktemp("payload-browser") / "payloads.duckdb", beacon=address)
    with serve_app(database, "streamlit-payloads.log") as app:
        yield app


LINKS = """() => [...document.querySelectorAll('a, img, image, iframe, source, video, audio')].map(e =>
    e.getAttribute('href') || e.getAttribute('src')
    || e.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '')"""


def outward(page, address: str) -> list[str]:
    """Links and images of the page that lead to the listener or the payloads' other site."""
    return [ref for ref in page.evaluate(LINKS) if address in ref or "evil.example" in ref or "javascript:" in ref]


def page_titles(page) -> list[str]:
    """The titles of every page in the sidebar's navigation (the list folded under "View N more" too)."""
    nav = page.locator("[data-testid='stSidebarNav']")
    more = nav.get_by_text(re.compile(r"^View \d+ more$"))
    if more.count():
        more.click()
    # a link's text starts with its icon, a ligature such as "apartment", on a line of its own
    return [link.inner_text().strip().split("\n")[-1] for link in nav.locator("a").all()]


def go_to(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    wait_for_app(page)
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)


def pick(page, label: str, text: str) -> None:
    """Choose the option of a selectbox that contains `text`."""
    box = page.get_by_role("combobox", name=label, exact=True)
    option = page.get_by_role("option").filter(has_text=text).first
    for _ in range(3):  # the box may be drawn again while the page finishes a run
        box.click()
        box.fill(text)  # the list is long and drawn as it scrolls: narrow it to the one option
        try:
            option.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_for_app(page)
    else:
        screenshot(page, "payloads_pick_failed")
        raise AssertionError(f"no option {text!r} in {label}")
    page.keyboard.press("Enter")
    wait_for_app(page)


def shows_heading(page, text: str) -> None:
    """Wait for the heading that reads `text` (the word joiners that break bare links are invisible)."""
    fragment = text.rsplit(":", 1)[-1][-12:]  # the end of the text, past the last colon
    found = page.get_by_role("heading").filter(has_text=fragment).first
    found.wait_for(timeout=30_000)
    assert found.inner_text().replace("\u2060", "") == text


def test_names_from_files_never_reach_out_from_any_page(payload_app, beacon, page):
    address, seen = beacon
    names = payload_names(address)
    open_signed_in(page, url(payload_app, "overview"))
    visited = {}
    titles = page_titles(page)
    assert {labels.PAGE_TITLES[name] for name in ("reminders", "department", "audit")} <= set(titles)
    # every page the city office has, 督办提醒 first: the review's beacon was fetched from there
    for title in sorted(titles, key=lambda t: t != labels.PAGE_TITLES["reminders"]):
        go_to(page, title)
        name = next((key for key, value in labels.PAGE_TITLES.items() if value == title), title)
        if name == "county":
            pick(page, labels.COUNTY_PICK, "东川县")
            shows_heading(page, labels.TOWNSHIP_TABLE.format(county=names["东川县"]))  # the name, as text
        elif name == "department":
            # the county picked on 县区 carries to this page (the sidebar keeps it): the whole city again, so that
            # the unit's cadres of every county are listed
            pick(page, labels.SIDEBAR_COUNTY, labels.ALL_OPTION)
            pick(page, labels.DEPARTMENT_PICK, "点此核对名单")
            shows_heading(page, labels.CADRE_TABLE.format(department=names["市民政局"]))
            pick(page, labels.CADRE_PICK, "beacon.png")  # 黄静's payload, an image
            page.get_by_role("heading").filter(has_text="beacon.png").nth(1).wait_for(timeout=30_000)  # his pairs
            visited["department 1"] = outward(page, address)
            screenshot(page, "payloads_department")
            pick(page, labels.DEPARTMENT_PICK, "市教育局")
            shows_heading(page, labels.CADRE_TABLE.format(department=names["市教育局"]))
            pick(page, labels.CADRE_PICK, "cadre")  # 郭斌's payload, a bare address
        elif name == "reminders":
            search = page.get_by_label(labels.REMINDERS_FILTER_CADRE)
            search.fill("beacon")
            search.press("Enter")
            wait_for_app(page)
            heading = page.locator("[data-testid='stMarkdown']").filter(has_text="点此核对名单").first  # his department
            heading.wait_for(timeout=30_000)
            page.wait_for_timeout(500)
            assert seen == [], title  # the review's beacon: 黄静's name was an image
            assert "beacon.png" in heading.inner_text()  # shown as text
            screenshot(page, "payloads_reminders")
        assert page.locator("[data-testid='stException']").count() == 0  # (落后 departments are shown as errors)
        visited[name] = outward(page, address)
        page.wait_for_timeout(500)  # an image request would have been sent by now
        assert seen == [], title
    assert {name: refs for name, refs in visited.items() if refs} == {}


def test_a_table_offers_no_download_of_its_own(app_url, page):
    open_signed_in(page, url(app_url, "county"))
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    grid.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    toolbar.locator("[data-testid='stElementToolbarButton']").first.wait_for(timeout=10_000)  # the toolbar is shown
    labels_shown = [b.get_attribute("aria-label") for b in toolbar.locator("button").all()]
    assert labels_shown and "Download as CSV" not in labels_shown, labels_shown
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    assert page.get_by_role("button", name=labels.DOWNLOAD_XLSX).count() >= 1  # our audited download instead
