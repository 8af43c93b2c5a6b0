"""The 问题台账 page through AppTest: its figures are the pipeline's, filters narrow them, empty states explain."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from app_ui import filters, kpi
from pipeline import db, issue_stats, labels, queries
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_TODAY, app_test
from tests.test_issue_stats import add_beneficiary, add_issue, add_pairing

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
SUMMARY = ["issue_category", "issue_level", "status_on_as_of"]


def run_page(period: str, county: str | None = None, department: str | None = None) -> AppTest:
    at = app_test()
    for name, value in filters.url_params(period, county, department).items():
        at.query_params[name] = value
    at.switch_page("app_pages/issues.py")
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == labels.PAGE_TITLES["issues"]
    return at


def rendered_text(at: AppTest) -> str:
    """Every text the page shows, tables included."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "code", "info", "success", "warning"):
        parts += [str(element.value) for element in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [frame.value.astype(str).to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def shown_metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in frame.to_dict("records")]


def test_figures_equal_the_pipeline(example_db):
    at = run_page("2026Q3")
    shown = shown_metrics(at)
    with db.session(example_db) as con:
        row = queries.compare_previous(con, "2026Q3", "overall", today=EXAMPLE_TODAY).iloc[0]
        now = issue_stats.issue_stats(con, "2026Q3", today=EXAMPLE_TODAY)
        before = issue_stats.issue_stats(con, "2026Q2", today=EXAMPLE_TODAY)
        overdue = issue_stats.overdue_table(queries.overdue(con, "2026Q3", "issues", today=EXAMPLE_TODAY))
    # expected_2026Q3_overall.csv
    assert shown[labels.METRIC_LABELS["issues_total"]][0] == "34"
    assert shown[labels.METRIC_LABELS["issues_new"]][0] == "15"
    assert shown[labels.METRIC_LABELS["issues_resolved"]][0] == "11"
    assert shown[labels.METRIC_LABELS["issues_closed_in_p"]][0] == "7"
    assert shown[labels.METRIC_LABELS["issues_overdue"]][0] == "10"
    assert shown[labels.METRIC_LABELS["median_days_to_close"]][0] == "37天"
    assert shown[labels.METRIC_LABELS["resolution_rate"]][0] == "32.4%"
    for metric in ("issues_total", "issues_new", "issues_resolved", "issues_closed_in_p", "issues_overdue"):
        assert shown[labels.METRIC_LABELS[metric]] == (f"{int(row[metric]):,}", f"{int(row[f'{metric}_change']):+d}")
    assert shown[labels.METRIC_LABELS["resolution_rate"]][1] == kpi.rate_change_text(row["resolution_rate_change"])
    open_now, open_before = int(now.ageing["open_issues"].sum()), int(before.ageing["open_issues"].sum())
    assert shown[labels.ISSUES_OPEN_LABEL] == ("15", f"{open_now - open_before:+d}")

    tables = [frame.value for frame in at.dataframe]
    assert len(tables) == 4
    for table, dimension in zip(tables, SUMMARY, strict=False):
        assert _records(table) == _records(issue_stats.counts_by(now.breakdown, dimension))
    # an issue without a number reads "—" in the list, as every other empty cell does
    assert "" in overdue["issue_no"].tolist()
    assert tables[3]["issue_no"].tolist() == [n or labels.NO_VALUE for n in overdue["issue_no"]]
    assert len(tables[3]) == 10
    assert labels.ISSUES_STATUS_NOTE.format(as_of="2026-09-30") in [c.value for c in at.caption]


def test_county_and_department_scope_narrow_every_figure(example_db):
    at = run_page("2026Q3", county="东川县")
    shown = shown_metrics(at)
    # expected_2026Q3_county.csv, 东川县: 12 issues, 2 overdue
    assert shown[labels.METRIC_LABELS["issues_total"]][0] == "12"
    assert shown[labels.METRIC_LABELS["issues_overdue"]][0] == "2"
    assert len(at.dataframe[3].value) == 2
    assert set(at.dataframe[3].value["county"]) <= {"东川县"}
    assert at.dataframe[0].value["issues_total"].sum() == 12

    at = run_page("2026Q3", department="市卫健委")
    shown = shown_metrics(at)
    # expected_2026Q3_department.csv, 市卫健委: 6 issues, 3 overdue, none resolved
    assert shown[labels.METRIC_LABELS["issues_total"]][0] == "6"
    assert shown[labels.METRIC_LABELS["issues_overdue"]][0] == "3"
    assert shown[labels.METRIC_LABELS["issues_resolved"]][0] == "0"
    assert set(at.dataframe[3].value["department"]) == {"市卫健委"}
    with db.session(example_db) as con:
        frame = issue_stats.issue_stats(con, "2026Q3", Scope.for_department("市卫健委"), today=EXAMPLE_TODAY).breakdown
    assert _records(at.dataframe[1].value) == _records(issue_stats.counts_by(frame, "issue_level"))


def test_a_period_without_issues_says_so(example_db):
    at = run_page("2025-01-01..2025-01-31")
    assert [i.value for i in at.info] == [labels.ISSUES_EMPTY.format(as_of="2025-01-31")]
    assert not at.metric and not at.dataframe


def test_no_open_no_closed_and_no_overdue_are_explained(tmp_path, monkeypatch):
    path = tmp_path / "closed.duckdb"
    with db.session(path) as con:
        person = add_beneficiary(con, 1)
        add_pairing(con, person, "张三", "13800001234", "市民政局", dt.date(2026, 1, 1))
        add_issue(con, person, dt.date(2026, 5, 1), key="old", status="已解决", closed_on=dt.date(2026, 6, 1))
    monkeypatch.setenv("GUANAI_DB", str(path))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    at = run_page("2026Q3")
    infos = [i.value for i in at.info]
    assert labels.ISSUES_NO_OPEN.format(as_of="2026-09-30") in infos
    assert labels.ISSUES_NO_CLOSED in infos
    assert [s.value for s in at.success] == [labels.ISSUES_NO_OVERDUE.format(as_of="2026-09-30", days=30)]
    assert shown_metrics(at)[labels.METRIC_LABELS["issues_total"]][0] == "1"


def test_no_full_id_or_phone_on_the_page(example_db):
    at = run_page("2026Q3")
    text = rendered_text(at)
    assert "WT0017" in text  # the overdue list is part of what was searched
    assert not FULL_ID.search(text)
    assert not FULL_PHONE.search(text)
