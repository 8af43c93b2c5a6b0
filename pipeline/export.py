"""Spreadsheets the office downloads: rejected rows with their reasons (more exports join later)."""

from __future__ import annotations

import datetime as dt
import io
import json

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from pipeline import db, labels
from pipeline.ingest.load import RowError

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe-like quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def stored_rejections(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[RowError]:
    """The rejected rows kept for an import batch."""
    rows = con.execute(db.read_sql("status/rejected_rows.sql"), {"batch_id": batch_id}).fetchall()
    return [
        RowError(sheet, row_no, column or "", reason, json.loads(raw)) for sheet, row_no, column, reason, raw in rows
    ]


def rejected_workbook(errors: list[RowError]) -> bytes:
    """An .xlsx of the rejected rows: their cells as written, then 工作表, 行号 and 错误原因 — ready to fix."""
    headers: list[str] = []
    for error in errors:
        for name in error.raw:
            if name not in headers:
                headers.append(name)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = labels.ERROR_REASON_COLUMN
    titles = [*headers, labels.ERROR_SHEET_COLUMN, labels.ERROR_ROW_COLUMN, labels.ERROR_REASON_COLUMN]
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for error in errors:
        cells = [error.raw.get(name, "") for name in headers]
        sheet.append([neutralize(v) for v in (*cells, error.sheet, error.row, error.reason)])
    reason_fill = PatternFill("solid", fgColor="FDE2E1")
    reason_col = len(titles)
    for row in sheet.iter_rows(min_row=2, min_col=reason_col, max_col=reason_col):
        row[0].fill = reason_fill
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    for index, title in enumerate(titles, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 60 if index == reason_col else max(10, min(24, len(title) * 2 + 4))
    for index in range(1, len(headers) + 1):  # ID numbers and phones stay text when re-saved
        for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            row[0].number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> list[dict]:
    """The latest import batches, newest first."""
    cursor = con.execute(db.read_sql("status/import_history.sql"), {"limit": limit})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def display_labels() -> dict[str, str]:
    """Chinese headers for every column name the queries return."""
    return {**labels.KEY_COLUMN_LABELS, **labels.METRIC_LABELS, **labels.ROW_COLUMN_LABELS}


def frame_workbook(frame, title: str, fraction_columns: tuple[str, ...] = ()) -> bytes:
    """One sheet with Chinese headers: fractions as percentages, formula-like text neutralised, header frozen."""
    names = display_labels()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([names.get(str(c), str(c)) for c in frame.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append([_cell_value(v) for v in row])
    for index, column in enumerate(frame.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        header = names.get(str(column), str(column))
        sheet.column_dimensions[letter].width = max(10, min(40, len(header) * 2 + 4))
        if column in fraction_columns:
            for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                row[0].number_format = "0.0%"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(value: object) -> object:
    if value is None:
        return None
    try:
        if value != value:  # NaN and pandas' missing values
            return None
    except (TypeError, ValueError):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
        if value.time() == dt.time():
            value = value.date()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return neutralize(value)
