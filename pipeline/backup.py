"""Backing up the database to one file and restoring it, exactly, with DuckDB's COPY FROM DATABASE.

Why a copy and not EXPORT DATABASE: the backup is one file that is itself a DuckDB database (it can be
opened read-only to look inside, and restoring is the same copy the other way), and the copy runs in
one read transaction of a read-only connection, so it is consistent and never writes to the live
database. Taking that connection waits, as an import does, while another process holds the file
($GUANAI_DB_WAIT). The copy carries tables, views and sequences (with their current values) but not
triggers: pipeline/sql/schema.sql is then applied to the copy, as to every connection, which recreates
them. A backup file is in the storage format of the DuckDB that wrote it: to move to
another DuckDB version, restore with this version and use EXPORT DATABASE there.

A file is written under a temporary name and renamed when complete, so an interrupted backup or
restore never leaves a half-written file under the final name.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import duckdb

from pipeline import config, db, labels

_TARGET = "backup_target"  # the alias of the file being written
MARKER_TABLE = "import_batch"  # every database of this project has it, from the first connection on


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message is the Chinese text for the office."""


def backup(db_path: str | os.PathLike | None, out: str | os.PathLike, *, force: bool = False) -> dict[str, int]:
    """Copy the database into a new backup file; the rows per table of the copy."""
    source, out = config.db_path(db_path), Path(out)
    if not source.is_file():
        raise BackupError(labels.MSG_BACKUP_NO_DATABASE.format(db=source))
    if _same_file(source, out):
        raise BackupError(labels.MSG_BACKUP_SAME_FILE.format(out=out))
    if out.exists() and not force:
        raise BackupError(labels.MSG_BACKUP_EXISTS.format(out=out))
    con = db.connect(source, read_only=True)  # raises db.DatabaseBusy after the wait
    try:
        return _copy_into(con, out)
    finally:
        con.close()


def restore(db_path: str | os.PathLike | None, source: str | os.PathLike, *, force: bool = False) -> dict[str, int]:
    """Replace (or create) the database with the contents of a backup file; the rows per table restored."""
    target, source = config.db_path(db_path), Path(source)
    if not source.is_file():
        raise BackupError(labels.MSG_RESTORE_NO_FILE.format(file=source))
    if _same_file(source, target):
        raise BackupError(labels.MSG_BACKUP_SAME_FILE.format(out=source))
    if target.exists() and not force:
        raise BackupError(labels.MSG_RESTORE_EXISTS.format(db=target))
    try:
        con = duckdb.connect(str(source), read_only=True)
    except duckdb.Error as exc:
        raise BackupError(labels.MSG_RESTORE_NOT_A_BACKUP.format(file=source)) from exc
    try:
        if MARKER_TABLE not in table_counts(con, _current(con)):
            raise BackupError(labels.MSG_RESTORE_NOT_A_BACKUP.format(file=source))
        target.parent.mkdir(parents=True, exist_ok=True)
        return _copy_into(con, target, before_replace=_quiesce if target.exists() else None)
    finally:
        con.close()


def table_counts(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, int]:
    """Rows of every table of one attached database, by table name."""
    names = [r[0] for r in con.execute(_TABLES_SQL, [catalog]).fetchall()]
    # catalog and table names come from DuckDB's own catalog, quoted as identifiers
    return {
        name: con.execute(f"select count(*) from {_identifier(catalog)}.main.{_identifier(name)}").fetchall()[0][0]
        for name in names
    }


_TABLES_SQL = "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main' order by 1"


def _copy_into(con: duckdb.DuckDBPyConnection, out: Path, before_replace=None) -> dict[str, int]:
    """COPY FROM DATABASE the connection's database into `out` (via a temporary file renamed at the end)."""
    partial = out.with_name(out.name + ".partial")
    _remove(partial)
    current = _current(con)
    alias = _TARGET if current != _TARGET else _TARGET + "_2"
    try:
        con.execute(f"attach ? as {alias} (read_write)", [str(partial)])
        con.execute(f"copy from database {_identifier(current)} to {alias}")
        # the copy does not carry triggers: the schema, applied as every connection does, puts them back
        con.execute(f"use {alias}")
        con.execute(db.read_sql("schema.sql"))
        con.execute(f"use {_identifier(current)}")
        counts, source = table_counts(con, alias), table_counts(con, current)
        # the copy is checked against what it was taken from (the schema may have added empty tables)
        if {name: rows for name, rows in counts.items() if name in source} != source:
            raise BackupError(labels.MSG_BACKUP_WRITE_FAILED.format(path=out))
        con.execute(f"checkpoint {alias}")  # everything in the file itself: no WAL may stay behind
        con.execute(f"detach {alias}")
        if before_replace is not None:
            before_replace(out)
        os.replace(partial, out)
        _remove(Path(str(out) + ".wal"))  # a WAL of the file replaced would be replayed into this one
        _sync_directory(out.parent)
    except duckdb.Error as exc:
        raise BackupError(labels.MSG_BACKUP_WRITE_FAILED.format(path=out)) from exc
    except OSError as exc:
        raise BackupError(labels.MSG_BACKUP_WRITE_FAILED.format(path=out)) from exc
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"detach database if exists {alias}")
        _remove(partial)
    return counts


def _quiesce(target: Path) -> None:
    """Wait until no other process uses the database being replaced, and fold its WAL into the file."""
    live = db.connect(target)  # raises db.DatabaseBusy after the wait
    try:
        live.execute("checkpoint")
    finally:
        live.close()


def _current(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchall()[0][0]


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _same_file(a: Path, b: Path) -> bool:
    return a.exists() and b.exists() and a.resolve() == b.resolve()


def _remove(path: Path) -> None:
    for leftover in (path, Path(str(path) + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (a power cut right after it keeps the new file)."""
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
