"""季度调度、月报、年度总结: a period's report as a printable workbook, a printable HTML page and a PDF.

`build_report` (assemble) turns the figures of a period (live, or frozen in a snapshot) into the parts of the
report, `build_headline` only its top (what the report page shows first: headline figures, rankings, reminders);
`report_workbook` (xlsx), `report_html` (html, with the charts of charts.py drawn as SVG) and `report_pdf` (pdf)
only lay those parts out. The RAG colours of the charts are the app's too.
"""

from pipeline.report.assemble import (
    HEADLINE_GROUPINGS,
    HEADLINE_RATES,
    KINDS,
    SECTIONS,
    Headline,
    ReportData,
    assemble,
    behind_reasons,
    build_headline,
    build_report,
    date_text,
    file_stem,
    headline,
    percent_text,
    running_period_sentence,
    snapshot_file_stem,
)
from pipeline.report.charts import RAG_COLOURS, report_charts
from pipeline.report.formats import column_labels
from pipeline.report.html import report_html
from pipeline.report.pdf import chromium_candidate, chromium_path, pdf_available, report_pdf
from pipeline.report.xlsx import report_workbook

__all__ = [
    "HEADLINE_GROUPINGS",
    "HEADLINE_RATES",
    "KINDS",
    "RAG_COLOURS",
    "SECTIONS",
    "Headline",
    "ReportData",
    "assemble",
    "behind_reasons",
    "build_headline",
    "build_report",
    "chromium_candidate",
    "chromium_path",
    "column_labels",
    "date_text",
    "file_stem",
    "headline",
    "pdf_available",
    "percent_text",
    "report_charts",
    "report_html",
    "report_pdf",
    "report_workbook",
    "running_period_sentence",
    "snapshot_file_stem",
]
