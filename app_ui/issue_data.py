"""Cached calls for the 问题台账 and 督办提醒 pages, keyed like app_ui/data.py by the data version.

Each function takes the data version and the sidebar's `View` (the period, "today" and the whole scope)
as arguments, because the cache is shared by every session of the process.
"""

from __future__ import annotations

import streamlit as st

from app_ui import data, filters
from pipeline import issue_stats as stats
from pipeline import reminders


@st.cache_data(show_spinner=False, max_entries=128)
def issue_stats(version: data.Version, view: filters.View) -> tuple[stats.IssueStats, stats.IssueStats]:
    """issue_stats.issue_stats of the view's period and of the comparable period before it (the previous period cut
    to the same stretch, as compare_previous does), from one query: issues by category, level and status, ageing
    and close-time bands."""
    with data.connection() as con:
        current, previous = stats.issue_stats_many(con, [view.period, view.previous], view.scope, view.today)
    return current, previous


@st.cache_data(show_spinner=False, max_entries=128)
def overdue_issues(version: data.Version, view: filters.View, masked: bool = True):
    """The 超期未办结 list as the 问题台账 page shows it (masked by default)."""
    return stats.overdue_table(data.overdue(version, view, "issues", masked))


# Kept as the object itself, shared by every session and never copied (st.cache_resource): at five times a province a
# city's reminders hold 400,000 cadres and 530,000 overdue people, which st.cache_data would pickle once and unpickle
# on every rerun of 督办提醒 (0.7 s and 0.2 s, when they still held every cadre's text). Nothing changes a Reminders
# in place: its frames are read, filtered into new ones (Reminders.for_department) and written to files.
@st.cache_resource(show_spinner=False, max_entries=128)
def reminder_set(version: data.Version, view: filters.View) -> reminders.Reminders:
    """The reminders of every cadre with an overdue contact or issue in the scope (masked), their texts left to be
    written for the cadres the page shows (Reminders.with_texts)."""
    # the full lists tell cadres apart by their full phone (build() masks everything it returns); they are the
    # cached lists the page opens a person's file from, so each overdue list is computed once for the page
    contacts = data.overdue(version, view, "contacts", False)
    issues = data.overdue(version, view, "issues", False)
    threshold = data.current_settings(version).overdue_days
    return reminders.build(contacts, issues, threshold, view.today, view.period.as_of, texts=False)
