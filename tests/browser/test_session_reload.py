"""A reload (F5) or a link opened in a new tab keeps the session, in Chromium; logout ends it for every tab."""

from __future__ import annotations

import time
import urllib.parse

import pytest

from app_ui import browser_session, filters
from pipeline import labels
from tests.browser.conftest import open_signed_in, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def session_cookie(context) -> dict | None:
    found = [c for c in context.cookies() if c["name"] == browser_session.COOKIE]
    return found[0] if found else None


def wait_for_cookie(context, present: bool, seconds: float = 20) -> dict | None:
    deadline = time.monotonic() + seconds
    while (session_cookie(context) is not None) != present:
        assert time.monotonic() < deadline, f"the session cookie is {'missing' if present else 'still there'}"
        time.sleep(0.2)
    return session_cookie(context)


def signed_in(page) -> bool:
    return page.get_by_role("button", name=labels.LOGOUT).count() == 1


def login_form(page) -> bool:
    return page.get_by_label(labels.LOGIN_PASSWORD).count() == 1


def test_reload_and_a_new_tab_stay_signed_in_until_logout(app_url, page):
    query = urllib.parse.urlencode(filters.url_params("2026Q3", county="东川县"), doseq=True)
    link = f"{app_url}/county?{query}"
    open_signed_in(page, link)
    cookie = wait_for_cookie(page.context, present=True)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert 0 < cookie["expires"] - time.time() <= 30 * 60 + 5  # Max-Age: the idle timeout
    assert browser_session.COOKIE not in page.evaluate("document.cookie")  # no script on the page can read it
    shown, heading = page.url, page.locator("h1").first.inner_text().strip()

    page.reload()
    wait_for_app(page)
    page.get_by_role("button", name=labels.LOGOUT).wait_for(timeout=30_000)
    assert signed_in(page) and not login_form(page)
    assert page.url == shown  # the same page and view
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "session-after-reload")

    other = page.context.new_page()  # the link opened in a new tab of the same browser
    other.goto(link)
    wait_for_app(other)
    other.get_by_role("button", name=labels.LOGOUT).wait_for(timeout=30_000)
    assert signed_in(other) and not login_form(other)

    page.get_by_role("button", name=labels.LOGOUT).click()
    page.get_by_label(labels.LOGIN_PASSWORD).wait_for(timeout=30_000)
    wait_for_cookie(page.context, present=False)
    page.reload()
    wait_for_app(page)
    page.get_by_label(labels.LOGIN_PASSWORD).wait_for(timeout=30_000)
    assert login_form(page) and not signed_in(page)
    screenshot(page, "session-after-logout-reload")

    other.reload()  # the other tab's next page load finds the session ended too
    wait_for_app(other)
    other.get_by_label(labels.LOGIN_PASSWORD).wait_for(timeout=30_000)
    assert not signed_in(other)


def test_a_browser_without_the_cookie_gets_the_login_form(app_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(app_url)
        page.get_by_label(labels.LOGIN_PASSWORD).wait_for(timeout=60_000)
        context.add_cookies([{"name": browser_session.COOKIE, "value": "x" * 43, "url": app_url}])  # forged
        page.reload()
        wait_for_app(page)
        page.get_by_label(labels.LOGIN_PASSWORD).wait_for(timeout=30_000)
        assert not signed_in(page)
    finally:
        context.close()
