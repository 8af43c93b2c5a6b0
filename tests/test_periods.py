"""Periods: parsing, cutting a running period at today, months, the previous period, labels."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline import periods
from pipeline.periods import PeriodError, parse_period

D = dt.date
TODAY = D(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "canonical", "kind", "start", "end"),
    [
        ("2026-10", "2026-10", "month", D(2026, 10, 1), D(2026, 10, 31)),
        ("2026-2", "2026-02", "month", D(2026, 2, 1), D(2026, 2, 28)),
        ("2024-02", "2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("2026Q3", "2026Q3", "quarter", D(2026, 7, 1), D(2026, 9, 30)),
        ("2026q1", "2026Q1", "quarter", D(2026, 1, 1), D(2026, 3, 31)),
        ("2025", "2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
        (
            "2026-07-01..2026-09-15",
            "2026-07-01..2026-09-15",
            "range",
            D(2026, 7, 1),
            D(2026, 9, 15),
        ),
        (" 2026-7-1 .. 2026-9-5 ", "2026-07-01..2026-09-05", "range", D(2026, 7, 1), D(2026, 9, 5)),
    ],
)
def test_parse_ended_periods(text, canonical, kind, start, end):
    period = parse_period(text, TODAY)
    assert (period.text, period.kind, period.start, period.end) == (canonical, kind, start, end)
    assert period.as_of == end
    assert not period.is_cut


def test_running_quarter_is_cut_at_today_and_counts_days():
    period = parse_period("2026Q4", TODAY)
    assert (period.start, period.end, period.as_of) == (D(2026, 10, 1), D(2026, 12, 31), TODAY)
    assert period.is_cut
    assert period.days == 59  # 31 days of October + 28 of November
    assert period.months == pytest.approx(59 / 30.4375)
    assert period.months_touched() == [D(2026, 10, 1), D(2026, 11, 1)]


def test_running_year_is_year_to_date():
    period = parse_period("2026", TODAY)
    assert period.as_of == TODAY
    assert period.months == pytest.approx(332 / 30.4375)


def test_period_ending_today_is_not_cut():
    period = parse_period("2026-11", D(2026, 11, 30))
    assert period.as_of == D(2026, 11, 30)
    assert not period.is_cut
    assert period.months == 1.0


def test_today_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUANAI_TODAY", "2026-08-10")
    assert parse_period("2026Q3").as_of == D(2026, 8, 10)


def test_months_are_calendar_months_for_named_periods_and_days_for_ranges():
    assert parse_period("2026-02", TODAY).months == 1.0
    assert parse_period("2026Q3", TODAY).months == 3.0
    assert parse_period("2025", TODAY).months == 12.0
    # a range is measured in days even when it covers whole months
    assert parse_period("2026-07-01..2026-09-30", TODAY).months == pytest.approx(92 / 30.4375)
    assert parse_period("2026-07-01..2026-09-15", TODAY).months == pytest.approx(77 / 30.4375)


def test_range_running_past_today_is_cut():
    period = parse_period("2026-11-01..2026-12-31", TODAY)
    assert period.as_of == TODAY
    assert period.is_cut
    assert period.months == pytest.approx(28 / 30.4375)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026Q5",
        "2026Q0",
        "2026-13",
        "2026-00",
        "26-10",
        "2026/10",
        "2026-02-30..2026-03-01",
        "季度",
        "2026-10-01..x",
    ],
)
def test_unreadable_period_is_refused_in_chinese(text):
    with pytest.raises(PeriodError, match="无法识别"):
        parse_period(text, TODAY)


def test_range_ending_before_it_starts_is_refused():
    with pytest.raises(PeriodError, match="结束日期早于开始日期"):
        parse_period("2026-09-01..2026-08-01", TODAY)


def test_period_not_started_yet_is_refused():
    with pytest.raises(PeriodError, match="尚未开始"):
        parse_period("2026-12", TODAY)
    with pytest.raises(PeriodError, match="尚未开始"):
        parse_period("2027", TODAY)


def test_period_longer_than_the_limit_is_refused():
    assert parse_period("2016-12-01..2026-11-28", TODAY).kind == "range"  # exactly 120 months
    with pytest.raises(PeriodError, match="超过上限"):
        parse_period("2016-11-30..2026-11-28", TODAY)


def test_months_touched():
    assert periods.months_touched(D(2025, 11, 15), D(2026, 2, 1)) == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]
    assert periods.months_touched(D(2026, 3, 5), D(2026, 3, 6)) == [D(2026, 3, 1)]


@pytest.mark.parametrize(
    ("text", "previous", "start", "as_of"),
    [
        ("2026-10", "2026-09", D(2026, 9, 1), D(2026, 9, 30)),
        ("2026-01", "2025-12", D(2025, 12, 1), D(2025, 12, 31)),
        ("2026Q3", "2026Q2", D(2026, 4, 1), D(2026, 6, 30)),
        ("2026Q1", "2025Q4", D(2025, 10, 1), D(2025, 12, 31)),
        ("2025", "2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("2026-07-01..2026-09-15", "2026-04-15..2026-06-30", D(2026, 4, 15), D(2026, 6, 30)),
    ],
)
def test_previous_period_of_an_ended_period(text, previous, start, as_of):
    before = periods.previous_period(parse_period(text, TODAY))
    assert (before.text, before.start, before.as_of) == (previous, start, as_of)
    assert not before.is_cut


def test_previous_range_has_the_same_number_of_days():
    current = parse_period("2026-07-01..2026-09-15", TODAY)
    assert periods.previous_period(current).days == current.days == 77


def test_previous_period_of_a_running_period_covers_the_same_stretch():
    quarter = periods.previous_period(parse_period("2026Q4", TODAY))
    assert (quarter.text, quarter.start, quarter.as_of, quarter.end) == (
        "2026Q3",
        D(2026, 7, 1),
        D(2026, 8, 28),
        D(2026, 9, 30),
    )
    assert quarter.is_cut and quarter.days == 59
    year = periods.previous_period(parse_period("2026", TODAY))
    assert (year.start, year.as_of) == (D(2025, 1, 1), D(2025, 11, 28))
    # 30 days into March compare with the whole of February, which is shorter
    february = periods.previous_period(parse_period("2026-03", D(2026, 3, 30)))
    assert (february.as_of, february.is_cut, february.months) == (D(2026, 2, 28), False, 1.0)


def test_month_periods_stop_at_today_and_cut_the_running_month():
    months = periods.month_periods("2026-09", "2027-01", TODAY)
    assert [m.text for m in months] == ["2026-09", "2026-10", "2026-11"]
    assert months[-1].as_of == TODAY and months[-1].is_cut
    assert months[0].as_of == D(2026, 9, 30)
    with pytest.raises(PeriodError):
        periods.month_periods("2026-10", "2026-09", TODAY)
    with pytest.raises(PeriodError, match="月份"):
        periods.month_periods("2026Q3", "2026-09", TODAY)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("2026-10", "2026年10月"),
        ("2026Q3", "2026年第三季度"),
        ("2026Q1", "2026年第一季度"),
        ("2025", "2025年"),
        ("2026-07-01..2026-09-15", "2026年7月1日至2026年9月15日"),
        ("2026Q4", "2026年第四季度（截至2026年11月28日）"),
        ("2026", "2026年（截至2026年11月28日）"),
        ("2026-11-01..2026-12-31", "2026年11月1日至2026年11月28日"),
    ],
)
def test_chinese_labels(text, label):
    assert parse_period(text, TODAY).label == label


def test_a_period_is_parsed_once_where_it_enters(tmp_path, monkeypatch):
    """The text of a snapshot's period is read once; from there on it travels as a Period."""
    import shutil

    from pipeline import db, snapshots
    from tests.conftest import ROOT

    read: list[str] = []
    original = periods._named_bounds

    def counting(text):
        read.append(text)
        return original(text)

    monkeypatch.setattr(periods, "_named_bounds", counting)
    path = tmp_path / "g.duckdb"
    shutil.copy2(ROOT / "tests" / "data" / "release-0.1" / "guanai.duckdb", path)
    with db.session(path) as con:
        read.clear()
        snapshots.create_snapshot(con, "2026Q3", "测试", today=dt.date(2026, 11, 28))
    assert read.count("2026Q3") == 1
