"""`python -m pipeline report` and `… snapshot create|list|compare` (CLI.md): the dispatch report and 封存.

Exit status 0 when everything asked for was written, 1 when the PDF could not be rendered here (no
Chromium) but the other files were, 2 when the arguments are wrong or nothing could be produced.
Messages go to stderr in Chinese; `snapshot list` and `snapshot compare` print CSV or JSON on stdout.
A report never replaces an existing file without --force, nor ever the database (pipeline/safe_files.py);
every run writes one audit record (an export, or the snapshot made) before its output is handed over.
"""

from __future__ import annotations

import json
import sys

from pipeline import labels, queries, safe_files, snapshots
from pipeline.cli import common, records
from pipeline.cli.parser import EXIT_OK, EXIT_PARTIAL, REPORT_KINDS, BadArgument, bad_argument, fail

# ---------------------------------------------------------------- shared pieces


def _snapshot_id(value: str | None) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise BadArgument(labels.MSG_SNAPSHOT_ID_INVALID.format(value=value))
    return int(text)


def _check_outputs(args) -> None:
    """Refuse, before any work, an output that exists (without --force), is the database, or is named twice."""
    asked = [args.out, args.html, args.pdf]
    for position, path in enumerate(asked):
        if path:
            try:
                safe_files.check_output(path, args.db, args.force, others=tuple(asked[:position]))
            except safe_files.OutputRefused as exc:
                raise BadArgument(str(exc)) from exc


def _write_file(path: str, content: bytes | str, what: str, args=None) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        safe_files.write_output(path, data, getattr(args, "db", None), getattr(args, "force", False))
    except safe_files.OutputRefused as exc:
        raise BadArgument(str(exc)) from exc
    except OSError as exc:
        raise BadArgument(labels.MSG_FILE_WRITE_FAILED.format(path=path, detail=exc)) from exc
    print(labels.MSG_REPORT_WRITTEN.format(what=labels.REPORT_WHAT[what], path=path), file=sys.stderr)


# ---------------------------------------------------------------- report


def run_report(args) -> int:
    """Write the report of a period (or of a snapshot) as .xlsx, and optionally as HTML and PDF."""
    try:
        today = common.pinned_today(args)
        scope = common.parse_scope(args)
        snapshot_id = _snapshot_id(args.snapshot)
        if snapshot_id is None and not args.period:
            raise BadArgument(labels.MSG_REPORT_PERIOD_MISSING)
        period = common.parse_period(args, today) if args.period and snapshot_id is None else args.period
        if args.kind is not None and args.kind not in REPORT_KINDS:
            raise BadArgument(labels.MSG_REPORT_KIND_INVALID.format(value=args.kind))
        _check_outputs(args)
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    from pipeline import report  # plotly and openpyxl load only when a report is made

    try:
        data = report.build_report(con, period, args.kind, scope, today, masked=True, snapshot_id=snapshot_id)
        label = getattr(period, "label", None) or labels.AUDIT_DETAIL_SNAPSHOT.format(
            snapshot_id=snapshot_id, period=period or ""
        )
        what = labels.AUDIT_WHAT_REPORT.format(period=label, scope=scope.label)
        records.record_export(con, what, [args.out, args.html, args.pdf], None, scope)
    except (ValueError, snapshots.SnapshotNotFound) as exc:  # a kind or period that does not fit, no snapshot
        return bad_argument(exc)
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
    except BadArgument as exc:
        return fail(str(exc))
    return status


# ---------------------------------------------------------------- snapshots


def _create(args) -> int:
    try:
        today = common.pinned_today(args)
        period = common.parse_period(args, today)
        scope = common.parse_scope(args)
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        snapshot_id = snapshots.create_snapshot(con, period, args.user, args.note, today, scope)
        snapshot = snapshots.get_snapshot(con, snapshot_id)
        records.record_snapshot(con, args.user, snapshot_id, snapshot.period.label, scope)
    except ValueError as exc:
        return bad_argument(exc)
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
        fmt = common.output_format(args)
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        frame = snapshots.list_snapshots(con)
        records.record_export(con, labels.AUDIT_WHAT_SNAPSHOT_LIST, [], len(frame))
    finally:
        con.close()
    frame["created_at"] = [f"{value:%Y-%m-%d %H:%M:%S}" for value in frame["created_at"]]
    common.write_frame(frame, fmt)
    return EXIT_OK


def _compare(args) -> int:
    try:
        today = common.pinned_today(args)
        fmt = common.output_format(args)
        snapshot_id = _snapshot_id(args.snapshot_id)
        if args.by not in queries.GROUPINGS:
            allowed = "、".join(queries.GROUPINGS)
            raise BadArgument(labels.MSG_GROUPING_INVALID.format(value=args.by, allowed=allowed))
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        frame = snapshots.compare_snapshot(con, snapshot_id, args.by, today, changed_only=not args.all)
        what = labels.AUDIT_WHAT_SNAPSHOT_COMPARE.format(snapshot_id=snapshot_id, by=args.by)
        records.record_export(con, what, [], len(frame))
    except snapshots.SnapshotNotFound as exc:
        return bad_argument(exc)
    finally:
        con.close()
    common.write_frame(frame, fmt)
    return EXIT_OK


def run_snapshot(args) -> int:
    """snapshot create (JSON line on stdout), list and compare (CSV or JSON on stdout)."""
    handlers = {"create": _create, "list": _list, "compare": _compare}
    return handlers[args.action](args)
