"""Daily use by every role: running periods said honestly, each role's own view, 报送情况, and only Chinese text.

The scan opens every page and every tab for the city, county, department and read-only accounts, and fails
on a raw identifier (snake_case), None / NaN / NaT or an English word in the main content and in the
headers of every table.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from app_ui import filters
from pipeline import labels
from tests.conftest import app_test

PAGES = ["overview", "county", "department", "issues", "reminders", "person", "quality", "report", "supervision"]
ROLES = ["市级测试", "县区测试", "单位测试", "只读测试"]
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
EMPTY = re.compile(r"\b(?:None|NaN|nan|NaT|<NA>)\b")
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")
ALLOWED_WORDS = {"Excel", "xlsx", "zip", "csv"}  # file kinds the office knows by these names


def opened(user: str, period: str, page: str | None = None):
    at = app_test(user=user)
    for key, value in filters.url_params(period).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, at.exception
    return at


def texts(at) -> list[str]:
    """What a person reads in the main part: text elements, metric labels and values, table headers."""
    found = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        found += [str(e.value) for e in getattr(at.main, kind)] if hasattr(at.main, kind) else []
    found += [f"{m.label} {m.value}" for m in at.main.metric]
    for frame in at.main.dataframe:
        config = frame.proto.columns if hasattr(frame.proto, "columns") else ""
        found.append(str(config))
    return found


def headers(at) -> list[str]:
    """Every table's column titles as drawn (column_config labels, else the frame's own names)."""
    import json

    shown = []
    for frame in at.main.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        for column in frame.value.columns:
            label = (config.get(f"col:{column}") or config.get(str(column)) or {}).get("label")
            shown.append(label or str(column))
    return shown


def problems(at) -> list[str]:
    bad = []
    for text in [*texts_only(at), *headers(at)]:
        cleaned = re.sub(r"https?://\S+|:[a-z]+-badge\[|:material/[a-z_]+:|\bicon\b", "", text)
        for pattern in (SNAKE, EMPTY):
            bad += [f"{pattern.pattern}: {m} in {text[:80]}" for m in pattern.findall(cleaned)]
        bad += [f"English: {w} in {text[:80]}" for w in ENGLISH.findall(cleaned) if w not in ALLOWED_WORDS]
    return bad


def texts_only(at) -> list[str]:
    found = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        found += [str(e.value) for e in getattr(at.main, kind)]
    found += [f"{m.label} {m.value}" for m in at.main.metric]
    return found


@pytest.mark.parametrize("user", ROLES)
def test_every_page_of_every_role_reads_in_chinese(read_only_example_db, user):
    failures = {}
    for page in PAGES:
        at = opened(user, "2026Q4", page)
        found = problems(at)
        for tab_index in range(len(at.main.tabs)):  # tabs are all drawn: their content is in at.main already
            del tab_index
        if found:
            failures[page] = found[:5]
    assert failures == {}


def test_a_running_period_says_what_it_covers_and_why_on_standard_is_empty(read_only_example_db):
    at = opened("市级测试", "2026-11")  # 11-28: November has not ended, no month of the period has
    captions = [c.value for c in at.main.caption]
    assert any("本月尚未结束" in c and "联系达标率暂不计算" in c for c in captions), captions
    cards = {m.label: m.value for m in at.main.metric}
    assert cards[labels.METRIC_LABELS["on_standard_rate"]] == labels.NO_VALUE
    assert labels.KPI_STANDARD_EMPTY in captions  # said under the card, and no 红灯 badge for it
    quarter = opened("市级测试", "2026Q4")
    assert any("只考核已经结束的10月" in c.value for c in quarter.main.caption)


def test_a_county_sees_its_own_overview_rank_and_the_city(read_only_example_db):
    at = opened("县区测试", "2026Q3")
    assert [t.value for t in at.main.title] == [labels.OWN_OVERVIEW_TITLE.format(unit="东川县")]
    ranks = [m.value for m in at.main.markdown if "在全市3个县区中排第" in m.value]
    assert len(ranks) == 1, [m.value for m in at.main.markdown]
    assert not any("1个单位中有1个落后" in str(e.value) for e in at.main.warning)


def test_a_department_lands_on_what_it_must_do(read_only_example_db):
    at = opened("单位测试", "2026Q3")
    subheaders = [s.value for s in at.main.subheader]
    assert subheaders[0] == labels.TODO_HEADER
    assert any("在全市6个单位中排第" in m.value for m in at.main.markdown)
    department = opened("单位测试", "2026Q3", "department")
    assert not any("个单位中有" in str(w.value) for w in department.main.warning)  # no verdict from one unit


def test_the_overview_names_who_has_not_sent_the_month(read_only_example_db):
    at = opened("市级测试", "2026Q3")
    assert labels.SUBMISSION_HEADER in [s.value for s in at.main.subheader]


def test_the_trend_has_twelve_months_and_marks_the_running_one(read_only_example_db):
    at = opened("市级测试", "2026Q4")
    import json

    chart = json.loads(at.main.get("plotly_chart")[0].proto.spec)
    months = chart["data"][0]["x"]
    assert len(months) == 12 and months[-1] == "2026-11" + labels.TREND_RUNNING_SUFFIX


def test_a_download_names_its_period_and_scope_and_says_yes_or_no(read_only_example_db, downloads):
    at = opened("县区测试", "2026Q3", "county")
    assert not at.exception
    name = next(n for n in downloads if n.startswith("东川县结对明细") or n.startswith("东川县"))
    sheet = openpyxl.load_workbook(io.BytesIO(downloads[name]())).active
    title = sheet["A1"].value
    assert "统计期：2026年第三季度" in title and "范围：东川县" in title
    values = {c for row in sheet.iter_rows(min_row=3, values_only=True) for c in row}
    assert True not in values and False not in values


def test_an_unknown_address_opens_the_overview(read_only_example_db):
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx  # noqa: F401

    at = opened("市级测试", "2026Q3")
    assert [t.value for t in at.main.title] == [labels.PAGE_TITLES["overview"]]
