"""Opening the database for a page: read-only, per call, so a command-line import can run meanwhile."""

from __future__ import annotations

import contextlib
from pathlib import Path

import streamlit as st

from pipeline import config, db, status


def database_path() -> Path:
    """The database the app shows ($GUANAI_DB or data/guanai.duckdb)."""
    return config.db_path()


def data_version() -> tuple[str, float]:
    """Changes whenever the database file is written: the key of every cached query."""
    path = database_path()
    wal = path.with_name(path.name + ".wal")
    stamps = [p.stat().st_mtime for p in (path, wal) if p.exists()]
    return str(path), max(stamps, default=0.0)


@contextlib.contextmanager
def read_connection():
    """A read-only connection closed after use."""
    with db.session(database_path(), read_only=True) as con:
        yield con


@st.cache_data(show_spinner=False)
def cached_status(version: tuple[str, float]) -> dict | None:
    """Row counts and the last import, or None when there is no database yet."""
    if not Path(version[0]).exists():
        return None
    with read_connection() as con:
        return status.data_status(con)
