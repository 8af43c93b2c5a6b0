"""Plotly charts with Chinese axis titles, percentages, RAG colours, large enough for a projector."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from app_ui import escape
from pipeline import export, labels, settings
from pipeline.report import charts as report_charts

RAG_COLOURS = report_charts.RAG_COLOURS  # the printed report's colours
FONT = {"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif", "size": 15}
# the legend under the plot, below the axis title, so that on a phone it overlaps neither
LEGEND_BELOW = {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0}


def wrapped(name: object, width: int = 4) -> str:
    """A chart label of imported text, escaped, broken every `width` characters when longer than `width` + 1: four
    categories then sit level under their bars on a phone instead of slanting into each other. A label with Latin
    letters or digits (16-30天) stays whole: it is narrow already, and a number must not be split."""
    text = "" if name is None else str(name)
    if len(text) <= width + 1 or any(ch.isascii() and ch.isalnum() for ch in text):
        return escape.chart(text)
    return "<br>".join(escape.chart(text[i : i + width]) for i in range(0, len(text), width))


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, font=FONT, showlegend=True, separators=".,"
    )
    return figure


def ranking_bar(
    frame: pd.DataFrame, key: str, metric: str, config: settings.Settings, title: str | None = None
) -> go.Figure:
    """Horizontal bars of one rate per group, best at the top, coloured by RAG band."""
    names = export.display_labels()
    ordered = frame.dropna(subset=[metric]).sort_values(metric)
    colours = [RAG_COLOURS[settings.rag_band(v, config)] for v in ordered[metric]]
    figure = go.Figure(
        go.Bar(
            x=ordered[metric],
            y=[escape.chart(name) for name in ordered[key]],  # a county's name is text, not Plotly markup
            orientation="h",
            marker_color=colours,
            text=[f"{v:.1%}" for v in ordered[metric]],
            textposition="outside",
            hovertemplate="%{y}：%{x:.1%}<extra></extra>",
        )
    )
    figure.update_xaxes(title=names.get(metric, metric), tickformat=".0%", range=[0, 1.12])
    figure.update_yaxes(title=names.get(key, key))
    figure.update_layout(title=title or names.get(metric, metric))
    # after _layout, which turns the legend on: one unnamed trace would show as "trace 0"
    return _layout(figure, max(280, 36 * len(ordered) + 90)).update_layout(showlegend=False)


def _month_ticks(months: list[str]) -> list[str]:
    """Every month up to six; beyond, every other one counted back from the last, so that the labels stay level on a
    phone's width (where twelve would stand on end)."""
    step = 1 if len(months) <= 6 else 2
    return months[::-1][::step][::-1]


def trend_lines(frame: pd.DataFrame, metrics: list[str], title: str | None, running: str | None = None) -> go.Figure:
    """One line per rate over the months of `frame` (a queries.trend result); `running` marks the month not ended.
    No title where the page's heading right above says it."""
    names = export.display_labels()
    figure = go.Figure()
    months = [f"{m}{labels.TREND_RUNNING_SUFFIX}" if m == running else m for m in frame["month"]]
    for metric in metrics:
        figure.add_trace(
            go.Scatter(
                x=months,
                y=frame[metric],
                mode="lines+markers",
                name=names.get(metric, metric),
                hovertemplate="%{x}：%{y:.1%}<extra>" + names.get(metric, metric) + "</extra>",
            )
        )
    if running in set(frame["month"]):  # the month not ended yet: its figures count only up to today
        figure.add_vrect(x0=len(months) - 1.5, x1=len(months) - 0.5, fillcolor="#9aa5b1", opacity=0.15, line_width=0)
        figure.add_annotation(
            x=months[-1], y=1, yref="paper", yanchor="bottom", text=labels.TREND_RUNNING_MONTH, showarrow=False
        )
    ticks = _month_ticks(months)
    figure.update_xaxes(
        title=labels.TREND_MONTH_LABEL,
        type="category",
        tickmode="array",
        tickvals=ticks,
        ticktext=[month.removesuffix(labels.TREND_RUNNING_SUFFIX) for month in ticks],
    )
    figure.update_yaxes(title=labels.CHART_RATE_AXIS, tickformat=".0%", rangemode="tozero")
    figure.update_layout(title=title, legend=LEGEND_BELOW)
    return _layout(figure, 380)


def category_bars(frame: pd.DataFrame, key: str, metrics: list[str], title: str | None) -> go.Figure:
    """Grouped bars of several rates per category (e.g. 对象类别)."""
    names = export.display_labels()
    figure = go.Figure()
    for metric in metrics:
        figure.add_trace(
            go.Bar(
                x=frame[key],
                y=frame[metric],
                name=names.get(metric, metric),
                hovertemplate="%{x}：%{y:.1%}<extra>" + names.get(metric, metric) + "</extra>",
            )
        )
    categories = frame[key].tolist()
    figure.update_xaxes(
        title=names.get(key, key), tickmode="array", tickvals=categories, ticktext=[wrapped(c) for c in categories]
    )
    figure.update_yaxes(title=labels.CHART_RATE_AXIS, tickformat=".0%", range=[0, 1.05])
    figure.update_layout(title=title, barmode="group", legend=LEGEND_BELOW)
    return _layout(figure, 380)


def count_bars(frame: pd.DataFrame, x: str, y: str, title: str, x_title: str, y_title: str) -> go.Figure:
    """Simple vertical bars of counts (ageing buckets, categories, levels)."""
    figure = go.Figure(go.Bar(x=frame[x], y=frame[y], text=frame[y], textposition="outside"))
    figure.update_xaxes(title=x_title, type="category")
    figure.update_yaxes(title=y_title, rangemode="tozero")
    figure.update_layout(title=title, showlegend=False)
    return _layout(figure, 360)
