"""数据质量 through AppTest: the planted offenders are counted and listed, masked, within the sidebar's scope."""

from __future__ import annotations

import collections
import re

import pytest
from streamlit.testing.v1 import AppTest

from pipeline import db, labels, masking, quality
from tests.conftest import EXAMPLE_TODAY, app_test
from tests.ingest_helpers import csv_bytes, run_import, wrong_check
from tests.test_quality import VISITS, P, _visit, build_quality_db

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


def open_tab(at: AppTest, title: str) -> AppTest:
    """Choose a tab of the page: only the open tab runs."""
    at.session_state["quality_part"] = title
    at.run()
    assert not at.exception, at.exception
    return at


def count_all(at: AppTest) -> AppTest:
    """Click 统计全部检查."""
    at.button(key="quality_count_all").click().run()
    assert not at.exception, at.exception
    return at


# what the quality database plants, check by check (tests/test_quality.py builds it)
PLANTED = {
    TITLES["never_contacted"]: "2",
    TITLES["other_cadre_contacts"]: "2",
    TITLES["contacts_before_pairing"]: "5",
    TITLES["busy_cadres"]: "1",
    TITLES["callback_untrue_contacts"]: "0",  # no callbacks here (回访核查: tests/test_callback_app.py)
    TITLES["unknown_columns"]: "2",
    TITLES["rejected_rows"]: "6",
    labels.QUALITY_DOUBT_TAB: "0",
}


def table_with(at: AppTest, *columns: str):
    """The first table on the page that has all these column headers."""
    return next(f.value for f in at.dataframe if set(columns) <= set(f.value.columns))


def test_quality_page_opens_on_the_people_never_contacted_and_counts_what_it_ran(quality_db):
    assert sorted(quality.PAGE_ORDER) == sorted(quality.CHECKS)  # every check has its place among the tabs
    at = open_quality_page()
    # the tabs in the page's order, the people never contacted first and open
    assert [tab.label for tab in at.tabs] == [*(TITLES[name] for name in quality.PAGE_ORDER), labels.QUALITY_DOUBT_TAB]
    assert list(PLANTED) == [tab.label for tab in at.tabs]
    unknown = labels.QUALITY_COUNT_UNKNOWN
    # the open tab's check and the two about files ran; the others wait for their tab or the button
    assert shown_counts(at) == {
        title: count
        if title in (TITLES["never_contacted"], TITLES["unknown_columns"], TITLES["rejected_rows"])
        else unknown
        for title, count in PLANTED.items()
    }
    assert table_with(at, "已结对天数")["身份证号"].tolist() == [masking.mask_id(P[5]), masking.mask_id(P[11])]
    assert len(at.dataframe) == 1  # no other tab drew its rows
    assert [b.label for b in at.button if b.key == "quality_count_all"] == [labels.QUALITY_COUNT_ALL]

    count_all(at)
    assert shown_counts(at) == PLANTED
    assert not [b for b in at.button if b.key == "quality_count_all"]  # nothing left to count


def test_quality_page_lists_the_planted_offenders_tab_by_tab(quality_db):
    at = open_quality_page()
    before = table_with(open_tab(at, TITLES["contacts_before_pairing"]), "问题", "纳入日期")
    assert before["问题"].tolist()[0] == labels.QUALITY_BEFORE_PAIRING + "、" + labels.QUALITY_BEFORE_ENROLMENT
    assert len(before) == 5
    busy = table_with(open_tab(at, TITLES["busy_cadres"]), "结对数")
    assert busy[["结对干部", "结对数"]].values.tolist() == [["黄静", 6]]
    assert len(table_with(open_tab(at, TITLES["other_cadre_contacts"]), "干部电话")) == 2
    unknown = table_with(open_tab(at, TITLES["unknown_columns"]), "列名")
    assert unknown["列名"].tolist() == ["备注", "天气"]
    open_tab(at, TITLES["rejected_rows"])
    reasons = table_with(at, "错误原因", "行数")
    assert reasons["行数"].tolist() == [3, 2, 1, 1]
    assert reasons["错误原因"].iloc[0] == labels.MSG_ID_CHECK.format(value="…", expected="…")
    details = table_with(at, "错误原因", "行号")
    assert len(details) == 6
    # each tab opened counted its check: every card now holds its count, without the button
    open_tab(at, TITLES["callback_untrue_contacts"])
    open_tab(at, labels.QUALITY_DOUBT_TAB)
    assert shown_counts(at) == PLANTED
    assert not [b for b in at.button if b.key == "quality_count_all"]

    text = "\n".join([f.value.to_csv() for f in at.dataframe] + [m.value for m in at.markdown])
    assert not re.search(r"\d{17}[\dX]", text)
    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", text)


def test_the_limit_of_pairs_per_cadre_is_set_on_the_page(quality_db):
    at = open_tab(open_quality_page(), TITLES["busy_cadres"])
    at.number_input(key="max_pairs").set_value(4).run()
    assert not at.exception, at.exception
    assert shown_counts(at)[TITLES["busy_cadres"]] == "3"
    assert table_with(at, "结对数")["结对数"].tolist() == [6, 5, 5]


def test_the_sidebar_scope_narrows_the_checks_about_people(quality_db):
    at = open_quality_page()
    at.selectbox(key="county").set_value("东川县").run()
    assert not at.exception, at.exception
    assert table_with(at, "已结对天数")["身份证号"].tolist() == [masking.mask_id(P[11])]
    counts = shown_counts(count_all(at))
    assert counts[TITLES["never_contacted"]] == "1"
    assert counts[TITLES["other_cadre_contacts"]] == "0"
    assert counts[TITLES["rejected_rows"]] == "6"  # about files: not narrowed
    assert labels.QUALITY_UNSCOPED in [c.value for c in open_tab(at, TITLES["rejected_rows"]).caption]


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
    assert table_with(open_tab(at, TITLES["rejected_rows"]), "错误原因", "行数")["错误原因"].tolist() == [
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
    # the open tab's check and the two about files: the masked rows on screen and the full ones kept for the links
    # come from one run of each
    files = [name for name in quality.CHECKS if name not in quality.SCOPED_CHECKS]
    assert runs == collections.Counter(dict.fromkeys(("never_contacted", *files), 1))
    assert len(opened) == 1
    # 统计全部检查 runs every other check and the 疑点 once, on one connection of their own
    count_all(at)
    every = collections.Counter(dict.fromkeys((*quality.CHECKS, *quality.DOUBT_CHECKS), 1))
    assert runs == every
    assert len(opened) == 2
    # and no tab runs its check again: each reads the rows found before
    for title in PLANTED:
        open_tab(at, title)
    assert runs == every
    assert len(opened) == 2


def test_counts_found_before_an_import_are_not_shown_after_it(quality_db):
    at = count_all(open_quality_page())
    assert shown_counts(at) == PLANTED
    with db.session(quality_db) as con:  # a new contact of a person never contacted: new data
        report = run_import(con, csv_bytes([VISITS, _visit(5, "2026-11-20")]), "走访记录-补.csv")
    assert report.inserted == 1
    at.run()
    assert not at.exception, at.exception
    counts = shown_counts(at)
    # the open tab and the files' checks run again on the new data; the others are not known for them yet
    assert counts[TITLES["never_contacted"]] == "1"
    assert counts[TITLES["other_cadre_contacts"]] == labels.QUALITY_COUNT_UNKNOWN
    assert counts[labels.QUALITY_DOUBT_TAB] == labels.QUALITY_COUNT_UNKNOWN
    assert shown_counts(count_all(at))[TITLES["never_contacted"]] == "1"
