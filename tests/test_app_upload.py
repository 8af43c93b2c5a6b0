"""数据导入 through AppTest: files go in through the uploader, are previewed, imported once, and reported."""

from __future__ import annotations

import io
import re
import subprocess
import sys

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
ERROR_COLUMNS = [labels.ERROR_SHEET_COLUMN, labels.ERROR_ROW_COLUMN, labels.ERROR_COLUMN_COLUMN,
                 labels.ERROR_REASON_COLUMN]  # fmt: skip
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
    assert list(samples[1].columns) == ["行号", "预检问题", "身份证号", "走访日期", "联系方式", "走访干部", "干部电话",
                                        "满意度"]  # fmt: skip
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
        assert con.execute("select distinct data_key from stored_metric").fetchall() == [(queries.data_key(con),)]

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
    assert history[[labels.UPLOAD_HISTORY_COLUMNS[c] for c in ("batch_id", "file_name", "kind", "rows_read",
                                                                "inserted", "rejected")]].values.tolist() == [
        [1, "结对台账.csv", "结对台账", 6, 3, 2]
    ]  # fmt: skip
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


def test_empty_database_page_offers_templates_and_says_there_is_no_history(database, downloads):
    at = open_upload_page()
    assert labels.UPLOAD_HISTORY_EMPTY in [c.value for c in at.caption]
    assert [b.label for b in at.download_button] == [
        labels.UPLOAD_TEMPLATE_BUTTON.format(kind=labels.KIND_LABELS[k]) for k in ("roster", "visits", "issues")
    ]
    for kind in ("roster", "visits", "issues"):
        assert downloads[templates.template_filename(kind)]() == templates.template_bytes(kind)
    assert table_rows(database, "import_batch") == 0
