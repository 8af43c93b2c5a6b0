"""KPI cards: the figure, its change against the previous comparable period, and its RAG colour."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from pipeline import labels, settings

RAG_BADGE = {"green": "green", "amber": "orange", "red": "red"}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def rate_text(value) -> str:
    """0.8125 → 81.3%; empty for a rate without a denominator."""
    return labels.NO_VALUE if _missing(value) else f"{value:.1%}"


def rate_change_text(change) -> str | None:
    """+1.5个百分点 / -0.3个百分点, None when there is nothing to compare."""
    if _missing(change):
        return None
    if _is_zero(change):  # neither up nor down: no sign, shown in grey
        return f"0.0{labels.PERCENT_POINTS}"
    return f"{change * 100:+.1f}{labels.PERCENT_POINTS}"


def _is_zero(change) -> bool:
    return not _missing(change) and round(float(change) * 1000) == 0


def rate_card(column, title: str, value, change, config: settings.Settings, empty_note: str | None = None) -> None:
    """A card for a rate: value, change in percentage points vs the previous period, RAG badge.

    An empty rate gets no badge (no 红灯 from a figure nobody could be counted in) and says why it is empty
    (`empty_note`); an unchanged rate shows its change in grey, without an arrow.
    """
    band = settings.rag_band(None if _missing(value) else float(value), config)
    zero = _is_zero(change)
    with column.container(border=True):
        st.metric(
            title,
            rate_text(value),
            delta=rate_change_text(change),
            delta_color="off" if zero else "normal",
            delta_arrow="off" if zero else "auto",
            delta_description=labels.CHANGE_VS_PREVIOUS,
            help=empty_note if _missing(value) else None,
        )
        if band:
            st.badge(labels.RAG_LABELS[band] + labels.RAG_BADGE_SUFFIX, color=RAG_BADGE[band])
        elif _missing(value) and empty_note:
            st.caption(empty_note)


def count_card(column, title: str, value, change) -> None:
    """A card for a count where fewer is better (超期未联系, 超期未办结)."""
    zero = not _missing(change) and int(change) == 0
    delta = None if _missing(change) else "0" if zero else f"{int(change):+d}"
    with column.container(border=True):
        st.metric(
            title,
            labels.NO_VALUE if _missing(value) else f"{int(value):,}",
            delta=delta,
            delta_color="off" if zero else "inverse",
            delta_arrow="off" if zero else "auto",
            delta_description=labels.CHANGE_VS_PREVIOUS,
        )
