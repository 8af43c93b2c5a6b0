"""What the commands share once their arguments are parsed: --today, --period, --format, --scope, the database,
and the output (CSV or JSON, on stdout or in the file of --out).

A wrong value raises parser.BadArgument with the Chinese text for stderr. An --out never replaces an existing
file without --force, nor the database (pipeline/safe_files.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import sys

import duckdb
import pandas as pd

from pipeline import config, db, labels, periods, queries, safe_files
from pipeline.cells import neutralize
from pipeline.cli.parser import FORMATS, BadArgument

DECIMALS = 4

# ---------------------------------------------------------------- arguments


def pinned_today(args) -> dt.date:
    """--today (or $GUANAI_TODAY, or the real date)."""
    try:
        return config.today(getattr(args, "today", None))
    except ValueError as exc:
        raise BadArgument(labels.MSG_DATE_INVALID.format(value=args.today)) from exc


def parse_period(args, today: dt.date) -> periods.Period:
    """--period, cut at today when it has not ended."""
    try:
        return periods.parse_period(args.period, today)
    except periods.PeriodError as exc:
        raise BadArgument(str(exc)) from exc


def output_format(args) -> str:
    """--format: csv (the default) or json."""
    value = getattr(args, "format", None) or "csv"
    if value not in FORMATS:
        raise BadArgument(labels.MSG_FORMAT_INVALID.format(value=value))
    return value


def parse_scope(args) -> queries.Scope:
    """--scope county=X | department=Y (default: the whole city)."""
    try:
        return queries.Scope.parse(getattr(args, "scope", None))
    except ValueError as exc:
        raise BadArgument(str(exc)) from exc


def open_database(args, *, create: bool = False) -> duckdb.DuckDBPyConnection:
    """The database of --db, writable (every command writes at least its audit record); an absent file is an
    error, not a new empty database, unless `create`."""
    path = config.db_path(getattr(args, "db", None))
    if not create and not path.is_file():
        raise BadArgument(labels.MSG_DB_MISSING.format(db=path))
    try:
        return db.connect(path)
    except db.DatabaseBusy as exc:
        raise BadArgument(str(exc)) from exc
    except duckdb.Error as exc:
        raise BadArgument(labels.MSG_DB_UNREADABLE.format(db=path, detail=exc)) from exc


def check_output(args) -> None:
    """Refuse an --out the command may not write, before any work is done."""
    out = getattr(args, "out", None)
    if out:
        try:
            safe_files.check_output(out, getattr(args, "db", None), getattr(args, "force", False))
        except safe_files.OutputRefused as exc:
            raise BadArgument(str(exc)) from exc


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


def encode_frame(frame: pd.DataFrame, fmt: str) -> bytes:
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
            writer.writerow("" if value is None else neutralize(value) for value in record.values())
        data = buffer.getvalue().encode("utf-8-sig")
    return data


def deliver(data: bytes, args=None) -> None:
    """Bytes to the command's --out (checked by safe_files), else to stdout; BadArgument when refused."""
    out = getattr(args, "out", None) if args is not None else None
    if out:
        try:
            safe_files.write_output(out, data, getattr(args, "db", None), getattr(args, "force", False))
        except safe_files.OutputRefused as exc:
            raise BadArgument(str(exc)) from exc
        except OSError as exc:
            raise BadArgument(labels.MSG_FILE_WRITE_FAILED.format(path=out, detail=exc)) from exc
        print(labels.MSG_OUTPUT_WRITTEN.format(path=out), file=sys.stderr)
        return
    stdout = getattr(sys.stdout, "buffer", None)
    if stdout is not None:
        sys.stdout.flush()
        stdout.write(data)
        stdout.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))


def write_frame(frame: pd.DataFrame, fmt: str, args=None) -> None:
    """CSV (UTF-8 with BOM, so Excel and WPS read the Chinese) or JSON, to stdout or to the command's --out."""
    deliver(encode_frame(frame, fmt), args)
