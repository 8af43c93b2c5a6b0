"""The 问题台账 breakdowns: counts by category, level and status, ageing bands and close-time bands."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pandas as pd
import pytest

from pipeline import db, idnumber, issue_stats, labels, queries, settings
from pipeline.ingest.load import import_file
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_TODAY

Q3_AS_OF = dt.date(2026, 9, 30)


# ---------------------------------------------------------------- hand-built databases


def person_id(sequence: int) -> str:
    """A valid ID number for a hand-built beneficiary."""
    return idnumber.make("620102", dt.date(1960, 1, 1), sequence)


def add_beneficiary(
    con,
    sequence: int,
    name: str = "李小明",
    county: str = "东川县",
    township: str = "东川乡",
    category: str = "困难重度残疾人",
    enrolled_on: dt.date = dt.date(2020, 1, 1),
) -> str:
    """Insert a beneficiary and return his ID number."""
    id_number = person_id(sequence)
    con.execute(
        "insert into beneficiary (id_number, name, category, county, township, enrolled_on, batch_id) "
        "values (?, ?, ?, ?, ?, ?, 1)",
        [id_number, name, category, county, township, enrolled_on],
    )
    return id_number


def add_pairing(con, id_number: str, cadre: str, phone: str, department: str, paired_on: dt.date) -> None:
    """Insert an open-ended pairing."""
    con.execute(
        "insert into pairing (id_number, cadre_phone, cadre_name, department, paired_on, batch_id) "
        "values (?, ?, ?, ?, ?, 1)",
        [id_number, phone, cadre, department, paired_on],
    )


def add_contact(con, id_number: str, day: dt.date, method: str = "电话") -> None:
    """Insert one contact."""
    con.execute(
        "insert into contact (contact_key, id_number, contact_date, method, batch_id) values (?, ?, ?, ?, 1)",
        [f"{id_number}|{day}|{method}", id_number, day, method],
    )


def add_issue(
    con,
    id_number: str,
    raised_on: dt.date,
    *,
    key: str,
    issue_no: str | None = None,
    category: str = "医疗",
    level: str = "干部本人",
    status: str = "办理中",
    closed_on: dt.date | None = None,
) -> None:
    """Insert one issue of the ledger."""
    con.execute(
        "insert into issue (issue_key, issue_no, id_number, raised_on, category, description, level, status, "
        "closed_on, batch_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [key, issue_no, id_number, raised_on, category, f"反映{category}方面困难", level, status, closed_on],
    )


@pytest.fixture
def blank_con(tmp_path):
    con = db.connect(tmp_path / "hand.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def example_con(tmp_path_factory):
    path = tmp_path_factory.mktemp("example") / "example.duckdb"
    from tests.conftest import EXAMPLE_DIR

    con = db.connect(path)
    for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
        assert import_file(con, EXAMPLE_DIR / name, today=EXAMPLE_TODAY).rejected == 0
    yield con
    con.close()


# ---------------------------------------------------------------- the example data, counted from the CSV


def _csv_rows(name: str) -> list[dict]:
    from tests.conftest import EXAMPLE_DIR

    with open(EXAMPLE_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _csv_issues_in_scope(as_of: dt.date, county: str | None = None) -> list[dict]:
    """The ledger rows counted for a period ending on as_of, worked out from the CSV files alone."""
    people = {}
    for row in _csv_rows("结对台账.csv"):  # later rows update the beneficiary's columns
        people[row["身份证号"]] = row
    in_scope = {
        id_number
        for id_number, row in people.items()
        if (_day(row["纳入日期"]) or dt.date(1900, 1, 1)) <= as_of
        and (not row["退出日期"] or _day(row["退出日期"]) > as_of)
        and (county is None or row["县区"] == county)
    }
    return [r for r in _csv_rows("问题台账.csv") if r["身份证号"] in in_scope and _day(r["提出日期"]) <= as_of]


def _csv_status_on(row: dict, as_of: dt.date) -> str:
    closed = _day(row["办结日期"])
    if closed is not None and closed > as_of:
        return labels.ISSUE_STATUS_CLOSED_LATER
    return row["办理状态"]


def test_example_q3_counts_by_status_category_and_level_match_the_csv(example_con):
    frame = issue_stats.issue_stats(example_con, "2026Q3", today=EXAMPLE_TODAY).breakdown
    rows = _csv_issues_in_scope(Q3_AS_OF)
    assert len(rows) == 34  # expected_2026Q3_overall.csv: issues_total

    by_status = issue_stats.counts_by(frame, "status_on_as_of")
    assert dict(zip(by_status["status_on_as_of"], by_status["issues_total"], strict=True)) == dict(
        Counter(_csv_status_on(r, Q3_AS_OF) for r in rows)
    )
    # worked by hand from 问题台账.csv: three issues closed only after 30 September were open on as_of
    assert by_status.set_index("status_on_as_of")["issues_total"].to_dict() == {
        "待办理": 6,
        "办理中": 6,
        "期末后办结": 3,
        "已解决": 11,
        "无法解决": 8,
    }

    by_category = issue_stats.counts_by(frame, "issue_category")
    assert by_category["issue_category"].tolist() == labels.ISSUE_CATEGORIES
    assert dict(zip(by_category["issue_category"], by_category["issues_total"], strict=True)) == dict(
        Counter(r["问题类别"] for r in rows)
    )
    opened = Counter(r["问题类别"] for r in rows if _csv_status_on(r, Q3_AS_OF) not in labels.CLOSED_STATUSES)
    assert by_category.set_index("issue_category")["open_issues"].to_dict() == {
        c: opened.get(c, 0) for c in labels.ISSUE_CATEGORIES
    }
    new = Counter(r["问题类别"] for r in rows if _day(r["提出日期"]) >= dt.date(2026, 7, 1))
    assert by_category.set_index("issue_category")["issues_new"].to_dict() == {
        c: new.get(c, 0) for c in labels.ISSUE_CATEGORIES
    }

    by_level = issue_stats.counts_by(frame, "issue_level")
    assert by_level["issue_level"].tolist() == labels.ISSUE_LEVELS
    assert dict(zip(by_level["issue_level"], by_level["issues_total"], strict=True)) == dict(
        Counter(r["办理层级"] for r in rows)
    )


def test_status_matrix_rows_add_up_to_the_category_counts(example_con):
    frame = issue_stats.issue_stats(example_con, "2026Q3", today=EXAMPLE_TODAY).breakdown
    matrix = issue_stats.status_matrix(frame, "issue_category")
    assert list(matrix.columns) == ["issue_category", *labels.ISSUE_STATUS_ORDER]
    rows = _csv_issues_in_scope(Q3_AS_OF)
    for record in matrix.to_dict("records"):
        expected = Counter(_csv_status_on(r, Q3_AS_OF) for r in rows if r["问题类别"] == record["issue_category"])
        assert {s: record[s] for s in labels.ISSUE_STATUS_ORDER} == {s: expected[s] for s in labels.ISSUE_STATUS_ORDER}


@pytest.mark.parametrize("by", ["county", "department"])
def test_breakdown_totals_equal_the_metrics_of_every_group(example_con, by):
    grouped = queries.metrics(example_con, "2026Q3", by, today=EXAMPLE_TODAY)
    for group in grouped.to_dict("records"):
        if group[by] == labels.UNPAIRED_LABEL:
            continue
        scope = Scope(**{by: group[by]})
        frame = issue_stats.issue_stats(example_con, "2026Q3", scope, today=EXAMPLE_TODAY).breakdown
        for column in ("issues_total", "issues_new", "issues_resolved", "issues_closed_in_p", "issues_overdue"):
            assert frame[column].sum() == group[column], (group[by], column)


def test_county_scope_counted_from_the_csv(example_con):
    frame = issue_stats.issue_stats(example_con, "2026Q3", Scope.for_county("东川县"), today=EXAMPLE_TODAY).breakdown
    rows = _csv_issues_in_scope(Q3_AS_OF, county="东川县")
    assert len(rows) == 12  # expected_2026Q3_county.csv, 东川县
    by_category = issue_stats.counts_by(frame, "issue_category")
    counted = Counter(r["问题类别"] for r in rows)
    assert by_category.set_index("issue_category")["issues_total"].to_dict() == {
        c: counted.get(c, 0) for c in labels.ISSUE_CATEGORIES
    }


def test_example_ageing_and_close_time_add_up(example_con):
    stats = issue_stats.issue_stats(example_con, "2026Q3", today=EXAMPLE_TODAY)
    overall = queries.metrics(example_con, "2026Q3", "overall", today=EXAMPLE_TODAY).iloc[0]
    assert stats.as_of == Q3_AS_OF
    assert stats.ageing["age_band"].tolist() == list(labels.ISSUE_AGE_BAND_LABELS.values())
    open_rows = [r for r in _csv_issues_in_scope(Q3_AS_OF) if _csv_status_on(r, Q3_AS_OF) not in labels.CLOSED_STATUSES]
    assert stats.ageing["open_issues"].sum() == len(open_rows) == 15
    assert stats.ageing["issues_overdue"].sum() == overall["issues_overdue"] == 10
    assert (stats.ageing[labels.ISSUE_LEVELS].sum(axis=1) == stats.ageing["open_issues"]).all()
    assert stats.close_time["issues_closed_in_p"].sum() == overall["issues_closed_in_p"] == 7
    closed_days = [
        (_day(r["办结日期"]) - _day(r["提出日期"])).days
        for r in _csv_issues_in_scope(Q3_AS_OF)
        if r["办结日期"] and dt.date(2026, 7, 1) <= _day(r["办结日期"]) <= Q3_AS_OF
    ]
    bands = [
        sum(d <= 15 for d in closed_days),
        sum(16 <= d <= 30 for d in closed_days),
        sum(31 <= d <= 60 for d in closed_days),
        sum(d > 60 for d in closed_days),
    ]
    assert stats.close_time["issues_closed_in_p"].tolist() == bands


# ---------------------------------------------------------------- bands on hand-built issues


def test_ageing_bands_at_their_edges(blank_con):
    as_of = dt.date(2026, 10, 31)
    person = add_beneficiary(blank_con, 1)
    add_pairing(blank_con, person, "张三", "13800001234", "市民政局", dt.date(2026, 1, 1))
    levels = {15: "干部本人", 16: "所在单位", 30: "所在单位", 31: "上级部门", 60: "上级部门", 61: "领导小组办公室"}
    for age, level in levels.items():
        add_issue(blank_con, person, as_of - dt.timedelta(days=age), key=f"age{age}", level=level)
    # closed after as_of: still open that day; closed on as_of and raised after it: not open
    add_issue(
        blank_con,
        person,
        as_of - dt.timedelta(days=3),
        key="late",
        status="已解决",
        closed_on=as_of + dt.timedelta(days=1),
    )
    add_issue(blank_con, person, as_of - dt.timedelta(days=90), key="done", status="已解决", closed_on=as_of)
    add_issue(blank_con, person, as_of + dt.timedelta(days=1), key="future")

    table = issue_stats.issue_stats(blank_con, "2026-10", today="2026-11-28").ageing.set_index("age_band")
    bands = list(labels.ISSUE_AGE_BAND_LABELS.values())
    assert table["open_issues"].tolist() == [2, 2, 2, 1]  # 15 + late · 16, 30 · 31, 60 · 61
    assert table["issues_overdue"].tolist() == [0, 0, 2, 1]  # more than 30 days
    assert table.loc[bands[0], "干部本人"] == 2
    assert table.loc[bands[1], "所在单位"] == 2
    assert table.loc[bands[2], "上级部门"] == 2
    assert table.loc[bands[3], "领导小组办公室"] == 1
    assert table.loc[bands[3], "干部本人"] == 0

    frame = issue_stats.issue_stats(blank_con, "2026-10", today="2026-11-28").breakdown
    statuses = issue_stats.counts_by(frame, "status_on_as_of").set_index("status_on_as_of")["issues_total"]
    assert statuses.to_dict() == {"待办理": 0, "办理中": 6, "期末后办结": 1, "已解决": 1, "无法解决": 0}


def test_overdue_threshold_from_the_settings_moves_the_overdue_count(blank_con):
    as_of = dt.date(2026, 10, 31)
    person = add_beneficiary(blank_con, 1)
    for age in (31, 45, 46):
        add_issue(blank_con, person, as_of - dt.timedelta(days=age), key=f"age{age}")
    assert issue_stats.issue_stats(blank_con, "2026-10", today="2026-11-28").ageing["issues_overdue"].sum() == 3
    settings.write_settings(blank_con, {"overdue_days": 45}, user="测试")
    table = issue_stats.issue_stats(blank_con, "2026-10", today="2026-11-28").ageing
    assert table["issues_overdue"].tolist() == [0, 0, 1, 0]  # only the 46-day-old one


def test_close_time_bands_at_their_edges(blank_con):
    start, as_of = dt.date(2026, 10, 1), dt.date(2026, 12, 31)
    person = add_beneficiary(blank_con, 1)
    closed_on = dt.date(2026, 12, 20)
    for days, status in (
        (0, "已解决"),
        (15, "无法解决"),
        (16, "已解决"),
        (30, "已解决"),
        (31, "无法解决"),
        (60, "已解决"),
        (61, "已解决"),
    ):
        add_issue(
            blank_con, person, closed_on - dt.timedelta(days=days), key=f"d{days}", status=status, closed_on=closed_on
        )
    add_issue(
        blank_con,
        person,
        start - dt.timedelta(days=40),
        key="before",
        status="已解决",
        closed_on=start - dt.timedelta(days=1),
    )
    table = issue_stats.issue_stats(blank_con, "2026Q4", today=as_of).close_time.set_index("close_band")
    assert table["issues_closed_in_p"].tolist() == [2, 2, 2, 1]
    assert table["已解决"].tolist() == [1, 2, 1, 1]
    assert table["无法解决"].tolist() == [1, 0, 1, 0]


def test_scope_keeps_other_counties_and_departments_out(blank_con):
    as_of = dt.date(2026, 10, 31)
    here = add_beneficiary(blank_con, 1, county="东川县")
    there = add_beneficiary(blank_con, 2, county="西坪县")
    add_pairing(blank_con, here, "张三", "13800001234", "市民政局", dt.date(2026, 1, 1))
    add_pairing(blank_con, there, "李四", "13900005678", "市教育局", dt.date(2026, 1, 1))
    add_issue(blank_con, here, as_of - dt.timedelta(days=40), key="here")
    add_issue(blank_con, there, as_of - dt.timedelta(days=5), key="there")
    add_issue(blank_con, there, as_of - dt.timedelta(days=70), key="there2")
    expected_by_scope = [
        (Scope.for_county("东川县"), [0, 0, 1, 0]),
        (Scope.for_department("市教育局"), [1, 0, 0, 1]),
        (Scope(county="东川县", department="市教育局"), [0, 0, 0, 0]),
        (Scope.all(), [1, 0, 1, 1]),
    ]
    for scope, expected in expected_by_scope:
        table = issue_stats.issue_stats(blank_con, "2026-10", scope, today="2026-11-28").ageing
        assert table["open_issues"].tolist() == expected, scope


def test_scope_text_is_bound_not_spliced(example_con):
    hostile = "东川县' or 1=1 --"
    frame = issue_stats.issue_stats(example_con, "2026Q3", Scope.for_county(hostile), today=EXAMPLE_TODAY).breakdown
    assert frame.empty
    assert issue_stats.counts_by(frame, "issue_category")["issues_total"].sum() == 0
    assert issue_stats.issue_stats(example_con, "2026Q3", Scope.for_county(hostile), today=EXAMPLE_TODAY).ageing[
        "open_issues"
    ].tolist() == [0, 0, 0, 0]


def test_status_on_as_of():
    assert issue_stats.status_on_as_of("已解决", True) == labels.ISSUE_STATUS_CLOSED_LATER
    assert issue_stats.status_on_as_of("无法解决", True) == labels.ISSUE_STATUS_CLOSED_LATER
    assert issue_stats.status_on_as_of("已解决", False) == "已解决"
    assert issue_stats.status_on_as_of("办理中", True) == "办理中"


def test_overdue_table_keeps_the_list_masked_and_dated(example_con):
    frame = queries.overdue(example_con, "2026Q3", "issues", today=EXAMPLE_TODAY)
    table = issue_stats.overdue_table(frame)
    assert list(table.columns) == list(issue_stats.OVERDUE_COLUMNS)
    assert len(table) == 10
    assert all(isinstance(v, dt.date) for v in table["raised_on"])
    assert all("*" in v for v in table["id_number"])
    assert table["days_overdue"].tolist() == sorted(table["days_overdue"], reverse=True)
    assert "" in set(table["issue_no"])  # unnumbered ledger rows show an empty cell


@pytest.mark.parametrize(
    "scope", [Scope.all(), Scope.for_county("东川县"), Scope.for_department("市民政局")], ids=["city", "county", "dept"]
)
@pytest.mark.parametrize(
    "period_list", [("2026Q4", "2026Q3"), ("2026-11", "2026-10", "2026Q2"), ("2026Q3", "2026Q3")], ids=str
)
def test_several_periods_from_one_query_are_each_as_on_its_own(example_con, scope, period_list):
    together = issue_stats.issue_stats_many(example_con, period_list, scope, today=EXAMPLE_TODAY)
    assert len(together) == len(period_list)
    for period, found in zip(period_list, together, strict=True):
        alone = issue_stats.issue_stats(example_con, period, scope, today=EXAMPLE_TODAY)
        assert found.as_of == alone.as_of
        for part in ("breakdown", "ageing", "close_time"):
            pd.testing.assert_frame_equal(getattr(found, part), getattr(alone, part))


def test_the_periods_asked_together_differ(example_con):
    """The equality above compares periods whose figures are not the same."""
    now, before = issue_stats.issue_stats_many(example_con, ["2026Q4", "2026Q3"], Scope.all(), today=EXAMPLE_TODAY)
    assert now.as_of == EXAMPLE_TODAY and before.as_of == Q3_AS_OF
    assert not now.breakdown.equals(before.breakdown) and not now.ageing.equals(before.ageing)
