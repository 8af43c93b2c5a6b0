"""The audit log as a hash chain: every record carries the hash of the one before it, so tampering shows.

Each record's `row_hash` is the SHA-256 of the record before it (`prev_hash`) and of its own content:

    row_hash = sha256(prev_hash | audit_id | logged_at in microseconds since 1970 | sha256(user_name)
                      | sha256(action) | sha256(scope_text) | sha256(detail) | row_count, or "-")

The first record's `prev_hash` is the random genesis kept in audit_chain_genesis (migration 005, which also
chained the records an older database already held, with the same formula in SQL). Deleting a record breaks
the link of the record after it; inserting one, or editing any field, breaks its own hash; rewriting the
table with fewer rows (`create or replace table audit_log as select … where …`) breaks the first record after
the gap. `verify` walks the chain and names the first record where it breaks. What a chain alone cannot show
is a change made by someone who recomputes every hash after it, or the loss of the newest records: the head
that `verify` prints (the last number and its hash) is what to keep elsewhere to catch those.

The chain must be linear, so records are appended one at a time in this process (DuckDB lets only one process
write the file). An append reads the last committed record through a connection of its own, so a caller's
older transaction cannot make it chain to a record that is no longer the last. A record written inside a
caller's transaction keeps the chain's turn until that transaction has ended (`turn`): the next record,
written by another session, then sees it committed, or sees it gone if the transaction was rolled back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import threading
from collections.abc import Iterator

import duckdb

from pipeline import db

# One writer of the chain at a time in this process: held for one append, or for the rest of the caller's
# transaction when the append is inside one (`turn`). Re-entrant, so that a transaction can append twice.
_CHAIN = threading.RLock()
_LOCAL = threading.local()
_EPOCH = dt.datetime(1970, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)
GUARD_TRIGGERS = ("audit_log_no_delete", "audit_log_no_update")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_hash(
    prev_hash: str,
    audit_id: int,
    logged_at: dt.datetime,
    user_name: str,
    action: str,
    scope_text: str,
    detail: str,
    row_count: int | None,
) -> str:
    """The hash a record carries: over the previous record's hash and every field of its own."""
    micros = (logged_at - _EPOCH) // _MICROSECOND
    fields = [
        str(int(audit_id)),
        str(micros),
        _digest(user_name),
        _digest(action),
        _digest(scope_text),
        _digest(detail),
        "-" if row_count is None else str(int(row_count)),
    ]
    return _digest(prev_hash + "|" + "|".join(fields))


# ---------------------------------------------------------------- appending


@dataclasses.dataclass
class _Turn:
    con: duckdb.DuckDBPyConnection
    held: bool = False
    last: str | None = None  # the hash of the record this transaction appended last


def _turns() -> list[_Turn]:
    if not hasattr(_LOCAL, "turns"):
        _LOCAL.turns = []
    return _LOCAL.turns


@contextlib.contextmanager
def turn(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Around a transaction that may write audit records: from its first record until the block ends (after the
    commit or rollback), no other session of this process appends one, so the chain stays one line."""
    current = _Turn(con)
    _turns().append(current)
    try:
        yield
    finally:
        _turns().remove(current)
        if current.held:
            _CHAIN.release()


@contextlib.contextmanager
def exclusive() -> Iterator[None]:
    """The chain's turn taken now, before a transaction begins (so that no one waits for it inside one)."""
    with _CHAIN:
        yield


def _genesis(con: duckdb.DuckDBPyConnection) -> str:
    try:
        rows = con.execute(db.read_sql("access/audit_genesis.sql")).fetchall()
    except duckdb.CatalogException:  # the genesis table was dropped: the records still chain, verify reports it
        return ""
    return rows[0][0] if len(rows) == 1 else ""


def _head(con: duckdb.DuckDBPyConnection) -> str:
    """The hash of the last committed record (or the genesis), read on a connection of its own."""
    fresh = con.cursor()
    try:
        rows = fresh.execute(db.read_sql("access/audit_head.sql")).fetchall()
        if rows:
            return rows[0][1] or ""
        return _genesis(fresh)
    finally:
        fresh.close()


def append(
    con: duckdb.DuckDBPyConnection,
    logged_at: dt.datetime,
    user_name: str,
    action: str,
    scope_text: str,
    detail: str,
    row_count: int | None,
) -> int:
    """Insert one record, chained to the last one, on `con` (in its transaction, if any); returns its number."""
    if logged_at.tzinfo is not None:
        logged_at = logged_at.astimezone().replace(tzinfo=None)
    mine = next((t for t in reversed(_turns()) if t.con is con), None)
    if mine is None:
        with _CHAIN:
            return _insert(con, _head(con), logged_at, user_name, action, scope_text, detail, row_count)[0]
    if not mine.held:
        _CHAIN.acquire()
        mine.held = True
    prev = mine.last if mine.last is not None else _head(con)
    audit_id, mine.last = _insert(con, prev, logged_at, user_name, action, scope_text, detail, row_count)
    return audit_id


def _insert(con, prev, logged_at, user_name, action, scope_text, detail, row_count) -> tuple[int, str]:
    audit_id = con.execute(db.read_sql("access/audit_next_id.sql")).fetchall()[0][0]
    own = row_hash(prev, audit_id, logged_at, user_name, action, scope_text, detail, row_count)
    params = {
        "audit_id": audit_id,
        "logged_at": logged_at,
        "user_name": user_name,
        "action": action,
        "scope_text": scope_text,
        "detail": detail,
        "row_count": row_count,
        "prev_hash": prev,
        "row_hash": own,
    }
    con.execute(db.read_sql("access/audit_insert.sql"), params).fetchall()
    return audit_id, own


# ---------------------------------------------------------------- checking


@dataclasses.dataclass(frozen=True)
class Verification:
    """What `verify` found: the first broken link (if any), the head, and whether the log is still guarded."""

    records: int
    broken_at: int | None  # the audit_id of the first record whose link or hash is wrong
    problem: str | None  # "genesis", "unchained", "link" or "content"
    previous_id: int | None  # the record before the broken one (for "link")
    head_id: int | None
    head_hash: str | None
    missing_guards: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return self.problem is None and not self.missing_guards


def verify(con: duckdb.DuckDBPyConnection) -> Verification:
    """Walk the chain from the genesis in audit_id order; stop at the first record that does not fit."""
    guards = {name for (name,) in con.execute(db.read_sql("access/audit_guards.sql")).fetchall()}
    missing = tuple(name for name in GUARD_TRIGGERS if name not in guards)
    records, head_id, head_hash = summary(con)
    genesis = _genesis(con)
    expected, previous_id = genesis, None
    scan = con.cursor()  # a cursor of its own: the scan may stop before its end
    try:
        scan.execute(db.read_sql("access/audit_chain_rows.sql"))
        while batch := scan.fetchmany(10_000):
            for audit_id, logged_at, user_name, action, scope_text, detail, row_count, prev_hash, own in batch:
                problem = None
                if not genesis:
                    problem = "genesis"
                elif prev_hash is None or own is None:
                    problem = "unchained"
                elif prev_hash != expected:
                    problem = "link"
                elif own != row_hash(prev_hash, audit_id, logged_at, user_name, action, scope_text, detail, row_count):
                    problem = "content"
                if problem is not None:
                    return Verification(records, audit_id, problem, previous_id, head_id, head_hash, missing)
                expected, previous_id = own, audit_id
    finally:
        scan.close()
    problem = None if genesis else "genesis"
    return Verification(records, None, problem, None, head_id, head_hash, missing)


def summary(con: duckdb.DuckDBPyConnection) -> tuple[int, int | None, str | None]:
    """How many records there are, and the last one's number and hash."""
    records, last_id, last_hash = con.execute(db.read_sql("access/audit_log_summary.sql")).fetchall()[0]
    return int(records), last_id, last_hash
