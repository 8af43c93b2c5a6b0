"""`python -m pipeline audit verify` and `… audit list`: the audit log checked, and listed for the office.

`audit verify` walks the hash chain (pipeline/audit_chain.py) and names the first record where it breaks.
Exit status 0 when the chain is whole and the log's guards are in place, 1 when it is broken (or a guard is
gone), 2 when the database cannot be opened or the arguments are wrong; the verdict goes to stderr in Chinese
and one JSON object to stdout.

`audit list [--since YYYY-MM-DD] [--action A] [--format csv|json] [--out FILE [--force]]` writes the records
oldest first: CSV in UTF-8 with a BOM, every cell neutralised so that a spreadsheet runs no formula from a
detail. The listing is itself an export and writes one audit record first.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys

import pandas as pd

from pipeline import access, audit_chain, cli_audit, db, export, labels, metrics_cli
from pipeline.metrics_cli import _BadArgument

EXIT_OK, EXIT_BROKEN, EXIT_FAILED = 0, 1, 2
_HASH_SHOWN = 16  # characters of a hash in a message (the JSON has all of them)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="数据库文件（默认：$GUANAI_DB 或 data/guanai.duckdb）")
    common.add_argument("--today", help="固定“今天”的日期 YYYY-MM-DD（默认：$GUANAI_TODAY 或真实日期）")
    return common


def add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    """The actions of `audit`: verify and list, each with its own --db and --today."""
    actions = parser.add_subparsers(
        dest="action", required=True, parser_class=type(parser), metavar="verify|list", help=labels.HELP_AUDIT_ACTION
    )
    common = _common()
    actions.add_parser("verify", parents=[common], help=labels.HELP_AUDIT_VERIFY)
    listing = actions.add_parser("list", parents=[common], help=labels.HELP_AUDIT_LIST)
    listing.add_argument("--since", metavar="YYYY-MM-DD", help=labels.HELP_AUDIT_SINCE)
    listing.add_argument("--action", dest="audit_action", metavar="A", help=labels.HELP_AUDIT_ACTION_FILTER)
    listing.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    metrics_cli.add_output_arguments(listing)


def _fail(message: object) -> int:
    print(message, file=sys.stderr)
    return EXIT_FAILED


def _short(value: str | None) -> str:
    return (value or "")[:_HASH_SHOWN]


# ---------------------------------------------------------------- verify


def verdict(found: audit_chain.Verification) -> list[str]:
    """The Chinese lines that tell the office what `verify` found."""
    lines = []
    if found.problem == "genesis" and found.broken_at is None:
        lines.append(labels.MSG_AUDIT_GENESIS_MISSING)
    elif found.problem is not None:
        reasons = {
            "genesis": labels.AUDIT_BROKEN_GENESIS,
            "unchained": labels.AUDIT_BROKEN_UNCHAINED,
            "content": labels.AUDIT_BROKEN_CONTENT,
        }
        previous = (
            labels.AUDIT_PREVIOUS_ID.format(audit_id=found.previous_id)
            if found.previous_id is not None
            else labels.AUDIT_PREVIOUS_NONE
        )
        reason = reasons.get(found.problem) or labels.AUDIT_BROKEN_LINK.format(previous=previous)
        lines.append(labels.MSG_AUDIT_BROKEN.format(audit_id=found.broken_at, reason=reason))
    if found.missing_guards:
        lines.append(labels.MSG_AUDIT_GUARDS_MISSING.format(names="、".join(found.missing_guards)))
    if not lines:
        if found.records:
            lines.append(
                labels.MSG_AUDIT_INTACT.format(records=found.records, head=found.head_id, hash=found.head_hash)
            )
        else:
            lines.append(labels.MSG_AUDIT_EMPTY_INTACT)
    return lines


def _verify(args) -> int:
    try:
        con = metrics_cli._open(args, writable=True)  # an older database is brought to the chained schema first
    except _BadArgument as exc:
        return _fail(labels.MSG_BAD_ARGUMENT.format(detail=exc))
    try:
        found = audit_chain.verify(con)
    finally:
        con.close()
    summary = {
        "intact": found.intact,
        "records": found.records,
        "broken_at": found.broken_at,
        "problem": found.problem,
        "head_id": found.head_id,
        "head_hash": found.head_hash,
        "missing_guards": list(found.missing_guards),
    }
    print(json.dumps(summary, ensure_ascii=False))
    for line in verdict(found):
        print(line, file=sys.stderr)
    return EXIT_OK if found.intact else EXIT_BROKEN


# ---------------------------------------------------------------- list


def _since(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value.strip()), dt.time.min)
    except ValueError as exc:
        raise _BadArgument(labels.MSG_AUDIT_SINCE_INVALID.format(value=value)) from exc


def _action(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in access.AUDIT_ACTIONS:
        allowed = "、".join(access.AUDIT_ACTIONS)
        raise _BadArgument(labels.MSG_AUDIT_ACTION_INVALID.format(value=value, allowed=allowed))
    return value


def _cell(value: object) -> str:
    """One CSV cell: text, neutralised (a detail or a user name may start with = + - @)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        value = f"{value:%Y-%m-%d %H:%M:%S}"
    return str(export.neutralize(str(value)))


def listing(con, since: dt.datetime | None, action: str | None) -> pd.DataFrame:
    """The records for `audit list`, oldest first, with the action's Chinese name beside its code."""
    frame = con.execute(db.read_sql("access/audit_list.sql"), {"since": since, "action": action}).df()
    frame.insert(4, "action_label", [labels.AUDIT_ACTION_LABELS.get(a, a) for a in frame["action"]])
    return frame


def encode(frame: pd.DataFrame, fmt: str) -> bytes:
    """CSV (UTF-8 with a BOM, every cell neutralised) or JSON."""
    rows = list(frame.itertuples(index=False, name=None))
    if fmt == "json":
        records = [dict(zip(frame.columns, (_plain(v) for v in row), strict=True)) for row in rows]
        return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_cell(name) for name in frame.columns])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _plain(value: object) -> object:
    """One JSON value: text and numbers as they are, times as text, nothing for null."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if hasattr(value, "item"):
        return value.item()
    return value


def _list(args) -> int:
    try:
        since, action = _since(args.since), _action(args.audit_action)
        fmt = metrics_cli._format(args)
        metrics_cli._check_out(args)
        con = metrics_cli._open(args, writable=True)
    except _BadArgument as exc:
        return _fail(labels.MSG_BAD_ARGUMENT.format(detail=exc))
    try:
        frame = listing(con, since, action)
        cli_audit.record_export(con, labels.AUDIT_WHAT_AUDIT_LIST, [args.out], len(frame))
    finally:
        con.close()
    try:
        metrics_cli._deliver(encode(frame, fmt), args)
    except _BadArgument as exc:
        return _fail(labels.MSG_BAD_ARGUMENT.format(detail=exc))
    return EXIT_OK


def run_audit(args) -> int:
    """audit verify (exit 0 intact, 1 broken) | audit list (CSV or JSON)."""
    handlers = {"verify": _verify, "list": _list}
    return handlers[args.action](args)
