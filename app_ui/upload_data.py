"""Cached reads for the upload, quality, settings and audit pages.

Like app_ui.data, every cached function takes the data version, so an import or a settings change
(which writes the database file) is seen on the next run. A database file that does not exist yet
is never created by looking: these functions answer with empty results or the defaults instead.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from app_ui import data, known_counts
from pipeline import access, export, labels, quality, queries, settings


def _exists(version: data.Version) -> bool:
    return Path(version[0]).exists()


@st.cache_data(show_spinner=False, max_entries=32)
def import_history(version: data.Version) -> pd.DataFrame:
    """The latest import batches, newest first (empty when nothing was ever imported)."""
    columns = list(labels.UPLOAD_HISTORY_COLUMNS)
    if not _exists(version):
        return pd.DataFrame(columns=columns)
    with data.connection() as con:
        rows = export.import_history(con)
    return pd.DataFrame(rows, columns=columns)


@st.cache_data(show_spinner=False, max_entries=16)
def batch_rejections_workbook(
    version: data.Version, batch_id: int, masked: bool = True, kinds: tuple[str, ...] = ()
) -> bytes:
    """The .xlsx of the rows an earlier import batch rejected, with 错误原因; masked: ID numbers, names, phones.

    `kinds` are the batch's kinds of file (they tell which columns hold phones).
    """
    with data.connection() as con:
        errors = export.stored_rejections(con, batch_id)
    return export.rejected_workbook(export.masked_rejections(errors, list(kinds)) if masked else errors)


@st.cache_data(show_spinner=False, max_entries=32)
def settings_state(version: data.Version) -> tuple[settings.Settings, dict[str, dict]]:
    """The settings in force and the stored rows (who changed what, when); the defaults without a database."""
    if not _exists(version):
        return settings.DEFAULT_SETTINGS, {}
    with data.connection() as con:
        return settings.read_settings(con), settings.stored(con)


@st.cache_data(show_spinner=False, max_entries=256)
def quality_check(
    version: data.Version,
    name: str,
    as_of: dt.date,
    county: str | None,
    department: str | None,
    max_pairs: int = quality.DEFAULT_MAX_PAIRS,
    masked: bool = True,
) -> pd.DataFrame:
    """The rows one data-quality check finds in a scope (masked by default). The check runs once: the masked rows
    are the full ones masked, so a page that shows them and keeps the full ones aside does not run it twice. Rows
    found with other checks (scoped_checks: the warming thread, 统计全部检查) are read there; otherwise the check runs
    on its own (the page's open tab). Either way its count is remembered (app_ui.known_counts)."""
    if masked:
        return quality.mask_rows(quality_check(version, name, as_of, county, department, max_pairs, False))
    key = known_counts.check_key(version, name, as_of, county, department, max_pairs)
    together = known_counts.found_with(key)
    if together:
        return scoped_checks(version, as_of, county, department, together)[name]
    scope = queries.Scope(county=county or None, department=department or None)
    with data.connection() as con:
        frame = quality.run_check(con, name, scope=scope, as_of=as_of, max_pairs=max_pairs, masked=False)
    known_counts.remember(key, len(frame))
    return frame


def known_check_count(
    version: data.Version, name: str, as_of: dt.date, county: str | None, department: str | None, max_pairs: int
) -> int | None:
    """How many rows a check found in a scope, when this process has found them (None: not yet)."""
    return known_counts.get(known_counts.check_key(version, name, as_of, county, department, max_pairs))


@st.cache_data(show_spinner=False, max_entries=32)
def scoped_checks(
    version: data.Version,
    as_of: dt.date,
    county: str | None,
    department: str | None,
    names: tuple[str, ...],
) -> dict[str, pd.DataFrame]:
    """The rows of these checks about people and pairs in a scope, unmasked, found side by side with the default
    limit of pairs per cadre (the warming thread: all of them; 统计全部检查: those not found yet); quality_check then
    reads them here."""
    scope = queries.Scope(county=county or None, department=department or None)
    options = {"scope": scope, "as_of": as_of, "masked": False}
    with data.connection() as con:
        found = quality.run_checks_at_once(con, dict.fromkeys(names, options))
    for name, frame in found.items():
        key = known_counts.check_key(version, name, as_of, county, department, quality.DEFAULT_MAX_PAIRS)
        known_counts.remember(key, len(frame), tuple(names))
    return found


@st.cache_data(show_spinner=False, max_entries=32)
def rejected_reasons(version: data.Version) -> pd.DataFrame:
    """The rejected rows of the latest import of each file, counted per kind of reason."""
    return quality.rejected_by_reason(file_check(version, "rejected_rows"))


def file_check(version: data.Version, name: str) -> pd.DataFrame:
    """A check about imported files (unknown columns, rejected rows): the same rows whatever the scope and day."""
    return quality_check(version, name, dt.date.min, None, None)


@st.cache_data(show_spinner=False, max_entries=32)
def audit_records(
    version: data.Version, since: dt.date | None, user_name: str | None, action: str | None, limit: int
) -> pd.DataFrame:
    """The audit log newest first, filtered as the 审计日志 page asks (its text is masked when written)."""
    with data.connection() as con:
        return access.read_audit(con, since=since, user=user_name, action=action, limit=limit)


@st.cache_data(show_spinner=False, max_entries=16)
def account_names(version: data.Version) -> list[str]:
    """Every account name, for the 审计日志 page's user filter."""
    with data.connection() as con:
        return access.list_users(con)["user_name"].tolist()
