"""Charts of the 问题台账 page: stacked counts and a share ring, in the style of app_ui/charts.py."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from app_ui import charts
from pipeline import labels

# open statuses warm, closed ones green/grey, so that a bar's unfinished part stands out on a projector
STATUS_COLOURS = {
    "待办理": "#d64541",
    "办理中": "#f0a030",
    labels.ISSUE_STATUS_CLOSED_LATER: "#7fb3d5",
    "已解决": "#2e9e5b",
    "无法解决": "#9aa5b1",
}
# escalation from the cadre himself up to the office: light to dark
LEVEL_COLOURS = dict(zip(labels.ISSUE_LEVELS, ["#9ecae1", "#4292c6", "#2166ac", "#08306b"], strict=True))


def _layout(figure: go.Figure, title: str, height: int) -> go.Figure:
    figure.update_layout(
        title={"text": title, "y": 0.98, "yanchor": "top", "yref": "container"},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        font=charts.FONT,
        separators=".,",
        # the legend in a band of its own at the foot, where neither the title nor the axes can reach it, however
        # many rows it takes on a phone
        legend={**charts.LEGEND_BELOW, "traceorder": "normal"},
        # a segment too thin for its number shows none rather than a tiny rotated one
        uniformtext={"minsize": 12, "mode": "hide"},
    )
    return figure


def stacked_counts(
    frame: pd.DataFrame,
    key: str,
    series: list[str],
    colours: dict,
    title: str,
    key_title: str,
    count_title: str,
    horizontal: bool = False,
    height: int | None = None,
) -> go.Figure:
    """Bars of counts per value of `key`, stacked by the `series` columns, with each bar's total at its end."""
    figure = go.Figure()
    keys = frame[key].tolist()
    totals = frame[series].sum(axis=1).tolist()
    for name in series:
        values = frame[name].tolist()
        x, y = (values, keys) if horizontal else (keys, values)
        figure.add_trace(
            go.Bar(
                x=x,
                y=y,
                orientation="h" if horizontal else "v",
                name=name,
                marker_color=colours.get(name),
                text=[f"{v:,}" if v else "" for v in values],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                hovertemplate=("%{y}" if horizontal else "%{x}") + "｜" + name + "：%{text}<extra></extra>",
            )
        )
    x, y = (totals, keys) if horizontal else (keys, totals)
    figure.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="text",
            text=[f"{t:,}" for t in totals],
            textposition="middle right" if horizontal else "top center",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    count_range = [0, max(1, *totals) * (1.18 if horizontal else 1.15)]
    key_axis, count_axis = (
        (figure.update_yaxes, figure.update_xaxes) if horizontal else (figure.update_xaxes, figure.update_yaxes)
    )
    if horizontal:
        key_axis(title=key_title, type="category", autorange="reversed")
    else:  # long names in two lines, level under their bars on a phone
        wrapped = [charts.wrapped(k) for k in keys]
        key_axis(title=key_title, type="category", tickmode="array", tickvals=keys, ticktext=wrapped)
    # counts are whole: small ones get a tick per unit instead of 0.5 steps
    count_axis(
        title=count_title,
        rangemode="tozero",
        range=count_range,
        tickformat=",d",
        dtick=1 if max(totals, default=0) <= 8 else None,
    )
    figure.update_layout(barmode="stack")
    return _layout(figure, title, height or (max(420, 44 * len(keys) + 170) if horizontal else 420))


def share_ring(names: list[str], values: list[int], colours: dict, title: str) -> go.Figure:
    """A ring of shares (count and percentage on each part), for a mix such as 办理层级."""
    figure = go.Figure(
        go.Pie(
            labels=names,
            values=values,
            hole=0.5,
            sort=False,
            direction="clockwise",
            marker={"colors": [colours.get(n) for n in names]},
            texttemplate="%{label}<br>%{value:,}（%{percent:.0%}）",
            textposition="outside",
            automargin=True,
            hovertemplate="%{label}：%{value:,}（%{percent:.1%}）<extra></extra>",
        )
    )
    figure.update_layout(showlegend=False)
    return _layout(figure, title, 420)
