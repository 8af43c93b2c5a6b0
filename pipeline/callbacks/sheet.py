"""The 回访清单 (SPEC §8): the sheet the callers work from, and the file the import reads back as it is.

One sheet: a title, a note (how it was drawn, how to fill it in), a blank row and the header, then one row per
person: the sample's number and line, the cadre, the person, the contacts recorded in the period, and blank
answer columns with drop-down lists of the allowed answers (openpyxl DataValidation). The headers are the
canonical labels of the kind `callback` (pipeline/labels.CALLBACK_COLUMNS), so the filled sheet imports as it
is: the reference columns are recognised and not kept, a masked ID number is found through 抽样编号 and 序号.
Every cell goes through export.neutralize: names and departments come from the offices' files.
"""

from __future__ import annotations

import io

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline import export, labels, periods
from pipeline.callbacks import sample as sampling
from pipeline.queries import ALL, Scope

TITLE_ROW, NOTE_ROW, SPACER_ROW, HEADER_ROW = 1, 2, 3, 4  # as the blank templates (pipeline/templates.py)
FIRST_DATA_ROW = HEADER_ROW + 1
# the columns of the sheet, in order: reference columns first, then the answers the caller fills in
REFERENCE_FIELDS = (
    "sample_id",
    "line_no",
    "department",
    "cadre_name",
    "cadre_phone",
    "county",
    "township",
    "village",
    "name",
    "id_number",
    "phone",
    "contacts_in_period",
    "doubt",
)
ANSWER_FIELDS = ("callback_date", "caller", "reach", "knows_cadre", "contact_truth", "satisfaction", "reported_issue")
SHEET_FIELDS = REFERENCE_FIELDS + ANSWER_FIELDS
_FROM_LINES = {"name": "beneficiary_name"}  # sheet field → column of sample.lines()
_WIDTHS = {
    "id_number": 22,
    "contacts_in_period": 40,
    "doubt": 24,
    "reported_issue": 30,
    "department": 18,
    "phone": 14,
    "cadre_phone": 14,
    "callback_date": 12,
    "sample_id": 9,
    "line_no": 6,
}
_TEXT_FIELDS = ("id_number", "phone", "cadre_phone")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF4D6")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _column(field_name: str) -> labels.Column:
    return next(c for c in labels.CALLBACK_COLUMNS if c.field == field_name)


def file_name(sample: sampling.Sample) -> str:
    """回访清单_第3号_2026Q3.xlsx"""
    return labels.SAMPLE_SHEET_FILE.format(sample=sample.sample_id, period=sample.period)


def sheet_bytes(
    con: duckdb.DuckDBPyConnection, sample: sampling.Sample, scope: Scope = ALL, masked: bool = True
) -> bytes:
    """The 回访清单 of a sample's people in the scope (masked unless the user may and chose to see them)."""
    people = sampling.lines(con, sample, scope, masked)
    period = periods.parse_period(sample.period, sample.as_of)
    scope_label = sample.scope.label if sample.scope != ALL else labels.CITY_LABEL
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = labels.SAMPLE_SHEET_NAME
    last = get_column_letter(len(SHEET_FIELDS))

    title = labels.SAMPLE_SHEET_TITLE.format(
        scope=scope_label, period=periods.period_label(period), sample=sample.sample_id
    )
    sheet.cell(TITLE_ROW, 1, export.neutralize(title)).font = Font(bold=True, size=14)
    sheet.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    sheet.row_dimensions[TITLE_ROW].height = 26
    note = labels.SAMPLE_SHEET_NOTE.format(
        rule=sample.rule,
        seed=sample.seed,
        created_at=f"{sample.created_at:%Y-%m-%d %H:%M}",
        created_by=sample.created_by,
        batch=sample.data_batch_id or 0,
        since=sample.skip_since.isoformat() if sample.skip_since else labels.NO_VALUE,
        masking=labels.SAMPLE_SHEET_MASKED if masked else labels.SAMPLE_SHEET_FULL,
    )
    sheet.cell(NOTE_ROW, 1, export.neutralize(note)).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.cell(NOTE_ROW, 1).font = Font(size=10, color="595959")
    sheet.merge_cells(f"A{NOTE_ROW}:{last}{NOTE_ROW}")
    sheet.row_dimensions[NOTE_ROW].height = 48
    sheet.row_dimensions[SPACER_ROW].height = 4

    for index, field_name in enumerate(SHEET_FIELDS, start=1):
        column = _column(field_name)
        text = column.label + (labels.TEMPLATE_REQUIRED_MARK if column.required else "")
        cell = sheet.cell(HEADER_ROW, index, text)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = _ANSWER_FILL if field_name in ANSWER_FIELDS else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(field_name, max(10, 2 * len(column.label) + 2))
    sheet.row_dimensions[HEADER_ROW].height = 30

    for offset, record in enumerate(people.to_dict("records")):
        row = FIRST_DATA_ROW + offset
        for index, field_name in enumerate(SHEET_FIELDS, start=1):
            value = None if field_name in ANSWER_FIELDS else record.get(_FROM_LINES.get(field_name, field_name))
            cell = sheet.cell(row, index, export.neutralize(value))
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=field_name in ("contacts_in_period", "doubt"))
            if field_name in _TEXT_FIELDS:
                cell.number_format = "@"  # "@" = text: Excel keeps all 18 digits and a phone's leading digits
            elif field_name == "callback_date":
                cell.number_format = "yyyy-mm-dd"
            if field_name in ANSWER_FIELDS:
                cell.fill = _ANSWER_FILL
    last_row = max(FIRST_DATA_ROW, FIRST_DATA_ROW + len(people) - 1)
    for index, field_name in enumerate(SHEET_FIELDS, start=1):
        column = _column(field_name)
        if not column.choices:
            continue
        letter = get_column_letter(index)
        choices = labels.TEMPLATE_LIST_SEPARATOR.join(column.choices)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(column.choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",  # the import also accepts the usual words (已接通, 认识…)
            error=labels.TEMPLATE_VALIDATION_ERROR.format(label=column.label, choices=choices),
            showInputMessage=True,
            prompt=labels.TEMPLATE_VALIDATION_PROMPT.format(choices=choices),
        )
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, REFERENCE_FIELDS.index("name") + 2).coordinate
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
