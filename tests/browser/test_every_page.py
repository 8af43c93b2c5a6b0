"""Every page each role is offered opens in Chromium at 1440 px and on a 390 px phone and reads as the office's.

For the city, a county, a department and a read-only account the pages are those the sidebar offers (its
navigation links, checked against the role's permissions). Each is opened in the signed-in browser (its session
cookie: one sign-in per role and width) and measured once its script has finished: no exception, no error
alert, no "Traceback"; in the main area no English word, no raw identifier (snake_case) and no None / NaN as a
text of its own, no table header that is not Chinese; on the phone nothing wider than the screen. A full-page
screenshot of each goes to test-artifacts/every-page/<role>-<page>-<width>.png.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest

from pipeline import labels
from tests.browser.conftest import ARTIFACTS, open_signed_in, wait_for_app
from tests.browser.test_phone import DEVICES, NO_OVERFLOW, UNFOLD, charts_drawn
from tests.conftest import ACCOUNTS, CITY_USER

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS.parent / "every-page"
ROLES = {"city": CITY_USER, "county": "县区测试", "department": "单位测试", "readonly": "只读测试"}
# the pages a role is offered beyond those every role has (app.PAGES and the permissions of pipeline/access.py)
EVERY_ROLE = {
    "overview",
    "county",
    "department",
    "issues",
    "person",
    "reminders",
    "supervision",
    "callbacks",
    "report",
    "quality",
}
OWN_PAGES = {"city": {"upload", "settings", "audit"}, "county": {"upload"}, "department": set(), "readonly": set()}
# the title a role's own view carries instead of the page's (a county's 总览 is not 全市总览)
OWN_TITLES = {
    ("county", "overview"): labels.OWN_OVERVIEW_TITLE.format(unit="东川县"),
    ("department", "overview"): labels.OWN_OVERVIEW_TITLE.format(unit="市民政局"),
}

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")
# file kinds the office knows by these names
ALLOWED_WORDS = {"Excel", "xlsx", "zip", "csv", "CSV", "PDF", "HTML", "Word"}
EMPTY_TEXTS = {"None", "NaN", "nan", "NaT", "<NA>", "null", "undefined"}

# Every text a person reads in the main area (or the sidebar), one entry per text node (icons' ligatures left
# out), and the column headers of every table grid.
TEXTS = """(where) => {
  const main = document.querySelector(where);
  const texts = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("[data-testid='stIconMaterial'], style, script, svg, .js-plotly-plot")) continue;
    if (!parent.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const style = getComputedStyle(parent);
    if (/Material/i.test(style.fontFamily) || parseFloat(style.fontSize) === 0) continue;  // an icon, a replaced text
    const text = node.textContent.trim();
    if (text) texts.push(text);
  }
  for (const plot of main.querySelectorAll(".js-plotly-plot"))  // chart titles, axes, ticks, legends, notes
    for (const text of plot.querySelectorAll("text")) if (text.textContent.trim()) texts.push(text.textContent.trim());
  const headers = [...main.querySelectorAll("[role='columnheader']")].map(h => h.textContent.trim()).filter(Boolean);
  return {texts, headers};
}"""

# Each element of the main area ends above the next one of its block (a table drawn taller than the place it
# was given would lie over the download button under it), and no heading is the label of the field under it.
NOTHING_OVER_ANOTHER = """() => {
  const faults = [];
  const main = document.querySelector("[data-testid='stMain']");
  for (const block of main.querySelectorAll("[data-testid='stVerticalBlock']")) {
    const items = [...block.children].filter(e => e.getBoundingClientRect().height > 0);
    for (let i = 0; i + 1 < items.length; i++) {
      const below = items[i + 1].getBoundingClientRect();
      for (const part of items[i].querySelectorAll("[data-testid='stDataFrame'], [data-testid='stPlotlyChart']")) {
        const box = part.getBoundingClientRect();
        if (box.height > 0 && box.bottom > below.top + 1)
          faults.push(`${part.dataset.testid} reaches ${Math.round(box.bottom - below.top)}px over `
            + `"${items[i + 1].innerText.trim().slice(0, 20)}"`);
      }
    }
    // a heading said again as the label of the field right under it
    for (let i = 0; i + 1 < items.length; i++) {
      const heading = items[i].querySelector("h2, h3");
      const label = items[i + 1].querySelector("[data-testid='stWidgetLabel']");
      if (heading && label && heading.innerText.trim() === label.innerText.trim())
        faults.push(`the heading "${heading.innerText.trim()}" is the label under it again`);
    }
  }
  return faults;
}"""
BEHIND_VERDICT = labels.DEPARTMENT_BEHIND_DETAIL.split("{department}")[1].split("{score}")[0]  # "落后：综合得分"

# the names of the sidebar's pages, without their icons' ligatures
NAV_NAMES = """links => links.map(link => {
  const icon = link.querySelector("[data-testid='stIconMaterial']");
  return link.textContent.replace(icon ? icon.textContent : "", "").trim();
})"""


def nav_pages(page) -> list[str]:
    """The pages the sidebar offers, by their addresses (the default page lives at the root)."""
    links = page.locator("[data-testid='stSidebarNav'] a").evaluate_all("links => links.map(a => a.href)")
    return [urllib.parse.urlparse(link).path.strip("/") or "overview" for link in links]


def settled(page) -> None:
    """Wait until the page's script has run to its end and its charts are drawn."""
    page.wait_for_timeout(300)  # the rerun a widget or the navigation starts has begun by then
    wait_for_app(page)
    charts_drawn(page)


def not_chinese(texts: list[str]) -> list[str]:
    """A traceback, an English word, a raw identifier or an empty value shown as such, one line each."""
    faults = []
    for text in texts:
        if "Traceback" in text:
            faults.append(f"a traceback: {text[:80]}")
        if text in EMPTY_TEXTS:
            faults.append(f"an empty value shown as {text}")
        cleaned = re.sub(r"https?://\S+", "", text)
        faults += [f"a raw identifier {word} in {text[:60]!r}" for word in SNAKE.findall(cleaned)]
        faults += [f"English {word} in {text[:60]!r}" for word in ENGLISH.findall(cleaned) if word not in ALLOWED_WORDS]
    return faults


def faults_of(page, role: str, name: str, device: str) -> list[str]:
    """What reads badly on the page as it is now; then its full-page screenshot."""
    faults = []
    exception = page.locator("[data-testid='stException']")
    if exception.count():  # said once, with its own words, not word by word by the scans below
        shot(page, f"{role}-{name}-{device}")
        return [f"{role} {name} at {device}px: an exception: {exception.first.inner_text()[:300]}"]
    for error in page.locator("[data-testid='stAlertContentError']").all_inner_texts():
        if BEHIND_VERDICT not in error:  # a department's 落后 verdict is red like its 红灯, not a failure
            faults.append(f"an error: {error[:80]}")
    shown = page.evaluate(TEXTS, "[data-testid='stMain']")
    faults += not_chinese(shown["texts"])
    for header in shown["headers"]:
        if not re.search(r"[\u4e00-\u9fff]", header):
            faults.append(f"a table header without Chinese: {header!r}")
    titles = page.locator("[data-testid='stMain'] h1").all_inner_texts()
    if (role, name) in OWN_TITLES and OWN_TITLES[role, name] not in titles:
        faults.append(f"titled {titles}, not {OWN_TITLES[role, name]}")
    if role in ("county", "department") and any(title.startswith(labels.CITY_LABEL) for title in titles):
        faults.append(f"a {role} account's own view is titled {titles}")
    faults += page.evaluate(NOTHING_OVER_ANOTHER)
    if device == "390":
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        if width > 391:
            faults.append(f"the page is {width}px wide")
        faults += page.evaluate(NO_OVERFLOW)
    shot(page, f"{role}-{name}-{device}")
    return [f"{role} {name} at {device}px: {fault}" for fault in dict.fromkeys(faults)]


def shot(page, name: str) -> None:
    """A screenshot of the whole page, Streamlit's window-high frame unfolded for it (as test_phone does)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate(UNFOLD)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.evaluate("() => document.getElementById('unfold-for-screenshot').remove()")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_is_offered_reads(app_url, browser, role, device):
    user = ROLES[role]
    assert ACCOUNTS[user][0] == role
    context = browser.new_context(locale="zh-CN", **DEVICES[device])
    page = context.new_page()
    try:
        open_signed_in(page, app_url + "/", user=user)
        offered = nav_pages(page)
        assert set(offered) == EVERY_ROLE | OWN_PAGES[role], offered
        assert not page.locator("[data-testid='stSidebarNavViewButton']").count()  # no English "View 3 more"
        sidebar = page.evaluate(TEXTS, "[data-testid='stSidebar']")["texts"]  # (hidden on a phone: not read)
        assert not_chinese(sidebar) == [], sidebar
        names = page.locator("[data-testid='stSidebarNav'] a").evaluate_all(NAV_NAMES)
        if role in ("county", "department"):  # its own 总览 in the sidebar too
            assert OWN_TITLES[role, "overview"] in names and labels.PAGE_TITLES["overview"] not in names, names
        faults = []
        for name in offered:
            # the session cookie signs the page in; should the page still ask for the password (the cookie's own
            # behaviour is tests/browser/test_session_reload.py's), the user signs in, as an office worker would
            open_signed_in(page, f"{app_url}/{'' if name == 'overview' else name}", user=user)
            settled(page)
            faults += faults_of(page, role, name, device)
    finally:
        context.close()
    assert not faults, "\n".join(faults)
