"""The pages a leader opens from a link on a phone read at 390 px, and still at 1440 px on a desk.

总览, 县区 (drilled to a county), 部门 (the ranking chart, then one department and a cadre), 问题台账 and 督办事项
with one item open, as the city office; the landing pages of a county and of a department account. Measured in
the page itself: nothing wider than the screen; KPI cards in reading order, two a row of equal width on a phone,
no text of a card cut; no chart toolbar over a chart's title, no legend over its plot, title or labels, no note
over another or cut, no tick label cut at the edge or over its neighbour; no table toolbar over a heading or a
caption. Full-page screenshots of every page at both widths go to test-artifacts/phone/.
"""

from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app_ui.supervision_view import ITEM_PARAM
from pipeline import access, db, labels, queries
from pipeline.queries import Scope
from pipeline.supervision import items, raising
from tests.browser.conftest import ARTIFACTS, open_signed_in, serve_app, wait_for_app
from tests.browser.test_pages import url
from tests.conftest import CITY_USER, EXAMPLE_TODAY, build_example_database

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS.parent / "phone"
DEVICES = {
    "390": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
    "1440": {"viewport": {"width": 1440, "height": 900}},
}
COUNTY_USER = "县区测试"  # 东川县
DEPARTMENT_USER = "单位测试"  # 市民政局

# Each returns what reads badly, one line per fault naming the element (an empty list when nothing does).
NO_OVERFLOW = """() => {
  const faults = [];
  const width = window.innerWidth;
  if (document.scrollingElement.scrollWidth > width + 1)
    faults.push(`the page scrolls sideways: ${document.scrollingElement.scrollWidth}px wide`);
  const main = document.querySelector("[data-testid='stMain']");
  if (main.scrollWidth > main.clientWidth + 1) faults.push(`the main block scrolls sideways: ${main.scrollWidth}px`);
  for (const element of main.querySelectorAll("[data-testid='stElementContainer']")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1)
      faults.push(`${element.innerText.slice(0, 20) || "an element"} reaches ${Math.round(box.right)}px`);
  }
  return faults;
}"""

CARDS_IN_ORDER = """(phone) => {
  const faults = [];
  const cards = [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stMetric']")];
  const boxes = cards.map(card => card.getBoundingClientRect());
  const name = i => cards[i].querySelector("[data-testid='stMetricLabel']").innerText.trim();
  const sameRow = (a, b) => Math.abs(a.top - b.top) < 4;
  for (let i = 1; i < cards.length; i++) {
    const before = boxes[i - 1], box = boxes[i];
    const next = sameRow(before, box) ? box.left > before.left : box.top >= before.bottom - 1;
    if (!next) faults.push(`card ${name(i)} is not after ${name(i - 1)} in reading order`);
  }
  cards.forEach((card, i) => {
    for (const text of card.querySelectorAll("[data-testid='stMarkdownContainer'], [data-testid='stCaptionContainer']"))
      if (text.scrollWidth > text.clientWidth + 1) faults.push(`card ${name(i)}: "${text.innerText.trim()}" is cut`);
  });
  if (phone) {
    // the cards of one row of columns pair up: two a row, not one a row down a long page
    const rows = new Map();
    cards.forEach((card, i) => {
      const row = card.closest("[data-testid='stHorizontalBlock']");
      if (row) rows.set(row, [...(rows.get(row) || []), i]);
    });
    for (const members of rows.values())
      for (let k = 0; k + 1 < members.length; k += 2) {
        const [a, b] = [members[k], members[k + 1]];
        if (!sameRow(boxes[a], boxes[b])) faults.push(`cards ${name(a)} and ${name(b)} are not side by side`);
      }
    boxes.forEach((box, i) => {
      if (box.width < 120) faults.push(`card ${name(i)} is ${Math.round(box.width)}px wide`);
    });
    const perRow = new Map();
    boxes.forEach(box => perRow.set(Math.round(box.top), [...(perRow.get(Math.round(box.top)) || []), box]));
    for (const [top, row] of perRow) {
      if (row.length > 2) faults.push(`${row.length} cards in one row at ${top}px`);
      const widths = row.map(box => box.width);
      if (Math.max(...widths) - Math.min(...widths) > 4) faults.push(`cards of unequal widths in one row at ${top}px`);
    }
  }
  return faults;
}"""

CHARTS_READ = """() => {
  const faults = [];
  const rect = e => e.getBoundingClientRect();
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const shown = e => {
    if (!e) return false;
    const box = rect(e), style = getComputedStyle(e);
    return box.width > 0 && box.height > 0 && style.display !== "none" && style.visibility !== "hidden"
      && parseFloat(style.opacity) > 0;
  };
  const slant = e => {
    const turn = /rotate\\((-?[\\d.]+)/.exec(e.getAttribute("transform") || "");
    return turn ? Math.abs(parseFloat(turn[1])) % 180 : 0;
  };
  document.querySelectorAll("[data-testid='stMain'] .js-plotly-plot").forEach((plot, index) => {
    const frame = rect(plot.querySelector(".main-svg"));
    const title = plot.querySelector(".gtitle");
    const name = (title && title.textContent) || `chart ${index + 1}`;
    const inside = box => box.left >= frame.left - 1 && box.right <= frame.right + 1
      && box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1;
    if (frame.right > window.innerWidth + 1) faults.push(`${name}: wider than the screen`);
    if (shown(title)) {
      if (!inside(rect(title))) faults.push(`${name}: its title is cut`);
      const modebar = plot.querySelector(".modebar");
      if (shown(modebar) && meet(rect(modebar), rect(title))) faults.push(`${name}: the toolbar covers its title`);
      const chart = plot.closest("[data-testid='stElementContainer']");
      const toolbar = chart && chart.querySelector("[data-testid='stElementToolbar']");
      if (shown(toolbar) && meet(rect(toolbar), rect(title))) faults.push(`${name}: the toolbar covers its title`);
    }
    const legend = plot.querySelector(".infolayer .legend");
    if (shown(legend)) {
      const box = rect(legend.querySelector(".bg") || legend);
      if (!inside(box)) faults.push(`${name}: its legend is cut`);
      const others = plot.querySelectorAll(".gtitle, .xtitle, .ytitle, .xtick text, .ytick text, .nsewdrag");
      for (const other of [...others].filter(shown))
        if (meet(box, rect(other))) {
          const what = other.classList.contains("nsewdrag") ? "the plot" : other.textContent;
          faults.push(`${name}: its legend covers ${what}`);
          break;
        }
    }
    const notes = [...plot.querySelectorAll(".infolayer .annotation")].filter(shown);
    notes.forEach((note, i) => {
      const box = rect(note.querySelector(".bg") || note);
      if (!inside(box)) faults.push(`${name}: note ${note.textContent} is cut`);
      if (shown(title) && meet(box, rect(title))) faults.push(`${name}: note ${note.textContent} covers its title`);
      for (const other of notes.slice(i + 1))
        if (meet(box, rect(other.querySelector(".bg") || other)))
          faults.push(`${name}: notes ${note.textContent} and ${other.textContent} overlap`);
    });
    for (const axis of ["x", "y"]) {
      const ticks = [...plot.querySelectorAll(`.${axis}tick text`)].filter(shown);
      for (const tick of ticks) if (!inside(rect(tick))) faults.push(`${name}: tick label ${tick.textContent} is cut`);
      for (let i = 1; i < ticks.length; i++) {
        const a = rect(ticks[i - 1]), b = rect(ticks[i]), turn = slant(ticks[i]);
        const apart = turn < 1
          ? !meet(a, b)
          // slanted labels are parallel strips: apart by the anchors' distance times the sine of the slant
          : Math.abs(axis === "x" ? b.left - a.left : b.top - a.top) * Math.sin(turn * Math.PI / 180)
            >= ticks[i].getBBox().height - 2;
        if (!apart) faults.push(`${name}: tick labels ${ticks[i - 1].textContent} and ${ticks[i].textContent} overlap`);
      }
    }
  });
  return faults;
}"""

TOOLBARS_CLEAR = """() => {
  const faults = [];
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const texts = [...document.querySelectorAll([
    "h1", "h2", "h3", "h4", "[data-testid='stCaptionContainer']", "[data-testid='stMarkdownContainer'] p",
    "[data-testid='stAlert']",
  ].map(what => `[data-testid='stMain'] ${what}`).join(", "))];
  for (const toolbar of document.querySelectorAll("[data-testid='stMain'] [data-testid='stElementToolbar']")) {
    const box = toolbar.getBoundingClientRect();
    if (box.width === 0 || parseFloat(getComputedStyle(toolbar).opacity) < 0.1) continue;
    const own = toolbar.parentElement;
    const lines = text => {  // the text itself, line by line, not the width of its block
      const range = document.createRange();
      range.selectNodeContents(text);
      return [...range.getClientRects()];
    };
    const covered = texts.find(text => !own.contains(text) && lines(text).some(line => meet(box, line)));
    if (covered) faults.push(`a table toolbar covers "${covered.innerText.trim().slice(0, 24)}"`);
  }
  return faults;
}"""


def charts_drawn(page) -> None:
    """Wait until every chart of the page has drawn its figure at the width it was given."""
    charts = "[...document.querySelectorAll(\"[data-testid='stPlotlyChart']\")]"
    page.wait_for_function(f"() => {charts}.every(chart => chart.querySelector('.main-svg'))", timeout=30_000)
    page.wait_for_timeout(600)  # Plotly's resize to the column's width follows the first drawing


def pick(page, label: str, option: str) -> None:
    """Choose an option of a selectbox; the list is opened again when a rerun of the page closed it at once."""
    for _ in range(3):
        page.get_by_role("combobox", name=label, exact=True).click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except PlaywrightTimeout:
            wait_for_app(page)
    else:
        pytest.fail(f"{label}: {option} could not be chosen")
    wait_for_app(page)


def headline_cards(page) -> None:
    """Wait for the eight headline cards of a 总览 (before judging their order)."""
    page.locator("[data-testid='stMetric']").nth(7).wait_for(timeout=30_000)


UNFOLD = """() => {
  const style = document.createElement("style");
  style.id = "unfold-for-screenshot";
  style.textContent = `[data-testid='stApp'], [data-testid='stAppViewContainer'],
    [data-testid='stAppViewContainer'] > div, [data-testid='stMain'] {
      position: relative !important; height: auto !important; overflow: visible !important;
    }`;
  document.head.appendChild(style);
}"""


def full_page_shot(page, name: str) -> None:
    """A screenshot of the whole page. Streamlit scrolls its main block inside a window-high frame: for the picture
    the frame is unfolded so that the document is as tall as the page, then folded back."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate(UNFOLD)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.evaluate("() => document.getElementById('unfold-for-screenshot').remove()")
    page.wait_for_timeout(300)


def faults_of(page, name: str, device: str) -> list[str]:
    """Everything that reads badly on the page as it is now, each prefixed with the page's name; then its screenshot."""
    charts_drawn(page)
    assert page.locator("[data-testid='stException']").count() == 0, name
    phone = device == "390"
    if not phone:  # no hover toolbar from where the last click left the mouse (a touch screen shows them always)
        page.mouse.move(0, 0)
        page.wait_for_timeout(300)
    found = [
        *page.evaluate(NO_OVERFLOW),
        *page.evaluate(CARDS_IN_ORDER, phone),
        *page.evaluate(CHARTS_READ),
        *page.evaluate(TOOLBARS_CLEAR),
    ]
    full_page_shot(page, f"{name}-{device}")
    return [f"{name} at {device}px: {fault}" for fault in found]


def new_page(browser, device: str):
    return browser.new_context(locale="zh-CN", **DEVICES[device]).new_page()


@pytest.mark.parametrize("device", DEVICES)
def test_the_city_pages_read_on_a_phone_and_a_desk(app_url, browser, device):
    page = new_page(browser, device)
    faults = []

    open_signed_in(page, url(app_url, "overview"))
    headline_cards(page)
    faults += faults_of(page, "overview", device)

    open_signed_in(page, url(app_url, "county"))
    page.get_by_text(labels.COUNTY_TABLE).first.wait_for(timeout=30_000)
    pick(page, labels.COUNTY_PICK, "东川县")
    page.get_by_text(labels.TOWNSHIP_TABLE.format(county="东川县")).first.wait_for(timeout=30_000)
    faults += faults_of(page, "county", device)

    open_signed_in(page, url(app_url, "department"))
    page.get_by_role("tab", name=labels.DEPARTMENT_TAB_CHART).click()
    wait_for_app(page)
    page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=30_000)
    faults += faults_of(page, "department-ranking", device)

    open_signed_in(page, url(app_url, "department", department="市民政局"))
    page.get_by_text(labels.TODO_HEADER).first.wait_for(timeout=30_000)
    pick(page, labels.CADRE_PICK, labels.CADRE_OPTION.format(name="朱军华", phone="139****2542"))
    page.get_by_text(labels.CADRE_TIMELINE.format(cadre="朱军华（139****2542）")).first.wait_for(timeout=30_000)
    faults += faults_of(page, "department", device)

    open_signed_in(page, url(app_url, "issues"))  # 问题台账: the charts of app_ui/issue_charts.py
    page.get_by_text(labels.ISSUES_OVERDUE_LIST).first.wait_for(timeout=30_000)
    faults += faults_of(page, "issues", device)
    page.context.close()
    assert not faults, "\n".join(faults)


@pytest.fixture(scope="module")
def supervised_url(tmp_path_factory):
    """The app on an example database where the city office has handed 市民政局 its overdue contacts of 2026-10."""
    database = build_example_database(tmp_path_factory.mktemp("phone") / "example.duckdb")
    with db.session(database) as con:
        city = access.load_user(con, CITY_USER)
        scope = city.combine(Scope(department="市民政局"))
        overdue = queries.overdue(con, "2026-10", "contacts", scope, today=EXAMPLE_TODAY, masked=False)
        lines = raising.lines_from_overdue(overdue, "contacts", 30, ())
        items.raise_item(con, city, department="市民政局", source="overdue_contacts", lines=lines, today=EXAMPLE_TODAY)
    with serve_app(database, "streamlit-phone.log") as url:
        yield url


@pytest.mark.parametrize("device", DEVICES)
def test_the_supervision_page_and_an_item_read_on_a_phone_and_a_desk(supervised_url, browser, device):
    page = new_page(browser, device)
    link = url(supervised_url, "supervision", "2026Q4") + "&" + urllib.parse.urlencode({ITEM_PARAM: "1"})
    open_signed_in(page, link)
    page.get_by_text(labels.SV_PAGE_KPI_OPEN).first.wait_for(timeout=30_000)
    page.get_by_text("督办〔2026〕第1号　市民政局").first.wait_for(timeout=30_000)
    faults = faults_of(page, "supervision", device)
    page.context.close()
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(("user", "landing"), [(COUNTY_USER, "东川县总览"), (DEPARTMENT_USER, labels.TODO_HEADER)])
def test_a_county_and_a_department_land_on_pages_that_read(app_url, browser, device, user, landing):
    page = new_page(browser, device)
    open_signed_in(page, url(app_url, "overview", "2026Q4"), user=user)  # a running month in the trend
    page.get_by_text(landing).first.wait_for(timeout=30_000)
    headline_cards(page)
    name = "landing-county" if user == COUNTY_USER else "landing-department"
    faults = faults_of(page, name, device)
    page.context.close()
    assert not faults, "\n".join(faults)
