"""`python -m pipeline metrics` and `… overdue` (CLI.md): the figures and the 督办 lists, on stdout or to a file.

Each run writes one export record to the audit log (pipeline/cli_audit.py) before the output is handed over;
--out FILE never replaces an existing file without --force, nor the database (pipeline/safe_files.py).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import sys

import duckdb
import pandas as pd

from pipeline import cli_audit, config, db, export, labels, periods, queries, safe_files

EXIT_OK, EXIT_FAILED = 0, 2
FORMATS = ("csv", "json")
OVERDUE_WHAT = ("contacts", "issues")
DECIMALS = 4
_GROUPINGS_TEXT = "、".join(queries.GROUPINGS)


class _BadArgument(ValueError):
    """An argument that cannot be used; the message is the Chinese text for stderr."""


def add_metrics_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `metrics` (besides --db and --today)."""
    parser.add_argument("--period", required=True, help=labels.HELP_PERIOD)
    parser.add_argument("--by", required=True, help=labels.HELP_GROUPING.format(allowed=_GROUPINGS_TEXT))
    parser.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    parser.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    add_output_arguments(parser)


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """--out FILE (instead of standard output) and --force (replace an existing file)."""
    parser.add_argument("--out", metavar="FILE", help=labels.HELP_OUT_FILE)
    parser.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)


def add_overdue_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `overdue` (besides --db and --today)."""
    parser.add_argument("--period", required=True, help=labels.HELP_PERIOD)
    parser.add_argument("--what", required=True, help=labels.HELP_OVERDUE_WHAT)
    parser.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    parser.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    add_output_arguments(parser)


# ---------------------------------------------------------------- arguments


def _today(args) -> dt.date:
    try:
        return config.today(getattr(args, "today", None))
    except ValueError as exc:
        raise _BadArgument(labels.MSG_DATE_INVALID.format(value=args.today)) from exc


def _period(args, today: dt.date) -> periods.Period:
    try:
        return periods.parse_period(args.period, today)
    except periods.PeriodError as exc:
        raise _BadArgument(str(exc)) from exc


def _format(args) -> str:
    value = getattr(args, "format", None) or "csv"
    if value not in FORMATS:
        raise _BadArgument(labels.MSG_FORMAT_INVALID.format(value=value))
    return value


def _scope(args) -> queries.Scope:
    try:
        return queries.Scope.parse(getattr(args, "scope", None))
    except ValueError as exc:
        raise _BadArgument(str(exc)) from exc


def _open(args, *, writable: bool = False) -> duckdb.DuckDBPyConnection:
    """The database, read-only unless the command writes (an audit record is a write)."""
    path = config.db_path(getattr(args, "db", None))
    if not path.is_file():
        raise _BadArgument(labels.MSG_DB_MISSING.format(db=path))
    try:
        return db.connect(path, read_only=not writable)
    except db.DatabaseBusy as exc:
        raise _BadArgument(str(exc)) from exc
    except duckdb.Error as exc:
        raise _BadArgument(labels.MSG_DB_UNREADABLE.format(db=path, detail=exc)) from exc


# ---------------------------------------------------------------- output


def _cell(value: object) -> object:
    """One value for output: None for null, ints as ints, floats rounded, dates as ISO text."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, DECIMALS)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _cell(value.item())
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [
        {column: _cell(value) for column, value in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _check_out(args) -> None:
    """Refuse an --out the command may not write, before any work is done."""
    out = getattr(args, "out", None)
    if out:
        try:
            safe_files.check_output(out, getattr(args, "db", None), getattr(args, "force", False))
        except safe_files.OutputRefused as exc:
            raise _BadArgument(str(exc)) from exc


def _write(frame: pd.DataFrame, fmt: str, args=None) -> None:
    """CSV (UTF-8 with BOM, so Excel and WPS read the Chinese) or JSON, to stdout or to the command's --out."""
    _deliver(_encode(frame, fmt), args)


def _deliver(data: bytes, args=None) -> None:
    """Bytes to the command's --out (checked by safe_files), else to stdout; _BadArgument when refused."""
    out = getattr(args, "out", None) if args is not None else None
    if out:
        try:
            safe_files.write_output(out, data, getattr(args, "db", None), getattr(args, "force", False))
        except safe_files.OutputRefused as exc:
            raise _BadArgument(str(exc)) from exc
        except OSError as exc:
            raise _BadArgument(labels.MSG_FILE_WRITE_FAILED.format(path=out, detail=exc)) from exc
        print(labels.MSG_OUTPUT_WRITTEN.format(path=out), file=sys.stderr)
        return
    stdout = getattr(sys.stdout, "buffer", None)
    if stdout is not None:
        sys.stdout.flush()
        stdout.write(data)
        stdout.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))


def _encode(frame: pd.DataFrame, fmt: str) -> bytes:
    """The bytes of a frame as CSV (UTF-8 with BOM, every text cell neutralised) or JSON."""
    records = _records(frame)
    if fmt == "json":
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
        data = text.encode("utf-8")
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(frame.columns)
        for record in records:
            # names come from the uploaded ledgers: one starting with = + - @ is quoted, never run by Excel
            writer.writerow("" if value is None else export.neutralize(value) for value in record.values())
        data = buffer.getvalue().encode("utf-8-sig")
    return data


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_FAILED


# ---------------------------------------------------------------- commands


def run_metrics(args) -> int:
    """Print the metrics of one period and grouping; exit 2 with a Chinese message on bad arguments."""
    try:
        today = _today(args)
        period = _period(args, today)
        if args.by not in queries.GROUPINGS:
            raise _BadArgument(labels.MSG_GROUPING_INVALID.format(value=args.by, allowed=_GROUPINGS_TEXT))
        fmt, scope = _format(args), _scope(args)
        _check_out(args)
        con = _open(args, writable=True)
    except _BadArgument as exc:
        return _fail(labels.MSG_BAD_ARGUMENT.format(detail=exc))
    try:
        frame = queries.metrics(con, period, args.by, scope)
        what = labels.AUDIT_WHAT_METRICS.format(period=period.label, by=args.by, scope=scope.label)
        cli_audit.record_export(con, what, [getattr(args, "out", None)], len(frame), scope)
    finally:
        con.close()
    try:
        _write(frame, fmt, args)
    except _BadArgument as exc:
        return _fail(labels.MSG_BAD_ARGUMENT.format(detail=exc))
    return EXIT_OK


def run_overdue(args) -> int:
    """Print the 督办 list (overdue contacts or issues) as of the end of the period."""
    try:
        today = _today(args)
        period = _period(args, today)
        if args.what not in OVERDUE_WHAT:
            raise _BadArgument(labels.MSG_OVERDUE_WHAT_INVALID.format(value=args.what))
        fmt, scope = _format(args), _scope(args)
        _check_out(args)
        con = _open(args, writable=True)
    except _BadArgument as exc:
        return _fail(labels.MSG_BAD_ARGUMENT.format(detail=exc))
    try:
        frame = queries.overdue(con, period, args.what, scope)
        what = labels.AUDIT_WHAT_OVERDUE.format(period=period.label, what=args.what, scope=scope.label)
        cli_audit.record_export(con, what, [getattr(args, "out", None)], len(frame), scope)
    finally:
        con.close()
    try:
        _write(frame, fmt, args)
    except _BadArgument as exc:
        return _fail(labels.MSG_BAD_ARGUMENT.format(detail=exc))
    return EXIT_OK
