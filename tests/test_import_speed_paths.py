"""The faster paths of the import give what the plain ones give.

- A workbook's text cells come from the parsing child as one UTF-8 string (parse_child.text_cells)
  and are split and encoded in Arrow (read._text_columns): the same cells, the same codes, as the
  per-cell encoding (encode_column), which still serves columns of numbers and dates.
- Dates written 2026-03-05 are cleaned column-wise (clean._dates_vectorised) as clean_date does.
- A CSV cell over the csv module's size limit is measured once per distinct cell.
- beneficiary, pairing and contact have no primary key any more (schema.sql); a database created
  with the keys imports the same, and one import at a time keeps the keys unique without them.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import threading

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from pipeline import db, labels
from pipeline.ingest import clean, parse_child, read
from tests.ingest_helpers import (
    ROSTER_HEADER,
    VISITS_HEADER,
    csv_bytes,
    mobile,
    pid,
    roster_row,
    rows_of,
    run_import,
    snapshot,
    visit_row,
    xlsx_bytes,
)

# ================================================================ workbook cells from the child


def _decoded(rows: list[list[object]]) -> read.RawSheet:
    """The sheet as the parent gets it from the child's answer for these rows."""
    sheets = read._decode_sheets(("ok", [("表", *parse_child.encode_rows([list(row) for row in rows]))]))
    assert sheets is not None
    return sheets[0]


def _padded(rows: list[list[object]]) -> list[list[object]]:
    width = max((len(row) for row in rows), default=0)
    return [[*row, *[""] * (width - len(row))] for row in rows]


def _same_cells(a: object, b: object) -> bool:
    return type(a) is type(b) and (a == b or (a != a and b != b))  # nan: the same cell


TEXTS = ["", " ", "刘斌", "临河区", "620102201205030011", "a\tb", "多行\n文本", "\u3000", "x" * 300, "🙂", "1.0"]


@pytest.mark.parametrize("seed", range(8))
def test_text_sheets_come_back_cell_for_cell(seed):
    rng = random.Random(seed)
    width = rng.randrange(1, 7)
    rows = [[rng.choice(TEXTS) for _ in range(rng.randrange(width + 1))] for _ in range(rng.randrange(1, 60))]
    rows[0] = [rng.choice(TEXTS) for _ in range(width)]  # at least one full row
    encoded = parse_child.encode_rows([list(row) for row in rows])
    assert type(encoded[3]) is bytes  # every cell a str: one string for the sheet
    sheet = _decoded(rows)
    assert sheet.rows == rows  # each row as long as written
    for c, column in enumerate(sheet.columns):
        assert column.strings is not None  # ready for the column-wise cleaning
        codes, distinct = parse_child.encode_column([row[c] for row in _padded(rows)])
        assert column.codes.tolist() == codes.tolist() and column.values == distinct


@pytest.mark.parametrize("seed", range(8))
def test_mixed_sheets_send_text_columns_as_text_and_the_others_as_codes(seed):
    rng = random.Random(seed)
    others = [1, 1.0, 2.5, True, dt.date(2026, 3, 5), dt.datetime(2026, 3, 5, 8, 30), float("nan"), -0.0, 0.0]
    height, width = rng.randrange(1, 50), rng.randrange(2, 6)
    text_columns = set(rng.sample(range(width), rng.randrange(1, width)))
    rows = [
        [rng.choice(TEXTS) if c in text_columns else rng.choice([*others, *TEXTS]) for c in range(width)]
        for _ in range(height)
    ]
    if not any(type(row[c]) is not str for row in rows for c in range(width) if c not in text_columns):
        rows[0][min(set(range(width)) - text_columns)] = 1.5
    *_, columns = parse_child.encode_rows([list(row) for row in rows])
    assert type(columns) is list
    for c, item in enumerate(columns):
        all_text = all(type(row[c]) is str for row in rows)
        assert (type(item) is bytes) == all_text
    sheet = _decoded(rows)
    for got, want in zip(sheet.rows, rows, strict=True):
        assert all(_same_cells(a, b) for a, b in zip(got, want, strict=True)), (got, want)


@pytest.mark.parametrize(
    "cells",
    [["a", "b\x00c"], ["a", "\ud800"], ["a", 1], ["a", None]],
    ids=["separator-in-a-cell", "lone-surrogate", "number", "none"],
)
def test_cells_that_cannot_go_as_text_go_as_codes(cells):
    assert parse_child.text_cells(cells, len(cells)) is None
    rows = [[cell] for cell in cells]
    *_, columns = parse_child.encode_rows(rows)
    assert type(columns) is list and type(columns[0]) is tuple
    assert all(_same_cells(a[0], b[0]) for a, b in zip(_decoded(rows).rows, rows, strict=True))


def test_an_empty_sheet_and_short_rows():
    assert parse_child.encode_rows([]) == (0, 0, None, [])
    rows = [["标题"], ["身份证号", "姓名", "县区"], ["1", "刘斌"]]
    sheet = _decoded(rows)
    assert sheet.rows == rows and sheet.height == 3 and sheet.width == 3


@pytest.mark.parametrize(
    "answer",
    [
        b"a\x00b\x00",  # two cells for a sheet of 1 x 3
        b"a\x00b\x00c",  # the last cell without its end
        b"a\x00\xff\x00c\x00",  # not UTF-8
        ["a\x00b\x00c\x00"],  # a column as str, not bytes
        [(b"\x00\x00\x00\x00", ["a"])],  # codes for one row, the sheet has three
    ],
)
def test_a_malformed_text_answer_is_refused(answer):
    width = 3 if type(answer) is bytes else 1
    height = 1 if type(answer) is bytes else 3
    assert read._decode_sheets(("ok", [("表", height, width, None, answer)])) is None


def test_a_workbook_of_text_imports_as_the_same_rows_in_a_csv(tmp_path):
    roster = [ROSTER_HEADER] + [roster_row(pid(n), phone_seq=n % 5) for n in range(30)]
    roster += [roster_row(pid(40), paired_on="2026-13-01"), roster_row(pid(3), phone_seq=3)]
    outcomes = []
    for name, data in (("台账.xlsx", xlsx_bytes({"台账": roster})), ("台账.csv", csv_bytes(roster))):
        con = db.connect(tmp_path / f"{name}.duckdb")
        report = run_import(con, data, name)
        outcomes.append(([e.as_dict() for e in report.errors], [e.raw for e in report.errors], report.inserted))
        outcomes.append(sorted(rows_of(con, "select * exclude (batch_id) from pairing")))
        con.close()
    assert outcomes[0] == outcomes[2] and outcomes[1] == outcomes[3]
    assert outcomes[0][2] == 30 and len(outcomes[0][0]) == 1


# ================================================================ dates column-wise


def test_dates_cleaned_column_wise_are_those_of_clean_date():
    rng = random.Random(4)
    cells = [
        "2024-02-29",
        "2023-02-29",
        "2100-02-29",
        "2000-02-29",
        "1000-01-01",
        "0999-12-31",
        "0000-01-01",
        "9999-12-31",
        "2026-00-10",
        "2026-13-01",
        "2026-04-31",
        "2026-04-00",
        " 2026-04-30\u3000",
        "\ufeff2026-04-30",
        "2026-4-3",
        "2026/04/30",
        "２０２６-04-30",
        "2026-04-30 08:30",
        "20260430",
        "",
    ]
    for _ in range(3000):
        year = rng.choice([rng.randrange(0, 10000), rng.randrange(1890, 2040)])
        cells.append(f"{year:04d}-{rng.randrange(0, 14):02d}-{rng.randrange(0, 33):02d}")
    column = read.RawColumn.encode(cells)
    values, reasons = clean.clean_distinct(column, np.ones(len(column), bool), clean.clean_date, "日期", pa.date32())
    got = [(value, reasons.get(n)) for n, value in enumerate(values.to_pylist())]
    assert got == [clean.clean_date(cell, "日期") for cell in column.values]
    _, done = clean._dates_vectorised(column.strings)
    assert 1000 < done.sum() < len(column)  # both paths were taken


# ================================================================ CSV cells over the size limit


def test_a_csv_cell_over_the_size_limit_is_refused_and_one_of_many_bytes_is_read(tmp_path):
    limit = csv.field_size_limit()
    rows = [ROSTER_HEADER, roster_row(pid(1), phone_seq=1), roster_row(pid(2), phone_seq=2)]
    wide = [list(row) for row in rows]
    wide[2][5] = "村" * (limit // 2)  # more bytes than the limit, fewer characters
    sheet = read.read_file(csv_bytes(wide), "宽.csv")[0]
    assert sheet.rows[2][5] == wide[2][5]
    too_long = [list(row) for row in rows]
    too_long[2][5] = "x" * (limit + 1)
    with pytest.raises(read.ReadError) as refused:
        read.read_file(csv_bytes(too_long), "长.csv")
    assert str(refused.value) == labels.MSG_CELL_TOO_LONG.format(file="长.csv", cap=limit)


# ================================================================ keys without primary keys

# The three tables as schema.sql created them before it dropped their primary keys.
KEYED_TABLES = """
create table beneficiary (
    id_number varchar primary key, name varchar not null, category varchar not null, county varchar not null,
    township varchar not null, village varchar, phone varchar, enrolled_on date not null, exited_on date,
    batch_id integer not null
);
create table pairing (
    id_number varchar not null, cadre_phone varchar not null, cadre_name varchar not null,
    department varchar not null, cadre_level varchar, pairing_mode varchar, paired_on date not null,
    unpaired_on date, batch_id integer not null, primary key (id_number, cadre_phone)
);
create table contact (
    contact_key varchar primary key, record_no varchar, id_number varchar not null, contact_date date not null,
    method varchar not null, cadre_name varchar, cadre_phone varchar, summary varchar, satisfaction varchar,
    batch_id integer not null
);
"""


def _primary_keys(con) -> set[str]:
    found = con.execute(
        "select table_name from duckdb_constraints() where constraint_type = 'PRIMARY KEY'"
        " and table_name in ('beneficiary', 'pairing', 'contact')"
    ).fetchall()
    return {name for (name,) in found}


def _files() -> list[tuple[str, bytes]]:
    people = [pid(n) for n in range(40)]
    roster = [ROSTER_HEADER] + [roster_row(p, phone_seq=n % 6) for n, p in enumerate(people)]
    roster += [roster_row(people[1], cadre_phone=mobile(90), paired_on="2026-03-01"), roster_row(pid(99))]
    later = [ROSTER_HEADER] + [roster_row(p, name="改名", phone_seq=n % 6) for n, p in enumerate(people[:20])]
    later += [roster_row(people[2], cadre_phone=mobile(2), paired_on="2026-01-05", unpaired_on="2026-06-01")]
    later += [roster_row(people[2], cadre_phone=mobile(91), paired_on="2026-06-01")]
    visits = [VISITS_HEADER] + [
        visit_row(people[n % 45 if n % 45 < 40 else 0], f"2026-10-{1 + n % 28:02d}", ["入户走访", "电话"][n % 2])
        for n in range(150)
    ]
    visits += [visit_row(people[3], record_no="ZF1"), visit_row(people[3], record_no="ZF1", method="电话")]
    return [("台账.csv", csv_bytes(roster)), ("走访.csv", csv_bytes(visits)), ("台账2.csv", csv_bytes(later))] * 2


def _import_all(con) -> tuple[list, dict]:
    reports = [run_import(con, data, name).summary(10**6) for name, data in _files()]
    for report in reports:  # the second round is recognised as imported before: the note names the time
        report.pop("note", None)
    tables = snapshot(con)
    tables["import_batch"] = [row[:1] + row[2:] for row in tables["import_batch"]]  # not the time
    return reports, tables


def test_a_database_created_with_primary_keys_imports_the_same(tmp_path):
    old = duckdb.connect(str(tmp_path / "old.duckdb"))
    old.execute(KEYED_TABLES)
    old.close()
    con = db.connect(tmp_path / "old.duckdb")
    assert _primary_keys(con) == {"beneficiary", "pairing", "contact"}
    with_keys = _import_all(con)
    con.close()
    con = db.connect(tmp_path / "new.duckdb")
    assert _primary_keys(con) == set()
    without_keys = _import_all(con)
    con.close()
    assert with_keys == without_keys
    reports = without_keys[0]
    assert reports[3]["inserted"] == 0 and reports[4]["inserted"] == 0  # the second round changes nothing
    assert reports[1]["duplicate"] == 1 and reports[2]["updated"] > 0


def test_keys_stay_unique_when_sessions_import_at_the_same_moment(tmp_path):
    path = tmp_path / "t.duckdb"
    files = _files()[:2]
    with db.session(path) as con:
        run_import(con, *reversed(files[0]))
    outcomes: list[object] = []

    def session(copy: int) -> None:
        # the same rows, saved again with blank lines at the end: other bytes, so each copy is imported
        # (the very same bytes would be recognised as imported before and change nothing)
        data = files[1][1] + b"\r\n" * copy
        try:
            with db.session(path) as con:
                outcomes.append(run_import(con, data, files[1][0]).status)
        except Exception as exc:  # reported below
            outcomes.append(exc)

    threads = [threading.Thread(target=session, args=(copy,)) for copy in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == ["ok"] * 4
    with db.session(path) as con:
        for table, key in (
            ("contact", "contact_key"),
            ("beneficiary", "id_number"),
            ("pairing", "id_number, cadre_phone"),
        ):
            count, distinct = rows_of(con, f"select count(*), count(distinct ({key})) from {table}")[0]
            assert count == distinct > 0, table
        batches = rows_of(con, "select inserted, unchanged from import_batch where kind = 'visits' order by batch_id")
        assert batches[0][0] > 0 and all(inserted == 0 for inserted, _ in batches[1:])
