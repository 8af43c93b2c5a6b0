"""回访核查 figures (SPEC §8) against hand-counted callbacks: 回访数, 接通率, 认识率, 联系属实率, 回访满意率.

In 2026Q3 (as_of 09-30):
| person       | callbacks (date: reach, knows cadre, contact true, satisfied)              |
|--------------|-----------------------------------------------------------------------------|
| 甲 (甲局)     | 07-10: 接通 是 属实 满意; 08-05: 接通 否 不属实 不满意; 10-03 (after Q3)        |
| 乙 (乙局)     | 09-01: 未接通; 09-02: 接通 是 记不清 基本满意                                   |
| 丙 (未结对)   | 08-01: 接通 否 属实 (no satisfaction)                                          |
Overall: 5 callbacks; 4 reached (0.8); knows 2 of 4 answered (0.5); true 2 of 3 (记不清 left out);
satisfied 2 of 3 rated.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from pipeline import queries, settings
from tests.test_metrics_edges import TODAY, Ledger

_keys = itertools.count(1)


def _callback(book: Ledger, id_number: str, day: str, reach: str, knows=None, truth=None, satisfied=None) -> None:
    book.con.execute(
        "insert into callback (callback_key, id_number, callback_date, caller, reach, knows_cadre, contact_truth, "
        "satisfaction, reported_issue, sample_id, batch_id) values (?, ?, ?, '回访员', ?, ?, ?, ?, null, null, 4)",
        [f"{id_number}|{day}|{next(_keys)}", id_number, day, reach, knows, truth, satisfied],
    )


@pytest.fixture
def book(tmp_path):
    ledger = Ledger(tmp_path / "callbacks.duckdb")
    jia, yi, bing = ledger.person(), ledger.person(), ledger.person()
    ledger.pair(jia, "13800000001", "甲局")
    ledger.pair(yi, "13800000002", "乙局")
    _callback(ledger, jia, "2026-07-10", "接通", "是", "属实", "满意")
    _callback(ledger, jia, "2026-08-05", "接通", "否", "不属实", "不满意")
    _callback(ledger, jia, "2026-10-03", "接通", "是", "属实", "满意")
    _callback(ledger, yi, "2026-09-01", "未接通")
    _callback(ledger, yi, "2026-09-02", "接通", "是", "记不清", "基本满意")
    _callback(ledger, bing, "2026-08-01", "接通", "否", "属实")
    yield ledger
    ledger.con.close()


def test_overall_callback_figures(book):
    row = book.row("2026Q3")
    assert row["callbacks"] == 5
    assert row["callback_reach_rate"] == pytest.approx(0.8)
    assert row["callback_know_rate"] == pytest.approx(0.5)
    assert row["callback_truth_rate"] == pytest.approx(2 / 3)
    assert row["callback_satisfaction_rate"] == pytest.approx(2 / 3)


def test_callback_figures_by_department(book):
    rows = book.metrics("2026Q3", "department").set_index("department")
    jia, yi, unpaired = rows.loc["甲局"], rows.loc["乙局"], rows.loc["未结对"]
    assert (jia["callbacks"], jia["callback_reach_rate"], jia["callback_know_rate"]) == (2, 1.0, 0.5)
    assert (jia["callback_truth_rate"], jia["callback_satisfaction_rate"]) == (0.5, 0.5)
    assert (yi["callbacks"], yi["callback_reach_rate"], yi["callback_know_rate"]) == (2, 0.5, 1.0)
    assert yi["callback_satisfaction_rate"] == 1.0
    assert yi.isna()["callback_truth_rate"]  # 记不清 only: no denominator
    assert (unpaired["callbacks"], unpaired["callback_know_rate"], unpaired["callback_truth_rate"]) == (1, 0.0, 1.0)
    assert unpaired.isna()["callback_satisfaction_rate"]


def test_a_period_without_callbacks_has_empty_rates(book):
    row = book.row("2026Q2")
    assert row["callbacks"] == 0
    assert all(row[m] is None for m in ("callback_reach_rate", "callback_know_rate", "callback_truth_rate"))


def test_the_drill_rows_are_the_callbacks(book):
    rows = queries.drill_rows(book.con, "2026Q3", "department", "甲局", "callback_truth_rate", today=TODAY)
    assert rows["callback_date"].dt.strftime("%m-%d").tolist() == ["07-10", "08-05"]
    assert rows["contact_truth"].tolist() == ["属实", "不属实"]


def test_truth_rate_counts_in_the_score_only_with_a_weight(book):
    plain = book.row("2026Q3")
    weights = {**settings.DEFAULT_SETTINGS.weights, "callback_truth_rate": 0.5}
    weighted = dataclasses.replace(settings.DEFAULT_SETTINGS, weights=weights)
    row = queries.metrics(book.con, "2026Q3", "overall", config=weighted, today=TODAY).iloc[0]
    rates = {rate: plain[rate] for rate in settings.SCORE_RATES}
    present = {rate: value for rate, value in rates.items() if value is not None}
    expected = 100 * sum(weights[r] * v for r, v in present.items()) / sum(weights[r] for r in present)
    assert row["score"] == pytest.approx(expected)
    assert row["score"] != pytest.approx(plain["score"])
