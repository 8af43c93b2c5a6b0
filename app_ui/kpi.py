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
    return f"{change * 100:+.1f}{labels.PERCENT_POINTS}"


def rate_card(column, title: str, value, change, config: settings.Settings) -> None:
    """A card for a rate: value, change in percentage points vs the previous period, RAG badge."""
    band = settings.rag_band(None if _missing(value) else float(value), config)
    with column.container(border=True):
        st.metric(
            title,
            rate_text(value),
            delta=rate_change_text(change),
            delta_description=labels.CHANGE_VS_PREVIOUS,
        )
        if band:
            st.badge(labels.RAG_LABELS[band] + labels.RAG_BADGE_SUFFIX, color=RAG_BADGE[band])


def count_card(column, title: str, value, change) -> None:
    """A card for a count where fewer is better (超期未联系, 超期未办结)."""
    delta = None if _missing(change) else f"{int(change):+d}"
    with column.container(border=True):
        st.metric(
            title,
            labels.NO_VALUE if _missing(value) else f"{int(value):,}",
            delta=delta,
            delta_color="inverse",
            delta_description=labels.CHANGE_VS_PREVIOUS,
        )
