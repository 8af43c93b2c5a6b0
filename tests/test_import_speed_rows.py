"""Shortcuts of the row rules and of the writing, checked against the plain rule they stand for.

- Exact duplicate rows: only the rows that share their text in the column of most distinct cells
  are compared in full (validate._first_of_each_row).
- Blank, 合计/总计, footer and repeated header rows: the words are looked for only in texts whose
  first character begins one of them (validate.skipped_rows).
- ID numbers of 18 bytes are told apart from 18 ASCII characters on their bytes (clean._ids_vectorised).
- Into an empty table every staged row is new without classify.sql running (merge._merge).
- The file's SHA-256 is computed while it is read (load.import_bytes).
"""

from __future__ import annotations

import hashlib
import random

import numpy as np

from pipeline.ingest import clean, headers, read, validate
from tests.ingest_helpers import (
    ROSTER_HEADER,
    csv_bytes,
    figures,
    mobile,
    open_db,
    pid,
    roster_row,
    run_import,
    snapshot,
)

# ================================================================ exact duplicates


def _first_by_rule(sheet: read.RawSheet, body: slice, candidates: np.ndarray) -> np.ndarray:
    """Row by row: a candidate whose cells as text (and length) no earlier candidate had."""
    seen, first = set(), []
    for index in (body.start + candidates).tolist():
        row = sheet.row(index)
        key = (len(row), tuple(clean.cell_text(value) for value in row))
        first.append(key not in seen)
        seen.add(key)
    return np.array(first, bool)


def test_exact_duplicates_are_those_of_the_row_by_row_rule():
    rng = random.Random(3)
    ids = [pid(n) for n in range(40)]
    spaced = [" " + value for value in ids[:10]]  # the same text as the ID without its space
    for trial in range(30):
        rows = [["标题"], list(ROSTER_HEADER)]
        for _ in range(400):
            row = [
                rng.choice(ids + spaced),
                rng.choice(["刘斌", "刘斌 ", "王芳"]),
                rng.choice(["孤儿", "特困人员"]),
                "临河区",
                rng.choice(["临河镇", "\u3000临河镇"]),
                "1村",
                "黄静",
                mobile(rng.randrange(3)),
                "市民政局",
                rng.choice(["2026-01-05", "2026-01-06"]),
                "",
            ]
            if trial % 3 == 0 and rng.random() < 0.2:
                row = row[: rng.randrange(1, len(row))]  # ragged rows: a shorter row is another row
            rows.append(row)
        sheet = read.RawSheet.from_rows("t", rows)
        body = slice(2, sheet.height)
        candidates = np.flatnonzero(np.array([rng.random() < 0.9 for _ in range(sheet.height - 2)]))
        got = validate._first_of_each_row(sheet, body, candidates)
        assert got.tolist() == _first_by_rule(sheet, body, candidates).tolist()


def test_rows_with_an_id_of_their_own_are_never_duplicates_and_shared_ids_are_compared_in_full(tmp_path):
    rows = [ROSTER_HEADER]
    rows += [roster_row(pid(n), phone_seq=n) for n in range(1, 6)]
    rows += [roster_row(pid(1), phone_seq=1)]  # the same row again: a duplicate
    rows += [roster_row(" " + pid(2), phone_seq=2)]  # the same text: a duplicate
    rows += [roster_row(pid(3), phone_seq=3, name="王芳")]  # the same person, another name: not one
    con = open_db(tmp_path)
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert report.read == 8 and report.duplicate == 3  # two exact copies, and pid(3)'s first row superseded
    assert report.rejected == 0
    assert con.execute("select name from beneficiary where id_number = ?", [pid(3)]).fetchall() == [("王芳",)]


# ================================================================ rows that are not data


def _skipped_by_rule(sheet: read.RawSheet, match: headers.HeaderMatch, body: slice) -> list[bool]:
    header = [clean.cell_text(value) for value in sheet.row(match.row_index)]
    id_columns = {c for c, f in match.columns.items() if f == "id_number"}
    out = []
    for index in range(body.start, body.stop):
        row = sheet.row(index)
        texts = [clean.cell_text(value) for value in row]
        texts += [""] * (sheet.width - len(texts))
        filled = [c for c, text in enumerate(texts) if text]
        if not filled:
            out.append(True)
            continue
        squeezed = texts[filled[0]].replace(" ", "")
        total = squeezed.startswith(validate._TOTAL_WORDS)
        footer = squeezed.startswith(validate._FOOTER_WORDS) and not any(texts[c] for c in id_columns)
        repeated = len(row) == len(header) and texts[: len(header)] == header
        out.append(total or footer or repeated)
    return out


def test_blank_total_footer_and_header_rows_are_those_of_the_row_rule():
    width = len(ROSTER_HEADER)
    data_row = roster_row(pid(1), phone_seq=1)
    rows = [["结对台账"], list(ROSTER_HEADER), data_row]
    lines = [
        ["合计", "3人"],
        ["合 计", "3人"],
        ["\u3000总 计"],
        ["合作社", "x"],  # starts with 合, is no total
        ["", "", "填表人：张三"],
        ["", "", "", "审核人：李四"],
        [pid(2), "", "备注：见附件"],  # an ID number: a person's row, not a footer
        ["备注：见附件", pid(3)],  # the footer word in the first cell, an ID in the row: kept
        ["注:", "补报"],
        ["注：补报"],
        ["说明"],
        ["负责人", "", "", "", "", "", "", "", "", "", ""],
        list(ROSTER_HEADER),
        ["", "合计"],  # the first non-empty cell is a total
        ["总", "计"],
        [""] * width,
        ["  "],
        ["填表日期2026", "", ""],
        ["制表人"],
        ["计合"],
    ]
    rows += lines
    sheet = read.RawSheet.from_rows("t", [list(map(str, row)) for row in rows])
    match = headers.find_header(sheet.head(headers.ROWS_LOOKED_AT), "t")
    body = slice(match.row_index + 1, sheet.height)
    got = validate.skipped_rows(sheet, match, body).tolist()
    assert got == _skipped_by_rule(sheet, match, body)
    assert got[:5] == [False, True, True, True, False]  # the data row, three totals, 合作社


# ================================================================ ID numbers on their bytes


def test_ids_of_18_bytes_that_are_not_18_ascii_characters_go_to_the_rule():
    cells = [
        "刘斌刘斌刘斌",  # 18 bytes, 6 characters
        pid(1)[:15] + "刘",  # 18 bytes, 16 characters
        pid(2)[:16] + "é",  # 18 bytes, 17 characters
        pid(3)[:17] + "Ｘ",  # 20 bytes
        pid(4)[:17] + "Y",
        pid(5)[:17] + "x",
        pid(6)[:17] + "/",  # the byte before "0"
        pid(7)[:17] + ":",  # the byte after "9"
        "/" + pid(8)[1:],
        pid(9),
        pid(10).lower(),
        " " + pid(11) + " ",
    ]
    column = read.RawColumn.encode(cells)
    values, reasons = clean.clean_distinct(
        column, np.ones(len(column), bool), clean.clean_id, "身份证号", clean.pa.string()
    )
    got = [(value, reasons.get(n)) for n, value in enumerate(values.to_pylist())]
    assert got == [clean.clean_id(cell, "身份证号") for cell in column.values]
    _, done = clean._ids_vectorised(column.strings)
    assert done.sum() >= 3  # the plain IDs took the column-wise path


# ================================================================ writing into an empty table


def test_a_first_import_lands_as_it_does_into_a_table_that_holds_someone_else(tmp_path):
    rows = [ROSTER_HEADER] + [roster_row(pid(n), phone_seq=n) for n in range(1, 30)]
    rows += [roster_row(pid(40), cadre=None, cadre_phone="", department=None, paired_on="")]
    data = csv_bytes(rows)
    empty = open_db(tmp_path, "empty.duckdb")
    first = run_import(empty, data, "台账.csv")
    seeded = open_db(tmp_path, "seeded.duckdb")
    run_import(seeded, csv_bytes([ROSTER_HEADER, roster_row(pid(99), phone_seq=99)]), "别人.csv")
    second = run_import(seeded, data, "台账.csv")
    assert figures(first) == figures(second)
    assert figures(first)["inserted"] == 30
    ours = "select * exclude (batch_id) from {} where id_number <> ? order by all"
    for table in ("beneficiary", "pairing"):
        query = ours.format(table)  # table names from the fixed list above
        assert empty.execute(query, [pid(99)]).fetchall() == seeded.execute(query, [pid(99)]).fetchall()
    again = run_import(empty, data, "台账.csv")
    assert figures(again)["unchanged"] == 30 and figures(again)["inserted"] == 0


# ================================================================ the digest


def test_the_digest_is_recorded_for_a_file_that_lands_and_reported_for_one_that_cannot_be_read(tmp_path):
    con = open_db(tmp_path)
    data = csv_bytes([ROSTER_HEADER, roster_row(pid(1), phone_seq=1)])
    report = run_import(con, data, "台账.csv")
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    stored = con.execute("select sha256 from import_batch where batch_id = ?", [report.batch_id]).fetchall()
    assert stored == [(hashlib.sha256(data).hexdigest(),)]
    broken = b"PK\x05\x06" + b"\x00" * 40  # not a workbook, not text
    before = snapshot(con)
    failed = run_import(con, broken, "坏.xlsx")
    assert failed.status == "failed" and failed.sha256 == hashlib.sha256(broken).hexdigest()
    assert snapshot(con) == before
