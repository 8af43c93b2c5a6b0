"""Rejected rows can be downloaded as .xlsx with a 错误原因 column, fixed and re-uploaded."""

from __future__ import annotations

import io

import openpyxl

from pipeline import db, export, labels
from pipeline.ingest.load import import_bytes

GOOD_ID = "620102201205030014"
BAD_ID = "620102201205030015"


def test_rejected_rows_round_trip_through_the_download(tmp_path):
    csv_text = (
        "身份证号,姓名,对象类别,县区,乡镇,备注\n"
        f"{GOOD_ID},刘斌,孤儿,临河区,临河镇,\n"
        f'{BAD_ID},王五,孤儿,临河区,临河镇,=HYPERLINK("http://x")\n'
        f"{GOOD_ID[:-1]}X,赵六,外星人,临河区,临河镇,\n"
    )
    with db.session(tmp_path / "e.duckdb") as con:
        report = import_bytes(con, csv_text.encode("gb18030"), "台账.csv", today="2026-11-28")
        assert (report.inserted, report.rejected) == (1, 2)
        stored = export.stored_rejections(con, report.batch_id)
        assert [(e.row, e.column) for e in stored] == [(3, "身份证号"), (4, "身份证号、对象类别")]
        history = export.import_history(con)
    assert history[0]["file_name"] == "台账.csv" and history[0]["rejected"] == 2

    sheet = openpyxl.load_workbook(io.BytesIO(export.rejected_workbook(stored))).active
    rows = list(sheet.values)
    assert rows[0] == (
        "身份证号",
        "姓名",
        "对象类别",
        "县区",
        "乡镇",
        "备注",
        "工作表",
        "行号",
        labels.ERROR_REASON_COLUMN,
    )
    assert rows[1][:2] == (BAD_ID, "王五")
    assert rows[1][5] == '\'=HYPERLINK("http://x")'  # a formula from the upload never runs in Excel
    assert rows[1][7] == 3 and "校验位" in rows[1][8]
    assert rows[2][2] == "外星人" and "对象类别" in rows[2][8] and "校验位" in rows[2][8]

    # the fixed file imports cleanly: the downloaded columns are the original headers
    fixed = "身份证号,姓名,对象类别,县区,乡镇\n" + f"{GOOD_ID},王五,孤儿,临河区,临河镇\n"
    with db.session(tmp_path / "e.duckdb") as con:
        again = import_bytes(con, fixed.encode(), "台账-已修改.csv", today="2026-11-28")
    assert (again.updated, again.rejected) == (1, 0)
