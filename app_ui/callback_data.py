"""Cached reads of 回访核查 for the pages: the 疑点 of a view, the contacts callbacks found untrue, the people of a
sample and the problems people reported.

Like app_ui/data.py, every function takes the data version and the whole view (the sidebar's `View`, or
the scope where the period does not matter) as arguments (the caches are shared by every session of the
process).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_ui import data, filters, known_counts
from pipeline import queries
from pipeline.callbacks import doubtful, entry, sample


@st.cache_data(show_spinner=False, max_entries=64)
def doubts(version: data.Version, view: filters.View, masked: bool = True) -> pd.DataFrame:
    """doubtful.find: the 疑点 of the period in the scope, each with its reason (masked by default)."""
    with data.connection() as con:
        found = doubtful.find(con, view.period, view.scope, masked=masked)
    known_counts.remember(known_counts.doubts_key(version, view), len(found))
    return found


def known_doubt_count(version: data.Version, view: filters.View) -> int | None:
    """How many 疑点 the view holds, when this process has found them (None: not yet)."""
    return known_counts.get(known_counts.doubts_key(version, view))


@st.cache_data(show_spinner=False, max_entries=64)
def untrue(version: data.Version, scope: queries.Scope, masked: bool = True) -> pd.DataFrame:
    """doubtful.untrue_contacts: the contacts callbacks found untrue, in the scope (masked by default)."""
    with data.connection() as con:
        return doubtful.untrue_contacts(con, scope, masked=masked)


@st.cache_data(show_spinner=False, max_entries=32)
def sample_lines(
    version: data.Version, chosen: sample.Sample, scope: queries.Scope, masked: bool = True
) -> pd.DataFrame:
    """sample.lines: the people of a sample in the scope with their latest callback (masked by default)."""
    with data.connection() as con:
        return sample.lines(con, chosen, scope, masked)


@st.cache_data(show_spinner=False, max_entries=64)
def reported_issues(version: data.Version, view: filters.View, masked: bool = True) -> pd.DataFrame:
    """entry.reported_issues: the problems people reported in the callbacks of the period, in the scope."""
    with data.connection() as con:
        return entry.reported_issues(con, view.period, view.scope, masked)
