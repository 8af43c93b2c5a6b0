"""`python -m pipeline metrics` and `… overdue` (CLI.md): the figures and the 督办 lists, on stdout or to a file.

Each run writes one export record to the audit log (pipeline/cli/records.py) before the output is handed over;
--out FILE never replaces an existing file without --force, nor the database (pipeline/safe_files.py). A stored
quarter is read as it is: nothing of the report, the workbooks or the charts is loaded.
"""

from __future__ import annotations

from pipeline import labels, queries
from pipeline.cli import common, records
from pipeline.cli.parser import EXIT_OK, OVERDUE_WHAT, BadArgument, bad_argument


def _check_grouping(args) -> None:
    if args.by not in queries.GROUPINGS:
        allowed = "、".join(queries.GROUPINGS)
        raise BadArgument(labels.MSG_GROUPING_INVALID.format(value=args.by, allowed=allowed))


def _check_overdue(args) -> None:
    if args.what not in OVERDUE_WHAT:
        raise BadArgument(labels.MSG_OVERDUE_WHAT_INVALID.format(value=args.what))


def _listing(args, check, read, describe) -> int:
    """The course of `metrics` and `overdue`: the arguments checked (exit 2 with a Chinese message), the
    table read within the scope, its export recorded, then written."""
    try:
        today = common.pinned_today(args)
        period = common.parse_period(args, today)
        check(args)
        fmt, scope = common.output_format(args), common.parse_scope(args)
        common.check_output(args)
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        frame = read(con, period, scope)
        records.record_export(con, describe(period, scope), [getattr(args, "out", None)], len(frame), scope)
    finally:
        con.close()
    try:
        common.write_frame(frame, fmt, args)
    except BadArgument as exc:
        return bad_argument(exc)
    return EXIT_OK


def run_metrics(args) -> int:
    """Print the metrics of one period and grouping; exit 2 with a Chinese message on bad arguments."""
    return _listing(
        args,
        _check_grouping,
        lambda con, period, scope: queries.metrics(con, period, args.by, scope),
        lambda period, scope: labels.AUDIT_WHAT_METRICS.format(period=period.label, by=args.by, scope=scope.label),
    )


def run_overdue(args) -> int:
    """Print the 督办 list (overdue contacts or issues) as of the end of the period."""
    return _listing(
        args,
        _check_overdue,
        lambda con, period, scope: queries.overdue(con, period, args.what, scope),
        lambda period, scope: labels.AUDIT_WHAT_OVERDUE.format(period=period.label, what=args.what, scope=scope.label),
    )
