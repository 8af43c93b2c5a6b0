"""The charts of the printed report as inline SVG, with the RAG colours the app's charts use too."""

from __future__ import annotations

import pandas as pd

from pipeline import labels, settings
from pipeline.report import svg
from pipeline.report.assemble import CHART_DEPARTMENTS, TREND_RATES, ReportData, _missing, _score_band
from pipeline.report.formats import column_labels

# ---------------------------------------------------------------- charts and the HTML page

RAG_COLOURS = svg.RAG_COLOURS  # green, amber, red and empty: the app's charts use the same


def score_chart(frame: pd.DataFrame, key: str, config: settings.Settings, title: str) -> str:
    """Horizontal bars of 综合得分, highest at the top, coloured by RAG band, with the amber line (SVG)."""
    ranked = frame.dropna(subset=["score"]).sort_values(["score", key], ascending=[False, True])
    bars = [
        svg.Bar(str(name), float(score), f"{score:.1f}", RAG_COLOURS[_score_band(score, config)])
        for name, score in zip(ranked[key], ranked["score"], strict=True)
    ]
    return svg.bar_chart(
        title, bars, maximum=100, axis_title=labels.METRIC_LABELS["score"], reference=config.rag_amber * 100
    )


def trend_chart(frame: pd.DataFrame, title: str, running: str | None = None) -> str:
    """One line per rate over the months of the period (SVG); the running month, if any, marked 进行中."""
    months = [str(m) for m in frame["month"]]
    series = [
        (labels.METRIC_LABELS[rate], [None if _missing(v) else float(v) for v in frame[rate]]) for rate in TREND_RATES
    ]
    notes = [labels.TREND_RUNNING_MONTH if month == running else "" for month in months]
    return svg.line_chart(title, months, series, notes=notes)


def issue_chart(frame: pd.DataFrame, title: str) -> str:
    """Issues by category: resolved, still open on as_of, and overdue (SVG)."""
    rows = frame[frame["dimension"] == labels.REPORT_BY_CATEGORY]
    names = column_labels()
    series = [(names[c], [float(v) for v in rows[c]]) for c in ("issues_resolved", "issues_open", "issues_overdue")]
    return svg.grouped_bars(title, [str(item) for item in rows["item"]], series, axis_title=labels.REPORT_COUNT_AXIS)


def report_charts(data: ReportData) -> list[tuple[str, str]]:
    """The charts of the HTML report (SVG), each with the section it belongs to."""
    charts = []
    running = data.period.as_of.strftime("%Y-%m") if data.period.as_of != data.period.end else None
    if "trend" in data.sections:
        charts.append(("trend", trend_chart(data.trend, labels.REPORT_CHART_TREND, running)))
    elif len(data.trend) > 1:  # a quarter: its three months under the summary
        charts.append(("summary", trend_chart(data.trend, labels.REPORT_CHART_TREND, running)))
    if not data.counties.empty:
        charts.append(("counties", score_chart(data.counties, "county", data.config, labels.REPORT_CHART_COUNTIES)))
    ranked = data.departments.dropna(subset=["score"])
    if not ranked.empty:
        if len(ranked) > CHART_DEPARTMENTS:
            shown = ranked.tail(CHART_DEPARTMENTS)
            title = labels.REPORT_CHART_DEPARTMENTS_LOWEST.format(count=CHART_DEPARTMENTS)
        else:
            shown, title = ranked, labels.REPORT_CHART_DEPARTMENTS
        charts.append(("departments", score_chart(shown, "department", data.config, title)))
    if "issues" in data.sections and data.issues["issues_total"].iloc[-1] > 0:
        charts.append(("issues", issue_chart(data.issues, labels.REPORT_CHART_ISSUES)))
    return charts
