"""数据导入 through AppTest: files go in through the uploader, are previewed, imported once, and reported."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from pipeline import db, labels, masking, materialized, queries, templates
from tests.conftest import CITY_USER, EXAMPLE_TODAY, app_test
from tests.ingest_helpers import (
    csv_bytes,
    mobile,
    pid,
    snapshot,
    wrong_check,
    xlsx_bytes,
)

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
ERROR_COLUMNS = [
    labels.ERROR_SHEET_COLUMN,
    labels.ERROR_ROW_COLUMN,
    labels.ERROR_COLUMN_COLUMN,
    labels.ERROR_REASON_COLUMN,
]
ROSTER_HEADER = ["身份证号", "姓名", "对象类别", "县区", "乡镇", "结对干部", "干部电话", "干部单位", "结对日期"]
PEOPLE = [pid(k) for k in range(1, 6)]


def _roster_csv() -> bytes:
    """A GBK roster: three good rows, an exact duplicate, a wrong check digit, a half-filled pairing."""
    rows = [
        ROSTER_HEADER,
        [PEOPLE[0], "刘斌", "孤儿", "临河区", "临河镇", "黄静", mobile(1), "市民政局", "2026-01-05"],
        [PEOPLE[1], "胡强", "特困", "东川县", "东川乡", "郭斌", mobile(2), "市教育局", "2026/2/1"],
        [PEOPLE[0], "刘斌", "孤儿", "临河区", "临河镇", "黄静", mobile(1), "市民政局", "2026-01-05"],
        [wrong_check(PEOPLE[3]), "林秀娟", "孤儿", "东川县", "东川乡", "郭斌", mobile(2), "市教育局", "2026-02-01"],
        [PEOPLE[2], "张平", "孤儿", "西坪县", "西坪镇", "王伟", "", "", "2026-03-01"],
        [PEOPLE[4], "周超", "事实孤儿", "西坪县", "西坪镇", "", "", "", ""],
    ]
    return csv_bytes(rows, encoding="gbk")


def _visits_xlsx() -> bytes:
    """A contact log under a merged title and a two-level header (干部 over 姓名/电话), three bad rows."""
    top = ["身份证号", "走访日期", "联系方式", "干部", None, "满意度", "备注"]
    sub = [None, None, None, "姓名", "电话", None, None]
    body = [
        [PEOPLE[0], "2026-10-08", "入户", "黄静", mobile(1), "满意", ""],
        [PEOPLE[1], "2026.10.9", "电话", "郭斌", mobile(2), "", "补记"],
        [PEOPLE[4], "2026年11月2日", "微信", "王伟", mobile(3), "基本满意", ""],
        [PEOPLE[0], "2026-12-05", "电话", "黄静", mobile(1), "", ""],  # after the import day
        [PEOPLE[1], "2026-10-10", "登门拜访", "郭斌", mobile(2), "", ""],  # not an allowed method
        [pid(300), "2026-10-11", "电话", "赵六", mobile(9), "", ""],  # not in the roster
    ]
    merges = ["A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3", "G2:G3"]
    return xlsx_bytes({"走访": [["临河区结对关爱走访记录（2026年11月）"], top, sub, *body]}, merges=merges)


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "upload.duckdb"
    monkeypatch.setenv("GUANAI_DB", str(path))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    return path


def open_upload_page() -> AppTest:
    at = app_test()
    at.run()
    at.switch_page("app_pages/upload.py")
    at.run()
    assert not at.exception, at.exception
    return at


def rendered_text(at: AppTest) -> str:
    """Everything the page shows as text: labels, messages, metrics and the cells of its tables."""
    parts: list[str] = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "success", "warning", "error", "expander"):
        parts += [str(getattr(e, "value", "") or getattr(e, "label", "")) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def report_counts(at: AppTest) -> list[dict[str, str]]:
    """The counts of each file's import report, in the page's order."""
    values = [(m.label, m.value) for m in at.metric if m.label in labels.COUNT_LABELS.values()]
    size = len(labels.COUNT_LABELS)
    return [dict(values[i : i + size]) for i in range(0, len(values), size)]


def error_tables(at: AppTest):
    return [frame.value for frame in at.dataframe if list(frame.value.columns) == ERROR_COLUMNS]


def counts_of(**figures) -> dict[str, str]:
    """A report's counts as the page shows them, zero unless given."""
    return {label: str(figures.get(name, 0)) for name, label in labels.COUNT_LABELS.items()}


def table_rows(path, table: str) -> int:
    with db.session(path) as con:
        return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def workbook_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_gbk_csv_and_messy_workbook_are_previewed_imported_roster_first_and_reported(database, downloads):
    at = open_upload_page()
    # the contact log comes first in the upload: the roster must still be imported before it
    at.file_uploader[0].set_value(
        [
            ("走访记录.xlsx", _visits_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("结对台账.csv", _roster_csv(), "text/csv"),
        ]
    ).run()
    assert not at.exception, at.exception
    previews = [e.label for e in at.expander if "识别为" in e.label]
    assert previews[0].startswith("结对台账.csv") and "识别为：结对台账" in previews[0]
    assert previews[1].startswith("走访记录.xlsx") and "识别为：走访记录" in previews[1]
    sheets = [m.value for m in at.markdown if "表头在第" in m.value]
    assert sheets == [
        "**" + labels.UPLOAD_SHEET_TITLE.format(sheet="结对台账", kind="结对台账", row=1, rows="6") + "**",
        "**" + labels.UPLOAD_SHEET_TITLE.format(sheet="走访", kind="走访记录", row=3, rows="6") + "**",
    ]
    captions = [c.value for c in at.caption]
    assert labels.UPLOAD_COLUMNS_UNKNOWN.format(columns="备注") in captions
    assert any("姓名→走访干部" in c and "电话→干部电话" in c for c in captions)
    samples = [frame.value for frame in at.dataframe if labels.UPLOAD_SAMPLE_PROBLEMS in frame.value.columns]
    assert list(samples[1].columns) == [
        "行号",
        "预检问题",
        "身份证号",
        "走访日期",
        "联系方式",
        "走访干部",
        "干部电话",
        "满意度",
    ]
    assert samples[1]["行号"].tolist() == [4, 5, 6, 7, 8]
    # the cleaning rules run in the preview already; the roster check waits for the import
    assert [bool(p) for p in samples[1]["预检问题"]] == [False, False, False, True, True]
    assert table_rows(database, "import_batch") == 0  # a preview imports nothing

    at.button(key="upload_start").click().run()
    assert not at.exception, at.exception
    assert report_counts(at) == [
        counts_of(read=6, inserted=3, duplicate=1, rejected=2),
        counts_of(read=6, inserted=3, rejected=3),
    ]
    roster_errors, visit_errors = error_tables(at)
    assert roster_errors[labels.ERROR_ROW_COLUMN].tolist() == [5, 6]
    assert roster_errors[labels.ERROR_COLUMN_COLUMN].tolist() == ["身份证号", "干部电话"]
    assert "校验位错误" in roster_errors[labels.ERROR_REASON_COLUMN].iloc[0]
    assert masking.mask_id(wrong_check(PEOPLE[3])) in roster_errors[labels.ERROR_REASON_COLUMN].iloc[0]
    assert "结对信息不完整" in roster_errors[labels.ERROR_REASON_COLUMN].iloc[1]
    assert visit_errors[labels.ERROR_SHEET_COLUMN].tolist() == ["走访"] * 3
    assert visit_errors[labels.ERROR_ROW_COLUMN].tolist() == [7, 8, 9]
    reasons = visit_errors[labels.ERROR_REASON_COLUMN].tolist()
    assert "晚于导入当天" in reasons[0] and "登门拜访" in reasons[1] and "对象不在台账" in reasons[2]
    assert table_rows(database, "beneficiary") == 3  # rows 2, 3 (its duplicate: row 4) and 7
    assert table_rows(database, "contact") == 3
    assert table_rows(database, "import_batch") == 2
    # after the imports the city's figures of the common periods are stored, for the new data
    with db.session(database) as con:
        stored = materialized.stored_periods(con)
        assert stored == {(p.start, p.as_of, p.months) for p in materialized.standard_periods(EXAMPLE_TODAY)}
        assert con.execute("select distinct data_key from stored_metric_group").fetchall() == [(queries.data_key(con),)]

    # the rejected rows as the office downloads them: the cells as written, then 工作表, 行号, 错误原因
    sheet = workbook_rows(downloads["走访记录_拒收行.xlsx"]())
    assert sheet[0][-3:] == [labels.ERROR_SHEET_COLUMN, labels.ERROR_ROW_COLUMN, labels.ERROR_REASON_COLUMN]
    assert [row[-2] for row in sheet[1:]] == [7, 8, 9]
    assert sheet[3][0] == pid(300) and "对象不在台账" in sheet[3][-1]
    assert "登门拜访" in sheet[2] and "不在允许的取值中" in sheet[2][-1]

    # rerunning the page (any click does) imports nothing again
    at.run()
    at.checkbox(key="all_or_nothing").check().run()
    assert not at.exception, at.exception
    assert table_rows(database, "import_batch") == 2
    assert at.button(key="upload_start").disabled
    assert report_counts(at)[1] == counts_of(read=6, inserted=3, rejected=3)

    text = rendered_text(at)
    assert not FULL_ID.search(text), FULL_ID.search(text)
    assert not FULL_MOBILE.search(text), FULL_MOBILE.search(text)


def test_all_or_nothing_leaves_the_database_unchanged_and_still_offers_the_rejected_rows(database, downloads):
    at = open_upload_page()
    at.file_uploader[0].set_value(("结对台账.csv", _roster_csv(), "text/csv")).run()
    at.button(key="upload_start").click().run()
    assert report_counts(at) == [counts_of(read=6, inserted=3, duplicate=1, rejected=2)]
    with db.session(database) as con:
        before = snapshot(con)

    at.file_uploader[0].set_value(("走访记录.xlsx", _visits_xlsx(), "application/octet-stream")).run()
    at.checkbox(key="all_or_nothing").check().run()
    at.button(key="upload_start").click().run()
    assert not at.exception, at.exception
    assert labels.MSG_ALL_OR_NOTHING.format(rejected=3) in [e.value for e in at.error]
    assert report_counts(at) == [counts_of(read=6, rejected=3)]
    with db.session(database) as con:
        assert snapshot(con) == before
    sheet = workbook_rows(downloads["走访记录_拒收行.xlsx"]())
    assert [row[-2] for row in sheet[1:]] == [7, 8, 9]
    assert all(row[-1] for row in sheet[1:])


def test_history_lists_the_imports_and_offers_a_batchs_rejected_rows(database, downloads):
    at = open_upload_page()
    at.file_uploader[0].set_value(("结对台账.csv", _roster_csv(), "text/csv")).run()
    at.button(key="upload_start").click().run()
    history = next(f.value for f in at.dataframe if labels.UPLOAD_HISTORY_COLUMNS["batch_id"] in f.value.columns)
    assert history[
        [
            labels.UPLOAD_HISTORY_COLUMNS[c]
            for c in ("batch_id", "file_name", "kind", "rows_read", "inserted", "rejected")
        ]
    ].values.tolist() == [[1, "结对台账.csv", "结对台账", 6, 3, 2]]
    assert history[labels.UPLOAD_HISTORY_COLUMNS["user_name"]].tolist() == [CITY_USER]
    at.session_state["upload_history"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    name = labels.UPLOAD_HISTORY_FILENAME.format(batch=1, file="结对台账")
    sheet = workbook_rows(downloads[name]())
    assert [row[-2] for row in sheet[1:]] == [5, 6]
    assert sheet[1][0] == wrong_check(PEOPLE[3])


def test_a_file_that_cannot_be_imported_is_explained_and_not_offered(database):
    at = open_upload_page()
    at.file_uploader[0].set_value(("坏文件.xlsx", b"PK\x03\x04 broken", "application/octet-stream")).run()
    assert not at.exception, at.exception
    assert labels.UPLOAD_CANNOT_IMPORT.format(message=labels.MSG_FILE_CORRUPT.format(file="坏文件.xlsx")) in [
        e.value for e in at.error
    ]
    assert at.button(key="upload_start").disabled
    assert table_rows(database, "import_batch") == 0


def test_a_busy_database_gives_a_plain_message(database, monkeypatch):
    with db.session(database):
        pass  # the file exists, with its schema: the page has read its status before the lock is taken
    at = open_upload_page()
    at.file_uploader[0].set_value(("结对台账.csv", _roster_csv(), "text/csv")).run()
    monkeypatch.setenv("GUANAI_DB_WAIT", "1")
    hold = "import duckdb, sys, time; held = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(database)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        at.button(key="upload_start").click().run()
        assert not at.exception, at.exception
        assert labels.UPLOAD_DB_BUSY in [w.value for w in at.warning]
    finally:
        holder.kill()
        holder.wait()
    assert table_rows(database, "import_batch") == 0
    at.run()  # the file was not imported: it can be imported now
    assert not at.button(key="upload_start").disabled
    at.button(key="upload_start").click().run()
    assert table_rows(database, "beneficiary") == 3


def _xlsx_parts(data: bytes) -> dict[str, bytes]:
    """A workbook's parts by name, without the save time openpyxl writes (docProps/core.xml's 修改时间 and the
    zip entries' times): two saves of the same template a second apart are the same file to the office."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["docProps/core.xml"] = re.sub(
        rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"", parts["docProps/core.xml"]
    )
    return parts


def test_empty_database_page_offers_templates_and_says_there_is_no_history(database, downloads):
    at = open_upload_page()
    assert labels.UPLOAD_HISTORY_EMPTY in [c.value for c in at.caption]
    kinds = ("roster", "visits", "issues", "callback")  # the fourth: 回访记录 (SPEC §8)
    assert [b.label for b in at.download_button] == [
        labels.UPLOAD_TEMPLATE_BUTTON.format(kind=labels.KIND_LABELS[k]) for k in kinds
    ]
    for kind in kinds:
        assert _xlsx_parts(downloads[templates.template_filename(kind)]()) == _xlsx_parts(
            templates.template_bytes(kind)
        )
    assert table_rows(database, "import_batch") == 0


# ---------------------------------------------------------------- office habits (SPEC §4)

HABIT_PEOPLE = {"A": pid(11), "B": pid(12), "C": pid(13)}


def _habit_roster() -> bytes:
    """Two people of 东川县 and one of 临河区, each paired."""
    rows = [
        ROSTER_HEADER,
        [HABIT_PEOPLE["A"], "刘斌", "孤儿", "东川县", "东川乡", "黄静", mobile(11), "市民政局", "2026-01-05"],
        [HABIT_PEOPLE["B"], "胡强", "特困", "东川县", "东坝镇", "郭斌", mobile(12), "市教育局", "2026-02-01"],
        [HABIT_PEOPLE["C"], "张平", "孤儿", "临河区", "临河镇", "王伟", mobile(13), "市民政局", "2026-03-01"],
    ]
    return csv_bytes(rows)


ISSUE_HEADER = ["问题编号", "身份证号", "提出日期", "问题类别", "问题描述", "办理状态", "办结日期"]


def _ledger(closed: bool) -> bytes:
    status, closed_on = ("已解决", "2026-10-12") if closed else ("待办理", "")
    rows = [
        ISSUE_HEADER,
        ["WT1", HABIT_PEOPLE["A"], "2026-09-01", "生活", "房屋漏雨", status, closed_on],
        ["WT2", HABIT_PEOPLE["B"], "2026-09-05", "医疗", "报销慢", "办理中", ""],
    ]
    return xlsx_bytes({"问题台账": rows})


def _seed(database, *files: tuple[str, bytes]) -> None:
    """Files imported before the page opens, as an earlier session of the office did."""
    from pipeline.ingest import load

    with db.session(database) as con:
        for name, data in files:
            report = load.import_bytes(con, data, name, today=EXAMPLE_TODAY, user="张三")
            assert report.status == "ok", report.message


def _audit(database, action: str) -> list[tuple]:
    with db.session(database) as con:
        return con.execute(
            "select user_name, detail, row_count from audit_log where action = ? order by audit_id", [action]
        ).fetchall()


def test_a_file_imported_before_is_recognised_and_changes_nothing(database):
    _seed(database, ("结对台账.csv", _roster_csv()))
    with db.session(database) as con:
        before = snapshot(con)
    at = open_upload_page()
    at.file_uploader[0].set_value(("结对台账（再次上传）.csv", _roster_csv(), "text/csv")).run()
    at.button(key="upload_start").click().run()
    assert not at.exception, at.exception
    notes = [i.value for i in at.info if str(i.value).startswith("该文件已于")]
    assert len(notes) == 1 and notes[0].endswith("由张三导入（第1批），本次未作任何改动")
    # the earlier batch's figures: what landed then is unchanged now, its rejected rows still listed
    assert report_counts(at) == [counts_of(read=6, unchanged=3, duplicate=1, rejected=2)]
    assert error_tables(at)[0][labels.ERROR_ROW_COLUMN].tolist() == [5, 6]
    with db.session(database) as con:
        assert snapshot(con) == before  # not a row, not a batch
    (record,) = _audit(database, "import")
    assert record[0] == CITY_USER and labels.UPLOAD_AUDIT_STATUS["already_imported"] in record[1]


def test_rows_that_would_reopen_issues_wait_until_reopening_is_ticked(database):
    _seed(database, ("结对台账.csv", _habit_roster()), ("问题台账（10月）.xlsx", _ledger(closed=True)))
    at = open_upload_page()
    at.file_uploader[0].set_value(("问题台账（9月）.xlsx", _ledger(closed=False), "application/octet-stream")).run()
    at.button(key="upload_start").click().run()
    assert not at.exception, at.exception
    assert report_counts(at) == [counts_of(read=2, unchanged=1, held_back=1)]
    assert labels.UPLOAD_RESULT_HELD_BACK.format(n="1") in [w.value for w in at.warning]
    assert labels.UPLOAD_HELD_BACK_HEADER.format(n="1") in [m.value for m in at.markdown]
    (held,) = error_tables(at)  # no rejected rows: only the table of held-back rows
    assert held[labels.ERROR_ROW_COLUMN].tolist() == [2]
    reason = held[labels.ERROR_REASON_COLUMN].iloc[0]
    assert reason.startswith("状态回退，未导入：该问题当前为“已解决”（办结日期2026-10-12，第2批导入）")
    with db.session(database) as con:
        assert con.execute("select status from issue where issue_no = 'WT1'").fetchall() == [("已解决",)]
    history = next(f.value for f in at.dataframe if labels.UPLOAD_HISTORY_COLUMNS["held_back"] in f.value.columns)
    assert history[labels.UPLOAD_HISTORY_COLUMNS["held_back"]].tolist() == [1, 0, 0]

    # on purpose: a new upload of the same file with the box ticked reopens the issue, audited
    at = open_upload_page()
    at.file_uploader[0].set_value(("问题台账（9月）.xlsx", _ledger(closed=False), "application/octet-stream")).run()
    at.checkbox(key="allow_reopen").check().run()
    assert at.checkbox(key="allow_reopen").label == "允许回退已办结问题/已退出对象（重新打开）"
    at.button(key="upload_start").click().run()
    assert not at.exception, at.exception
    assert report_counts(at) == [counts_of(read=2, updated=1, unchanged=1)]
    assert labels.MSG_REOPENED.format(issues=1, people=0) in [c.value for c in at.caption]
    with db.session(database) as con:
        assert con.execute("select status, closed_on from issue where issue_no = 'WT1'").fetchall() == [
            ("待办理", None)
        ]
    assert [(user, count) for user, _, count in _audit(database, "reopen")] == [(CITY_USER, 1)]


def test_a_complete_list_shows_the_missing_people_before_anything_changes(database):
    _seed(database, ("全市台账.csv", _habit_roster()))
    only_a = [
        ROSTER_HEADER,
        [HABIT_PEOPLE["A"], "刘斌", "孤儿", "东川县", "东川乡", "黄静", mobile(11), "市民政局", "2026-01-05"],
    ]
    at = open_upload_page()
    at.file_uploader[0].set_value(("东川县名单（11月）.csv", csv_bytes(only_a), "text/csv")).run()
    at.checkbox(key="full_list").check().run()
    assert at.checkbox(key="full_list").label == "这是本县区的完整名单"
    at.selectbox(key="full_list_county").select("东川县").run()
    assert not at.exception, at.exception
    message = labels.UPLOAD_FULL_LIST_MISSING.format(county="东川县", count=1, exit_on=EXAMPLE_TODAY)
    assert message in [w.value for w in at.warning]
    columns = list(labels.UPLOAD_FULL_LIST_COLUMNS.values())
    people = next(f.value for f in at.dataframe if list(f.value.columns) == columns)
    assert people.values.tolist() == [[masking.mask_id(HABIT_PEOPLE["B"]), "胡强", "东坝镇", None]]
    assert at.button(key="upload_start").disabled  # only the confirm button below the list imports
    with db.session(database) as con:
        assert con.execute("select count(*) from import_batch").fetchall() == [(1,)]
        assert con.execute("select count(*) from beneficiary where exited_on is not null").fetchall() == [(0,)]

    at.button(key="full_list_confirm").click().run()
    assert not at.exception, at.exception
    assert report_counts(at) == [counts_of(read=1, unchanged=1)]
    exited = labels.MSG_FULL_LIST_EXITED.format(county="东川县", count=1, exit_on=EXAMPLE_TODAY)
    assert exited in [c.value for c in at.caption]
    with db.session(database) as con:
        assert con.execute("select id_number, exited_on from beneficiary where exited_on is not null").fetchall() == [
            (HABIT_PEOPLE["B"], EXAMPLE_TODAY)
        ]
    assert [(user, count) for user, _, count in _audit(database, "full_list_exit")] == [(CITY_USER, 1)]
    text = rendered_text(at)
    assert not FULL_ID.search(text) and not FULL_MOBILE.search(text)


def test_a_county_office_declares_its_own_complete_list(database):
    _seed(database, ("全市台账.csv", _habit_roster()))
    row_a = [HABIT_PEOPLE["A"], "刘斌", "孤儿", "东川县", "东川乡", "黄静", mobile(11), "市民政局", "2026-01-05"]
    row_b = [HABIT_PEOPLE["B"], "胡强", "特困", "东川县", "东坝镇", "郭斌", mobile(12), "市教育局", "2026-02-01"]
    at = app_test(user="县区测试")
    at.run()
    at.switch_page("app_pages/upload.py")
    at.run()
    at.file_uploader[0].set_value(("名单.csv", csv_bytes([ROSTER_HEADER, row_a, row_b]), "text/csv")).run()
    at.checkbox(key="full_list").check().run()
    assert not at.exception, at.exception
    assert labels.UPLOAD_FULL_LIST_OWN_COUNTY.format(county="东川县") in [c.value for c in at.caption]
    assert not [s for s in at.selectbox if s.key == "full_list_county"]
    assert labels.MSG_FULL_LIST_NONE_MISSING.format(county="东川县") in [s.value for s in at.success]
    assert not at.button(key="upload_start").disabled  # nobody missing: nothing to confirm
    at.button(key="upload_start").click().run()
    assert report_counts(at) == [counts_of(read=2, unchanged=2)]
    with db.session(database) as con:
        assert con.execute("select count(*) from beneficiary where exited_on is not null").fetchall() == [(0,)]


def test_a_blank_template_sent_back_is_refused_before_import(database):
    at = open_upload_page()
    blank = templates.template_bytes("roster")
    at.file_uploader[0].set_value((templates.template_filename("roster"), blank, "application/octet-stream")).run()
    assert not at.exception, at.exception
    assert labels.UPLOAD_CANNOT_IMPORT.format(message="文件只有表头，没有数据行") in [e.value for e in at.error]
    assert at.button(key="upload_start").disabled
    assert table_rows(database, "import_batch") == 0
