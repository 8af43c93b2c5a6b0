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

import csv
import datetime as dt
import io
import json
import sys

import pandas as pd

from pipeline import access, audit_chain, db, labels
from pipeline.cells import neutralize
from pipeline.cli import common, records
from pipeline.cli.parser import EXIT_BROKEN, EXIT_OK, BadArgument, bad_argument

_HASH_SHOWN = 16  # characters of a hash in a message (the JSON has all of them)


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
        con = common.open_database(args)  # an older database is brought to the chained schema first
    except BadArgument as exc:
        return bad_argument(exc)
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
        raise BadArgument(labels.MSG_AUDIT_SINCE_INVALID.format(value=value)) from exc


def _action(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in access.AUDIT_ACTIONS:
        allowed = "、".join(access.AUDIT_ACTIONS)
        raise BadArgument(labels.MSG_AUDIT_ACTION_INVALID.format(value=value, allowed=allowed))
    return value


def _cell(value: object) -> str:
    """One CSV cell: text, neutralised (a detail or a user name may start with = + - @)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        value = f"{value:%Y-%m-%d %H:%M:%S}"
    return str(neutralize(str(value)))


def listing(con, since: dt.datetime | None, action: str | None) -> pd.DataFrame:
    """The records for `audit list`, oldest first, with the action's Chinese name beside its code."""
    frame = con.execute(db.read_sql("access/audit_list.sql"), {"since": since, "action": action}).df()
    frame.insert(4, "action_label", [labels.AUDIT_ACTION_LABELS.get(a, a) for a in frame["action"]])
    return frame


def encode(frame: pd.DataFrame, fmt: str) -> bytes:
    """CSV (UTF-8 with a BOM, every cell neutralised) or JSON."""
    rows = list(frame.itertuples(index=False, name=None))
    if fmt == "json":
        listed = [dict(zip(frame.columns, (_plain(v) for v in row), strict=True)) for row in rows]
        return (json.dumps(listed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
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
        fmt = common.output_format(args)
        common.check_output(args)
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        frame = listing(con, since, action)
        records.record_export(con, labels.AUDIT_WHAT_AUDIT_LIST, [args.out], len(frame))
    finally:
        con.close()
    try:
        common.deliver(encode(frame, fmt), args)
    except BadArgument as exc:
        return bad_argument(exc)
    return EXIT_OK


def run_audit(args) -> int:
    """audit verify (exit 0 intact, 1 broken) | audit list (CSV or JSON)."""
    handlers = {"verify": _verify, "list": _list}
    return handlers[args.action](args)
