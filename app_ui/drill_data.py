"""Cached calls behind the 县区 and 单位 pages: the pairs of a place, a department's cadres, the ranking.

Like app_ui/data.py, every function takes the data version and the sidebar's whole `View` (period, today,
county, department) as arguments, because the caches are shared by every session of the process.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_ui import data, filters
from pipeline import queries


def _days(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns as plain dates, so tables show 2026-09-30 rather than a midnight timestamp."""
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = [None if pd.isna(v) else v.date() for v in frame[column]]
    return frame


@st.cache_data(show_spinner=False, max_entries=256)
def pair_rows(version: data.Version, view: filters.View, by: str, key: tuple, masked: bool = True) -> pd.DataFrame:
    """queries.pair_rows: the beneficiaries of a county, township or cadre with their pairing (masked by default).
    Pages show the masked rows and keep the full ones for the person's file: the rows are computed once."""
    if masked:
        return queries.mask_pairs(pair_rows(version, view, by, key, False))
    with data.connection() as con:
        return _days(queries.pair_rows(con, view.period, by, key, view.scope, view.today, masked=False))


@st.cache_data(show_spinner=False, max_entries=256)
def cadre_rows(version: data.Version, view: filters.View, of_department: str) -> pd.DataFrame:
    """queries.cadre_rows: the cadres of one department, most overdue first (phones masked)."""
    with data.connection() as con:
        return _days(queries.cadre_rows(con, view.period, of_department, view.scope, view.today))


@st.cache_data(show_spinner=False, max_entries=128)
def department_ranking(version: data.Version, view: filters.View) -> pd.DataFrame:
    """queries.department_ranking: departments worst first, with rank, score band and why one is behind."""
    with data.connection() as con:
        return queries.department_ranking(con, view.period, view.scope, view.today)


@st.cache_data(show_spinner=False, max_entries=256)
def cadre_activity(
    version: data.Version, view: filters.View, key: tuple, masked: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A cadre's contacts in the period and his pairs' issues up to as_of (masked by default), for his timeline."""
    with data.connection() as con:
        contacts = queries.drill_rows(con, view.period, "cadre", key, "contacts", view.scope, view.today, masked=masked)
        issues = queries.drill_rows(
            con, view.period, "cadre", key, "issues_total", view.scope, view.today, masked=masked
        )
    return _days(contacts), _days(issues)
