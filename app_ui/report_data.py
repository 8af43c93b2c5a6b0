"""The page 季度调度's way to the database: cached reports (the headline the page shows, the whole report its files
are made of), snapshots and reminder effectiveness.

Like app_ui.data, every cached function takes the data version and the sidebar's `View` (or, where the
period does not matter, its scope) as arguments, because caches are shared by every session of the process.
A report's own period is the view's period replaced (`View.for_period`), parsed once on the page. Writing a
snapshot changes the database file, so the data version moves and the lists refresh by themselves.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_ui import callback_data, data, filters
from pipeline import access, labels, periods, queries, report, snapshots

REPORT_KINDS = ("quarter", "month", "year")


def period_options(kind: str, first_month: dt.date | None, today: dt.date) -> list[str]:
    """The months, quarters or years from the first month with data up to today, newest first."""
    start = first_month or dt.date(today.year - 1, 1, 1)
    months = periods.months_touched(min(start, today), today)
    if kind == "month":
        texts = [f"{m:%Y-%m}" for m in months]
    elif kind == "year":
        texts = [f"{m.year}" for m in months]
    else:
        texts = [f"{m.year}Q{(m.month - 1) // 3 + 1}" for m in months]
    return list(reversed(dict.fromkeys(texts)))


def default_period(kind: str, view_period: periods.Period) -> str:
    """The sidebar's period when it is of this kind, else the period of this kind that holds its last day."""
    if view_period.kind == kind:
        return view_period.text
    day = view_period.as_of
    if kind == "month":
        return f"{day:%Y-%m}"
    if kind == "year":
        return f"{day.year}"
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@st.cache_data(show_spinner=False, max_entries=32)
def report_headline(version: data.Version, view: filters.View) -> report.Headline:
    """report.build_headline: what the page shows of the report of the view's period (its kind is the report's)."""
    known = {"reminders": reminder_effectiveness(version, view)}  # 督办提醒 shows the same
    with data.connection() as con:
        return report.build_headline(con, view.period, view.period.kind, view.scope, view.today, known=known)


@st.cache_data(show_spinner=False, max_entries=32)
def report_data(version: data.Version, view: filters.View) -> report.ReportData:
    """report.build_report for the view's period (its kind is the report's) and scope (identifiers masked).

    Made when a file of it is asked for. The parts other pages keep are taken from them: the reminders' effect
    and the 督办 lists (督办提醒) and the 疑点 (数据质量).
    """
    known = {
        "reminders": reminder_effectiveness(version, view),
        "overdue_contacts": data.overdue(version, view, "contacts", False),
        "overdue_issues": data.overdue(version, view, "issues", False),
    }
    doubts = callback_data.doubts(version, view, True)
    with data.connection() as con:
        return report.build_report(
            con, view.period, view.period.kind, view.scope, view.today, known=known, doubts=doubts
        )


@st.cache_data(show_spinner=False, max_entries=64)
def snapshot_header(version: data.Version, snapshot_id: int, scope: queries.Scope) -> snapshots.Snapshot:
    """Who froze a snapshot of this scope, when, and which period (its report is made when asked for)."""
    with data.connection() as con:
        snapshot = snapshots.get_snapshot(con, snapshot_id)
    if snapshot.scope != scope:
        raise snapshots.SnapshotNotFound(snapshot_id)
    return snapshot


@st.cache_data(show_spinner=False, max_entries=32)
def snapshot_report(version: data.Version, snapshot_id: int, scope: queries.Scope) -> report.ReportData:
    """report.build_report from the figures frozen in a snapshot of this scope."""
    with data.connection() as con:
        return report.build_report(con, None, None, scope, snapshot_id=snapshot_id)


@st.cache_data(show_spinner=False, max_entries=64)
def snapshot_list(version: data.Version, scope: queries.Scope) -> pd.DataFrame:
    """The snapshots taken in this scope, newest first."""
    with data.connection() as con:
        return snapshots.list_snapshots(con, scope)


@st.cache_data(show_spinner=False, max_entries=64)
def compare(version: data.Version, snapshot_id: int, by: str, today: dt.date, scope: queries.Scope) -> pd.DataFrame:
    """snapshots.compare_snapshot: the groups whose live figures differ from the frozen ones."""
    with data.connection() as con:
        snapshot = snapshots.get_snapshot(con, snapshot_id)
        if snapshot.scope != scope:
            raise snapshots.SnapshotNotFound(snapshot_id)
        return snapshots.compare_snapshot(con, snapshot_id, by, today)


@st.cache_data(show_spinner=False, max_entries=64)
def reminder_effectiveness(version: data.Version, view: filters.View) -> pd.DataFrame:
    """snapshots.reminder_effectiveness: per department, last period's overdue pairs and issues dealt with since."""
    with data.connection() as con:
        return snapshots.reminder_effectiveness(con, view.period, view.scope, view.today)


def create_snapshot(view: filters.View, user: access.User, note: str) -> int:
    """Freeze the view's period figures in its scope in the user's name, and audit it (not cached: it writes)."""
    with data.connection() as con:
        created = snapshots.create_snapshot(con, view.period, user.name, note, view.today, view.scope)
        detail = labels.AUDIT_DETAIL_SNAPSHOT.format(snapshot_id=created, period=view.period.text)
        access.log_action(con, user, "snapshot", detail, scope=view.scope)
    return created
