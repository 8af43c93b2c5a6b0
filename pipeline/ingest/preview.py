"""What an uploaded file holds, before anything is imported: its sheets, their kind, header and first rows.

The preview reads the file and recognises its sheets with the import's own functions (read_file,
headers.find_header and validate.prepare), so what it announces is what the import will do. Only the
top of each sheet is cleaned: enough for the header search and the first rows shown, cheap for a
ledger of a hundred thousand rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline import config, labels, masking
from pipeline.ingest import clean, headers, validate
from pipeline.ingest.read import RawSheet, ReadError, read_file
from pipeline.ingest.rows import KIND_ORDER, ImportReport, Rows

SAMPLE_ROWS = 5
# The header search looks at the first 15 rows and then samples up to 200 rows below the header to
# tell a column of phone numbers headed 联系方式 from the contact method: keep all of those.
_HEAD_ROWS = config.HEADER_SCAN_ROWS + 2 + 200
_MASKED_FIELDS = {
    "id_number": masking.mask_id,
    "name": masking.mask_name,
    "phone": masking.mask_phone,
    "cadre_phone": masking.mask_phone,
}
_SKIPPED_FIRST_CELLS = ("合计", "总计")


@dataclass
class SheetPreview:
    """One sheet as the import will see it."""

    sheet: str
    kind: str | None = None  # roster | visits | issues, None when no header was recognised
    header_row: int | None = None  # as Excel numbers rows (1 = the first row)
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header as written, canonical label)
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # canonical labels of required columns not found
    data_rows: int = 0  # non-blank rows under the header
    sample: pd.DataFrame = field(default_factory=pd.DataFrame)  # 行号, 预检问题, the canonical columns


@dataclass
class FilePreview:
    """A file's sheets, and why it cannot be imported when it cannot."""

    file: str
    size: int
    sheets: list[SheetPreview] = field(default_factory=list)
    error: str = ""  # the import's own message for a file it would refuse as a whole
    notes: list[str] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        """Whether the import will get as far as looking at the rows."""
        return not self.error

    @property
    def kinds(self) -> list[str]:
        """The kinds of the recognised sheets, in the import's order."""
        found = {s.kind for s in self.sheets if s.kind}
        return [kind for kind in KIND_ORDER if kind in found]

    @property
    def data_rows(self) -> int:
        """Non-blank rows under the headers of the recognised sheets."""
        return sum(s.data_rows for s in self.sheets if s.kind)

    @property
    def import_order(self) -> int:
        """Where the file goes in a batch of uploads: rosters first, since visits and issues need their people."""
        kinds = self.kinds
        return KIND_ORDER.index(kinds[0]) if kinds else len(KIND_ORDER)


def preview_bytes(
    data: bytes, file_name: str, *, sample_rows: int = SAMPLE_ROWS, today: dt.date | str | None = None
) -> FilePreview:
    """Read a file and describe each sheet: kind, header row, mapped and unknown columns, first rows."""
    preview = FilePreview(file_name, len(data))
    try:
        sheets = read_file(data, file_name)
    except ReadError as exc:
        preview.error = str(exc)
        return preview
    return preview_sheets(sheets, preview, sample_rows=sample_rows, today=today)


def preview_sheets(
    sheets: list[RawSheet], preview: FilePreview, *, sample_rows: int = SAMPLE_ROWS, today=None
) -> FilePreview:
    """Fill a preview from sheets already read."""
    tops = [sheet.top(_HEAD_ROWS) for sheet in sheets]
    report = ImportReport(file=preview.file)
    parsed = validate.prepare(tops, report, None, config.today(today))
    # a header with no rows under it is refused, unless the rows start below the part of the sheet read here
    cut = any(top.height < sheet.height for top, sheet in zip(tops, sheets, strict=True))
    header_only = report.message in (labels.MSG_HEADER_ONLY, labels.MSG_CALLBACK_NOTHING_ANSWERED)
    if report.status == "failed" and not (header_only and cut):
        preview.error = report.message
    preview.notes = list(report.notes)
    problems = _problems(parsed)
    for sheet in sheets:
        preview.sheets.append(_sheet_preview(sheet, problems, sample_rows))
    return preview


def _problems(parsed: dict[str, Rows]) -> dict[tuple[str, int], str]:
    """(sheet, row number) → the reasons the cleaning found for that row, masked."""
    found: dict[tuple[str, int], str] = {}
    for rows in parsed.values():
        for position, reasons in rows.errors.items():
            text = "；".join(reason for _column, reason in reasons)
            found[(rows.sheet_name(position), rows.row_number(position))] = masking.mask_text(text)
    return found


def _count_data_rows(sheet: RawSheet, start: int) -> int:
    """Rows from `start` on with any non-empty cell, even a lone space: a cheap count for "about N rows"."""
    filled = np.zeros(max(sheet.height - start, 0), bool)
    for column in sheet.columns:
        cells = np.fromiter((cell not in ("", None) for cell in column.values), bool, len(column.values))
        filled |= cells[column.codes[start:]]
    return int(filled.sum())


def _sheet_preview(sheet: RawSheet, problems: dict[tuple[str, int], str], sample_rows: int) -> SheetPreview:
    match = headers.find_header(sheet.head(headers.ROWS_LOOKED_AT), sheet.name)
    if match is None:
        return SheetPreview(sheet.name)
    ordered = sorted(match.columns.items())
    columns = [(match.headers[c], labels.column_label(match.kind, f)) for c, f in ordered]
    data_rows = _count_data_rows(sheet, match.row_index + 1)
    records = []
    for offset in range(sheet.height - match.row_index - 1):
        if len(records) >= sample_rows:
            break
        texts = [clean.cell_text(cell) for cell in sheet.row(match.row_index + 1 + offset)]
        first = next((text for text in texts if text), "")
        if not first or first.startswith(_SKIPPED_FIRST_CELLS):
            continue
        row_no = match.row_index + 2 + offset
        # the problems right after the row number: a wide sheet would push them out of sight
        problem = problems.get((sheet.name, row_no), "")
        record = {labels.UPLOAD_SAMPLE_ROW: row_no, labels.UPLOAD_SAMPLE_PROBLEMS: problem}
        for c, field_name in ordered:
            text = texts[c] if c < len(texts) else ""
            mask = _MASKED_FIELDS.get(field_name, masking.mask_text)
            record[labels.column_label(match.kind, field_name)] = mask(text) if text else ""
        records.append(record)
    header = [labels.UPLOAD_SAMPLE_ROW, labels.UPLOAD_SAMPLE_PROBLEMS, *(label for _written, label in columns)]
    return SheetPreview(
        sheet=sheet.name,
        kind=match.kind,
        header_row=match.row_index + 1,
        columns=columns,
        unknown=list(match.unknown),
        missing=match.missing_required,
        data_rows=data_rows,
        sample=pd.DataFrame(records, columns=header),
    )
