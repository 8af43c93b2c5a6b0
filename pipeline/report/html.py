"""The report as one printable HTML page: the parts as tables and sentences, the charts inline, no script."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from pipeline import labels
from pipeline.report.assemble import (
    ISSUE_SUMMARY_COLUMNS,
    OVERDUE_COLUMNS,
    RANKING_COLUMNS,
    TREND_COLUMNS,
    ReportData,
    _change_cell,
    _missing,
    percent_text,
)
from pipeline.report.charts import report_charts
from pipeline.report.formats import (
    _RATE_LIKE,
    _band_for,
    _behind_note,
    _overdue_note,
    _overdue_total,
    _ranking_notes,
    _supervision_note,
    _typical_note,
    column_labels,
)
from pipeline.report.xlsx import _ranking_total
from pipeline.supervision import figures as supervision_figures

_CSS = """
@page { size: A4 landscape; margin: 12mm 10mm 14mm 10mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "SimSun", "Songti SC", serif; color: #1f2328;
       font-size: 10.5pt; margin: 0 auto; max-width: 1060px; padding: 8px; -webkit-print-color-adjust: exact;
       print-color-adjust: exact; }
h1 { text-align: center; font-size: 20pt; margin: 8px 0 4px; letter-spacing: 1px; }
.meta { text-align: center; color: #57606a; font-size: 8.5pt; margin-bottom: 14px; }
h2 { font-family: "Noto Sans CJK SC", "SimHei", sans-serif; font-size: 13.5pt; margin: 18px 0 8px;
     border-left: 5px solid #b4232a; padding-left: 8px; break-after: avoid; page-break-after: avoid; }
section.part { break-before: page; page-break-before: always; }
section.part:first-of-type { break-before: auto; page-break-before: auto; }
p.lead { font-size: 12pt; line-height: 1.9; text-indent: 2em; margin: 0 0 4px; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 6px 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th { background: #dce3ec; font-family: "Noto Sans CJK SC", sans-serif; font-weight: 600; }
th, td { border: 1px solid #8a96a3; padding: 3px 5px; vertical-align: middle; }
td.num { text-align: right; white-space: nowrap; }
td.text { text-align: left; }
tr.total td { font-weight: 700; background: #f3f5f8; }
td.green { background: #ddf1e4; } td.amber { background: #ffefcc; } td.red { background: #f9d9d7; }
.note { color: #57606a; font-size: 8.5pt; margin: 4px 0; }
.chart { break-inside: avoid; page-break-inside: avoid; margin: 8px 0; }
"""


def _html_value(column: str, value: object) -> tuple[str, str]:
    """The text of a table cell and its CSS class (alignment and RAG band)."""
    if _missing(value):
        return labels.NO_VALUE, "num"
    if column in _RATE_LIKE:
        return percent_text(value), "num"
    if column == "score":
        return f"{float(value):.1f}", "num"
    if column == "contacts_per_pair_month":
        return f"{float(value):.2f}", "num"
    if column == "median_days_to_close":
        return f"{float(value):g}", "num"
    if isinstance(value, (pd.Timestamp, dt.date)):
        return f"{pd.Timestamp(value):%Y-%m-%d}", "num"
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        number = value.item() if hasattr(value, "item") else value
        return (str(int(number)) if float(number).is_integer() else f"{number:g}"), "num"
    return str(value), "text"


def _html_table(
    data: ReportData, frame: pd.DataFrame, columns: tuple[str, ...] | list[str], total: dict | None = None
) -> str:
    if frame.empty and total is None:
        return ""  # the note under it says why there is nothing to list
    names = column_labels()
    head = "".join(f"<th>{html.escape(names.get(c, c))}</th>" for c in columns)
    rows = frame.to_dict("records")
    body = []
    for index, row in enumerate([*rows, *([total] if total else [])]):
        cells = []
        is_total = total is not None and index == len(rows)
        for column in columns:
            text, css = _html_value(column, row.get(column))
            if is_total and _missing(row.get(column)):
                text = ""  # the total row has no rank
            band = _band_for(column, row.get(column), data.config)
            classes = f"{css} {band}" if band else css
            cells.append(f'<td class="{classes}">{html.escape(text)}</td>')
        row_class = ' class="total"' if is_total else ""
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _html_notes(notes: list[str]) -> str:
    return "".join(f'<p class="note">{html.escape(note)}</p>' for note in notes)


def _summary_html(data: ReportData) -> str:
    paragraphs = "".join(f'<p class="lead">{html.escape(s)}</p>' for s in data.sentences)
    rows = []
    for record in data.summary.to_dict("records"):
        metric = record["metric"]
        now, _ = _html_value(metric, record["current"])
        before, _ = _html_value(metric, record["previous"])
        band = _band_for(metric, record["current"], data.config)
        badge = labels.RAG_LABELS[band] + labels.RAG_BADGE_SUFFIX if band else ""
        rows.append(
            f'<tr><td class="text">{html.escape(labels.METRIC_LABELS[metric])}</td>'
            f'<td class="num {band or ""}">{html.escape(now)}</td><td class="num">{html.escape(before)}</td>'
            f'<td class="num">{html.escape(_change_cell(metric, record["change"]))}</td>'
            f'<td class="num {band or ""}">{html.escape(badge)}</td></tr>'
        )
    names = labels.REPORT_COLUMN_LABELS
    head = (
        f"<th>{names['metric']}</th><th>{html.escape(data.period.label)}</th>"
        f"<th>{html.escape(data.previous.label)}</th><th>{names['change']}</th><th>{names['band']}</th>"
    )
    return f"{paragraphs}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _section_html(data: ReportData, section: str) -> str:
    if section == "summary":
        return _summary_html(data)
    if section == "trend":
        return _html_table(data, data.trend, TREND_COLUMNS)
    if section == "counties":
        columns = ("rank", "rank_change", "county", *RANKING_COLUMNS[2:])
        return _html_table(data, data.counties, columns, _ranking_total(data, "county")) + _html_notes(
            _ranking_notes(data)
        )
    if section == "departments":
        notes = _ranking_notes(data)
        if data.unpaired:
            notes.append(labels.REPORT_UNPAIRED_NOTE.format(count=data.unpaired))
        columns = ("rank", "rank_change", "department", *RANKING_COLUMNS[2:])
        return _html_table(data, data.departments, columns) + _html_notes(notes)
    if section == "behind":
        return _html_table(data, data.behind, data.behind.columns.tolist()) + _html_notes([_behind_note(data)])
    if section == "overdue":
        table = _html_table(data, data.overdue, OVERDUE_COLUMNS, _overdue_total(data))
        return table + _html_notes([_overdue_note(data), labels.REPORT_LISTS_IN_WORKBOOK])
    if section == "issues":
        return _html_table(data, data.issues, ISSUE_SUMMARY_COLUMNS)
    if section == "typical":
        return _html_table(data, data.typical, data.typical.columns.tolist()) + _html_notes([_typical_note(data)])
    return ""


def report_html(data: ReportData) -> str:
    """The report as one printable HTML page with its charts drawn inline as SVG (no script, opens offline)."""
    charts: dict[str, list[str]] = {}
    for section, drawing in report_charts(data):
        charts.setdefault(section, []).append(f'<div class="chart">{drawing}</div>')
    parts = []
    number = 0
    for section in data.sections:
        if section in ("contact_list", "issue_list"):
            continue  # the named lists are long: they go in the workbook only
        number += 1
        heading = labels.REPORT_SECTION_HEADING.format(
            numeral=labels.CHINESE_NUMERALS[number], title=labels.REPORT_SECTION_TITLES[section]
        )
        body = _section_html(data, section) + "".join(charts.get(section, []))
        parts.append(f'<section class="part"><h2>{html.escape(heading)}</h2>{body}</section>')
    if data.supervision is not None:
        heading = labels.REPORT_SECTION_HEADING.format(
            numeral=labels.CHINESE_NUMERALS[number + 1], title=labels.SV_REPORT_SHEET
        )
        body = _html_table(data, data.supervision, supervision_figures.COLUMNS) + _html_notes([_supervision_note(data)])
        parts.append(f'<section class="part"><h2>{html.escape(heading)}</h2>{body}</section>')
    title = html.escape(data.title)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f'<h1>{title}</h1><p class="meta">{html.escape(data.subtitle)}</p>'
        f"{''.join(parts)}</body></html>\n"
    )
