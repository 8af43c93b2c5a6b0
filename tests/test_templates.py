"""Blank upload templates: canonical headers, notes, drop-downs, text IDs — and the import reads them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from pipeline import db, idnumber, labels, templates
from pipeline.ingest import load

TODAY = dt.date(2026, 11, 28)
KINDS = list(labels.COLUMNS)


def open_template(kind: str):
    return openpyxl.load_workbook(io.BytesIO(templates.template_bytes(kind))).active


def validations_by_column(ws) -> dict[str, list[str]]:
    """Column letter -> the choices of the list validation that covers it from the first data row."""
    found = {}
    for validation in ws.data_validations.dataValidation:
        assert validation.type == "list"
        choices = validation.formula1.strip('"').split(",")
        for cell_range in validation.sqref.ranges:
            assert cell_range.min_row == templates.FIRST_DATA_ROW
            assert cell_range.min_col == cell_range.max_col
            found[get_column_letter(cell_range.min_col)] = choices
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_headers_are_the_canonical_labels_with_required_ones_marked(kind):
    ws = open_template(kind)
    cells = [c.value for c in ws[templates.HEADER_ROW]]
    columns = templates.template_columns(kind)
    assert [text.removesuffix(labels.TEMPLATE_REQUIRED_MARK) for text in cells] == [c.label for c in columns]
    for text, column in zip(cells, columns, strict=True):
        assert text.endswith(labels.TEMPLATE_REQUIRED_MARK) == column.required


@pytest.mark.parametrize("kind", KINDS)
def test_notes_sit_above_the_header_in_one_merged_cell(kind):
    ws = open_template(kind)
    note = ws.cell(templates.NOTE_ROW, 1).value
    assert note.startswith(labels.TEMPLATE_NOTE_HEAD)
    for column in templates.template_columns(kind):
        if column.rule:
            assert column.rule in note, column.label
    merged = {str(r) for r in ws.merged_cells.ranges}
    last = get_column_letter(len(templates.template_columns(kind)))
    assert f"A{templates.NOTE_ROW}:{last}{templates.NOTE_ROW}" in merged
    assert f"A{templates.TITLE_ROW}:{last}{templates.TITLE_ROW}" in merged
    assert templates.NOTE_ROW < templates.HEADER_ROW
    # nothing below the header: a note row there would be read as data
    assert ws.max_row == templates.HEADER_ROW


@pytest.mark.parametrize("kind", KINDS)
def test_enumerated_columns_have_drop_down_lists(kind):
    ws = open_template(kind)
    found = validations_by_column(ws)
    expected = {
        get_column_letter(i): list(column.choices)
        for i, column in enumerate(templates.template_columns(kind), start=1)
        if column.choices
    }
    assert expected and found == expected


@pytest.mark.parametrize("kind", KINDS)
def test_id_column_is_text_and_the_header_is_frozen(kind):
    ws = open_template(kind)
    position = [c.field for c in templates.template_columns(kind)].index("id_number") + 1
    assert ws.column_dimensions[get_column_letter(position)].number_format == "@"
    assert ws.freeze_panes == f"A{templates.FIRST_DATA_ROW}"
    assert ws.column_dimensions[get_column_letter(position)].width >= 20


def test_file_names_name_the_kind():
    for kind in KINDS:
        name = templates.template_filename(kind)
        assert name.endswith(".xlsx") and labels.KIND_LABELS[kind] in name


@pytest.mark.parametrize("kind", KINDS)
def test_blank_template_is_recognised_and_refused_as_holding_no_rows(kind, tmp_path):
    con = db.connect(tmp_path / "blank.duckdb")
    try:
        data, name = templates.template_bytes(kind), templates.template_filename(kind)
        report = load.import_bytes(con, data, name, today=TODAY)
        batches = con.execute("select count(*) from import_batch").fetchall()
    finally:
        con.close()
    # sent back blank, a template has a header and no rows: refused, nothing recorded (SPEC §4)
    assert report.status == "failed" and report.message == labels.MSG_HEADER_ONLY
    assert report.kind == kind and report.read == 0 and report.rejected == 0 and report.batch_id is None
    assert report.sheets[0]["header_row"] == templates.HEADER_ROW
    assert batches == [(0,)]


def test_filled_templates_import_row_by_row(tmp_path):
    id_number = idnumber.make("627102", dt.date(2014, 5, 3), 17)
    filled = {
        "roster": {
            "id_number": id_number,
            "name": "林小雨",
            "category": labels.CATEGORIES[0],
            "county": "临河区",
            "township": "临河街道",
            "village": "桥东社区",
            "enrolled_on": "2024-01-10",
            "cadre_name": "周文",
            "cadre_phone": "13912345678",
            "department": "市民政局",
            "cadre_level": labels.CADRE_LEVELS[1],
            "pairing_mode": labels.PAIRING_MODES[0],
            "paired_on": "2024-03-15",
        },
        "visits": {
            "id_number": id_number,
            "contact_date": "2026-10-12",
            "method": labels.CONTACT_METHODS[0],
            "cadre_phone": "13912345678",
            "satisfaction": labels.SATISFACTION[0],
        },
        "issues": {
            "issue_no": "WT0001",
            "id_number": id_number,
            "raised_on": "2026-10-12",
            "category": labels.ISSUE_CATEGORIES[1],
            "description": "需要课外辅导",
            "status": labels.ISSUE_STATUSES[2],
            "closed_on": "2026-10-20",
        },
        "callback": {
            "id_number": id_number,
            "callback_date": "2026-11-02",
            "caller": "王敏",
            "reach": labels.CALLBACK_REACH[0],
            "knows_cadre": labels.CALLBACK_KNOWS[0],
            "contact_truth": labels.CALLBACK_TRUTH[0],
            "satisfaction": labels.SATISFACTION[0],
        },
    }
    con = db.connect(tmp_path / "filled.duckdb")
    try:
        for kind, values in filled.items():
            wb = openpyxl.load_workbook(io.BytesIO(templates.template_bytes(kind)))
            ws = wb.active
            for position, column in enumerate(templates.template_columns(kind), start=1):
                if column.field in values:
                    ws.cell(templates.FIRST_DATA_ROW, position, values[column.field])
            buffer = io.BytesIO()
            wb.save(buffer)
            report = load.import_bytes(con, buffer.getvalue(), templates.template_filename(kind), today=TODAY)
            assert report.status == "ok" and report.kind == kind
            assert (report.read, report.inserted, report.rejected) == (1, 1, 0), report.errors
        stored = con.execute("select id_number, category from beneficiary").fetchall()
    finally:
        con.close()
    assert stored == [(id_number, labels.CATEGORIES[0])]
