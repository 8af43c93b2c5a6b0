"""The 督办单 of an item and the 督办通报 of a period: Word (.docx, python-docx) and printable HTML (→ PDF).

Both documents are first written as a list of blocks (title, paragraphs, a table of fields, tables), and the
same blocks are laid out as .docx and as HTML, so that the two files always say the same. The HTML is
printed to PDF by the dispatch report's Chromium path (`report.report_pdf`). Identifiers are always masked:
a 督办单 is handed to the department and a 通报 is circulated.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from pipeline import labels, periods
from pipeline.queries import ALL, Scope
from pipeline.reminders import date_text
from pipeline.supervision import figures, items, rules


@dataclass
class Block:
    """One part of a document: kind is title, number, heading, paragraph, fields, table or signature."""

    kind: str
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)  # fields: [label, value]; table: header row first


@dataclass
class Paper:
    """A document ready to lay out: its blocks, and whether its tables are wide (landscape)."""

    title: str
    blocks: list[Block]
    landscape: bool = False


def _day(value: object) -> str:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return labels.NO_VALUE
    return date_text(pd.Timestamp(value).date())


def _percent(value: object) -> str:
    return labels.NO_VALUE if value is None or pd.isna(value) else f"{float(value):.1%}"


def _number(value: object) -> str:
    if value is None or pd.isna(value):
        return labels.NO_VALUE
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.1f}"


# ---------------------------------------------------------------- 督办单


def item_paper(con: duckdb.DuckDBPyConnection, item: rules.Item, today: dt.date) -> Paper:
    """The 督办单 of one item: 编号, 承办单位, 事项, 要求, 时限, the lines (masked), 交办人/日期, feedback."""
    lines = items.lines(con, item, today)
    events = items.history(con, item)
    due = _day(item.due_on)
    if item.due_estimated:
        due += labels.SV_DUE_ESTIMATED_SHORT
    if item.due_on != item.first_due_on:
        due += labels.SV_DUE_EXTENDED.format(first=_day(item.first_due_on))
    matter = labels.SV_MATTER.format(source=labels.SV_SOURCE_LABELS[item.source], count=item.lines)
    fields = [
        [labels.SV_FIELD_NUMBER, item.number_text],
        [labels.SV_FIELD_DEPARTMENT, item.department],
        [labels.SV_FIELD_MATTER, matter],
        [labels.SV_FIELD_LEVEL, item.level],
        [labels.SV_FIELD_REQUIREMENT, item.requirement],
        [labels.SV_FIELD_RAISED_ON, _day(item.raised_on)],
        [labels.SV_FIELD_DUE, due],
        [labels.SV_FIELD_RAISED_BY, item.raised_by],
        [labels.SV_FIELD_STATE, labels.SV_STATE_LABELS[item.state]],
    ]
    table = [list(labels.SV_SHEET_LINE_HEADERS)]
    for record in lines.to_dict("records"):
        table.append(
            [
                str(record["line_no"]),
                record.get("beneficiary_name") or labels.NO_VALUE,
                record.get("id_number") or labels.NO_VALUE,
                record.get("cadre_name") or labels.NO_VALUE,
                record["summary"],
                record["evidence"],
            ]
        )
    answers = events.loc[events["action"] == "feedback"]
    blocks = [
        Block("title", labels.SV_SHEET_TITLE),
        Block("number", item.number_text),
        Block("fields", rows=fields),
        Block("heading", labels.SV_SHEET_LINES.format(count=item.lines, done=item.lines_done)),
        Block("table", rows=table),
        Block("heading", labels.SV_SHEET_FEEDBACK),
    ]
    if answers.empty:
        blocks += [Block("paragraph", text) for text in labels.SV_SHEET_FEEDBACK_BLANK]
    else:
        for record in answers.to_dict("records"):
            blocks.append(
                Block(
                    "paragraph",
                    labels.SV_SHEET_FEEDBACK_LINE.format(
                        date=_day(record["acted_on"]), user=record["user_name"], text=record["text"]
                    ),
                )
            )
    if item.presses:
        blocks.append(Block("paragraph", labels.SV_SHEET_PRESSES.format(count=item.presses)))
    blocks.append(Block("signature", labels.SV_SHEET_SIGNATURE.format(date=_day(item.raised_on))))
    return Paper(labels.SV_SHEET_FILE.format(number=item.number_text), blocks)


# ---------------------------------------------------------------- 督办通报


def bulletin_paper(
    con: duckdb.DuckDBPyConnection, period: str | periods.Period, today: dt.date, scope: Scope = ALL
) -> Paper:
    """The 督办通报 of a period: summary sentences, a table by department, the overdue items named."""
    target = period if isinstance(period, periods.Period) else periods.parse_period(period, today)
    label = periods.period_label(target)
    table = figures.department_figures(con, target, today, scope, total=True)
    overdue = figures.overdue_items(con, target, today, scope)
    title = labels.SV_BULLETIN_TITLE.format(scope=scope.label, period=label)
    blocks = [Block("title", title)]
    if not target.is_cut:  # a running period's label already says up to which day
        blocks.append(Block("number", labels.SV_BULLETIN_AS_OF.format(date=_day(today))))
    if table.empty:
        blocks.append(Block("paragraph", labels.SV_BULLETIN_NONE.format(period=label, scope=scope.label)))
    else:
        total = table.iloc[-1]
        departments = len(table) - 1
        blocks.append(
            Block(
                "paragraph",
                labels.SV_BULLETIN_SUMMARY.format(
                    period=label,
                    scope=scope.label,
                    items=int(total["items"]),
                    departments=departments,
                    as_of=_day(today),
                    closed=int(total["closed"]),
                    close_rate=_percent(total["close_on_time_rate"]),
                    feedback_rate=_percent(total["feedback_on_time_rate"]),
                    overdue=int(total["overdue_open"]),
                    days=labels.SV_BULLETIN_DAYS.format(days=_number(total["avg_days_to_close"]))
                    if int(total["closed"])
                    else "",
                    presses=int(total["presses"]),
                ),
            )
        )
        silent = table.iloc[:-1]
        silent = silent.loc[silent["feedback_due"] > silent["feedback_on_time"], "department"].tolist()
        if silent:
            blocks.append(Block("paragraph", labels.SV_BULLETIN_LATE_FEEDBACK.format(departments="、".join(silent))))
        blocks.append(Block("heading", labels.SV_BULLETIN_TABLE))
        headers = [labels.SV_COLUMN_LABELS[c] for c in ("department", *figures.FIGURE_COLUMNS)]
        rows = [headers]
        for record in table.to_dict("records"):
            rows.append(
                [
                    record["department"],
                    _number(record["items"]),
                    _percent(record["feedback_on_time_rate"]),
                    _percent(record["close_on_time_rate"]),
                    _number(record["overdue_open"]),
                    _number(record["avg_days_to_close"]),
                    _number(record["presses"]),
                ]
            )
        blocks.append(Block("table", rows=rows))
        blocks.append(Block("heading", labels.SV_BULLETIN_OVERDUE))
        if overdue.empty:
            blocks.append(Block("paragraph", labels.SV_BULLETIN_NO_OVERDUE))
        else:
            blocks.append(Block("paragraph", labels.SV_BULLETIN_OVERDUE_INTRO.format(count=len(overdue))))
            for number, record in enumerate(overdue.to_dict("records"), start=1):
                answered = (
                    labels.SV_BULLETIN_ANSWERED
                    if record["answered"] == labels.YES_LABEL
                    else (labels.SV_BULLETIN_NOT_ANSWERED)
                )
                blocks.append(
                    Block(
                        "paragraph",
                        labels.SV_BULLETIN_OVERDUE_ITEM.format(
                            number=number,
                            item=record["number_text"],
                            department=record["department"],
                            level=record["level"],
                            due=_day(record["due_on"]),
                            days=int(record["days_overdue"]),
                            answered=answered,
                            presses=int(record["presses"]),
                        ),
                    )
                )
        blocks.append(Block("paragraph", labels.SV_BULLETIN_NOTE))
    blocks.append(Block("signature", labels.SV_SHEET_SIGNATURE.format(date=_day(today))))
    return Paper(re.sub(r'[\\/:*?"<>|\s]+', "_", title), blocks)


# ---------------------------------------------------------------- Word


def _font(run, size: float, bold: bool = False, name: str = "仿宋") -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _cell(cell, text: str, bold: bool = False, size: float = 10.5) -> None:
    cell.text = ""
    parts = str(text).split("\n")
    paragraph = cell.paragraphs[0]
    for index, part in enumerate(parts):
        if index:
            paragraph = cell.add_paragraph()
        _font(paragraph.add_run(part), size, bold)


def docx_bytes(paper: Paper) -> bytes:
    """The document as .docx: A4, 仿宋 body, 方正小标宋-like title, bordered tables."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if paper.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    document.core_properties.title = paper.title
    document.core_properties.author = labels.APP_TITLE
    for block in paper.blocks:
        if block.kind == "title":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(paragraph.add_run(block.text), 20, True, "宋体")
        elif block.kind == "number":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(paragraph.add_run(block.text), 14)
        elif block.kind == "heading":
            paragraph = document.add_paragraph()
            _font(paragraph.add_run(block.text), 14, True, "黑体")
        elif block.kind == "paragraph":
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(28)
            _font(paragraph.add_run(block.text), 14)
        elif block.kind == "signature":
            for text in block.text.split("\n"):
                paragraph = document.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _font(paragraph.add_run(text), 14)
        elif block.kind in ("fields", "table"):
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for row_index, row in enumerate(block.rows):
                for column_index, text in enumerate(row):
                    heading = (block.kind == "table" and row_index == 0) or (
                        block.kind == "fields" and column_index == 0
                    )
                    _cell(table.cell(row_index, column_index), text, bold=heading)
            if block.kind == "fields":
                for row in table.rows:
                    row.cells[0].width, row.cells[1].width = Cm(3.2), Cm(13.4)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- HTML (and PDF through the report's Chromium)

_CSS = """
@page { size: A4; margin: 20mm 18mm 18mm 18mm; }
body { font-family: "Noto Serif CJK SC", "FangSong", "SimSun", serif; color: #111; font-size: 12pt;
       max-width: 760px; margin: 0 auto; padding: 8px; -webkit-print-color-adjust: exact; }
h1 { text-align: center; font-size: 22pt; letter-spacing: 4px; margin: 8px 0 6px; }
p.number { text-align: center; margin: 0 0 14px; }
h2 { font-family: "Noto Sans CJK SC", "SimHei", sans-serif; font-size: 13pt; margin: 16px 0 6px; }
p.text { text-indent: 2em; line-height: 1.9; margin: 0 0 6px; white-space: pre-wrap; }
p.signature { text-align: right; margin: 24px 0 0; white-space: pre-wrap; line-height: 1.9; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; margin: 6px 0; }
th, td { border: 1px solid #444; padding: 4px 6px; vertical-align: top; white-space: pre-wrap; }
th { background: #eef1f5; font-family: "Noto Sans CJK SC", sans-serif; }
table.fields th { width: 18%; text-align: left; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.short { white-space: nowrap; }
"""
SHORT_CELL = 18


def _html_cell(text: str) -> str:
    # a short value (a name, a masked ID, a date) stays on one line; the long ones wrap
    short = ' class="short"' if len(text) <= SHORT_CELL else ""
    return f"<td{short}>{html.escape(text)}</td>"


def html_text(paper: Paper) -> str:
    """The document as one printable HTML page (every text escaped)."""
    parts = []
    for block in paper.blocks:
        text = html.escape(block.text)
        if block.kind == "title":
            parts.append(f"<h1>{text}</h1>")
        elif block.kind == "number":
            parts.append(f'<p class="number">{text}</p>')
        elif block.kind == "heading":
            parts.append(f"<h2>{text}</h2>")
        elif block.kind == "paragraph":
            parts.append(f'<p class="text">{text}</p>')
        elif block.kind == "signature":
            parts.append(f'<p class="signature">{text}</p>')
        elif block.kind == "fields":
            rows = "".join(f"<tr><th>{html.escape(a)}</th><td>{html.escape(b)}</td></tr>" for a, b in block.rows)
            parts.append(f'<table class="fields">{rows}</table>')
        elif block.kind == "table":
            head = "".join(f"<th>{html.escape(c)}</th>" for c in block.rows[0])
            body = "".join("<tr>" + "".join(_html_cell(c) for c in row) + "</tr>" for row in block.rows[1:])
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    title = html.escape(paper.title)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>{''.join(parts)}</body></html>\n"
    )


def pdf_bytes(paper: Paper) -> bytes | None:
    """The document printed to PDF by headless Chromium (None when Chromium is not available here)."""
    from pipeline import report

    return report.report_pdf(html_text(paper), landscape=paper.landscape)
