"""docs/metrics.md: every metric and setting is documented, and the worked example computes as written."""

from __future__ import annotations

import pytest

from pipeline import queries, settings
from tests.conftest import ROOT
from tests.test_metrics_edges import Ledger

DOC = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [*queries.METRIC_COLUMNS, *settings.DEFAULTS, *queries.GROUPINGS])
def test_every_metric_setting_and_grouping_is_documented(name):
    assert f"`{name}`" in DOC


def test_the_metrics_table_of_the_doc_is_the_catalogs():
    from pipeline import catalog

    assert catalog.doc_table() in DOC


def test_every_metric_has_its_chinese_label_in_the_doc():
    from pipeline import labels

    for column in queries.METRIC_COLUMNS:
        assert f"| `{column}` | {labels.METRIC_LABELS[column]} |" in DOC


@pytest.fixture
def worked_example(tmp_path):
    book = Ledger(tmp_path / "worked.duckdb")
    jia = book.person(category="孤儿")
    book.pair(jia, "13900000001", "市教育局", "2025-03-01")
    book.contact(jia, "2026-07-05", "电话", "满意")
    book.contact(jia, "2026-08-12", "入户走访", "基本满意")
    book.contact(jia, "2026-09-20", "微信")
    book.issue(jia, "2026-08-01", "已解决", "2026-08-21", "满意")
    yi = book.person(category="特困人员")
    book.pair(yi, "13900000001", "市教育局", "2025-03-01")
    book.contact(yi, "2026-07-15", "电话", "不满意")
    book.issue(yi, "2026-06-10", "办理中")
    bing = book.person(category="困难重度残疾人")
    book.pair(bing, "13900000002", "市民政局", "2026-08-20")
    book.contact(bing, "2026-08-25", "电话")
    book.contact(bing, "2026-09-02", "邀请到家", "满意")
    ding = book.person(category="事实无人抚养儿童")
    book.issue(ding, "2026-09-25")
    book.person(exited="2026-09-15")
    yield book
    book.con.close()


def test_worked_example_figures(worked_example):
    row = worked_example.row("2026Q3")
    expected = {
        "beneficiaries": 4,
        "paired": 3,
        "pairing_rate": 0.75,
        "contacted": 3,
        "contact_rate": 1.0,
        "home_visited": 2,
        "home_visit_rate": 0.6667,
        "contacts": 6,
        "contacts_per_pair_month": 0.6667,
        "on_standard": 2,
        "on_standard_rate": 0.6667,
        "overdue_contact": 1,
        "issues_new": 2,
        "issues_total": 3,
        "issues_resolved": 1,
        "resolution_rate": 0.3333,
        "issues_closed_in_p": 1,
        "median_days_to_close": 20,
        "issues_overdue": 1,
        "satisfaction_rate": 0.8,
        "score": 63.0,
    }
    assert {k: round(row[k], 4) for k in expected} == expected


def test_worked_example_department_rows(worked_example):
    frame = worked_example.metrics("2026Q3", "department")
    assert frame["department"].tolist() == ["市教育局", "市民政局", "未结对"]
    assert frame["score"].tolist() == pytest.approx([62.5, 100.0, 0.0])
    unpaired = frame.iloc[2]
    assert (unpaired["pairing_rate"], unpaired["resolution_rate"]) == (0.0, 0.0)
    assert unpaired[["contact_rate", "satisfaction_rate"]].isna().all()
