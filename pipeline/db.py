"""The DuckDB file: opening it (waiting politely while another process holds it) and its schema."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pipeline import config, labels, safe_files

SQL_DIR = Path(__file__).resolve().parent / "sql"


class DatabaseBusy(RuntimeError):
    """Another process holds the database file and did not let go in time."""


def read_sql(relative: str) -> str:
    """The text of a .sql file under pipeline/sql/."""
    return (SQL_DIR / relative).read_text(encoding="utf-8")


# Checkpoints do not compact row groups that hold deleted rows (DuckDB's vacuum tasks). Every import refreshes
# the stored figures of the periods it touched: their old groups are deleted and new ones appended (at province
# scale ~620,000 rows for the three running periods), and merging the row groups those rows shared with other
# periods' rewrote them at the next checkpoint: ~0.9 s of every import, or of whichever page run next closed the
# database. A row group is still freed at a checkpoint once all of its rows are deleted, and a refresh appends
# the groups of its periods together, so what a refresh leaves behind is the deleted part of a row group or two,
# not its rows (tests/test_stored_compaction.py). DuckDB keeps the setting per database as opened in the
# process, for every connection to it.
NO_COMPACTING = "set max_vacuum_tasks = 0"


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def connect(
    path: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    wait_seconds: float | None = None,
    external_access: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open the database (creating the schema when writable), retrying while another process holds it.

    The file, its .wal and everything else the process creates are private to its account (umask 077, see
    safe_files); a folder made for the database is 0700, and a database file found readable by others is
    tightened to 0600. With external_access=False (every connection of the app) SQL can read or write no file
    or URL but the database itself, once the schema is in place. DuckDB keeps this setting per database as
    opened in the process, so it holds for every connection to the file until the last one is closed, and
    cannot be turned on again meanwhile. Backup and restore, run from the command line, keep it (ATTACH).
    """
    safe_files.keep_private()
    target = config.db_path(path)
    if wait_seconds is None:
        wait_seconds = config.db_lock_wait_seconds()
    if not read_only and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.parent == config.DEFAULT_DB.parent:  # the project's own data folder (another folder is not ours)
        safe_files.make_private(target.parent, folder=True)
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
        con.execute(NO_COMPACTING)
        safe_files.make_private(target)
        migrate(con)
    if not external_access:
        con.execute("set enable_external_access = false")
    return con


# ---------------------------------------------------------------- schema versions
# schema.sql is version 1, the schema of the first release (every statement in it is "if not exists", so it
# also accepts a database of that release). Every later change is a numbered file in sql/migrations/
# (002_what.sql, …), applied once, in order, in a transaction of its own, and recorded in schema_version.
# A database already at the latest version runs no DDL at all when opened.
MIGRATIONS_DIR = SQL_DIR / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_MIGRATING = threading.Lock()  # connections of one process open one at a time through migrate()


def migrations() -> list[tuple[int, Path]]:
    """The numbered migration files, in order: (version, path)."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise ValueError(f"migration file name not of the form NNN_name.sql: {path.name}")
        found.append((int(match.group(1)), path))
    found.sort()
    versions = [version for version, _ in found]
    if versions != list(range(2, 2 + len(found))):
        raise ValueError(f"migrations must be numbered 002, 003, … without gaps: {versions}")
    return found


def latest_version() -> int:
    """The schema version this code writes."""
    return 1 + len(migrations())


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version of the database's schema: 0 for an empty file, 1 for a first-release database."""
    tables = {name for (name,) in con.execute(read_sql("status/table_names.sql")).fetchall()}
    if "schema_version" in tables:
        return con.execute("select coalesce(max(version), 0) from schema_version").fetchall()[0][0]
    return 1 if "import_batch" in tables else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the database's schema to the latest version; returns the version it was at before."""
    with _MIGRATING:
        before = schema_version(con)
        if before >= latest_version() and before > 0:
            return before
        if before <= 1:  # a new file, or a database of the first release: version 1, and the table of versions
            con.execute(read_sql("schema.sql"))
            con.execute(read_sql("status/schema_version_create.sql"))
            if not con.execute("select count(*) from schema_version").fetchall()[0][0]:
                con.execute(read_sql("status/schema_version_insert.sql"), {"version": 1, "name": "schema.sql"})
        for version, path in migrations():
            if version <= max(before, 1):
                continue
            with transaction(con):
                con.execute(path.read_text(encoding="utf-8"))
                con.execute(read_sql("status/schema_version_insert.sql"), {"version": version, "name": path.name})
        return before


class Rollback(Exception):
    """Raised inside a transaction() block: its writes are undone and the block ends without an error."""


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.TransactionException):  # a failed commit has already ended the transaction
        con.execute("rollback")


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back (and the error raised) when it fails.

    `raise db.Rollback` inside the block undoes its writes without an error. The transaction begins
    outside the error handling: when the connection already has one open (a nested use), DuckDB refuses
    to begin another and marks that one failed, and its owner, not this block, rolls it back.
    """
    con.execute("begin transaction")
    try:
        yield con
    except Rollback:
        _rollback(con)
        return
    except BaseException:
        _rollback(con)
        raise
    con.execute("commit")


@contextlib.contextmanager
def session(path: str | os.PathLike | None = None, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is closed (and so releases the file lock) when the block ends."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()
