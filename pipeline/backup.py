"""Backing up the database to one file and restoring it, exactly, with DuckDB's COPY FROM DATABASE.

Why a copy and not EXPORT DATABASE: the backup is one file that is itself a DuckDB database (it can be
opened read-only to look inside, and restoring is the same copy the other way), and the copy runs in
one read transaction, so it is consistent; the only write to the live database is the audit record of the
backup, after the copy. Taking the connection waits, as an import does, while another process holds the file
($GUANAI_DB_WAIT). The copy carries tables, views and sequences (with their current values) but not
triggers: the source's own CREATE TRIGGER statements are then run on the copy. A backup file is in the
storage format of the DuckDB that wrote it: to move to another DuckDB version, restore with this version
and use EXPORT DATABASE there.

A file is written under a temporary name and renamed when complete, so an interrupted backup or
restore never leaves a half-written file under the final name. Backups are private to the system account
(0600, see safe_files), and a backup never goes over the database in use, its .wal or its spill folder.

Both are audited. A backup writes one `backup` record into the database it copied (naming the file; the
copy itself holds the log as it was just before). A restore writes one `restore` record into the restored
database, naming the backup file, who restored it, and the audit log of the database it replaced (how many
records and its chain's head), so that the replaced history is not lost without a trace. A backup whose
accounts the current database does not have, or has disabled, is not restored unless asked to keep them
(`keep_accounts`): the message lists them, since restoring an old or foreign file could otherwise bring back
an account that was taken away, or add one nobody created here.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import duckdb

from pipeline import access, audit_chain, config, db, labels, safe_files, sessions
from pipeline.cli.records import os_user

_TARGET = "backup_target"  # the alias of the file being written
MARKER_TABLE = "import_batch"  # every database of this project has it, from the first connection on


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message is the Chinese text for the office."""


def backup(
    db_path: str | os.PathLike | None,
    out: str | os.PathLike,
    *,
    force: bool = False,
    user: str = labels.DEFAULT_USER,
) -> dict[str, int]:
    """Copy the database into a new backup file and audit it; the rows per table of the copy."""
    source, out = config.db_path(db_path), Path(out)
    if not source.is_file():
        raise BackupError(labels.MSG_BACKUP_NO_DATABASE.format(db=source))
    if _same_file(source, out):
        raise BackupError(labels.MSG_BACKUP_SAME_FILE.format(out=out))
    if out.exists() and not force:
        raise BackupError(labels.MSG_BACKUP_EXISTS.format(out=out))
    try:
        safe_files.check_output(out, source, force)  # nor the database's .wal or spill folder, nor a folder
    except safe_files.OutputRefused as exc:
        raise BackupError(str(exc)) from exc
    con = db.connect(source)  # raises db.DatabaseBusy after the wait; writable, for the audit record

    def record(_: Path, counts: dict[str, int]) -> None:
        # in the database copied, before the copy gets its final name: a backup nobody can trace is not kept
        detail = labels.AUDIT_DETAIL_BACKUP.format(
            file=out, tables=len(counts), rows=sum(counts.values()), os_user=os_user()
        )
        try:
            access.audit(con, user or labels.DEFAULT_USER, "backup", access.ALL, detail)
        except (duckdb.Error, access.AccessError) as exc:
            raise BackupError(labels.MSG_BACKUP_NOT_AUDITED.format(detail=exc)) from exc

    try:
        return _copy_into(con, out, before_replace=record)
    finally:
        con.close()


def restore(
    db_path: str | os.PathLike | None,
    source: str | os.PathLike,
    *,
    force: bool = False,
    keep_accounts: bool = False,
    user: str = labels.DEFAULT_USER,
) -> dict[str, int]:
    """Replace (or create) the database with the contents of a backup file, and audit it there.

    Refused (BackupError listing them) when the backup has accounts the current database lacks or has
    disabled, unless keep_accounts. Returns the rows per table restored.
    """
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
        current_accounts, before = _current_state(target)
        if not keep_accounts:
            _refuse_new_accounts(_accounts(con), current_accounts)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        counts = _copy_into(con, target, before_replace=_quiesce if target.exists() else None)
    finally:
        con.close()
    _record_restore(target, source, counts, before, user)
    return counts


def _accounts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """A database's accounts by name: (role, county, department, disabled); none when it has no account table."""
    try:
        rows = con.execute(db.read_sql("access/restore_accounts.sql")).fetchall()
    except duckdb.CatalogException:  # a database from before accounts existed
        return {}
    return {name: (role, county, department, bool(disabled)) for name, role, county, department, disabled in rows}


def _current_state(target: Path) -> tuple[dict[str, tuple], str]:
    """The accounts of the database about to be replaced, and its audit log in words (for the restore record)."""
    if not target.exists():
        return {}, labels.RESTORE_BEFORE_NONE
    try:
        live = db.connect(target)  # waits while another process holds it (db.DatabaseBusy after the wait)
    except duckdb.Error as exc:  # a damaged database (perhaps why it is restored): none of its accounts count
        return {}, labels.RESTORE_BEFORE_UNREADABLE.format(detail=exc)
    try:
        records, last_id, last_hash = audit_chain.summary(live)
        before = labels.RESTORE_BEFORE_AUDIT.format(records=records, last_id=last_id or 0, hash=last_hash or "")
        return _accounts(live), before
    finally:
        live.close()


def _refuse_new_accounts(restored: dict[str, tuple], current: dict[str, tuple]) -> None:
    """BackupError listing the backup's accounts that the current database does not have, or has disabled."""
    lines = []
    for name, (role, county, department, disabled) in sorted(restored.items()):
        if disabled:
            continue  # a disabled account cannot log in, whatever the current database says
        if name not in current:
            why = labels.RESTORE_ACCOUNT_UNKNOWN
        elif current[name][3]:
            why = labels.RESTORE_ACCOUNT_REENABLED
        else:
            continue
        scope = county or department or labels.CITY_LABEL
        role_label = labels.ROLE_LABELS.get(role, role)
        lines.append(labels.RESTORE_ACCOUNT_LINE.format(name=name, role=role_label, scope=scope, why=why))
    if lines:
        raise BackupError(labels.MSG_RESTORE_NEW_ACCOUNTS.format(count=len(lines), accounts="\n".join(lines)))


def _record_restore(target: Path, source: Path, counts: dict[str, int], before: str, user: str) -> None:
    """One restore record in the restored database (which goes on with the backup's chain)."""
    detail = labels.AUDIT_DETAIL_RESTORE.format(
        file=source, tables=len(counts), rows=sum(counts.values()), os_user=os_user(), before=before
    )
    try:
        restored = db.connect(target)  # an older backup is brought to the current schema here
        try:
            # the browser sessions live when the backup was made must not come back to life (one logged out since
            # would otherwise go on again): every page load signs in anew
            sessions.revoke_all(restored, "restore")
            access.audit(restored, user or labels.DEFAULT_USER, "restore", access.ALL, detail)
        finally:
            restored.close()
    except (duckdb.Error, db.DatabaseBusy, access.AccessError) as exc:
        raise BackupError(labels.MSG_RESTORE_NOT_AUDITED.format(detail=exc)) from exc


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
        # the copy does not carry triggers: the source's own definitions are run again on the copy (not the
        # schema, which would bring back tables a later version dropped)
        triggers = con.execute(db.read_sql("status/trigger_definitions.sql"), {"database": current}).fetchall()
        con.execute(f"use {alias}")
        for (definition,) in triggers:
            con.execute(definition)
        con.execute(f"use {_identifier(current)}")
        counts, source = table_counts(con, alias), table_counts(con, current)
        # the copy is checked against what it was taken from (the schema may have added empty tables)
        if {name: rows for name, rows in counts.items() if name in source} != source:
            raise BackupError(labels.MSG_BACKUP_WRITE_FAILED.format(path=out))
        con.execute(f"checkpoint {alias}")  # everything in the file itself: no WAL may stay behind
        con.execute(f"detach {alias}")
        if before_replace is not None:
            before_replace(out, counts)
        os.replace(partial, out)
        safe_files.make_private(out)
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


def _quiesce(target: Path, _counts: dict[str, int] | None = None) -> None:
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
