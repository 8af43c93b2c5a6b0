"""The report as a printable workbook: one sheet per part, titled, bordered, RAG-filled, with notes below."""

from __future__ import annotations

import datetime as dt
import io
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from pipeline import export, labels, queries
from pipeline.report.assemble import (
    CONTACT_LIST_COLUMNS,
    ISSUE_LIST_COLUMNS,
    ISSUE_SUMMARY_COLUMNS,
    OVERDUE_COLUMNS,
    RANKING_COLUMNS,
    TREND_COLUMNS,
    ReportData,
    _change_number,
    _missing,
    percent_text,
)
from pipeline.report.formats import (
    _DATE_COLUMNS,
    _NUMBER_FORMATS,
    _PERCENT,
    _RATE_LIKE,
    _WRAPPED,
    _band_for,
    _behind_note,
    _mask_note,
    _overdue_note,
    _overdue_total,
    _ranking_notes,
    _supervision_note,
    _typical_note,
    column_labels,
)
from pipeline.supervision import figures as supervision_figures

# ---------------------------------------------------------------- the workbook


_FILLS = {
    "green": PatternFill("solid", fgColor="DDF1E4"),
    "amber": PatternFill("solid", fgColor="FFEFCC"),
    "red": PatternFill("solid", fgColor="F9D9D7"),
}
_HEADER_FILL = PatternFill("solid", fgColor="DCE3EC")
_THIN = Side(style="thin", color="8A96A3")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(name="宋体", size=16, bold=True)
_SUBTITLE_FONT = Font(name="宋体", size=9, color="555555")
_HEADER_FONT = Font(name="宋体", size=10, bold=True)
_BODY_FONT = Font(name="宋体", size=10)
_TOTAL_FONT = Font(name="宋体", size=10, bold=True)
_HEADER_ROW = 3


def _display_width(value: object) -> int:
    """Columns as Excel counts them: a Chinese character is two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _excel_value(value: object) -> object:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime().date()
    elif isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    return export.neutralize(value)


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")  # a bare & starts a header/footer code


def _print_setup(sheet, data: ReportData, title_rows: str | None) -> None:
    """A4 landscape, one page wide, header row repeated, page numbers in the footer."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = 0.5
    sheet.page_margins.bottom = 0.6
    sheet.page_margins.footer = 0.25
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddFooter.left.text = _footer_text(data.title)
    sheet.oddFooter.left.size = 8
    sheet.oddFooter.center.text = labels.REPORT_PAGE_FOOTER
    sheet.oddFooter.center.size = 9
    sheet.oddFooter.right.text = _footer_text(labels.REPORT_META_MADE.format(at=f"{data.made_at:%Y-%m-%d %H:%M}"))
    sheet.oddFooter.right.size = 8


def _heading(sheet, text: str, subtitle: str, width: int) -> None:
    sheet.cell(row=1, column=1, value=export.neutralize(text)).font = _TITLE_FONT
    sheet.cell(row=2, column=1, value=export.neutralize(subtitle)).font = _SUBTITLE_FONT
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 30
    sheet.row_dimensions[2].height = 30


def _write_table(
    sheet,
    data: ReportData,
    title: str,
    frame: pd.DataFrame,
    columns: tuple[str, ...] | list[str],
    total: dict | None = None,
    notes: list[str] | None = None,
) -> None:
    """Title, subtitle, a bordered table with Chinese headers, number formats, RAG fills and notes below."""
    names = column_labels()
    columns = list(columns)
    _heading(sheet, title, data.subtitle, len(columns))
    widths = []
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=_HEADER_ROW, column=index, value=names.get(column, column))
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths.append(_display_width(cell.value))
    rows = frame.to_dict("records")
    if total is not None:
        rows.append(total)
    for offset, row in enumerate(rows):
        row_no = _HEADER_ROW + 1 + offset
        is_total = total is not None and offset == len(rows) - 1
        for index, column in enumerate(columns, start=1):
            value = row.get(column)
            cell = sheet.cell(row=row_no, column=index, value=_excel_value(value))
            cell.font = _TOTAL_FONT if is_total else _BODY_FONT
            cell.border = _BORDER
            wrapped = column in _WRAPPED
            cell.alignment = Alignment(vertical="center", wrap_text=wrapped)
            if column in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[column]
            elif column in _DATE_COLUMNS:
                cell.number_format = "yyyy-mm-dd"
            elif column in ("id_number", "cadre_phone", "issue_no"):
                cell.number_format = "@"
            band = _band_for(column, value, data.config)
            if band:
                cell.fill = _FILLS[band]
            shown = percent_text(value) if column in _RATE_LIKE else cell.value
            if isinstance(shown, dt.date):
                shown = "2026-01-01"  # dates are shown as yyyy-mm-dd
            widths[index - 1] = max(widths[index - 1], min(_display_width(shown), 60))
    for index, column in enumerate(columns, start=1):
        cap = 48 if column in _WRAPPED else 30
        sheet.column_dimensions[get_column_letter(index)].width = max(6, min(cap, widths[index - 1] + 2))
    sheet.row_dimensions[_HEADER_ROW].height = 32
    next_row = _HEADER_ROW + 1 + len(rows) + 1
    for note in notes or []:
        cell = sheet.cell(row=next_row, column=1, value=export.neutralize(note))
        cell.font = _SUBTITLE_FONT
        sheet.merge_cells(start_row=next_row, start_column=1, end_row=next_row, end_column=max(len(columns), 1))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        next_row += 1
    sheet.freeze_panes = sheet.cell(row=_HEADER_ROW + 1, column=1).coordinate
    _print_setup(sheet, data, f"{_HEADER_ROW}:{_HEADER_ROW}")


def _summary_sheet(sheet, data: ReportData, title: str) -> None:
    """The headline sentences, then every metric of the period beside the period before."""
    width = 6
    _heading(sheet, data.title, data.subtitle, width)
    sheet.cell(row=3, column=1, value=title).font = Font(name="黑体", size=12, bold=True)
    row_no = 4
    for sentence in data.sentences:
        cell = sheet.cell(row=row_no, column=1, value=export.neutralize(sentence))
        cell.font = Font(name="仿宋", size=12)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=width)
        # a merged cell does not grow by itself: about 60 characters fit one line across the six columns
        sheet.row_dimensions[row_no].height = 20 * max(1, math.ceil(_display_width(sentence) / 120))
        row_no += 1
    row_no += 1
    headers = [labels.REPORT_COLUMN_LABELS[c] for c in ("metric", "current", "previous", "change", "band")]
    headers[1] = data.period.label
    headers[2] = data.previous.label
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row_no, column=index, value=header)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for record in data.summary.to_dict("records"):
        row_no += 1
        metric = record["metric"]
        band = _band_for(metric, record["current"], data.config)
        values = [
            labels.METRIC_LABELS[metric],
            _excel_value(record["current"]),
            _excel_value(record["previous"]),
            *_change_number(metric, record["change"]),
            labels.RAG_LABELS[band] + labels.RAG_BADGE_SUFFIX if band else None,
        ]
        change_format = values.pop(4)
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_no, column=index, value=export.neutralize(value))
            cell.font, cell.border = _BODY_FONT, _BORDER
            if index in (2, 3) and metric in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[metric]
            if index == 4 and change_format:
                cell.number_format = change_format
            if index in (2, 5) and band:
                cell.fill = _FILLS[band]
            if index > 1:
                cell.alignment = Alignment(horizontal="right")
    for letter, size in zip("ABCDEF", (22, 26, 26, 18, 10, 12), strict=True):
        sheet.column_dimensions[letter].width = size
    sheet.freeze_panes = "A3"
    _print_setup(sheet, data, None)


def _sheet_title(data: ReportData, section: str, number: int) -> str:
    numeral = labels.CHINESE_NUMERALS[number]
    return labels.REPORT_SECTION_HEADING.format(numeral=numeral, title=labels.REPORT_SECTION_TITLES[section])


def _ranking_total(data: ReportData, key: str) -> dict:
    overall = data.summary.set_index("metric")["current"].to_dict()
    return {**overall, key: data.scope.label, "rank": None, "rank_change": None}


def report_workbook(data: ReportData) -> bytes:
    """The report as a workbook formatted for printing: one sheet per part, A4 landscape, page numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = data.title
    workbook.properties.creator = labels.APP_TITLE
    for number, section in enumerate(data.sections, start=1):
        sheet = workbook.create_sheet(labels.REPORT_SHEET_NAMES[section])
        title = _sheet_title(data, section, number)
        if section == "summary":
            _summary_sheet(sheet, data, title)
        elif section == "trend":
            _write_table(sheet, data, title, data.trend, TREND_COLUMNS)
        elif section == "counties":
            _write_table(
                sheet,
                data,
                title,
                data.counties,
                ("rank", "rank_change", "county", *RANKING_COLUMNS[2:]),
                total=_ranking_total(data, "county"),
                notes=_ranking_notes(data),
            )
        elif section == "departments":
            notes = _ranking_notes(data)
            if data.unpaired:
                notes.append(labels.REPORT_UNPAIRED_NOTE.format(count=data.unpaired))
            _write_table(
                sheet,
                data,
                title,
                data.departments,
                ("rank", "rank_change", "department", *RANKING_COLUMNS[2:]),
                notes=notes,
            )
        elif section == "behind":
            _write_table(sheet, data, title, data.behind, data.behind.columns.tolist(), notes=[_behind_note(data)])
        elif section == "overdue":
            _write_table(
                sheet,
                data,
                title,
                data.overdue,
                OVERDUE_COLUMNS,
                total=_overdue_total(data),
                notes=[_overdue_note(data)],
            )
        elif section == "issues":
            _write_table(sheet, data, title, data.issues, ISSUE_SUMMARY_COLUMNS)
        elif section == "typical":
            _write_table(sheet, data, title, data.typical, data.typical.columns.tolist(), notes=[_typical_note(data)])
        elif section == "contact_list":
            _write_table(sheet, data, title, data.overdue_contacts, CONTACT_LIST_COLUMNS, notes=[_mask_note(data)])
        elif section == "issue_list":
            _write_table(sheet, data, title, data.overdue_issues, ISSUE_LIST_COLUMNS, notes=[_mask_note(data)])
    if data.supervision is not None:
        title = labels.SV_REPORT_HEADING.format(period=data.period.label)
        _write_table(
            workbook.create_sheet(labels.SV_REPORT_SHEET),
            data,
            title,
            data.supervision,
            supervision_figures.COLUMNS,
            notes=[_supervision_note(data)],
        )
    if data.callbacks is not None:
        _callback_sheet(workbook.create_sheet(labels.CB_REPORT_SHEET), data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _callback_sheet(sheet, data: ReportData) -> None:
    """回访核查情况: the figures by county (its header on row 3, like every sheet's), then by department, then the
    doubtful cadres, one block under another."""
    tables = data.callbacks
    _heading(sheet, labels.CB_REPORT_HEADING.format(period=data.period.label), data.subtitle, 8)
    names = column_labels()
    row_no = _HEADER_ROW
    widths: dict[int, int] = {}
    blocks = (
        (None, tables["county"], labels.CB_REPORT_NONE),
        (labels.CB_REPORT_BY_DEPARTMENT, tables["department"], labels.CB_REPORT_NONE),
        (labels.CB_REPORT_DOUBTFUL, tables["doubtful"], labels.CB_REPORT_NO_DOUBTS),
    )
    for title, frame, empty in blocks:
        if title is not None:
            sheet.cell(row=row_no, column=1, value=title).font = _HEADER_FONT
            row_no += 1
        for index, column in enumerate(frame.columns, start=1):
            cell = sheet.cell(row=row_no, column=index, value=names.get(column, column))
            cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            widths[index] = max(widths.get(index, 0), _display_width(cell.value))
        if frame.empty:
            row_no += 1
            sheet.cell(row=row_no, column=1, value=empty).font = _BODY_FONT
        for values in frame.itertuples(index=False):
            row_no += 1
            for index, (column, value) in enumerate(zip(frame.columns, values, strict=True), start=1):
                cell = sheet.cell(row=row_no, column=index, value=_excel_value(value))
                cell.font, cell.border = _BODY_FONT, _BORDER
                if column in queries.RATE_COLUMNS:
                    cell.number_format = _PERCENT
                if column in ("doubt_reasons", "doubt_rules"):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[index] = max(widths.get(index, 0), min(_display_width(cell.value), 60))
        row_no += 2
    note = sheet.cell(row=row_no, column=1, value=export.neutralize(labels.CB_REPORT_NOTE))
    note.font = _SUBTITLE_FONT
    note.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=8)
    sheet.row_dimensions[row_no].height = 45
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = max(8, min(60, width + 2))
    sheet.freeze_panes = sheet.cell(row=_HEADER_ROW + 1, column=1).coordinate
    _print_setup(sheet, data, f"{_HEADER_ROW}:{_HEADER_ROW}")
