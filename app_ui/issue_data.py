"""Cached calls for the 问题台账 and 督办提醒 pages, keyed like app_ui/data.py by the data version.

Each function takes the data version, the period, "today" and the whole scope (county and
department) as arguments, because the cache is shared by every session of the process.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_ui import data
from pipeline import issue_stats as stats
from pipeline import periods, queries, reminders, settings


@st.cache_data(show_spinner=False, max_entries=128)
def issue_stats(
    version: data.Version, period: str | periods.Period, today: dt.date, county: str | None, department: str | None
) -> stats.IssueStats:
    """issue_stats.issue_stats: issues by category, level and status, ageing and close-time bands."""
    with data.connection() as con:
        return stats.issue_stats(con, period, queries.Scope(county, department), today)


@st.cache_data(show_spinner=False, max_entries=128)
def overdue_issues(
    version: data.Version, period: str, today: dt.date, county: str | None, department: str | None, masked: bool = True
):
    """The 超期未办结 list as the 问题台账 page shows it (masked by default)."""
    return stats.overdue_table(data.overdue(version, period, today, "issues", county, department, masked))


@st.cache_data(show_spinner=False, max_entries=128)
def reminder_set(
    version: data.Version, period: str, today: dt.date, county: str | None, department: str | None
) -> reminders.Reminders:
    """The reminders of every cadre with an overdue contact or issue in the scope (masked)."""
    target = periods.parse_period(period, today)
    scope = queries.Scope(county, department)
    with data.connection() as con:
        config = settings.read_settings(con)
        # unmasked here only to tell cadres apart by their full phone; build() masks everything it returns
        contacts = queries.overdue(con, target, "contacts", scope, masked=False, config=config)
        issues = queries.overdue(con, target, "issues", scope, masked=False, config=config)
    return reminders.build(contacts, issues, config.overdue_days, today, target.as_of)
