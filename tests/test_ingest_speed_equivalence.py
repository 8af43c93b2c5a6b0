"""The column-wise import gives what the row-by-row rules give, on the inputs where the two could part.

The import cleans each distinct cell once and does the common shapes in Arrow (clean._VECTORISED),
reads most CSVs with Arrow's reader instead of the csv module, and packs workbook columns as codes
into their distinct cells. Each shortcut is checked here against the plain rule it stands for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import numpy as np
import pytest

from pipeline import labels, masking
from pipeline.ingest import clean, load, read
from pipeline.ingest.keys import contact_key, issue_key
from pipeline.ingest.parse_child import encode_column
from tests.ingest_helpers import (
    ROSTER_HEADER,
    VISITS_HEADER,
    csv_bytes,
    fullwidth,
    mobile,
    open_db,
    pid,
    pid_with_x,
    roster_row,
    run_import,
    snapshot,
    visit_row,
    wrong_check,
    xlsx_bytes,
)

# ================================================================ cleaning column-wise


def _column(cells: list[str]) -> read.RawColumn:
    return read.RawColumn.encode(cells)


def _by_rule(cleaner, cells, name):
    return [cleaner(cell, name) for cell in cells]


def _column_wise(cleaner, cells, name, kind):
    column = _column(cells)
    used = np.ones(len(column), bool)
    values, reasons = clean.clean_distinct(column, used, cleaner, name, kind)
    return [(value, reasons.get(n)) for n, value in enumerate(values.to_pylist())], column.values


ID_CELLS = [
    pid(1),
    pid(2).lower(),
    pid_with_x(),
    pid_with_x().lower(),
    " " + pid(3) + "\u3000",
    "\t" + pid(4) + "\r\n",
    fullwidth(pid(5)),
    pid(6)[:6] + " " + pid(6)[6:],
    pid(7)[:6] + pid(7)[8:17],  # 15 digits
    wrong_check(pid(8)),
    pid(9)[:15] + "000",
    "6.20102E+17",
    "6.2010219570501E17",
    pid(10) + "1",
    pid(11)[:17],
    pid(12)[:10] + "AB" + pid(12)[12:],
    "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨",  # Arabic-Indic digits: str.isdigit() says yes, the shape check no
    pid(13)[:17] + "x",
    "",
    "   ",
    "\ufeff" + pid(14),
    "\xa0" + pid(15) + "\xa0",
]

PHONE_CELLS = [
    mobile(1),
    " " + mobile(2) + " ",
    "+86 " + mobile(3),
    "86" + mobile(4),
    "0086" + mobile(5),
    "139-1234-5678",
    "0478-1234567",
    "12345",
    "23912345678",
    "1391234567",
    "139123456789",
    fullwidth(mobile(6)),
    "",
    "\u3000",
    "１３９１２３４５６７８",
]

TEXT_CELLS = [
    "  刘斌  ",
    "\u3000刘斌\u3000",
    "\n刘斌\r\n",
    "\t 临河镇 \xa0",
    "刘 斌",
    "   ",
    "",
    "\ufeffA",
    "a\u2028",
    "\x0bb",
]


@pytest.mark.parametrize(
    ("cleaner", "cells"),
    [
        (clean.clean_id, ID_CELLS),
        (clean.clean_mobile, PHONE_CELLS),
        (clean.clean_phone_lenient, PHONE_CELLS),
        (clean.clean_text, TEXT_CELLS + PHONE_CELLS + ID_CELLS),
    ],
)
def test_column_wise_cleaning_gives_the_rules_own_values_and_reasons(cleaner, cells):
    got, distinct = _column_wise(cleaner, cells, "列", clean.pa.string())
    assert got == _by_rule(cleaner, distinct, "列")


def test_column_wise_id_cleaning_on_many_random_ids():
    rng = random.Random(5)
    cells = []
    for n in range(3000):
        value = pid(n % 1000, dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(25000)))
        choice = rng.random()
        if choice < 0.2:
            value = wrong_check(value)
        elif choice < 0.3:
            value = value.lower()
        cells.append(value)
    got, distinct = _column_wise(clean.clean_id, cells, "身份证号", clean.pa.string())
    assert got == _by_rule(clean.clean_id, distinct, "身份证号")


def test_trimming_in_arrow_is_the_trimming_of_cell_text():
    rng = random.Random(9)
    alphabet = [*clean.TRIM_CHARS, "a", "刘", " ", "\u2003", "\x0b", "\x85", "x"]
    cells = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(6))) for _ in range(2000)]
    column = _column(cells)
    assert column.text_array().to_pylist() == [clean.cell_text(value) for value in column.values]


def test_cells_are_told_apart_by_type():
    nan = float("nan")
    cells = [1, 1.0, True, "1", 1, dt.date(2026, 3, 5), dt.datetime(2026, 3, 5), 0.0, -0.0, nan, nan, " 1"]
    codes, values = encode_column(cells)
    for code, cell in zip(codes, cells, strict=True):
        back = values[code]
        assert type(back) is type(cell) and str(back) == str(cell)  # str(): a header cell is read with it
    assert len(values) == 10  # 1 and 1.0 and True apart, 0.0 and -0.0 apart, the same nan once
    column = _column(cells)
    assert column.texts() == [clean.cell_text(value) for value in column.values]


# ================================================================ reading CSV


CSV_TEXTS = [
    "a,b,c\r\n1,2,3\r\n",
    "a,b,c\n1,2,3",
    "a,b,c\r1,2,3\r",
    '"a,b",c,d\n"x""y",z,"多行\n文本"\n',
    '"ab"c,d,e\n1,2,3\n',
    'ab"c,d,e\n1,2,3\n',
    ' "ab",c,d\n1,2,3\n',
    "a,b,c\n\n1,2,3\n\n",
    'a,b,c\n1,"2\r\n3",4\n',
    "a;b;c\n1;2;3\n",
    "a\tb\tc\n1\t2\t3\n",
    "a,b,c\n1,2\n",  # a short line: the csv module reads it
    "标题\n身份证号,姓名,县区\n1,2,3\n",
    'a,b,"c\n',  # a quote never closed
    "\ufeff\ufeffa,b,c\n1,2,3\n",  # a second BOM, left after decoding
]


@pytest.mark.parametrize("text", CSV_TEXTS)
def test_csv_cells_are_those_of_the_csv_module(text):
    data = text.encode("utf-8")
    sheet = read.read_file(data, "t.csv")[0]
    decoded, _ = read.decode_text(data, "t.csv")
    delimiter = read._sniff_delimiter(decoded)
    expected = list(csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter))
    got = sheet.rows
    # Arrow's reader gives a blank line as a row of empty cells, the csv module as an empty row
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs or (not theirs and not any(mine))


def test_ragged_csv_keeps_each_rows_length():
    rows = [["结对台账"], ROSTER_HEADER, roster_row(pid(1), phone_seq=1)[:7], roster_row(pid(2), phone_seq=2)]
    sheet = read.read_file(csv_bytes(rows), "t.csv")[0]
    assert sheet.rows == [[str(v) for v in row] for row in rows]


def _same_import(tmp_path, monkeypatch, files):
    """Reports and stored tables of importing `files` twice: as read by Arrow, and by the csv module."""
    outcomes = []
    for arrow in (True, False):
        if not arrow:
            monkeypatch.setattr(read, "_csv_by_arrow", lambda *args: None)
        con = open_db(tmp_path, f"t{arrow}.duckdb")
        reports = []
        for name, data in files:
            report = run_import(con, data, name)
            reports.append((report.summary(10**6), [e.raw for e in report.errors], report.notes))
        tables = snapshot(con)
        tables["import_batch"] = [row[:1] + row[2:] for row in tables["import_batch"]]  # not the time
        outcomes.append((reports, tables))
        con.close()
    return outcomes


def test_csv_read_by_arrow_imports_as_read_by_the_csv_module(tmp_path, monkeypatch):
    roster = [ROSTER_HEADER] + [roster_row(pid(n), phone_seq=n % 7) for n in range(40)]
    roster += [roster_row(wrong_check(pid(50))), roster_row(pid(51), paired_on="2026/13/1"), list(ROSTER_HEADER)]
    roster += [roster_row(pid(3), phone_seq=3), ["合计", "43"] + [""] * 9, ["填表人：张三"] + [""] * 10]
    visits = [VISITS_HEADER] + [
        visit_row(pid(n % 45), f"2026-10-{1 + n % 28:02d}", ["入户走访", "上门", "电话", "乱写"][n % 4], mobile(n % 9))
        for n in range(200)
    ]
    visits += [visit_row(pid(1), "2027-01-01"), visit_row(pid(2), record_no="ZF1"), visit_row(pid(2), record_no="ZF1")]
    arrow, by_csv = _same_import(
        tmp_path, monkeypatch, [("台账.csv", csv_bytes(roster)), ("走访.csv", csv_bytes(visits))]
    )
    assert arrow == by_csv
    assert arrow[0][0][0]["rejected"] > 0 and arrow[0][1][0]["duplicate"] > 0


# ================================================================ choices the row-by-row code left to chance


def test_an_overlap_with_several_stored_pairings_names_the_earliest(tmp_path):
    con = open_db(tmp_path)
    person = pid(1)
    first = [ROSTER_HEADER]
    first.append(roster_row(person, cadre_phone=mobile(1), paired_on="2025-01-01", unpaired_on="2025-06-01"))
    first.append(roster_row(person, cadre_phone=mobile(2), paired_on="2025-06-01"))
    assert run_import(con, csv_bytes(first), "一.csv").inserted == 2
    later = [ROSTER_HEADER, roster_row(person, cadre_phone=mobile(3), paired_on="2025-03-01")]
    report = run_import(con, csv_bytes(later), "二.csv")
    assert report.rejected == 1
    assert masking.mask_phone(mobile(1)) in report.errors[0].reason and "2025-01-01" in report.errors[0].reason


# ================================================================ workbooks


def test_workbook_cells_come_back_with_their_types(tmp_path):
    rows = [
        ROSTER_HEADER,
        [
            pid(1),
            "刘斌",
            "孤儿",
            "临河区",
            "临河镇",
            "1村",
            "黄静",
            13900000001,
            "民政局",
            dt.datetime(2026, 1, 5),
            None,
        ],
        [float(pid(2)[:17]), "刘斌", "孤儿", "临河区", "临河镇", None, "黄静", "13900000002", "民政局", 46000, 46100.5],
        [pid(3), True, 1.5, "临河区", "临河镇", "1村", None, None, None, None, None],
    ]
    sheet = read.read_file(xlsx_bytes(rows), "t.xlsx")[0]
    got = sheet.rows
    assert got[1][7] == 13900000001 and isinstance(got[1][7], int | float)
    assert got[1][9] == dt.datetime(2026, 1, 5) or got[1][9] == dt.date(2026, 1, 5)
    assert isinstance(got[2][0], float) and got[3][1] is True
    con = open_db(tmp_path)
    report = load.import_bytes(con, xlsx_bytes(rows), "t.xlsx", today=dt.date(2026, 11, 28))
    assert report.read == 3 and report.inserted == 1 and report.rejected == 2


def test_stored_keys_are_those_of_the_key_functions(tmp_path):
    con = open_db(tmp_path)
    roster = [ROSTER_HEADER] + [roster_row(pid(n), phone_seq=n) for n in range(6)]
    assert run_import(con, csv_bytes(roster), "台账.csv").inserted == 6
    visits = [
        VISITS_HEADER,
        visit_row(pid(0)),
        visit_row(pid(1), cadre_phone=mobile(1)),
        visit_row(pid(2), record_no="7"),
    ]
    assert run_import(con, csv_bytes(visits), "走访.csv").inserted == 3
    issues = [
        ["问题编号", "身份证号", "提出日期", "问题类别", "问题描述", "办理状态"],
        ["", pid(3), "2026-09-01", "生活", "反映|生活困难", "待办理"],
        ["WT1", pid(4), "2026-09-02", "医疗", "看病难", "待办理"],
    ]
    assert run_import(con, csv_bytes(issues), "问题.csv").inserted == 2
    contacts = con.execute("select contact_key, record_no, id_number, contact_date, method, cadre_phone from contact")
    for key, *fields in contacts.fetchall():
        assert key == contact_key(*fields)
    stored = con.execute("select issue_key, issue_no, id_number, raised_on, category, description from issue")
    for key, *fields in stored.fetchall():
        assert key == issue_key(*fields)


@pytest.mark.parametrize("rows", [[ROSTER_HEADER], [VISITS_HEADER, ["合计"]], [VISITS_HEADER, [""] * 6]])
def test_a_sheet_without_data_rows_is_refused_and_records_nothing(tmp_path, rows):
    con = open_db(tmp_path)
    before = snapshot(con)
    report = run_import(con, csv_bytes(rows), "空.csv")
    assert report.status == "failed" and report.read == 0 and report.batch_id is None
    assert report.message == labels.MSG_HEADER_ONLY
    assert snapshot(con) == before


ENCODED = [
    "身份证号,姓名,县区\r\n1,刘斌,临河区\r\n".encode(),
    "\ufeff身份证号,姓名,县区\r\n1,刘斌,临河区\r\n".encode(),
    "身份证号,姓名,县区\r\n1,刘斌,临河区\r\n".encode("gb18030"),
    "身份证号,姓名,县区\r\n1,刘斌,临河区\r\n".encode() + b"\xed\xa0\x80,a,b\r\n",  # a surrogate: not UTF-8
    "身份证号,姓名,县区\r\n1,刘斌,临河区\r\n".encode() + b"\xc0\xaf,a,b\r\n",  # an overlong form
    "身份证号,姓名,县区\r\n1,刘斌\x00,临河区\r\n".encode(),
    "身份证号\t姓名\t县区\r\n1\t刘斌\t临河区\r\n".encode("utf-16"),
    b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11,a,b\n" * 20,
]


@pytest.mark.parametrize("data", ENCODED)
def test_csv_bytes_are_decoded_as_the_csv_module_path_decodes_them(monkeypatch, data):
    def sheets():
        try:
            return [(sheet.name, sheet.rows) for sheet in read.read_file(data, "t.csv")]
        except read.ReadError as exc:
            return str(exc)

    by_arrow = sheets()
    monkeypatch.setattr(read, "_utf8_csv_by_arrow", lambda *args: None)
    monkeypatch.setattr(read, "_csv_by_arrow", lambda *args: None)
    assert by_arrow == sheets()
