"""Cached reads of 回访核查 for the pages: the 疑点 of a view and the contacts callbacks found untrue.

Like app_ui/data.py, every function takes the data version and the whole view as arguments (the caches are
shared by every session of the process).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_ui import data
from pipeline import periods, queries
from pipeline.callbacks import doubtful


def _scope(county: str | None, department: str | None) -> queries.Scope:
    return queries.Scope(county=county or None, department=department or None)


@st.cache_data(show_spinner=False, max_entries=64)
def doubts(
    version: data.Version, period: str, today: dt.date, county: str | None, department: str | None, masked: bool = True
) -> pd.DataFrame:
    """doubtful.find: the 疑点 of the period in the scope, each with its reason (masked by default)."""
    with data.connection() as con:
        return doubtful.find(con, periods.parse_period(period, today), _scope(county, department), masked=masked)


@st.cache_data(show_spinner=False, max_entries=64)
def untrue(version: data.Version, county: str | None, department: str | None, masked: bool = True) -> pd.DataFrame:
    """doubtful.untrue_contacts: the contacts callbacks found untrue, in the scope (masked by default)."""
    with data.connection() as con:
        return doubtful.untrue_contacts(con, _scope(county, department), masked=masked)
