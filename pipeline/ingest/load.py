"""Import a file into DuckDB per SPEC §4: one batch, one transaction per file, one import at a time.

The path of a file: read.py (bytes -> sheets) → validate.py (headers, cleaning, the rules of a row,
rows.Rows) → merge.py (the rules against the stored state in checks.py, then each row classified
against the stored table and written), all of merge.py inside one transaction. This module holds the
entry points (import_bytes, import_file, import_sheets, import_table), the lock that keeps imports one
at a time, the file imported before, the complete list's confirmation, the batch record and the
transaction around it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipeline import audit_chain, config, db, labels
from pipeline.ingest import archive, progress_rules
from pipeline.ingest.merge import LOADERS
from pipeline.ingest.read import RawColumn, RawSheet, ReadError, read_file
from pipeline.ingest.rows import KIND_ORDER, NO_DAY, NO_OUTCOME, OUTCOMES, ImportReport, Rows
from pipeline.ingest.stream import ImportProgress
from pipeline.ingest.validate import collect_errors, prepare

# ---------------------------------------------------------------- entry points


def import_bytes(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    kind: str | None = None,
    all_or_nothing: bool = False,
    user: str = labels.DEFAULT_USER,
    today: dt.date | str | None = None,
    county: str | None = None,
    allow_reopen: bool = False,
    full_list: progress_rules.FullList | None = None,
    progress=None,
) -> ImportReport:
    """Import one file given as bytes; the report says what happened to every row (`county`: a county user's).

    allow_reopen applies the rows that move a closed issue back or clear a 退出日期 (audited); full_list
    declares the file a county's complete list (see progress_rules.FullList). A .zip or .gz holding one
    sheet file is opened (archive.py) and named "archive › file" in the report. `progress` is called with
    a stream.ImportProgress when the file is read, when it is written and when it is done.
    """
    report = ImportReport(file=archive.display_name(data, file_name))
    if progress is not None:
        progress(ImportProgress(report.file, "read", bytes_total=len(data)))
    # The digest is taken on another thread (hashlib lets go of the GIL) while the file is read and cleaned.
    digest = _Digest(data)
    try:
        sheets = read_file(data, file_name)
    except ReadError as exc:
        report.sha256 = digest.hexdigest()
        report.status, report.message = "failed", str(exc)
        return report
    return import_sheets(
        con,
        sheets,
        report,
        kind=kind,
        all_or_nothing=all_or_nothing,
        user=user,
        today=today,
        county=county,
        sha256=digest.hexdigest,
        allow_reopen=allow_reopen,
        full_list=full_list,
        progress=progress,
        size=len(data),
    )


class _Digest:
    """The SHA-256 of some bytes, computed on a thread of its own; hexdigest() waits for it."""

    def __init__(self, data: bytes) -> None:
        self._hex: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(data,), daemon=True)
        self._thread.start()

    def _run(self, data: bytes) -> None:
        try:
            self._hex = hashlib.sha256(data).hexdigest()
        except BaseException as exc:  # handed to the caller of hexdigest()
            self._error = exc

    def hexdigest(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._hex


def import_sheets(
    con,
    sheets,
    report,
    *,
    kind=None,
    all_or_nothing=False,
    user=labels.DEFAULT_USER,
    today=None,
    county=None,
    sha256=None,
    allow_reopen=False,
    full_list=None,
    progress=None,
    size=None,
):
    """Import sheets already read (shared by files and by in-memory tables); `county` limits a county user.

    `sha256`, when given, returns the file's digest for report.sha256 (it may still be being computed).
    allow_reopen, full_list and progress (with the file's `size`): see import_bytes.
    """
    day = config.today(today)
    parsed = prepare(sheets, report, kind, day)
    if sha256 is not None:
        report.sha256 = sha256()
    for rows in parsed.values():
        rows.county_only = county
        rows.allow_reopen = allow_reopen
    if report.status == "failed":
        return report
    if progress is not None:
        progress(ImportProgress(report.file, "write", report.read, size or 0, size))
    write(con, parsed, report, all_or_nothing, user, full_list, day)
    if progress is not None:
        progress(ImportProgress(report.file, "done", report.read, size or 0, size))
    return report


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike,
    *,
    kind: str | None = None,
    all_or_nothing: bool = False,
    user: str = labels.DEFAULT_USER,
    today: dt.date | str | None = None,
    allow_reopen: bool = False,
    full_list: progress_rules.FullList | None = None,
    progress=None,
    chunk_rows: int | None = None,
) -> ImportReport:
    """Import one file from disk (see import_bytes): a CSV, also inside a .zip or .gz, is read in chunks of
    `chunk_rows` rows (config.STREAM_CHUNK_ROWS) without the upload's caps, see chunked.py; `progress` is
    called with a stream.ImportProgress as the file is read and written."""
    from pipeline.ingest import chunked  # chunked imports this module

    return chunked.import_path(
        con,
        path,
        kind=kind,
        all_or_nothing=all_or_nothing,
        user=user,
        today=today,
        allow_reopen=allow_reopen,
        full_list=full_list,
        progress=progress,
        chunk_rows=chunk_rows,
    )


def import_table(
    con, kind: str, frame, *, file_name: str, user: str = labels.DEFAULT_USER, today=None, all_or_nothing: bool = False
) -> ImportReport:
    """Import a pandas DataFrame whose columns are the canonical Chinese headers, as if it were a file."""
    columns = []
    for position, header in enumerate(frame.columns):
        cells = frame.iloc[:, position]
        columns.append(RawColumn.encode([str(header), *cells.astype(object).where(cells.notna(), "").tolist()]))
    digest = hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
    report = ImportReport(file=file_name, sha256=digest)
    sheet = RawSheet(file_name, columns, len(frame) + 1)
    return import_sheets(con, [sheet], report, kind=kind, all_or_nothing=all_or_nothing, user=user, today=today)


# ---------------------------------------------------------------- one batch, one transaction


# One import at a time in this process. The keys of beneficiary, pairing and contact stay unique because
# an import inserts only the keys it did not find stored (schema.sql has no primary key on them), which
# holds only if no other import commits between its reading and its commit. Another process cannot
# write meanwhile: DuckDB locks the file for the process that opened it.
_ONE_IMPORT_AT_A_TIME = threading.Lock()


def write(
    con,
    parsed: dict[str, Rows],
    report: ImportReport,
    all_or_nothing: bool,
    user: str,
    full_list: progress_rules.FullList | None = None,
    today: dt.date | None = None,
) -> None:
    """Write a file's parsed rows as one batch in one transaction, one import at a time (chunked.py's too).

    Nothing is written when the same bytes landed before, or while the people a complete list leaves out
    wait for the uploader's confirmation; the report says which.
    """
    with _ONE_IMPORT_AT_A_TIME:
        # The same bytes landed before: nothing changes, whatever came after them (SPEC §4). Reopening and a
        # complete list are the uploader's explicit word about this file: then it is applied as written.
        explicit = full_list is not None or any(rows.allow_reopen for rows in parsed.values())
        earlier = None if explicit else progress_rules.earlier_batch(con, report.sha256)
        if earlier is not None:
            progress_rules.report_already_imported(con, report, earlier)
            return
        check = None
        if full_list is not None:  # the county's people missing from its complete list, before anything changes
            check = progress_rules.missing_people(con, parsed, full_list, config.today(today))
            if check.error:
                report.status, report.message = "failed", check.error
                return
            if check.missing and not full_list.confirmed:
                report.status = "needs_confirmation"
                report.full_list = check.summary()
                report.message = labels.MSG_FULL_LIST_CONFIRM.format(
                    county=check.county, count=len(check.missing), exit_on=check.exit_on
                )
                return
        # the audit records written inside the import's transaction keep the audit chain's turn until it ends
        with audit_chain.turn(con):
            _write_file(con, parsed, report, all_or_nothing, user, full_list, check)


def _write_file(
    con,
    parsed: dict[str, Rows],
    report: ImportReport,
    all_or_nothing: bool,
    user: str,
    full_list: progress_rules.FullList | None = None,
    check: progress_rules.FullListCheck | None = None,
) -> None:
    try:
        with db.transaction(con):
            _write_batch(con, parsed, report, all_or_nothing, user, full_list, check)
            _test_pause("before_commit")
    except BaseException:
        report.batch_id = None
        raise
    if report.status == "rolled_back":  # undone by db.Rollback
        report.batch_id = None
        return
    _test_pause("after_commit")
    _checkpoint(con)


def _write_batch(
    con,
    parsed: dict[str, Rows],
    report: ImportReport,
    all_or_nothing: bool,
    user: str,
    full_list: progress_rules.FullList | None,
    check: progress_rules.FullListCheck | None,
) -> None:
    """The batch and its rows, inside the import's transaction; db.Rollback when all_or_nothing meets a rejected row."""
    report.batch_id = con.execute("select nextval('import_batch_seq')").fetchall()[0][0]
    con.execute(
        db.read_sql("load/insert_batch.sql"),
        {
            "batch_id": report.batch_id,
            "imported_at": dt.datetime.now().replace(microsecond=0),
            "user_name": user,
            "file_name": report.file,
            "sha256": report.sha256,
            "kind": report.kind,
            "sheets": json.dumps(report.sheets, ensure_ascii=False),
            "unknown": json.dumps(report.unknown_columns, ensure_ascii=False),
        },
    )
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    for kind in KIND_ORDER:  # roster first: visits and issues of the same file may need its people
        rows = parsed.get(kind)
        if rows is None:
            continue
        outcomes = LOADERS[kind](con, rows, report.batch_id)
        tally = np.bincount(outcomes[outcomes != NO_OUTCOME], minlength=len(OUTCOMES))
        for name, number in zip(OUTCOMES, tally.tolist(), strict=True):
            counts[name] += number
        report.duplicate += int(rows.duplicate.sum())
    report.inserted, report.updated, report.unchanged = counts["inserted"], counts["updated"], counts["unchanged"]
    if "issues" in parsed:  # each state an import sets is kept (一人一档's issue history)
        con.execute(db.read_sql("load/issue_history_insert.sql"), {"batch_id": report.batch_id})
    collect_errors(parsed, report)
    if all_or_nothing and report.rejected:  # nothing of the file lands
        report.status = "rolled_back"
        report.message = labels.MSG_ALL_OR_NOTHING.format(rejected=report.rejected)
        raise db.Rollback
    for rows in parsed.values():  # a cadre's phone changes
        report.notes.extend(rows.notes)
    county = next((rows.county_only for rows in parsed.values() if rows.county_only), None)
    progress_rules.audit_reopened(con, parsed, report, user, county)
    touched = [rows.touched_from for rows in parsed.values() if rows.touched_from is not None]
    if check is not None:
        exited = 0
        if full_list.confirmed:
            exited = progress_rules.apply_full_list(con, check, full_list, report, report.batch_id, user)
            if exited:  # the people's 退出日期 counts from that day on
                touched.append(check.exit_on)
        if not check.missing:
            report.notes.append(labels.MSG_FULL_LIST_NONE_MISSING.format(county=check.county))
        report.full_list = check.summary(exited)
    _store_rejected(con, report)
    con.execute(
        db.read_sql("load/finish_batch.sql"),
        {
            "batch_id": report.batch_id,
            "read": report.read,
            "inserted": report.inserted,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "duplicate": report.duplicate,
            "rejected": report.rejected,
            "held_back": report.held_back,
            "touched_from": min(touched, default=NO_DAY),
        },
    )


def _store_rejected(con, report: ImportReport) -> None:
    if not report.errors:
        return
    table = pa.table(
        {
            "batch_id": pa.array([report.batch_id] * len(report.errors), pa.int32()),
            "sheet": [e.sheet for e in report.errors],
            "row_no": pa.array([e.row for e in report.errors], pa.int32()),
            "column_name": [e.column for e in report.errors],
            "reason": [e.reason for e in report.errors],
            "raw": [json.dumps(e.raw, ensure_ascii=False) for e in report.errors],
            "held_back": pa.array([e.held_back for e in report.errors], pa.bool_()),
        }
    )
    con.register("rejected_staged", table)
    try:
        con.execute(db.read_sql("load/store_rejected.sql"))
    finally:
        con.unregister("rejected_staged")


def _checkpoint(con) -> None:
    """Move the committed batch from the WAL into the database file now, not at some later open.

    DuckDB refuses while another connection of this process (another session, or one merely opening
    the database: schema.sql is a write) has a write transaction open. Those are short, so try again
    for a second; past that the batch stays in the WAL, where the commit already made it durable, and
    the next checkpoint (another import's, or the last connection closing) moves it.
    """
    for _ in range(20):
        try:
            con.execute("checkpoint")
            return
        except duckdb.TransactionException:
            time.sleep(0.05)


# Test-only hook, never set in real use: tests/test_durability.py sets GUANAI_TEST_IMPORT_PAUSE to
# "POINT:SECONDS:MARKER" to hold an import at a known point, before_commit (rows written, transaction
# open) or after_commit (committed, not yet checkpointed), and kill it there; MARKER is created on arrival.
TEST_PAUSE_VARIABLE = "GUANAI_TEST_IMPORT_PAUSE"


def _test_pause(point: str) -> None:
    setting = os.environ.get(TEST_PAUSE_VARIABLE)
    if not setting:
        return
    where, seconds, marker = setting.split(":", 2)
    if where == point:
        Path(marker).touch()
        time.sleep(float(seconds))
