"""Browser sessions that outlive a page load: a reload or a new tab goes on signed in, within strict limits.

A Streamlit session ends with its page: F5, or a link opened in a new tab, starts a new one. So that the
office need not type the password again each time, a login with a password begins a browser session: a
random token (`secrets.token_urlsafe(32)`, 256 bits) that the browser keeps in an HttpOnly cookie
(app_ui/browser_session.py sets it), and a row of app_session that keeps only the token's SHA-256, the
account, when it began, its last use, its latest possible end and the client's address. A new page load that
brings the cookie goes on as that account (`resume`) only while the row is live:

- not revoked: logging out revokes it, disabling the account or resetting its password revokes all of the
  account's (pipeline/access.py, in the same transaction), and so does restoring a backup;
- not idle: its last use (`touch`, once a minute while the session is in use) is no older than the idle
  timeout ($GUANAI_SESSION_IDLE_MINUTES, 30 by default), the same rule that ends an idle page;
- not expired: at most $GUANAI_SESSION_MAX_HOURS (12) after the login, however busy;
- the account still exists and is not disabled (read again, like every run of the app).

A resumed session writes one audit record (`session_resume`), as a login does. Nothing here knows about
Streamlit or cookies; the token is compared only through its hash, so a copy of the database or of a backup
lets no one in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import duckdb

from pipeline import access, audit_chain, config, db, labels

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 128  # a cookie longer than this is not one of ours: not even hashed
KEEP_ENDED = dt.timedelta(days=30)  # ended rows are forgotten after this (the audit log keeps their record)
REASONS = ("logout", "idle", "disabled", "password", "restore", "expired")


@dataclass(frozen=True)
class Started:
    """A browser session just begun: the token for the cookie (never stored) and its row's key."""

    token: str
    token_hash: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Session:
    """One app_session row."""

    token_hash: str
    user_name: str
    created_at: dt.datetime
    last_seen: dt.datetime
    expires_at: dt.datetime
    client: str | None
    last_client: str | None
    resumed: int
    revoked_at: dt.datetime | None
    revoked_reason: str | None

    def ended(self, now: dt.datetime) -> str | None:
        """Why the session can no longer be used (revoked, expired), or None while it can."""
        if self.revoked_at is not None:
            return self.revoked_reason or "logout"
        if now >= self.expires_at:
            return "expired"
        return None


def token_hash(token: str) -> str:
    """The key of a token's row: SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.now()


def _idle(idle_minutes: float | None) -> dt.timedelta:
    return dt.timedelta(minutes=config.session_idle_minutes() if idle_minutes is None else idle_minutes)


def start(
    con: duckdb.DuckDBPyConnection,
    user: access.User,
    client: str | None = None,
    *,
    now: dt.datetime | None = None,
    max_hours: float | None = None,
) -> Started:
    """Begin a browser session for a user who has just signed in with his password."""
    when = _now(now)
    hours = config.session_max_hours() if max_hours is None else max_hours
    token = secrets.token_urlsafe(TOKEN_BYTES)
    key = token_hash(token)
    expires_at = when + dt.timedelta(hours=hours)
    with db.transaction(con):
        con.execute(db.read_sql("access/session_prune.sql"), {"before": when - KEEP_ENDED})
        params = {"token_hash": key, "user_name": user.name, "created_at": when, "expires_at": expires_at}
        con.execute(db.read_sql("access/session_insert.sql"), {**params, "client": client})
    return Started(token, key, expires_at)


def get(con: duckdb.DuckDBPyConnection, key: str) -> Session | None:
    """The row of a token's hash, or None."""
    rows = con.execute(db.read_sql("access/session_get.sql"), {"token_hash": key}).fetchall()
    return Session(*rows[0]) if rows else None


@dataclass(frozen=True)
class Resumed:
    """What `resume` found: the user (None when refused) and the reason of a refusal."""

    user: access.User | None
    token_hash: str | None
    reason: str | None = None  # unknown | logout | idle | disabled | password | restore | expired


def resume(
    con: duckdb.DuckDBPyConnection,
    token: object,
    client: str | None = None,
    *,
    now: dt.datetime | None = None,
    idle_minutes: float | None = None,
) -> Resumed:
    """The user a page load goes on as, from the token its cookie brought; one audit record when it does.

    Refused (user None) for a token that names no row, a row revoked, expired or idle, or an account disabled
    since; a row found idle, expired or of a disabled account is revoked on the way, so that it stays ended.
    """
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return Resumed(None, None, "unknown")
    when, key = _now(now), token_hash(token)
    session = get(con, key)
    if session is None:
        return Resumed(None, None, "unknown")
    ended = session.ended(when)
    if ended is not None:
        if ended == "expired":
            revoke(con, key, "expired", now=when)
        return Resumed(None, key, ended)
    if when - session.last_seen > _idle(idle_minutes):
        revoke(con, key, "idle", now=when)
        return Resumed(None, key, "idle")
    user = access.load_user(con, session.user_name)
    if user is None:  # disabled (or gone) since: ended for good
        revoke(con, key, "disabled", now=when)
        return Resumed(None, key, "disabled")
    detail = labels.AUDIT_DETAIL_SESSION_RESUME.format(created=f"{session.created_at:%Y-%m-%d %H:%M}")
    with audit_chain.exclusive(), access.audit_turn(con), db.transaction(con):
        updated = con.execute(
            db.read_sql("access/session_resumed.sql"), {"token_hash": key, "now": when, "client": client}
        ).fetchall()
        if not updated or not updated[0][0]:  # revoked by another session meanwhile
            return Resumed(None, key, "logout")
        access.log_action(con, user, "session_resume", detail, now=when)
    return Resumed(user, key)


def touch(con: duckdb.DuckDBPyConnection, key: str, *, now: dt.datetime | None = None) -> bool:
    """Mark a session as in use now; False when it is revoked or expired (the page then ends too)."""
    rows = con.execute(db.read_sql("access/session_touch.sql"), {"token_hash": key, "now": _now(now)}).fetchall()
    return bool(rows and rows[0][0])


def revoke(
    con: duckdb.DuckDBPyConnection,
    key: str,
    reason: str,
    *,
    now: dt.datetime | None = None,
    idle_minutes: float | None = None,
    only_if_idle: bool = False,
) -> bool:
    """End one session; with only_if_idle, only when it has not been used within the idle timeout (by any tab)."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    when = _now(now)
    idle_before = when - _idle(idle_minutes) if only_if_idle else None
    params = {"token_hash": key, "now": when, "reason": reason, "idle_before": idle_before}
    rows = con.execute(db.read_sql("access/session_revoke.sql"), params).fetchall()
    return bool(rows and rows[0][0])


def revoke_all(con: duckdb.DuckDBPyConnection, reason: str, *, now: dt.datetime | None = None) -> int:
    """End every session (after a restore); returns how many were live."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    rows = con.execute(db.read_sql("access/session_revoke_all.sql"), {"now": _now(now), "reason": reason}).fetchall()
    return int(rows[0][0]) if rows else 0
