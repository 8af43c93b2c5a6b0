"""数据质量 through AppTest: the planted offenders are counted and listed, masked, within the sidebar's scope."""

from __future__ import annotations

import collections
import re

import pytest
from streamlit.testing.v1 import AppTest

from pipeline import db, labels, masking, quality
from tests.conftest import EXAMPLE_TODAY, app_test
from tests.ingest_helpers import csv_bytes, run_import, wrong_check
from tests.test_quality import P, build_quality_db

TITLES = labels.QUALITY_CHECK_TITLES


@pytest.fixture
def quality_db(tmp_path, monkeypatch):
    build_quality_db(tmp_path, "app.duckdb").close()
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("GUANAI_DB", str(path))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    return path


def open_quality_page() -> AppTest:
    at = app_test()
    at.run()
    at.switch_page("app_pages/quality.py")
    at.run()
    assert not at.exception, at.exception
    return at


def shown_counts(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table_with(at: AppTest, *columns: str):
    """The first table on the page that has all these column headers."""
    return next(f.value for f in at.dataframe if set(columns) <= set(f.value.columns))


def test_quality_page_counts_and_lists_the_planted_offenders(quality_db):
    at = open_quality_page()
    assert shown_counts(at) == {
        TITLES["other_cadre_contacts"]: "2",
        TITLES["contacts_before_pairing"]: "5",
        TITLES["busy_cadres"]: "1",
        TITLES["never_contacted"]: "2",
        TITLES["unknown_columns"]: "2",
        TITLES["rejected_rows"]: "6",
        TITLES["callback_untrue_contacts"]: "0",  # no callbacks here (回访核查: tests/test_callback_app.py)
        labels.QUALITY_DOUBT_TAB: "0",
    }
    never = table_with(at, "已结对天数")
    assert never["身份证号"].tolist() == [masking.mask_id(P[5]), masking.mask_id(P[11])]
    before = table_with(at, "问题", "纳入日期")
    assert before["问题"].tolist()[0] == labels.QUALITY_BEFORE_PAIRING + "、" + labels.QUALITY_BEFORE_ENROLMENT
    busy = table_with(at, "结对数")
    assert busy[["结对干部", "结对数"]].values.tolist() == [["黄静", 6]]
    unknown = table_with(at, "列名")
    assert unknown["列名"].tolist() == ["备注", "天气"]
    reasons = table_with(at, "错误原因", "行数")
    assert reasons["行数"].tolist() == [3, 2, 1, 1]
    assert reasons["错误原因"].iloc[0] == labels.MSG_ID_CHECK.format(value="…", expected="…")
    details = table_with(at, "错误原因", "行号")
    assert len(details) == 6

    text = "\n".join([f.value.to_csv() for f in at.dataframe] + [m.value for m in at.markdown])
    assert not re.search(r"\d{17}[\dX]", text)
    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", text)


def test_the_limit_of_pairs_per_cadre_is_set_on_the_page(quality_db):
    at = open_quality_page()
    at.number_input(key="max_pairs").set_value(4).run()
    assert not at.exception, at.exception
    assert shown_counts(at)[TITLES["busy_cadres"]] == "3"
    assert table_with(at, "结对数")["结对数"].tolist() == [6, 5, 5]


def test_the_sidebar_scope_narrows_the_checks_about_people(quality_db):
    at = open_quality_page()
    at.selectbox(key="county").set_value("东川县").run()
    assert not at.exception, at.exception
    counts = shown_counts(at)
    assert counts[TITLES["never_contacted"]] == "1"
    assert counts[TITLES["other_cadre_contacts"]] == "0"
    assert counts[TITLES["rejected_rows"]] == "6"  # about files: not narrowed
    assert labels.QUALITY_UNSCOPED in [c.value for c in at.caption]
    assert table_with(at, "已结对天数")["身份证号"].tolist() == [masking.mask_id(P[11])]


def test_rejected_rows_show_even_when_nobody_could_be_imported(tmp_path, monkeypatch):
    path = tmp_path / "rejected.duckdb"
    with db.session(path) as con:
        rows = [
            ["身份证号", "姓名", "对象类别", "县区", "乡镇"],
            [wrong_check(P[1]), "刘斌", "孤儿", "临河区", "临河镇"],
        ]
        report = run_import(con, csv_bytes(rows), "结对台账.csv")
    assert (report.inserted, report.rejected) == (0, 1)
    monkeypatch.setenv("GUANAI_DB", str(path))
    at = open_quality_page()
    assert shown_counts(at)[TITLES["rejected_rows"]] == "1"
    assert shown_counts(at)[TITLES["never_contacted"]] == "0"
    assert table_with(at, "错误原因", "行数")["错误原因"].tolist() == [
        labels.MSG_ID_CHECK.format(value="…", expected="…")
    ]


def test_quality_page_with_an_empty_database_explains_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("GUANAI_DB", str(tmp_path / "none.duckdb"))  # the account only, nothing imported
    at = open_quality_page()
    assert labels.STATUS_NO_DATA in [i.value for i in at.info]
    assert not at.metric


def test_each_check_runs_once_and_the_checks_share_one_connection(quality_db, monkeypatch):
    runs = collections.Counter()
    opened = []
    run_check, connect = quality.run_check, db.connect

    def counted_run(con, name, **options):
        runs[name] += 1
        return run_check(con, name, **options)

    def counted_connect(*args, **options):
        opened.append(args)
        return connect(*args, **options)

    at = app_test()
    at.run()
    monkeypatch.setattr(quality, "run_check", counted_run)
    monkeypatch.setattr(db, "connect", counted_connect)
    at.switch_page("app_pages/quality.py")
    at.run()
    assert not at.exception, at.exception
    # the masked rows on screen and the full ones kept for the links come from one run of each check
    assert runs == collections.Counter(dict.fromkeys((*quality.CHECKS, *quality.DOUBT_CHECKS), 1))
    assert len(opened) == 1
