"""Names from the offices' files are shown as text and exported inert; every table's export is our own.

A county office writes its roster, so every county, township, village, department, cadre and
beneficiary name and every description is untrusted: `tests/payloads.py` builds the example city with
such names replaced by Markdown, HTML and formula payloads. The city's users then open every page,
drill down to the payload county and departments and their cadres, and build every download:

- no text the browser reads as Markdown may still hold a working link, image, tag, autolink, code,
  emphasis, math, table or directive (the payloads must be seen there, escaped, or the check proves nothing);
- no chart label may hold a tag Plotly would draw (<a href>, <img>);
- every table drawn has our audited .xlsx download beside it (the grid's own CSV download is off);
- every .xlsx built opens in openpyxl with no formula, no cell that starts like one and valid sheet names.
"""

from __future__ import annotations

import json

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from app_ui import escape, filters
from pipeline import access, db, labels, templates
from pipeline.ingest.rows import KIND_ORDER
from tests.conftest import CITY_USER, EXAMPLE_TODAY, ROOT, app_test
from tests.drill_helpers import rerun, select_row, table
from tests.payloads import build_payload_database, formula_cells, markdown_texts, payload_names, plain, unescaped

NAMES = payload_names()
COUNTY, TOWNSHIP = NAMES["东川县"], NAMES["东川乡"]
DEPARTMENTS = [NAMES["市民政局"], NAMES["市教育局"]]
CADRES = {NAMES["市民政局"]: NAMES["黄静"], NAMES["市教育局"]: NAMES["郭斌"]}
# what must be seen (escaped) in the Markdown of the sweep, or the check would prove nothing
SEEN_IN_MARKDOWN = [COUNTY, TOWNSHIP, *DEPARTMENTS, *CADRES.values(), NAMES["黄勇"]]
# every page of the app, the ones added later included (the city's users have them all)
PAGES = sorted(path.stem for path in (ROOT / "app_pages").glob("*.py"))


@pytest.fixture(scope="module")
def payload_path(tmp_path_factory):
    return build_payload_database(tmp_path_factory.mktemp("payloads") / "payloads.duckdb")


@pytest.fixture
def payload_db(payload_path, monkeypatch):
    monkeypatch.setenv("GUANAI_DB", str(payload_path))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    return payload_path


class Sweep:
    """What the pages showed and offered: Markdown texts, chart specs, tables without a download, files."""

    def __init__(self, downloads: dict):
        self.downloads = downloads
        self.markdown: list[tuple[str, str]] = []
        self.charts: list[tuple[str, str]] = []
        self.bare_tables: list[tuple[str, str]] = []
        self.files: dict[str, object] = {}
        self.sidebar: dict[str, str] = {}  # the county and department the link chose

    def look(self, at: AppTest, where: str) -> None:
        self.markdown += [(where, text) for text in markdown_texts(at)]
        self.charts += [
            (where, json.dumps(MessageToDict(c.proto), ensure_ascii=False)) for c in _nodes(at, "plotly_chart")
        ]
        # tables.show_table draws the table and, right after it, its download (key "<table key>_download")
        for block in _nodes(at, None):
            children = list(block.children.values())
            for node, after in zip(children, [*children[1:], None], strict=True):
                if getattr(node, "type", None) == "dataframe" and not _is_download(after):
                    self.bare_tables.append((where, ", ".join(map(str, node.value.columns))[:80]))
        self.files.update(self.downloads)


def _nodes(at: AppTest, kind: str | None) -> list:
    """The elements of a kind (the blocks, for None) anywhere on the page."""
    found = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if (kind is None and children) or (kind is not None and getattr(node, "type", None) == kind):
            found.append(node)
        for child in (children or {}).values():
            walk(child)

    walk(at._tree)
    return found


def _is_download(node) -> bool:
    return getattr(node, "type", None) == "download_button" and node.proto.id.endswith("_download")


def _row(at: AppTest, key: str, column: str, value: str) -> int:
    return table(at, key)[column].tolist().index(value)


def back_to_the_link(at: AppTest, sweep: Sweep) -> None:
    """The sidebar's county and department as the link chose them: a pick while drilling down carries there."""
    for key, value in sweep.sidebar.items():
        at.session_state[key] = value


def visit(at: AppTest, sweep: Sweep, page: str) -> None:
    """Open a page, go down to the payload county, departments and cadres where it has levels, and look."""
    sweep.downloads.clear()
    back_to_the_link(at, sweep)
    at.switch_page(f"app_pages/{page}.py")
    rerun(at)
    keys = {frame.key for frame in at.dataframe}
    if page == "county" and "county_table" in keys:  # a county account's page starts at its townships
        select_row(at, "county_table", _row(at, "county_table", "county", COUNTY))
    if page == "department":
        for department, cadre in CADRES.items():
            back_to_the_link(at, sweep)
            at.switch_page(f"app_pages/{page}.py")
            rerun(at)
            ranked = "department_table_worst_0" in {frame.key for frame in at.dataframe}
            ranking = table(at, "department_table_worst_0")["department"].tolist() if ranked else [department]
            if department in ranking:  # a county's or another department's view may not have it
                if ranked:  # a department account's page is its own unit: no ranking to choose from
                    select_row(at, "department_table_worst_0", ranking.index(department))
                cadres = f"cadre_table_{department}"
                if cadres in {frame.key for frame in at.dataframe} and cadre in table(at, cadres)["cadre"].tolist():
                    select_row(at, cadres, _row(at, cadres, "cadre", cadre))
            sweep.look(at, f"{page}: {department}")
        return
    if page == "reminders":
        for search in ("evil", NAMES["黄勇"][:4]):
            at.text_input(key="rcadre").input(search)
            sweep.look(rerun(at), f"{page}: {search}")
        return
    if page == "person":  # the payload cadres found by a search, each cadre's file opened, then a person's
        for key in filters.SIDEBAR_KEYS.values():  # the whole city again, whatever the pages before chose
            at.selectbox(key=key).set_value(labels.ALL_OPTION)
        at.text_input(key="person_page_text").set_value("evil")
        sweep.look(rerun(at), f"{page}: search")
        found = table(at, "person_cadres")["cadre_name"].tolist()
        assert set(CADRES.values()) <= set(found), found
        for row, name in enumerate(found):
            select_row(at, "person_cadres", row)
            assert "cadre_file_pairs" in {frame.key for frame in at.dataframe}, name
            sweep.look(at, f"{page}: {name}")
        select_row(at, "cadre_file_pairs", 0)
        sweep.look(at, f"{page}: a pair of {found[-1]}")
        return
    sweep.look(at, page)


def run_sweep(user: str, downloads: dict, pages: list[str] = PAGES, **asked) -> Sweep:
    sweep = Sweep(downloads)
    at = app_test(user=user)
    for name, value in filters.url_params("2026Q3", **asked).items():
        at.query_params[name] = value
    rerun(at)
    sweep.sidebar = {key: at.selectbox(key=key).value for key in filters.SIDEBAR_KEYS.values()}
    for page in pages:
        visit(at, sweep, page)
    return sweep


@pytest.mark.parametrize(
    "asked", [{}, {"county": COUNTY}, {"department": NAMES["市民政局"]}], ids=["city", "county", "dept"]
)
def test_names_from_files_are_shown_as_text_in_every_markdown_element_and_chart(payload_db, downloads, asked):
    # a link to a payload county or department: the pages that name the scope in their captions and titles
    sweep = run_sweep(CITY_USER, downloads, ["overview", "county", "department", "report"] if asked else PAGES, **asked)
    live = [(where, unescaped(text), text) for where, text in sweep.markdown if unescaped(text)]
    assert not live, live[:5]
    shown = "\n".join(plain(text) for _, text in sweep.markdown)
    if not asked:  # the whole city: every payload name is somewhere in a heading, caption or alert
        missing = [name for name in SEEN_IN_MARKDOWN if name not in shown]
        assert not missing, missing
    else:
        assert next(iter(asked.values())) in shown  # the scope the link asked for, named as text
    drawn = [(where, spec) for where, spec in sweep.charts if "<img" in spec or "<a " in spec]
    assert not drawn, [where for where, _ in drawn]
    if "county" not in asked:  # a county's own view draws no one-bar county ranking
        assert any("&lt;img src=" in spec for _, spec in sweep.charts)  # the county's bar, its tag as text


def test_every_table_has_our_excel_download_and_every_file_is_inert(payload_db, downloads):
    sweep = run_sweep("市级可查看", downloads)
    assert not sweep.bare_tables, sweep.bare_tables
    blank = {templates.template_filename(kind) for kind in KIND_ORDER}  # not audited: they hold no data
    built = 0
    for name, build in sorted(sweep.files.items()):
        if not name.endswith(".xlsx") or name in blank:
            continue
        content = build()
        assert not formula_cells(content), (name, formula_cells(content)[:3])
        built += 1
    assert built >= 20  # the tables of every page, the reminders and the report
    # the tables named after the payload department and county were among them
    assert labels.CADRE_TABLE.format(department=DEPARTMENTS[0]) + ".xlsx" in sweep.files
    assert labels.TOWNSHIP_TABLE.format(county=COUNTY) + ".xlsx" in sweep.files
    with db.session(payload_db) as con:
        exported = access.read_audit(con, user="市级可查看", action="export")
    assert len(exported) == built  # each one audited


def test_the_escape_shows_every_payload_as_written():
    for text in [*NAMES.values(), "130****7919", "1. 第一", "+86", "a\\b", "74.1%，2026-07-01 14:05"]:
        escaped = escape.md(text)
        assert plain(escaped) == text.replace("\n", " ")
        assert unescaped(escaped) is None
    assert escape.md("74.1%，2026-07-01") == "74.1%，2026-07-01"  # nothing to escape stays readable
    assert escape.md("第一行\n## 第二行") == "第一行 \\#\\# 第二行"
    assert (
        escape.chart('<a href="http://evil.example">点此</a>') == '&lt;a href="http://evil.example"&gt;点此&lt;/a&gt;'
    )
