"""The audit records of the command line: imports, exports, reports, snapshots, backups and restores.

Every command that reads personal data out of the database, or changes it, writes one audit record, as the
app does for its pages: `import` one per file, `metrics`, `overdue`, `report`, `template`, `snapshot list`,
`snapshot compare` and `audit list` one export each (naming the files written, or standard output),
`snapshot create` one snapshot, `backup` and `restore` one each (pipeline/backup.py). The author is the
command's --user where it has one, else 命令行; the detail names the operating-system account that ran it.
The record is written before the output is handed over: an export that cannot be recorded is not made.
"""

from __future__ import annotations

import getpass

import duckdb

from pipeline import access, labels
from pipeline.queries import ALL, Scope


def os_user() -> str:
    """The operating-system account running the command (as far as the system can tell)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no password entry for the uid (a bare container)
        return "?"


def with_os_user(detail: str) -> str:
    return detail + labels.AUDIT_DETAIL_SEPARATOR + labels.AUDIT_DETAIL_OS_USER.format(os_user=os_user())


def target_text(files: list[str | None] | tuple[str | None, ...]) -> str:
    """Where an export went: the files, or standard output."""
    written = [str(name) for name in files if name]
    return labels.AUDIT_CLI_FILES.format(files="、".join(written)) if written else labels.AUDIT_CLI_STDOUT


def record_export(
    con: duckdb.DuckDBPyConnection,
    what: str,
    files: list[str | None] | tuple[str | None, ...] = (),
    row_count: int | None = None,
    scope: Scope = ALL,
    user: str = labels.DEFAULT_USER,
) -> int:
    """One export record: what was exported, where to, how many rows, in which scope."""
    detail = labels.AUDIT_DETAIL_CLI_OUTPUT.format(what=what, target=target_text(files))
    return access.audit(con, user, "export", scope, with_os_user(detail), row_count)


def record_import(con: duckdb.DuckDBPyConnection, user: str, report) -> int:
    """One import record per file, worded as the upload page's."""
    status = labels.UPLOAD_AUDIT_STATUS.get(report.status, report.status)
    detail = labels.AUDIT_DETAIL_IMPORT.format(
        file=report.file,
        status=status,
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected,
    )
    return access.audit(
        con, user or labels.DEFAULT_USER, "import", ALL, with_os_user(detail), report.inserted + report.updated
    )


def record_snapshot(con: duckdb.DuckDBPyConnection, user: str, snapshot_id: int, period: str, scope: Scope) -> int:
    """The record of a snapshot made on the command line, worded as the report page's."""
    detail = labels.AUDIT_DETAIL_SNAPSHOT.format(snapshot_id=snapshot_id, period=period)
    return access.audit(con, user or labels.DEFAULT_USER, "snapshot", scope, with_os_user(detail))
