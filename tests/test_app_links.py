"""A link whose parameters the app cannot use opens the default view with a short notice, never an error.

Each sidebar parameter (pk, m, q, y, range, county, dept) and the reminders page's rdept is given
values a forwarded or tampered link may carry: a reversed or overlong range, an unknown period kind,
dates that are no dates, an unknown county or department, one outside the account, very long text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from app_ui import filters
from pipeline import labels
from tests.conftest import CITY_USER, EXAMPLE_TODAY, app_test
from tests.drill_helpers import rerun

LONG = "长" * 5000
DEFAULT_RANGE = (dt.date(EXAMPLE_TODAY.year, 1, 1), EXAMPLE_TODAY)
CUSTOM = labels.PERIOD_KIND_LABELS["range"]


def notice(*keys: str) -> str:
    names = "、".join(dict.fromkeys(labels.LINK_PARAM_NAMES[key] for key in keys))
    return labels.MSG_LINK_IGNORED.format(names=names)


def opened(params: dict, user: str = CITY_USER, page: str | None = None) -> AppTest:
    at = app_test(user=user)
    for name, value in params.items():
        at.query_params[name] = value
    rerun(at)
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
        rerun(at)
    return at


def view(at: AppTest) -> filters.View:
    return at.session_state[filters.VIEW_KEY]


def warnings(at: AppTest) -> list[str]:
    """The link notices (a page's own findings, such as 落后 or 报送情况, are not about the link)."""
    return [w.value for w in at.warning if w.value.startswith(labels.MSG_LINK_IGNORED.split("{")[0])]


@pytest.mark.parametrize(
    "rng",
    [
        ["2026-05-01", "2020-01-01"],  # reversed: raised PeriodError before
        ["2016-11-28", "2026-11-01"],  # 121 calendar months: more than a period may span
        ["2026-01-01", "2026-02-01", "2026-03-01"],  # three dates
        ["garbage", "2020-01-01"],
        ["2026-13-45", "2026-02-30"],
        ["2027-01-01", "2027-02-01"],  # not started yet
        ["2000-01-01", "2026-01-01"],
        [LONG, LONG],
    ],
)
def test_a_bad_date_range_gives_the_default_range_and_a_notice(read_only_example_db, rng):
    at = opened({"pk": CUSTOM, "range": rng})
    assert warnings(at) == [notice("range")]
    assert view(at).period.kind == "range"
    assert (view(at).period.start, view(at).period.end) == DEFAULT_RANGE
    assert at.session_state["range"] == DEFAULT_RANGE  # the widget shows what is used
    assert [t.value for t in at.title] == [labels.PAGE_TITLES["overview"]] and at.metric  # the page itself is there


def test_the_reversed_range_of_the_review_opens_the_page_and_leaves_the_address(read_only_example_db):
    # /?pk=自定义&range=2026-05-01&range=2020-01-01 raised an unhandled PeriodError
    at = opened({"pk": CUSTOM, "range": ["2026-05-01", "2020-01-01"]})
    assert warnings(at) == [notice("range")] and at.metric
    assert "range" not in at.query_params  # the address now holds the default range (left out, as defaults are)
    at.switch_page("app_pages/county.py")
    rerun(at)
    assert warnings(at) == [] and at.dataframe  # said once; the next page shows the default range
    assert (view(at).period.start, view(at).period.end) == DEFAULT_RANGE


def test_a_range_from_a_link_is_kept_in_the_address(read_only_example_db):
    at = opened(filters.url_params("2026-03-01..2026-09-30"))
    assert warnings(at) == [] and view(at).period.text == "2026-03-01..2026-09-30"
    assert at.query_params["range"] == ["2026-03-01", "2026-09-30"]
    at.switch_page("app_pages/county.py")
    rerun(at)
    assert view(at).period.text == "2026-03-01..2026-09-30"
    at.date_input(key="range").set_value((dt.date(2026, 4, 1), dt.date(2026, 6, 30)))  # picked in the sidebar
    rerun(at)
    assert at.query_params["range"] == ["2026-04-01", "2026-06-30"] and warnings(at) == []
    assert view(at).period.text == "2026-04-01..2026-06-30"
    at.segmented_control(key="pk").set_value("quarter")
    rerun(at)
    assert "range" not in at.query_params and view(at).period.kind == "quarter"


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"pk": "周"}, "pk"),
        ({"pk": LONG}, "pk"),
        ({"pk": "季", "q": "2026年第五季度"}, "q"),
        ({"pk": "季", "q": "2026Q3"}, "q"),  # the canonical spelling is not what the sidebar writes
        ({"pk": "季", "q": LONG}, "q"),
        ({"pk": "月", "m": "2026年13月"}, "m"),
        ({"pk": "月", "m": "2099年1月"}, "m"),
        ({"pk": "年", "y": "1900年"}, "y"),
        ({"pk": "年", "y": LONG}, "y"),
        ({"county": "不存在县"}, "county"),
        ({"county": LONG}, "county"),
        ({"dept": "不存在的单位"}, "dept"),
        ({"dept": "<script>" + LONG}, "dept"),
    ],
)
def test_a_bad_parameter_gives_its_default_and_a_notice(read_only_example_db, params, key):
    at = opened(params)
    assert warnings(at) == [notice(key)]
    shown = view(at)
    assert (shown.county, shown.department) == (None, None)
    kind = {"pk": "quarter", "q": "quarter", "m": "month", "y": "year"}.get(key, "quarter")
    assert shown.period.kind == kind
    newest = {"quarter": "2026Q4", "month": "2026-11", "year": "2026"}[kind]  # the first option of each list
    assert shown.period.text == newest
    assert at.metric


def test_several_bad_parameters_are_named_in_one_notice(read_only_example_db):
    at = opened({"pk": "季", "q": "垃圾", "county": "不存在县", "dept": "不存在的单位"})
    assert warnings(at) == [notice("q", "county", "dept")]


def test_a_county_outside_the_account_is_named_and_the_own_county_shown(read_only_example_db):
    at = opened(filters.url_params("2026Q3", county="西坪县"), user="县区测试")
    assert warnings(at) == [notice("county")]
    assert view(at).county == "东川县" and view(at).period.text == "2026Q3"


def test_a_good_link_gives_no_notice(read_only_example_db):
    for params in (
        filters.url_params("2026Q3", county="东川县", department="市教育局"),
        filters.url_params("2026-10"),
        filters.url_params("2026"),
        filters.url_params("2026-03-01..2026-09-30"),
        {"pk": labels.PERIOD_KIND_LABELS["month"], "q": "垃圾"},  # a parameter of another kind is not used
        {},
    ):
        at = opened(params)
        assert warnings(at) == [], params
    assert view(at).period.text == "2026Q4"


def test_the_reminders_department_from_a_link(read_only_example_db):
    at = opened(filters.url_params("2026Q3") | {"rdept": "不存在的单位"}, page="reminders")
    assert notice("rdept") in warnings(at)
    assert at.selectbox(key="rdept").value == labels.ALL_OPTION
    at = opened(filters.url_params("2026Q3") | {"rdept": "市教育局"}, page="reminders")
    assert notice("rdept") not in warnings(at)
    assert at.selectbox(key="rdept").value == "市教育局"
