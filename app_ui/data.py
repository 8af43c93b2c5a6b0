"""The pages' only way to the database: cached calls into pipeline.queries, keyed by the data version.

Caches are shared by every session of the process, so each cached function takes everything that
decides its answer as arguments: the data version and the sidebar's `View` (the period, already parsed,
"today" and the scope). A View is a frozen dataclass, which st.cache_data hashes by its fields: two
equal views are one cache entry. A connection is opened per cache miss and closed right after, so a
command-line import can take the file between two page loads; a page that makes many calls can share one
among them for its run (shared_connection).

The data version names what the figures depend on: the last import batch, the settings and the last
snapshot (and the file itself, which a restore replaces). It is read from the database once each
time the file changes (`file_version`). A login, an export or any other audit record also writes the
file, but leaves the data version as it was, so one user's login does not empty everyone's caches.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import streamlit as st

from app_ui import known_counts
from pipeline import config, db, labels, periods, queries, settings, status

if TYPE_CHECKING:  # app_ui.filters draws the sidebar with this module's data
    from app_ui.filters import View

Version = tuple  # (database path, …): the path first, then whatever identifies the state


def database_path() -> Path:
    """The database the app shows ($GUANAI_DB or data/guanai.duckdb)."""
    return config.db_path()


def file_version() -> Version:
    """Changes whenever the database file is written, audit records included (path, inode, modification time)."""
    path = database_path()
    wal = path.with_name(path.name + ".wal")
    stamps = [p.stat().st_mtime_ns for p in (path, wal) if p.exists()]
    inode = path.stat().st_ino if path.exists() else 0
    return str(path), inode, max(stamps, default=0)


def data_version() -> Version:
    """Changes when the figures may change (import, settings, snapshot, restore): the key of every cached query."""
    return _generation(file_version())


@st.cache_data(show_spinner=False, max_entries=16)
def _generation(current: Version) -> Version:
    path, inode, _ = current
    if not Path(path).exists():
        return path, 0
    with connection() as con:
        return path, inode, *status.data_generation(con)


def today() -> dt.date:
    """$GUANAI_TODAY when pinned (demos, tests), else the real date."""
    return config.today()


# Inside shared_connection(): the one connection of the block, once opened (an empty list until then), and the
# set its owner gave for the cursors of the calls in progress (None: not kept).
_shared: contextvars.ContextVar[list | None] = contextvars.ContextVar("shared_connection", default=None)
_running: contextvars.ContextVar[set | None] = contextvars.ContextVar("running_cursors", default=None)


def _open() -> duckdb.DuckDBPyConnection:
    try:
        return db.connect(database_path(), external_access=False)
    except db.DatabaseBusy:
        st.warning(labels.STATUS_DB_BUSY)
        st.stop()


@contextlib.contextmanager
def connection():
    """A connection for one call, closed afterwards; a busy database stops the page with a message.

    Like every connection of the app, its SQL can read or write no file but the database (no external access).
    Inside shared_connection() it is a cursor of the block's one connection.
    """
    shared = _shared.get()
    if shared is not None:
        if not shared:
            shared.append(_open())
        cursor = shared[0].cursor()
        running = _running.get()
        if running is not None:
            running.add(cursor)
        try:
            yield cursor
        finally:
            if running is not None:
                running.discard(cursor)
            cursor.close()
        return
    con = _open()
    try:
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def shared_connection(running: set | None = None):
    """Within the block, the calls that miss their caches share one connection, opened by the first and closed at
    the end: a page making many such calls opens the database once, and its checks share what it has read.

    With `running`, each call's cursor is in that set while the call runs, so that another thread can interrupt it
    (warming, when the process ends)."""
    if _shared.get() is not None:
        yield
        return
    held: list = []
    token, running_token = _shared.set(held), _running.set(running)
    try:
        yield
    finally:
        _running.reset(running_token)
        _shared.reset(token)
        for con in held:
            con.close()


def _scope(county: str | None, department: str | None) -> queries.Scope:
    return queries.Scope(county=county or None, department=department or None)


@st.cache_data(show_spinner=False, max_entries=64)
def data_status(version: Version) -> dict | None:
    """Row counts and the last import, or None when there is no database yet."""
    if not Path(version[0]).exists():
        return None
    with connection() as con:
        return status.data_status(con)


@st.cache_data(show_spinner=False, max_entries=64)
def filter_options(version: Version, county: str | None = None, department: str | None = None) -> dict[str, list]:
    """Counties and departments a scope can narrow to, and the first month with any contact."""
    with connection() as con:
        return status.filter_options(con, _scope(county, department))


@st.cache_data(show_spinner=False, max_entries=64)
def current_settings(version: Version) -> settings.Settings:
    """Thresholds, weights and RAG bands in force."""
    with connection() as con:
        return settings.read_settings(con)


@st.cache_data(show_spinner=False, max_entries=256)
def metrics_many(version: Version, view: View, bys: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """queries.metrics_many for several groupings at once."""
    with connection() as con:
        return queries.metrics_many(con, view.period, bys, view.scope, view.today)


@st.cache_data(show_spinner=False, max_entries=256)
def compare_previous(version: Version, view: View, by: str) -> pd.DataFrame:
    """queries.compare_previous: each metric with its previous-period value and the change."""
    with connection() as con:
        return queries.compare_previous(con, view.period, by, view.scope, view.today)


@st.cache_data(show_spinner=False, max_entries=128)
def trend(version: Version, view: View, start_month: str, end_month: str, by: str) -> pd.DataFrame:
    """queries.trend: the metrics of each month of a range, in the view's scope (a running month cut at its today)."""
    with connection() as con:
        return queries.trend(con, start_month, end_month, by, view.scope, view.today)


@st.cache_data(show_spinner=False, max_entries=256)
def drill_rows(version: Version, view: View, by: str, key: tuple, metric: str, masked: bool = True) -> pd.DataFrame:
    """queries.drill_rows: the rows behind one cell of a metrics table (masked by default)."""
    with connection() as con:
        return queries.drill_rows(con, view.period, by, key, metric, view.scope, view.today, masked=masked)


@st.cache_data(show_spinner=False, max_entries=128)
def overdue(version: Version, view: View, what: str, masked: bool = True) -> pd.DataFrame:
    """queries.overdue: the 督办 list of overdue contacts or issues (masked by default). Pages show the masked
    list and keep the full one for the person's file: the list is computed once and masked from it."""
    if masked:
        return queries.mask_rows(overdue(version, view, what, False))
    with connection() as con:
        return queries.overdue(con, view.period, what, view.scope, view.today, masked=False)


def clear_caches() -> None:
    """Forget every cached answer (after an import or a settings change in this process), the objects kept for the
    pages (issue_data.reminder_set) and the counts of the checks found with them."""
    st.cache_data.clear()
    st.cache_resource.clear()
    known_counts.clear()


@st.cache_data(show_spinner=False, max_entries=64)
def peer_figures(version: Version, period: periods.Period, by: str) -> pd.DataFrame:
    """Every county (by="county") or department of the whole city with its 综合得分 and rank (1 = best).

    Computed over the city whatever the user's scope, so a county or department sees its place among
    its peers: aggregate figures of units only, never a person. A page shows its own unit's row and
    the count of peers from it, and nothing of the others. Keyed by the period alone (not the view's
    scope), so every unit of the city shares one entry.
    """
    with connection() as con:
        frame = queries.metrics(con, period, by, queries.ALL)
    frame = frame[frame[by] != labels.UNPAIRED_LABEL].copy()
    frame["rank"] = frame["score"].rank(ascending=False, method="min", na_option="bottom").astype("int64")
    return frame[[by, "rank", "score", *queries.RATE_COLUMNS]].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=64)
def city_overall(version: Version, period: periods.Period) -> pd.DataFrame:
    """The whole city's figures of a period (one row): what a county or department compares itself with."""
    with connection() as con:
        return queries.metrics(con, period, "overall", queries.ALL)


@st.cache_data(show_spinner=False, max_entries=64)
def submissions(version: Version, today: dt.date, scope: queries.Scope):
    """status.submissions: the month reported on and, per county and department, what has been sent."""
    with connection() as con:
        return status.submissions(con, today, scope)
