"""Spreadsheets the office downloads: rejected rows with their reasons, and any table of a page.

Every cell written here, the titles included, goes through `neutralize`, and every sheet name
through `sheet_title`: the texts come from the offices' own files (a column titled
=HYPERLINK(…), a department named [市直]), and a spreadsheet must show them, never run them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re

import duckdb
import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from pipeline import db, labels, masking
from pipeline.cells import neutralize
from pipeline.ingest.headers import ALIASES, normalize_header
from pipeline.ingest.rows import RowError

SHEET_TITLE_MAX = 31
# the characters a sheet name may not hold, as their full-width forms (the name still reads the same)
_SHEET_TITLE_CHARACTERS = str.maketrans({"[": "［", "]": "］", ":": "：", "*": "＊", "?": "？", "/": "／", "\\": "＼"})
_SHEET_FORMULA_STARTS = str.maketrans({"=": "＝", "+": "＋", "-": "－", "@": "＠"})


def sheet_title(text: str, default: str = labels.EXPORT_SHEET_DEFAULT) -> str:
    """A valid sheet name that reads like `text`: no []:*?/\\, no formula start or apostrophe at the ends, ≤31."""
    title = ILLEGAL_CHARACTERS_RE.sub("", str(text)).translate(_SHEET_TITLE_CHARACTERS)
    title = title[:1].translate(_SHEET_FORMULA_STARTS) + title[1:SHEET_TITLE_MAX]
    title = title.strip("'").strip()
    if not title or title.casefold() == "history":  # Excel keeps "History" for itself
        return default
    return title


def stored_rejections(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[RowError]:
    """The rejected rows kept for an import batch (and the rows it held back, marked)."""
    rows = con.execute(db.read_sql("status/rejected_rows.sql"), {"batch_id": batch_id}).fetchall()
    return [
        RowError(sheet, row_no, column or "", reason, json.loads(raw), held_back=bool(held))
        for sheet, row_no, column, reason, raw, held in rows
    ]


# In a masked copy of rejected rows: the columns whose titles name these fields, by kind of file
_RAW_MASKS = {
    "id_number": masking.mask_id,
    "name": masking.mask_name,
    "phone": masking.mask_phone,
    "cadre_phone": masking.mask_phone,
}
_LONG_DIGITS = re.compile(r"\d{11,}")  # an ID or phone cut short or run together, in any other cell


def _mask_any(text: str) -> str:
    text = masking.mask_text(text) or ""
    return _LONG_DIGITS.sub(lambda m: masking.mask_id(m[0]) if len(m[0]) >= 15 else masking.mask_phone(m[0]), text)


def masked_rejections(errors: list[RowError], kinds: list[str] | None = None) -> list[RowError]:
    """The rows with ID numbers, names and phones masked, for someone who may not see another office's file.

    A column is recognised by its title as the import reads it, in the aliases of `kinds` (the kinds of
    the batch; all kinds when not known): 联系方式 is a phone in a roster and the way of contact in a
    contact log. Every other cell and the reason have any ID number or phone in them masked as well.
    """
    aliases = [ALIASES[kind] for kind in (kinds or ALIASES) if kind in ALIASES] or list(ALIASES.values())
    masks: dict[str, object] = {}

    def mask_of(title: str):
        if title not in masks:
            fields = {index.get(normalize_header(title)) for index in aliases}
            masks[title] = next((_RAW_MASKS[f] for f in sorted(fields - {None}) if f in _RAW_MASKS), _mask_any)
        return masks[title]

    def cell(title: str, value: object) -> object:
        return mask_of(title)(value) if isinstance(value, str) and value else value

    return [
        dataclasses.replace(
            error,
            raw={title: cell(title, value) for title, value in error.raw.items()},
            reason=_mask_any(error.reason),
        )
        for error in errors
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
    sheet.append([neutralize(title) for title in titles])  # the file's own titles: =HYPERLINK(…) stays text
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


def frame_workbook(
    frame,
    title: str,
    fraction_columns: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
    heading: str | None = None,
) -> bytes:
    """One sheet with Chinese headers: fractions as percentages, formula-like text neutralised, header frozen.

    `title` (a page's table title, which may name a county or a department) becomes the sheet name as far
    as a sheet name can hold it; `headers` adds Chinese names for columns the shared labels do not know.
    `heading` (the table's title with its period and scope, see `heading_text`) is written as a first row
    above the headers. True and false cells read 是 and 否.
    """
    names = {**display_labels(), **(headers or {})}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    if heading:
        sheet.append([neutralize(heading)])
        sheet["A1"].font = Font(bold=True, size=13)
    header_row = sheet.max_row + 1 if heading else 1
    sheet.append([neutralize(names.get(str(c), str(c))) for c in frame.columns])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append([_cell_value(v) for v in row])
    for index, column in enumerate(frame.columns, start=1):
        letter = sheet.cell(row=header_row, column=index).column_letter
        header = names.get(str(column), str(column))
        sheet.column_dimensions[letter].width = max(10, min(40, len(header) * 2 + 4))
        if column in fraction_columns:
            for row in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                row[0].number_format = "0.0%"
    sheet.freeze_panes = f"A{header_row + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def heading_text(title: str, period: str, scope: str) -> str:
    """A download's first row: what the table is, its period and its scope."""
    return labels.EXPORT_TITLE_ROW.format(title=title, period=period, scope=scope)


def _cell_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):  # a flag reads 是 / 否, not TRUE / FALSE
        return labels.EXPORT_TRUE if value else labels.EXPORT_FALSE
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
