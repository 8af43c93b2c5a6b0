"""The DuckDB file: opening it (waiting politely while another process holds it) and its schema."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pipeline import config, labels

SQL_DIR = Path(__file__).resolve().parent / "sql"


class DatabaseBusy(RuntimeError):
    """Another process holds the database file and did not let go in time."""


def read_sql(relative: str) -> str:
    """The text of a .sql file under pipeline/sql/."""
    return (SQL_DIR / relative).read_text(encoding="utf-8")


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def connect(
    path: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    wait_seconds: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the database (creating the schema when writable), retrying while another process holds it."""
    target = config.db_path(path)
    if wait_seconds is None:
        wait_seconds = config.db_lock_wait_seconds()
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.1
    while True:
        try:
            con = duckdb.connect(str(target), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(labels.MSG_DB_BUSY.format(seconds=int(wait_seconds))) from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    con.execute("set enable_progress_bar = false")  # no bars on stderr from long imports
    if not read_only:
        con.execute(read_sql("schema.sql"))
    return con


@contextlib.contextmanager
def session(path: str | os.PathLike | None = None, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is closed (and so releases the file lock) when the block ends."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()
