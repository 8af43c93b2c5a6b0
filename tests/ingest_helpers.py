"""Builders for the import tests: valid ID numbers, phones, workbooks and CSVs, and database snapshots.

Everything here is built in memory by the tests themselves; nothing is read from a fixture folder
except the example CSVs of the spec.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import openpyxl

from pipeline import db, idnumber
from pipeline.ingest import load
from pipeline.ingest.rows import ImportReport, RowError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "tests" / "data" / "example"
TODAY = dt.date(2026, 11, 28)
TABLES = ("beneficiary", "pairing", "contact", "issue", "import_batch", "rejected_row")

# ---------------------------------------------------------------- ID numbers and phones

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def gb11643_check(first17: str) -> str:
    """The check character, computed here independently of pipeline.idnumber."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def pid(seq: int, birth: dt.date = dt.date(2012, 5, 3), area: str = "620102") -> str:
    """A valid 18-character ID number; seq (0–999) keeps people apart."""
    value = idnumber.make(area, birth, seq)
    assert value[17] == gb11643_check(value[:17])
    return value


def pid_with_x(start: int = 0, birth: dt.date = dt.date(1965, 8, 7), area: str = "620102") -> str:
    """A valid ID number whose check character is X (the first such sequence number from `start`)."""
    for seq in range(start, 1000):
        value = pid(seq, birth, area)
        if value.endswith("X"):
            return value
    raise AssertionError("no ID ending in X")


def wrong_check(id_number: str) -> str:
    """The same ID with a wrong check character."""
    right = id_number[17]
    return id_number[:17] + ("0" if right != "0" else "1")


def mobile(n: int) -> str:
    """A distinct 11-digit mainland mobile number."""
    return f"139{n:08d}"


def fullwidth(text: str) -> str:
    """ASCII digits and letters as their full-width forms (what some input methods type)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


# ---------------------------------------------------------------- rows of the three kinds

ROSTER_HEADER = [
    "身份证号",
    "姓名",
    "对象类别",
    "县区",
    "乡镇",
    "村社区",
    "结对干部",
    "干部电话",
    "干部单位",
    "结对日期",
    "解除日期",
]
VISITS_HEADER = ["身份证号", "走访日期", "联系方式", "干部电话", "满意度", "记录编号"]
ISSUES_HEADER = ["问题编号", "身份证号", "提出日期", "问题类别", "问题描述", "办理层级", "办理状态", "办结日期"]


def roster_row(
    id_number: str,
    name: str = "刘斌",
    category: str = "孤儿",
    county: str = "临河区",
    township: str = "临河镇",
    village: str = "1村",
    cadre: str | None = "黄静",
    cadre_phone: str | None = None,
    department: str | None = "市民政局",
    paired_on: object = "2026-01-05",
    unpaired_on: object = "",
    *,
    unpaired: bool = False,
    phone_seq: int = 1,
) -> list[object]:
    """One roster row in ROSTER_HEADER order; unpaired=True leaves the four pairing columns blank."""
    if unpaired:
        return [id_number, name, category, county, township, village, "", "", "", "", ""]
    return [
        id_number,
        name,
        category,
        county,
        township,
        village,
        cadre,
        cadre_phone if cadre_phone is not None else mobile(phone_seq),
        department,
        paired_on,
        unpaired_on,
    ]


def visit_row(id_number, date="2026-10-08", method="入户走访", cadre_phone="", satisfaction="", record_no=""):
    """One visits row in VISITS_HEADER order."""
    return [id_number, date, method, cadre_phone, satisfaction, record_no]


def issue_row(
    id_number,
    issue_no="",
    raised_on="2026-09-01",
    category="生活",
    description="反映生活困难",
    level="干部本人",
    status="待办理",
    closed_on="",
):
    """One issues row in ISSUES_HEADER order."""
    return [issue_no, id_number, raised_on, category, description, level, status, closed_on]


# ---------------------------------------------------------------- files


def csv_bytes(rows: Iterable[Sequence[object]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """A CSV file as bytes ("utf-8-sig" for a BOM, "gbk", "gb18030", "utf-16" for Excel's Unicode text)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)


def utf16_text_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """What Excel writes for "Unicode text (*.txt)": UTF-16 little-endian with a BOM, tab-separated."""
    return codecs.BOM_UTF16_LE + csv_bytes(rows, encoding="utf-16-le", delimiter="\t")


def xlsx_bytes(
    sheets: dict[str, list[list[object]]] | list[list[object]],
    merges: dict[str, list[str]] | list[str] | None = None,
    text_columns: dict[str, Iterable[int]] | None = None,
) -> bytes:
    """A workbook: {sheet name: rows} (or the rows of one sheet), merged ranges per sheet ("A1:K1").

    Cells that are None stay empty. text_columns marks 1-based column numbers whose cells get the
    Excel text format "@", as an office would do for ID numbers.
    """
    if not isinstance(sheets, dict):
        sheets = {"Sheet1": sheets}
    if merges is not None and not isinstance(merges, dict):
        merges = {next(iter(sheets)): merges}
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if c in set((text_columns or {}).get(name, ())):
                    cell.number_format = "@"
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_zip(data: bytes, rewrite: Callable[[str, bytes], bytes | None]) -> bytes:
    """A copy of a zip (an .xlsx) with each part passed through rewrite(name, bytes); None drops the part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = rewrite(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return buffer.getvalue()


def set_dimension(data: bytes, ref: str) -> bytes:
    """Rewrite the <dimension ref=…/> of the first worksheet (as a bloated sheet from some software does)."""

    def rewrite(name: str, content: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            content, count = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), content)
            assert count == 1
        return content

    return rewrite_zip(data, rewrite)


# ---------------------------------------------------------------- database


def open_db(tmp_path: Path, name: str = "t.duckdb"):
    """A fresh DuckDB file with the schema."""
    return db.connect(tmp_path / name)


def run_import(con, data: bytes, file_name: str, **kwargs) -> ImportReport:
    """Import bytes with the pinned TODAY unless the test says otherwise."""
    kwargs.setdefault("today", TODAY)
    return load.import_bytes(con, data, file_name, **kwargs)


def counts(con) -> dict[str, int]:
    """Number of rows in each stored table."""
    # table names come from the fixed TABLES list
    return {t: con.execute("select count(*) from " + t).fetchall()[0][0] for t in TABLES}


def snapshot(con) -> dict[str, list[tuple]]:
    """Every row of every stored table, sorted, for before/after comparisons."""
    return {t: sorted(con.execute("select * from " + t).fetchall(), key=repr) for t in TABLES}


def rows_of(con, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    """All rows of a query."""
    return con.execute(sql, list(params)).fetchall()


def figures(report: ImportReport) -> dict[str, int]:
    """The counts of a report, for one-line assertions."""
    return {
        "read": report.read,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "duplicate": report.duplicate,
        "rejected": report.rejected,
    }


def errors_by_row(report: ImportReport) -> dict[int, RowError]:
    """The rejected rows of a report by Excel row number (one error per row)."""
    out: dict[int, RowError] = {}
    for error in report.errors:
        assert error.row not in out, f"row {error.row} reported twice"
        out[error.row] = error
    return out


def balanced(report: ImportReport) -> bool:
    """read = inserted + updated + unchanged + duplicate + rejected."""
    return report.read == report.inserted + report.updated + report.unchanged + report.duplicate + report.rejected
