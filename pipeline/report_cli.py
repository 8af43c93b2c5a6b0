"""`python -m pipeline report` and `… snapshot create|list|compare` (CLI.md): the dispatch report and 封存.

Exit status 0 when everything asked for was written, 1 when the PDF could not be rendered here (no
Chromium) but the other files were, 2 when the arguments are wrong or nothing could be produced.
Messages go to stderr in Chinese; `snapshot list` and `snapshot compare` print CSV or JSON on stdout.
A report never replaces an existing file without --force, nor ever the database (pipeline/safe_files.py);
every run writes one audit record (an export, or the snapshot made) before its output is handed over.
"""

from __future__ import annotations

import argparse
import json
import sys

import duckdb

from pipeline import cli_audit, config, db, labels, metrics_cli, queries, safe_files, snapshots
from pipeline.metrics_cli import _BadArgument

EXIT_OK, EXIT_PARTIAL, EXIT_FAILED = 0, 1, 2
REPORT_KINDS = ("month", "quarter", "year")
_GROUPINGS_TEXT = "、".join(queries.GROUPINGS)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="数据库文件（默认：$GUANAI_DB 或 data/guanai.duckdb）")
    common.add_argument("--today", help="固定“今天”的日期 YYYY-MM-DD（默认：$GUANAI_TODAY 或真实日期）")
    return common


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `report` (besides --db and --today)."""
    parser.add_argument("--period", help=labels.HELP_PERIOD)
    parser.add_argument("--out", required=True, metavar="FILE.xlsx", help=labels.HELP_REPORT_OUT)
    parser.add_argument("--html", metavar="FILE.html", help=labels.HELP_REPORT_HTML)
    parser.add_argument("--pdf", metavar="FILE.pdf", help=labels.HELP_REPORT_PDF)
    parser.add_argument("--snapshot", metavar="ID", help=labels.HELP_REPORT_SNAPSHOT)
    parser.add_argument("--kind", help=labels.HELP_REPORT_KIND)
    parser.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    parser.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)


def add_snapshot_arguments(parser: argparse.ArgumentParser) -> None:
    """The actions of `snapshot`: create, list, compare, each with its own --db and --today."""
    actions = parser.add_subparsers(
        dest="action",
        required=True,
        parser_class=type(parser),
        metavar="create|list|compare",
        help=labels.HELP_SNAPSHOT_ACTION,
    )
    common = _common()
    create = actions.add_parser("create", parents=[common], help=labels.HELP_SNAPSHOT_CREATE)
    create.add_argument("--period", required=True, help=labels.HELP_PERIOD)
    create.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    create.add_argument("--user", default=labels.DEFAULT_USER, help=labels.HELP_SNAPSHOT_USER)
    create.add_argument("--note", default="", help=labels.HELP_SNAPSHOT_NOTE)
    listing = actions.add_parser("list", parents=[common], help=labels.HELP_SNAPSHOT_LIST)
    listing.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    compare = actions.add_parser("compare", parents=[common], help=labels.HELP_SNAPSHOT_COMPARE)
    compare.add_argument("--id", required=True, dest="snapshot_id", metavar="ID", help=labels.HELP_SNAPSHOT_ID)
    compare.add_argument("--by", default="overall", help=labels.HELP_GROUPING.format(allowed=_GROUPINGS_TEXT))
    compare.add_argument("--all", action="store_true", help=labels.HELP_SNAPSHOT_ALL)
    compare.add_argument("--format", default="csv", help=labels.HELP_FORMAT)


# ---------------------------------------------------------------- shared pieces


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_FAILED


def _bad(detail: object) -> int:
    return _fail(labels.MSG_BAD_ARGUMENT.format(detail=detail))


def _snapshot_id(value: str | None) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise _BadArgument(labels.MSG_SNAPSHOT_ID_INVALID.format(value=value))
    return int(text)


def _open_writable(args) -> duckdb.DuckDBPyConnection:
    """The database for writing a snapshot; an absent file is an error, not a new empty database."""
    path = config.db_path(getattr(args, "db", None))
    if not path.is_file():
        raise _BadArgument(labels.MSG_DB_MISSING.format(db=path))
    try:
        return db.connect(path)
    except db.DatabaseBusy as exc:
        raise _BadArgument(str(exc)) from exc
    except duckdb.Error as exc:
        raise _BadArgument(labels.MSG_DB_UNREADABLE.format(db=path, detail=exc)) from exc


def _check_outputs(args) -> None:
    """Refuse, before any work, an output that exists (without --force), is the database, or is named twice."""
    asked = [args.out, args.html, args.pdf]
    for position, path in enumerate(asked):
        if path:
            try:
                safe_files.check_output(path, args.db, args.force, others=tuple(asked[:position]))
            except safe_files.OutputRefused as exc:
                raise _BadArgument(str(exc)) from exc


def _write_file(path: str, content: bytes | str, what: str, args=None) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        safe_files.write_output(path, data, getattr(args, "db", None), getattr(args, "force", False))
    except safe_files.OutputRefused as exc:
        raise _BadArgument(str(exc)) from exc
    except OSError as exc:
        raise _BadArgument(labels.MSG_FILE_WRITE_FAILED.format(path=path, detail=exc)) from exc
    print(labels.MSG_REPORT_WRITTEN.format(what=labels.REPORT_WHAT[what], path=path), file=sys.stderr)


# ---------------------------------------------------------------- report


def run_report(args) -> int:
    """Write the report of a period (or of a snapshot) as .xlsx, and optionally as HTML and PDF."""
    try:
        today = metrics_cli._today(args)
        scope = metrics_cli._scope(args)
        snapshot_id = _snapshot_id(args.snapshot)
        if snapshot_id is None and not args.period:
            raise _BadArgument(labels.MSG_REPORT_PERIOD_MISSING)
        period = metrics_cli._period(args, today) if args.period and snapshot_id is None else args.period
        if args.kind is not None and args.kind not in REPORT_KINDS:
            raise _BadArgument(labels.MSG_REPORT_KIND_INVALID.format(value=args.kind))
        _check_outputs(args)
        con = metrics_cli._open(args, writable=True)
    except _BadArgument as exc:
        return _bad(exc)
    from pipeline import report  # plotly and openpyxl load only when a report is made

    try:
        data = report.build_report(con, period, args.kind, scope, today, masked=True, snapshot_id=snapshot_id)
        label = getattr(period, "label", None) or labels.AUDIT_DETAIL_SNAPSHOT.format(
            snapshot_id=snapshot_id, period=period or ""
        )
        what = labels.AUDIT_WHAT_REPORT.format(period=label, scope=scope.label)
        cli_audit.record_export(con, what, [args.out, args.html, args.pdf], None, scope)
    except (ValueError, snapshots.SnapshotNotFound) as exc:  # a kind or period that does not fit, no snapshot
        return _bad(exc)
    finally:
        con.close()
    status = EXIT_OK
    try:
        _write_file(args.out, report.report_workbook(data), "xlsx", args)
        if args.html or args.pdf:
            page = report.report_html(data)
            if args.html:
                _write_file(args.html, page, "html", args)
            if args.pdf:
                pdf = report.report_pdf(page)
                if pdf is None:
                    print(labels.MSG_PDF_UNAVAILABLE.format(path=report.chromium_candidate()), file=sys.stderr)
                    status = EXIT_PARTIAL
                else:
                    _write_file(args.pdf, pdf, "pdf", args)
    except _BadArgument as exc:
        return _fail(str(exc))
    return status


# ---------------------------------------------------------------- snapshots


def _create(args) -> int:
    try:
        today = metrics_cli._today(args)
        period = metrics_cli._period(args, today)
        scope = metrics_cli._scope(args)
        con = _open_writable(args)
    except _BadArgument as exc:
        return _bad(exc)
    try:
        snapshot_id = snapshots.create_snapshot(con, period, args.user, args.note, today, scope)
        snapshot = snapshots.get_snapshot(con, snapshot_id)
        cli_audit.record_snapshot(con, args.user, snapshot_id, snapshot.period.label, scope)
    except ValueError as exc:
        return _bad(exc)
    finally:
        con.close()
    summary = {
        "snapshot_id": snapshot_id,
        "period": snapshot.period.text,
        "as_of": snapshot.period.as_of.isoformat(),
        "scope": snapshot.scope.label,
        "created_by": snapshot.created_by,
        "created_at": f"{snapshot.created_at:%Y-%m-%d %H:%M:%S}",
        "data_batch_id": snapshot.data_batch_id,
    }
    print(json.dumps(summary, ensure_ascii=False))
    message = labels.MSG_SNAPSHOT_CREATED.format(
        snapshot_id=snapshot_id,
        period=snapshot.period.label,
        scope=snapshot.scope.label,
        batch=snapshot.data_batch_id or 0,
    )
    print(message, file=sys.stderr)
    return EXIT_OK


def _list(args) -> int:
    try:
        fmt = metrics_cli._format(args)
        con = metrics_cli._open(args, writable=True)
    except _BadArgument as exc:
        return _bad(exc)
    try:
        frame = snapshots.list_snapshots(con)
        cli_audit.record_export(con, labels.AUDIT_WHAT_SNAPSHOT_LIST, [], len(frame))
    finally:
        con.close()
    frame["created_at"] = [f"{value:%Y-%m-%d %H:%M:%S}" for value in frame["created_at"]]
    metrics_cli._write(frame, fmt)
    return EXIT_OK


def _compare(args) -> int:
    try:
        today = metrics_cli._today(args)
        fmt = metrics_cli._format(args)
        snapshot_id = _snapshot_id(args.snapshot_id)
        if args.by not in queries.GROUPINGS:
            raise _BadArgument(labels.MSG_GROUPING_INVALID.format(value=args.by, allowed=_GROUPINGS_TEXT))
        con = metrics_cli._open(args, writable=True)
    except _BadArgument as exc:
        return _bad(exc)
    try:
        frame = snapshots.compare_snapshot(con, snapshot_id, args.by, today, changed_only=not args.all)
        what = labels.AUDIT_WHAT_SNAPSHOT_COMPARE.format(snapshot_id=snapshot_id, by=args.by)
        cli_audit.record_export(con, what, [], len(frame))
    except snapshots.SnapshotNotFound as exc:
        return _bad(exc)
    finally:
        con.close()
    metrics_cli._write(frame, fmt)
    return EXIT_OK


def run_snapshot(args) -> int:
    """snapshot create (JSON line on stdout), list and compare (CSV or JSON on stdout)."""
    handlers = {"create": _create, "list": _list, "compare": _compare}
    return handlers[args.action](args)
