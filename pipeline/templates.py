"""Blank .xlsx upload templates, one per kind of ledger, that the import reads back as they are."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline import labels

# A thin blank row between the merged note and the header: a merged cell right above a header may
# be read as a group heading of the columns under it (帮扶干部 over 姓名 gives 干部姓名), and with
# the blank row the words of the note can never take part in naming the columns.
TITLE_ROW, NOTE_ROW, SPACER_ROW, HEADER_ROW = 1, 2, 3, 4
FIRST_DATA_ROW = HEADER_ROW + 1
LAST_ROW = 1_048_576  # drop-downs and formats reach to the end of the sheet
TEXT_FIELDS = ("id_number", "phone", "cadre_phone", "issue_no", "record_no")
WIDE_FIELDS = ("summary", "description", "responsible_unit", "department")


def template_filename(kind: str) -> str:
    """The file name offered for a kind's blank template, e.g. 结对台账导入模板.xlsx."""
    return labels.TEMPLATE_FILENAME.format(kind=labels.KIND_LABELS[kind])


# columns only a 回访清单 carries (pipeline/callbacks/sheet.py): its number and line, written there by the system
SHEET_ONLY_FIELDS = frozenset({"sample_id", "line_no"})


def template_columns(kind: str) -> tuple[labels.Column, ...]:
    """The columns a kind's template has: those the import keeps, less what only a 回访清单 carries."""
    return tuple(c for c in labels.COLUMNS[kind] if c.imported and c.field not in SHEET_ONLY_FIELDS)


def header_labels(kind: str) -> list[str]:
    """The header cells of a kind's template: canonical labels, required ones marked with *."""
    mark = labels.TEMPLATE_REQUIRED_MARK
    return [column.label + (mark if column.required else "") for column in template_columns(kind)]


def _note(kind: str) -> str:
    # One merged cell above the header: the header finder needs three known names in separate
    # cells, so a cell of explanations is never taken for the header, whereas a note row below
    # the header would be read as a data row.
    items = []
    for column in template_columns(kind):
        parts = [column.rule] if column.rule else []
        if column.choices and not all(choice in column.rule for choice in column.choices):
            choices = labels.TEMPLATE_LIST_SEPARATOR.join(column.choices)
            parts.append(labels.TEMPLATE_NOTE_CHOICES.format(choices=choices))
        if parts:
            rule = labels.TEMPLATE_NOTE_SEPARATOR.join(parts)
            items.append(labels.TEMPLATE_NOTE_ITEM.format(label=column.label, rule=rule))
    return labels.TEMPLATE_NOTE_HEAD + "\n" + labels.TEMPLATE_NOTE_ITEM_SEPARATOR.join(items)


def _width(column: labels.Column) -> float:
    if column.field == "id_number":
        return 22
    if column.field in WIDE_FIELDS:
        return 26
    return max(12, 2 * len(column.label) + 6)


def template_bytes(kind: str) -> bytes:
    """A blank .xlsx template for a kind: title, notes, marked headers, drop-downs, text-formatted IDs."""
    columns = template_columns(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = labels.KIND_LABELS[kind]
    last = get_column_letter(len(columns))

    ws.cell(TITLE_ROW, 1, labels.TEMPLATE_TITLE.format(kind=labels.KIND_LABELS[kind]))
    ws.cell(TITLE_ROW, 1).font = Font(bold=True, size=14)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 24

    note = _note(kind)
    ws.cell(NOTE_ROW, 1, note)
    ws.cell(NOTE_ROW, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(NOTE_ROW, 1).font = Font(size=10, color="595959")
    ws.merge_cells(f"A{NOTE_ROW}:{last}{NOTE_ROW}")
    # Excel does not grow a merged row to fit: estimate the lines from the total width in characters
    total_width = sum(_width(c) for c in columns)
    lines = sum(1 + (2 * len(part)) // max(1, int(total_width)) for part in note.split("\n"))
    ws.row_dimensions[NOTE_ROW].height = 14 * lines + 6

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, (column, text) in enumerate(zip(columns, header_labels(kind), strict=True), start=1):
        cell = ws.cell(HEADER_ROW, index, text)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _width(column)
        if column.field in TEXT_FIELDS:
            # "@" = text: Excel keeps all 18 digits of an ID and the leading digits of a phone
            ws.column_dimensions[letter].number_format = "@"
        if column.choices:
            choices = labels.TEMPLATE_LIST_SEPARATOR.join(column.choices)
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                # a warning, not a stop: the import also accepts the usual aliases (上门, 已办结…)
                errorStyle="warning",
                error=labels.TEMPLATE_VALIDATION_ERROR.format(label=column.label, choices=choices),
                showInputMessage=True,
                prompt=labels.TEMPLATE_VALIDATION_PROMPT.format(choices=choices),
            )
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_ROW}")
            ws.add_data_validation(validation)
    ws.row_dimensions[SPACER_ROW].height = 4
    ws.row_dimensions[HEADER_ROW].height = 20
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
