"""A trend is the metrics of each of its months, and a query of many periods those of each period alone.

The models work out all the periods of one query together (per-beneficiary masks and packed counts, see
sql/intermediate/int_periods.sql); these tests hold every figure of such a query to the figure of its
period computed on its own, for every grouping, with a running month cut at today, across the split of a
long list of periods over several queries, and when one person has more contacts than a packed count holds.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import db, periods, queries
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_TODAY
from tests.test_metrics_edges import Ledger

# 13 months: more than one query holds (PERIODS_PER_QUERY), the last one running and cut at today
FIRST_MONTH, LAST_MONTH = "2025-11", "2026-12"
SCOPES = [Scope.all(), Scope.for_county("东川县"), Scope.for_department("市民政局")]


@pytest.fixture(scope="module")
def con(module_example_path):
    connection = db.connect(module_example_path, read_only=True)
    yield connection
    connection.close()


def _month_by_month(con, trend: pd.DataFrame, months, by: str, scope: Scope) -> None:
    assert set(trend["month"]) <= {month.text for month in months}
    for month in months:
        alone = queries.metrics(con, month, by, scope)
        part = trend[trend["month"] == month.text].drop(columns="month").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone, check_exact=True, obj=f"{by} {month.text} {scope}")


def test_the_months_span_more_than_one_query_and_end_cut_at_today():
    months = periods.month_periods(FIRST_MONTH, LAST_MONTH, EXAMPLE_TODAY)
    assert len(months) > queries.PERIODS_PER_QUERY
    assert len(queries.period_chunks(months)) == 2
    assert months[-1].is_cut and months[-1].as_of == EXAMPLE_TODAY


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.label)
@pytest.mark.parametrize("by", queries.GROUPINGS)
def test_trend_is_the_metrics_of_each_month(con, by, scope):
    months = periods.month_periods(FIRST_MONTH, LAST_MONTH, EXAMPLE_TODAY)
    trend = queries.trend(con, FIRST_MONTH, LAST_MONTH, by, scope, today=EXAMPLE_TODAY)
    assert list(trend.columns) == ["month", *queries.KEY_COLUMNS[by], *queries.METRIC_COLUMNS]
    if by == "overall":  # every month has its overall row, even one with nobody in scope
        assert trend["month"].tolist() == [month.text for month in months]
    _month_by_month(con, trend, months, by, scope)


def test_periods_of_many_months_are_split_over_queries_by_their_months(con):
    # two ten-year ranges need more month bits than one query holds: each goes into a query of its own
    current = periods.parse_period("2016-12-01..2026-11-28", EXAMPLE_TODAY)
    previous = periods.previous_period(current)
    assert len(current.months_touched()) + len(previous.months_touched()) > queries.MASK_BITS
    assert len(queries.period_chunks([current, previous])) == 2
    frame = queries.compare_previous(con, current, "county")
    now = queries.metrics(con, current, "county")
    before = queries.metrics(con, previous, "county")
    for metric in queries.METRIC_COLUMNS:
        pd.testing.assert_series_equal(frame[metric], now[metric], check_exact=True)
        pd.testing.assert_series_equal(frame[f"{metric}_previous"], before[metric], check_exact=True, check_names=False)


def test_a_person_with_more_contacts_than_a_packed_count_holds(tmp_path, monkeypatch):
    # forty months in one query leave each month's count three bits (up to 7 contacts): a person with
    # more contacts than that in the query makes it ask again with fewer months, until the counts fit
    monkeypatch.setattr(queries, "PERIODS_PER_QUERY", 40)
    book = Ledger(tmp_path / "busy.duckdb")
    busy = book.person()
    book.pair(busy, paired="2023-01-01")
    quiet = book.person(township="乙镇")
    book.pair(quiet, "13800000002", "乙局", paired="2023-01-01")
    for month in range(1, 13):
        for day in (3, 9, 15, 21, 27, 28, 1 + month):
            book.contact(busy, f"2025-{month:02d}-{day:02d}", "入户走访" if day == 3 else "电话", "满意")
        book.contact(quiet, f"2025-{month:02d}-10")
    months = periods.month_periods("2023-01", "2026-04", EXAMPLE_TODAY)
    assert len(months) == 40 and len(queries.period_chunks(months)) == 1
    for by in ("overall", "township", "cadre"):
        trend = queries.trend(book.con, "2023-01", "2026-04", by, today=EXAMPLE_TODAY)
        assert trend.loc[trend["month"] == "2025-06", "contacts"].sum() == 8
        _month_by_month(book.con, trend, months, by, Scope.all())
    book.con.close()


@pytest.mark.parametrize("mart", ["mart_cadre_pairs", "mart_overdue_contacts", "mart_drill_beneficiaries"])
def test_beneficiary_rows_of_several_periods_are_those_of_each_alone(con, mart):
    # one period reads its window's last contact straight from the summary, several pick it per window
    texts = ["2026Q4", "2026-07-15..2026-09-15", "2026-08", "2026"]
    together = queries.run_model(con, mart, [periods.parse_period(text, EXAMPLE_TODAY) for text in texts])
    columns = [c for c in together.columns if c != "period_id"]
    for position, text in enumerate(texts):
        alone = queries.run_model(con, mart, [periods.parse_period(text, EXAMPLE_TODAY)])
        part = together[together["period_id"] == position]
        expected = alone[columns].sort_values(columns).reset_index(drop=True)
        actual = part[columns].sort_values(columns).reset_index(drop=True)
        pd.testing.assert_frame_equal(actual, expected, check_exact=True, obj=f"{mart} {text}")
