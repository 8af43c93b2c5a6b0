"""Drawing helpers of the 县区 and 单位 pages: RAG cell colours, table-linked pickers, score and timeline charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from app_ui import charts, escape, filters
from pipeline import export, labels, periods, queries, settings

# Light tints keep the figures readable on a projector; the 评级 cell itself gets the full colour.
RAG_TINTS = {
    "green": "background-color: #d5efdf; color: #14532d",
    "amber": "background-color: #fde7bf; color: #6b4100",
    "red": "background-color: #f8d0ce; color: #7f1d1d",
}
RAG_SOLID = {band: f"background-color: {charts.RAG_COLOURS[band]}; color: white" for band in RAG_TINTS}
ALERT_STYLE = RAG_TINTS["red"]
WARN_STYLE = RAG_TINTS["amber"]
METHOD_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "star", "hexagon", "x")
METHOD_COLOURS = ("#2e6fd6", "#2e9e5b", "#f0a030", "#8e44ad", "#16a5a5", "#d64541", "#7f8c8d")
UNTRUE_COLOUR = "#c0392b"  # the ring around a contact a callback found untrue
CHART_CONFIG = {"displayModeBar": False}  # a chart's toolbar would cover its title on a phone


def band_text(band: str | None) -> str:
    """绿灯 / 黄灯 / 红灯, empty for no band."""
    return labels.RAG_LABELS[band] + labels.RAG_BADGE_SUFFIX if band else ""


_TEXT_BANDS = {band_text(band): band for band in labels.RAG_LABELS}


def score_bands(scores: pd.Series, config: settings.Settings) -> list[str]:
    """The RAG band of each 综合得分 as text: the score is a weighted mean of rates, so the same bands apply."""
    return [band_text(settings.rag_band(None if pd.isna(s) else s / 100, config)) for s in scores]


def rag_styler(
    frame: pd.DataFrame,
    config: settings.Settings,
    band_column: str | None = "score_band",
    alerts: Sequence[str] = (),
    warnings: Sequence[str] = (),
):
    """A Styler tinting every rate cell by its RAG band, the 评级 cell solid, and nonzero alert counts red."""

    def rate_styles(column: pd.Series) -> list[str]:
        return [RAG_TINTS.get(settings.rag_band(None if pd.isna(v) else float(v), config), "") for v in column]

    def band_styles(column: pd.Series) -> list[str]:
        return [RAG_SOLID.get(_TEXT_BANDS.get(v), "") for v in column]

    def flag_styles(style: str) -> Callable[[pd.Series], list[str]]:
        return lambda column: [style if _needs_attention(v) else "" for v in column]

    rates = [c for c in frame.columns if c in queries.RATE_COLUMNS]
    # with a Styler, its texts show wherever column_config sets no format: rates as 55.0% like the KPI
    # cards, other decimals (the median) with one place, empty values as a dash. The formatters test for
    # emptiness themselves: pandas' na_rep calls isna per cell, a large share of a 1,000-row table's time.
    decimals = [c for c in frame.columns if c not in rates and pd.api.types.is_float_dtype(frame[c])]
    texts = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    # cell ids only for styled cells: half the rendering time of a long list
    styler = Styler(frame).format(_percent, subset=rates).format(_one_decimal, subset=decimals)  # ids: texts shown
    styler = styler.format(_text, subset=texts).apply(rate_styles, subset=rates)
    if band_column in frame.columns:
        styler = styler.apply(band_styles, subset=[band_column])
    for columns, style in ((alerts, ALERT_STYLE), (warnings, WARN_STYLE)):
        present = [c for c in columns if c in frame.columns]
        if present:
            styler = styler.apply(flag_styles(style), subset=present)
    return styler


def _percent(value) -> str:
    return labels.NO_VALUE if value is None or value != value else f"{value:.1%}"


def _one_decimal(value) -> str:
    return labels.NO_VALUE if value is None or value != value else f"{value:.1f}"


def _text(value) -> str:
    return labels.NO_VALUE if value is None or value is pd.NA or value != value else str(value)


def _needs_attention(value) -> bool:
    """A count above zero, a true flag (超期未联系) or a non-empty text flag (落后)."""
    if isinstance(value, str):
        return bool(value)
    return not pd.isna(value) and bool(value)


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10}, font=charts.FONT, separators=".,")
    return figure


def synced_pick(
    label: str,
    options: list,
    selected_row: int | None,
    *,
    key: str,
    table_key: str,
    placeholder: str,
    format_func: Callable = str,
):
    """A selectbox kept in step with a table: a newly selected row chooses its option; either one drives the drill."""
    seen_key = f"_{key}_row_{table_key}"
    if selected_row != st.session_state.get(seen_key):
        st.session_state[seen_key] = selected_row
        if selected_row is not None and selected_row < len(options):
            st.session_state[key] = options[selected_row]
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]  # a choice from another period or filter
    if len(options) == 1 and key not in st.session_state:
        st.session_state[key] = options[0]  # a filter left one row: nothing to choose
    return st.selectbox(label, options, index=None, key=key, placeholder=placeholder, format_func=format_func)


def sidebar_pick(
    label: str,
    options: list,
    selected_row: int | None,
    *,
    name: str,
    current: str | None,
    key: str,
    table_key: str | None,
    placeholder: str,
):
    """A page's county or department picker (`name`) that is the sidebar's: it shows the sidebar's choice
    (`current`), and what is picked in it or in its table becomes the sidebar's, for every page after.

    A picker change reaches the sidebar through its on_change (before the sidebar is drawn); a newly selected
    table row is known only once the sidebar is drawn, so it is carried there with one more run.
    """
    if table_key is not None:
        seen_key = f"_{key}_row_{table_key}"
        if selected_row != st.session_state.get(seen_key):
            st.session_state[seen_key] = selected_row
            if selected_row is not None and selected_row < len(options):
                filters.carry(name, options[selected_row])
    if current in options:
        st.session_state[key] = current
    else:
        st.session_state.pop(key, None)
    return st.selectbox(
        label,
        options,
        index=None,
        key=key,
        placeholder=placeholder,
        on_change=filters.carry_pick,
        args=(name, key),
    )


def period_caption(view: filters.View) -> None:
    """Which period (with its dates) and which scope the page shows."""
    if view.county and view.department:
        scope = labels.DRILL_SCOPE_BOTH.format(county=view.county, department=view.department)
    else:
        scope = view.county or view.department or labels.CITY_LABEL
    period = view.period
    text = periods.period_label(period)
    if not period.is_cut and period.kind != "range":  # a running period's label already says up to when
        text = labels.DRILL_PERIOD_DATES.format(period=text, start=period.start.isoformat(), end=period.end.isoformat())
    st.caption(labels.DRILL_PERIOD_CAPTION.format(period=text, scope=escape.md(scope)))


def behind_summary(frame: pd.DataFrame, config: settings.Settings, template: str, none_template: str) -> None:
    """ "N个单位中有M个落后" over the rows with a 综合得分; a row without one is neither counted nor flagged."""
    scored = frame.dropna(subset=["score"])
    behind = int((scored["behind_reason"].fillna("") != "").sum())
    threshold = f"{config.rag_amber * 100:g}"
    if scored.empty:
        st.info(labels.BEHIND_EMPTY_NOTE)
        return
    if behind:
        st.warning(
            template.format(total=len(scored), behind=behind, threshold=threshold, rate=f"{config.rag_amber:.0%}"),
            icon=":material/flag:",
        )
    else:
        st.success(none_template.format(total=len(scored), threshold=threshold))
    if len(scored) < len(frame):
        st.caption(labels.BEHIND_EMPTY_NOTE)


def rag_legend(config: settings.Settings) -> None:
    """One line saying what the colours mean with the bands in force."""
    st.caption(
        labels.RAG_LEGEND.format(
            green=f"{config.rag_green:.0%}",
            amber=f"{config.rag_amber:.0%}",
            green_score=f"{config.rag_green * 100:g}",
            amber_score=f"{config.rag_amber * 100:g}",
        )
    )


def score_bar(frame: pd.DataFrame, key: str, config: settings.Settings, title: str) -> go.Figure:
    """Horizontal bars of 综合得分 in the order of `frame` (first at the top), coloured by band, band lines drawn."""
    names = export.display_labels()
    rows = frame.dropna(subset=["score"]).iloc[::-1]
    colours = [charts.RAG_COLOURS[settings.rag_band(s / 100, config)] for s in rows["score"]]
    figure = go.Figure(
        go.Bar(
            x=rows["score"],
            y=[escape.chart(name) for name in rows[key]],  # a department's name is text, not Plotly markup
            orientation="h",
            marker_color=colours,
            text=[f"{s:.1f}" for s in rows["score"]],
            textposition="outside",
            hovertemplate="%{y}：%{x:.1f}<extra></extra>",
            showlegend=False,
        )
    )
    for band, value in (("amber", config.rag_amber), ("green", config.rag_green)):
        line = {"dash": "dash", "color": charts.RAG_COLOURS[band]}
        figure.add_vline(x=value * 100, line=line)
        # named in the legend: two names written at lines 15 points apart run into each other on a phone
        name = labels.CHART_BAND_LINE.format(band=labels.RAG_LABELS[band], value=f"{value * 100:g}")
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line, name=name, hoverinfo="skip"))
    figure.update_xaxes(title=labels.CHART_SCORE_AXIS, range=[0, 108], tickformat=".0f")
    figure.update_yaxes(title=names.get(key, key), type="category")
    figure.update_layout(title=title, showlegend=True, legend=charts.LEGEND_BELOW)
    return _layout(figure, max(300, 34 * len(rows) + 120))


def pair_label(name: str | None, id_number: str | None) -> str:
    """张*明（…1234）: a masked name with the last four of the masked ID, unique enough within one cadre.

    A chart label: a name's <a href> or <b> shows as written (Plotly would draw it)."""
    return escape.chart(f"{name or ''}（…{(id_number or '')[-4:]}）")


def contact_timeline(contacts: pd.DataFrame, pairs: pd.DataFrame, period: periods.Period) -> go.Figure:
    """One row per beneficiary of a cadre, a marker per contact by date, shape and colour by contact method."""
    beneficiaries = [pair_label(n, i) for n, i in zip(pairs["beneficiary_name"], pairs["id_number"], strict=True)]
    figure = go.Figure()
    y = [pair_label(n, i) for n, i in zip(contacts["beneficiary_name"], contacts["id_number"], strict=True)]
    frame = contacts.assign(_who=y)
    for index, method in enumerate(labels.CONTACT_METHODS):
        rows = frame[frame["method"] == method]
        if rows.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=rows["contact_date"],
                y=rows["_who"],
                mode="markers",
                name=method,
                marker={
                    "symbol": METHOD_SYMBOLS[index % len(METHOD_SYMBOLS)],
                    "color": METHOD_COLOURS[index % len(METHOD_COLOURS)],
                    "size": 16,
                    "line": {"width": 1, "color": "white"},
                },
                hovertemplate="%{x|%Y-%m-%d}　%{y}<extra>" + method + "</extra>",
            )
        )
    if "callback_untrue" in frame.columns:  # contacts a callback found untrue: ringed in red (SPEC §8)
        rows = frame[frame["callback_untrue"] != ""]
        if not rows.empty:
            figure.add_trace(
                go.Scatter(
                    x=rows["contact_date"],
                    y=rows["_who"],
                    mode="markers",
                    name=labels.UNTRUE_MARK,
                    marker={"symbol": "circle-open", "color": UNTRUE_COLOUR, "size": 26, "line": {"width": 3}},
                    hovertemplate="%{x|%Y-%m-%d}　%{y}<extra>" + labels.UNTRUE_MARK + "</extra>",
                )
            )
    margin = dt.timedelta(days=2)
    figure.update_xaxes(
        title=labels.CHART_DATE_AXIS,
        type="date",
        range=[period.start - margin, period.as_of + margin],
        tickformat="%Y-%m-%d",
    )
    figure.update_yaxes(
        title=labels.CHART_BENEFICIARY_AXIS,
        type="category",
        categoryorder="array",
        categoryarray=list(reversed(beneficiaries)),
        range=[-0.6, len(beneficiaries) - 0.4],
    )
    # the page's heading names the cadre; the legend above the plot names the methods
    figure.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, margin_t=40)
    return _layout(figure, max(300, 46 * len(beneficiaries) + 190))
