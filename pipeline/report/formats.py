"""Column headers, number formats, RAG fills and the notes under the tables: shared by the workbook and the page."""

from __future__ import annotations

from pipeline import export, labels, queries, settings, snapshots
from pipeline.report.assemble import (
    OVERDUE_COLUMNS,
    TYPICAL_COUNT,
    ReportData,
    _missing,
    date_text,
    score_threshold_text,
    threshold_text,
)
from pipeline.supervision import figures as supervision_figures

# ---------------------------------------------------------------- column headers and number formats


def column_labels() -> dict[str, str]:
    """Chinese headers for every column of the report's tables."""
    return {**export.display_labels(), **labels.REPORT_COLUMN_LABELS}


_PERCENT = "0.0%"
_NUMBER_FORMATS = {
    **{column: _PERCENT for column in queries.RATE_COLUMNS},
    "contact_follow_rate": _PERCENT,
    "issue_close_rate": _PERCENT,
    "score": "0.0",
    "contacts_per_pair_month": "0.00",
    "median_days_to_close": "0.0",
}
_NUMBER_FORMATS.update({c: _PERCENT for c in supervision_figures.RATE_COLUMNS}, avg_days_to_close="0.0")
_RATE_LIKE = {*queries.RATE_COLUMNS, "contact_follow_rate", "issue_close_rate", *supervision_figures.RATE_COLUMNS}
_WRAPPED = {"reasons", "strengths", "description", "sentence"}
_DATE_COLUMNS = {"paired_on", "run_started_on", "last_contact_on", "raised_on", "closed_on"}


def _band_for(column: str, value: object, config: settings.Settings) -> str | None:
    """The RAG band a cell is filled with: rates by their value, the score by its points / 100."""
    if _missing(value):
        return None
    if column in queries.RATE_COLUMNS:
        return settings.rag_band(float(value), config)
    if column == "score":
        return settings.rag_band(float(value) / 100, config)
    return None


def _supervision_note(data: ReportData) -> str:
    return labels.SV_REPORT_NOTE.format(as_of=date_text(data.period.as_of))


def _ranking_notes(data: ReportData) -> list[str]:
    config = data.config
    return [
        labels.REPORT_RANKING_NOTE.format(previous=data.previous.label),
        labels.REPORT_RAG_NOTE.format(green=threshold_text(config.rag_green), amber=threshold_text(config.rag_amber)),
    ]


def _behind_note(data: ReportData) -> str:
    threshold = score_threshold_text(data.config.rag_amber)
    if data.behind.empty:
        return labels.REPORT_NONE_BEHIND.format(threshold=threshold)
    return labels.REPORT_BEHIND_NOTE.format(threshold=threshold, rate=threshold_text(data.config.rag_amber))


def _typical_note(data: ReportData) -> str:
    if data.typical.empty:
        return labels.REPORT_NO_TYPICAL
    return labels.REPORT_TYPICAL_NOTE.format(count=TYPICAL_COUNT, green=threshold_text(data.config.rag_green))


def _overdue_note(data: ReportData) -> str:
    return labels.REPORT_OVERDUE_NOTE.format(
        days=data.config.overdue_days,
        previous_end=date_text(snapshots.reminder_period(data.period).as_of),
        as_of=date_text(data.period.as_of),
    )


def _mask_note(data: ReportData) -> str:
    return labels.REPORT_MASKED_NOTE if data.masked else labels.REPORT_UNMASKED_NOTE


def _overdue_total(data: ReportData) -> dict:
    frame = data.overdue
    counts = [c for c in OVERDUE_COLUMNS if c not in ("department", "contact_follow_rate", "issue_close_rate")]
    total = {"department": labels.REPORT_TOTAL, **{c: int(frame[c].sum()) for c in counts}}
    contacts_before, issues_before = total["overdue_contacts_before"], total["overdue_issues_before"]
    total["contact_follow_rate"] = total["contacted_after"] / contacts_before if contacts_before else None
    total["issue_close_rate"] = total["closed_after"] / issues_before if issues_before else None
    return total
