"""The sidebar and the pages' own pickers: one choice of county and department, filters only where a page reads
them, the report titled by its type, and the cached calls keyed by the sidebar's `View`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from app_ui import data, filters
from pipeline import db, labels, periods, queries
from tests.conftest import CITY_USER, EXAMPLE_TODAY, app_test
from tests.drill_helpers import open_page, pick, rerun, select_row, table

COUNTIES = ["东川县", "临河区", "西坪县"]  # the example's counties


@pytest.fixture
def example_db(read_only_example_db):
    return read_only_example_db


def view(at: AppTest) -> filters.View:
    return at.session_state[filters.VIEW_KEY]


def sidebar_keys(at: AppTest) -> set[str]:
    """The keys of the widgets drawn in the sidebar (the person search box aside)."""
    widgets = [*at.sidebar.selectbox, *at.sidebar.button_group, *at.sidebar.date_input]
    return {w.key for w in widgets}


def switch(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py")
    return rerun(at)


# ---------------------------------------------------------------- the county and department pickers


def test_a_county_picked_on_the_county_page_is_the_sidebars_and_reminders_follow(example_db):
    at = pick(open_page("county"), "county_pick", "西坪县")
    assert at.sidebar.selectbox(key="county").value == "西坪县"
    assert at.query_params["county"] == "西坪县"  # the address says so too: a copied link keeps the county
    assert sorted(table(at, "county_table")["county"]) == COUNTIES  # the ranking still offers the others
    assert at.selectbox(key="county_pick").value == "西坪县"
    at = switch(at, "reminders")
    assert at.sidebar.selectbox(key="county").value == "西坪县"
    assert (view(at).county, view(at).department) == ("西坪县", None)
    with db.session(example_db, read_only=True) as con:
        county = queries.overdue(con, "2026Q3", "contacts", queries.Scope(county="西坪县"), EXAMPLE_TODAY)
        city = queries.overdue(con, "2026Q3", "contacts", queries.ALL, EXAMPLE_TODAY)
    assert 0 < len(county) < len(city)  # the check can fail: the county's list is not the city's
    cards = {m.label: m.value for m in at.main.metric}
    assert cards[labels.REMINDERS_KPI_CONTACTS] == f"{len(county):,}"


def test_a_county_row_selected_in_the_table_carries_to_the_sidebar(example_db):
    at = open_page("county")
    row = table(at, "county_table")["county"].tolist().index("东川县")
    at = select_row(at, "county_table", row)
    assert at.sidebar.selectbox(key="county").value == "东川县"
    assert at.selectbox(key="county_pick").value == "东川县"
    assert view(at).county == "东川县"
    at = switch(at, "overview")  # another page shows the county too, with its own title
    assert [t.value for t in at.main.title] == [labels.OWN_OVERVIEW_TITLE.format(unit="东川县")]


def test_the_sidebar_county_preselects_the_county_page_picker(example_db):
    at = open_page("county", county="西坪县")
    assert at.selectbox(key="county_pick").value == "西坪县"
    assert sorted(table(at, "county_table")["county"]) == COUNTIES
    assert labels.TOWNSHIP_TABLE.format(county="西坪县") in [s.value for s in at.subheader]
    at.sidebar.selectbox(key="county").select("临河区")
    at = rerun(at)
    assert at.selectbox(key="county_pick").value == "临河区"
    assert labels.TOWNSHIP_TABLE.format(county="临河区") in [s.value for s in at.subheader]
    at.sidebar.selectbox(key="county").select(labels.ALL_OPTION)
    at = rerun(at)
    assert at.selectbox(key="county_pick").value is None
    assert labels.COUNTY_PICK_HINT in [i.value for i in at.info]


def test_a_department_picked_on_its_page_is_the_sidebars_and_the_sidebar_preselects_it(example_db):
    at = pick(open_page("department"), "department_pick", "市教育局")
    assert at.sidebar.selectbox(key="dept").value == "市教育局"
    assert at.selectbox(key="department_pick").value == "市教育局"  # picked again from its own view
    assert at.subheader[0].value == labels.TODO_HEADER
    at = pick(at, "department_pick", "市民政局")
    assert at.sidebar.selectbox(key="dept").value == "市民政局"
    assert (view(at).county, view(at).department) == (None, "市民政局")
    at = switch(at, "reminders")
    assert at.sidebar.selectbox(key="dept").value == "市民政局"


def test_a_department_account_has_no_picker_of_other_departments(example_db):
    at = open_page("department", user="单位测试")
    assert not [s for s in at.selectbox if s.key == "department_pick"]
    assert at.sidebar.selectbox(key="dept").options == ["市民政局"]


# ---------------------------------------------------------------- filters only where a page reads them


@pytest.mark.parametrize("page", ["settings", "upload", "audit"])
def test_pages_about_files_and_settings_draw_no_filters_and_keep_the_view(example_db, page):
    at = app_test(user=CITY_USER)
    for name, value in filters.url_params("2026-08", "东川县", "市民政局").items():
        at.query_params[name] = value
    rerun(at)
    assert {"pk", "m", "county", "dept"} <= sidebar_keys(at)
    chosen = view(at)
    at = switch(at, page)
    assert not {"pk", "m", "q", "y", "range", "county", "dept"} & sidebar_keys(at)
    assert labels.SIDEBAR_PERIOD not in [s.value for s in at.sidebar.subheader]
    assert view(at) == chosen  # not drawn, not forgotten
    at = switch(at, "county")
    assert view(at) == chosen
    assert at.sidebar.selectbox(key="m").value == "2026-08"
    assert at.sidebar.selectbox(key="county").value == "东川县"
    assert {key: at.query_params[key] for key in ("pk", "m", "county", "dept")} == {
        "pk": labels.PERIOD_KIND_LABELS["month"],
        "m": filters.url_params("2026-08")["m"],
        "county": "东川县",
        "dept": "市民政局",
    }


def test_a_custom_range_survives_a_page_without_filters(example_db):
    at = app_test(user=CITY_USER)
    for name, value in filters.url_params("2026-03-01..2026-06-15").items():
        at.query_params[name] = value
    rerun(at)
    assert (view(at).period.start, view(at).period.end) == (dt.date(2026, 3, 1), dt.date(2026, 6, 15))
    at = switch(switch(at, "settings"), "issues")
    assert (view(at).period.start, view(at).period.end) == (dt.date(2026, 3, 1), dt.date(2026, 6, 15))
    assert at.sidebar.date_input(key="range").value == (dt.date(2026, 3, 1), dt.date(2026, 6, 15))


def test_the_person_page_draws_the_scope_but_no_period(example_db):
    at = switch(rerun(app_test(user=CITY_USER)), "person")
    keys = sidebar_keys(at)
    assert {"county", "dept"} <= keys and not {"pk", "q"} & keys
    assert not [c for c in at.main.caption if "尚未结束" in c.value]  # no running-period note either


# ---------------------------------------------------------------- the report's heading


@pytest.mark.parametrize(
    ("period", "heading"),
    [("2026-09", "月报"), ("2026", "年度总结"), ("2026Q3", "季度调度"), ("2026-07-01..2026-08-31", "季度调度")],
)
def test_the_report_page_is_titled_by_its_report_type(example_db, period, heading):
    at = open_page("report", period=period)
    assert [t.value for t in at.main.title] == [heading]


def test_the_report_heading_follows_the_type_chosen_on_the_page(example_db):
    at = open_page("report", period="2026Q3")
    at.segmented_control(key="report_kind").set_value("year")
    at = rerun(at)
    assert [t.value for t in at.main.title] == [labels.REPORT_KIND_LABELS["year"]]
    title = labels.REPORT_TITLES["year"]
    assert at.subheader[0].value.startswith("全市结对关爱行动2026年") and at.subheader[0].value.endswith(title[-4:])


# ---------------------------------------------------------------- the cached calls take the View


def test_equal_views_are_one_cache_entry(example_db, monkeypatch):
    calls = []
    original = queries.metrics_many

    def counted(con, period, *args, **kwargs):
        calls.append(period)
        return original(con, period, *args, **kwargs)

    monkeypatch.setattr(queries, "metrics_many", counted)
    version = data.data_version()
    # built apart, each from its own parse: equal, but not the same object
    first = filters.View(periods.parse_period("2026Q3", EXAMPLE_TODAY), EXAMPLE_TODAY, "东川县")
    second = filters.View(periods.parse_period("2026q3", EXAMPLE_TODAY), EXAMPLE_TODAY, "东川县")
    assert first == second and first is not second
    one = data.metrics_many(version, first, ("county",))
    two = data.metrics_many(version, second, ("county",))
    assert len(calls) == 1  # the second call was answered by the cache
    assert one["county"].equals(two["county"])
    assert isinstance(calls[0], periods.Period)  # the pipeline got the parsed period, not text to parse again
    data.metrics_many(version, filters.View(first.period, EXAMPLE_TODAY, "西坪县"), ("county",))
    data.metrics_many(version, first.for_period(first.previous), ("county",))
    assert len(calls) == 3  # another county, another period: entries of their own


def test_an_account_that_may_unmask_drills_a_picked_department_to_a_cadre(example_db):
    # the department's own view and its cadre details share one 查看完整信息 switch (one widget key)
    at = pick(open_page("department", user="市级可查看"), "department_pick", "市教育局")
    assert len([t for t in at.toggle if t.label == labels.UNMASK_TOGGLE]) == 1
    at = select_row(at, "cadre_table_市教育局", 0)
    assert len([t for t in at.toggle if t.label == labels.UNMASK_TOGGLE]) == 1
    assert table(at, "cadre_pairs")["id_number"].str.contains(r"\*").all()
