"""Who sees what (SPEC §6): roles and their scopes, local accounts, lock-out, and the audit log.

Roles. 市级 `city` sees the whole city and may import, change settings, manage accounts and read the audit
log; 县区 `county` sees the beneficiaries of his county and may import them; 单位 `department` sees the
pairs whose active cadre belongs to his department; 只读 `readonly` sees everything and changes nothing.
Showing full ID numbers and phones is a separate permission granted per account (`can_unmask`).

Scopes. A role's scope is a `queries.Scope`, which every query applies inside its SQL. A page filter
(sidebar, URL query parameter) never replaces it: `User.combine` intersects the two, and where they
disagree the result is `NO_ACCESS`, a scope whose county and department are a value no stored row can
hold, so that every query returns nothing. See `User.combine` for why this cannot widen a scope.

Accounts live in the table app_user. A password is kept only as an scrypt hash with its own salt and
cost parameters (`hash_password`); five wrong passwords from one client within 15 minutes lock that client
out of the account for 15 minutes, twenty from all clients lock it for everyone, and each attempt is counted
before its password is checked (see "login" below). Every login, failed login and account change writes
exactly one row of audit_log, whose text is masked before it is written, which the database refuses to update
or delete (sql/schema.sql), and whose records form a hash chain (pipeline/audit_chain.py).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import math
import re
import secrets
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import duckdb
import pandas as pd

from pipeline import audit_chain, db, labels, login_guard, masking
from pipeline.queries import ALL, Scope

ROLES = ("city", "county", "department", "readonly")
AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "import",
    "export",
    "unmask",
    "settings_change",
    "user_add",
    "user_disable",
    "user_passwd",
    "snapshot",
    "reopen",  # rows applied although they move an issue back or clear a 退出日期 (import --allow-reopen)
    "full_list_exit",  # people missing from a county's complete list given a 退出日期 on confirmation
    "backup",  # python -m pipeline backup: the file written (recorded in the database backed up)
    "restore",  # python -m pipeline restore: the file restored and who (recorded in the restored database)
    "supervise",  # a step of a 督办事项 (交办, 签收, 反馈, 催办, 销号…; pipeline/supervision/items.py)
    "callback",  # a callback sample drawn (回访核查, pipeline/callbacks/sample.py)
    "session_resume",  # a page load went on signed in from the browser's session cookie (pipeline/sessions.py)
)

# What each role may do besides reading its scope; the unmask permission is per account, not per role.
# County offices keep their own ledgers, so they may import (the import path limits them to their county).
_IMPORT_ROLES = frozenset({"city", "county"})
_SETTINGS_ROLES = frozenset({"city"})
_USER_ADMIN_ROLES = frozenset({"city"})
_AUDIT_READER_ROLES = frozenset({"city"})
_IMPORT_FILE_READER_ROLES = frozenset({"city"})  # rejected rows and unknown columns of any county's files
_SNAPSHOT_ROLES = frozenset({"city", "county", "department"})  # 只读 changes nothing

# scrypt at OWASP's recommended minimum (N=2^17, r=8, p=1: 128 MiB and about 0.3 s a hash on the
# machines this runs on). The parameters are stored with each hash, so raising them later only
# affects new passwords; a stored hash is checked with its own.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
# Bounds on the parameters read back from the database: a tampered hash must not make one login
# allocate gigabytes.
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16
_HASH_FORMAT = re.compile(r"scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})")

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
MAX_NAME_LENGTH = 32
MAX_SCOPE_VALUE_LENGTH = 64

MAX_FAILED_LOGINS = 5  # per client (its address; one client when the address is unknown)
MAX_FAILED_LOGINS_ALL_CLIENTS = 20  # per account, from all clients together: then locked for everyone
LOCKOUT_WINDOW = dt.timedelta(minutes=15)  # failures older than this no longer count
LOCKOUT_DURATION = dt.timedelta(minutes=15)
# Attempts per minute, refused before any password check: per Streamlit session, per client address.
LOGIN_ATTEMPTS_PER_MINUTE_SESSION = 10
LOGIN_ATTEMPTS_PER_MINUTE_ADDRESS = 30
# Password checks running at the same moment in the process (each 128 MiB and a core for about 0.3 s);
# an attempt waits this long for its turn before it is refused as "busy".
MAX_PASSWORD_CHECKS_AT_ONCE = 2
PASSWORD_CHECK_WAIT_SECONDS = 20.0

MAX_DETAIL_LENGTH = 1000
MAX_AUDIT_ROWS = 100_000

# Imported text is trimmed of line breaks at both ends (ingest/clean.py), and account values may not
# contain them, so no county or department stored anywhere can equal a value starting with one.
_NOWHERE = "\n" + labels.SCOPE_NONE_LABEL
NO_ACCESS = Scope(county=_NOWHERE, department=_NOWHERE)

# Digit runs that mask_text leaves alone because they touch a letter ("ID620102…") or have another
# length (a bank card): masked all the same, since the audit log must hold no identifier.
_LONG_DIGITS = re.compile(r"\d{11,}")
# A SHA-256 in hex (the audit chain's head, a file's digest) is no identifier, though it may hold a long digit run
_HEX_DIGEST = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{64}(?![0-9A-Za-z])")

_T = TypeVar("_T")
_WRITE_ATTEMPTS = 3


class AccessError(Exception):
    """A refused account or audit operation; the message is the Chinese text for the user."""


class AccountError(AccessError, ValueError):
    """An account that cannot be created or changed as asked (bad role, name taken, short password…)."""


class LoginError(AccessError):
    """A refused login; `reason` is invalid, disabled or locked (the message does not tell the first two apart)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


# ---------------------------------------------------------------- scopes


def is_empty(scope: Scope) -> bool:
    """True for a scope that can match no row (a filter outside the user's own scope)."""
    return scope.county == _NOWHERE or scope.department == _NOWHERE


def scope_text(scope: Scope) -> str:
    """The scope in words for the audit log and the pages: 全市, 县区：甲县, 单位：市民政局, both, or 无权查看."""
    if is_empty(scope):
        return labels.SCOPE_NONE_LABEL
    parts = []
    if scope.county:
        parts.append(labels.SCOPE_TEXT_COUNTY.format(county=scope.county))
    if scope.department:
        parts.append(labels.SCOPE_TEXT_DEPARTMENT.format(department=scope.department))
    return labels.SCOPE_TEXT_SEPARATOR.join(parts) or labels.CITY_LABEL


def _filter_value(value: str | None) -> str | None:
    """A county or department asked for by a page: None for "no filter", else the trimmed text."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


_CONFLICT = object()


def _narrow(own: str | None, wanted: str | None) -> object:
    """One dimension of an intersection: the role's value wins; a different wanted value is a conflict."""
    if own is None:
        return wanted
    if wanted is None or wanted == own:
        return own
    return _CONFLICT


# ---------------------------------------------------------------- users


def _has_bad_characters(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in text)


def _check_scope_value(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text or len(text) > MAX_SCOPE_VALUE_LENGTH or _has_bad_characters(text):
        raise AccountError(labels.MSG_SCOPE_VALUE_INVALID.format(what=what, value=value, limit=MAX_SCOPE_VALUE_LENGTH))
    return text


def _check_role(role: str, county: str | None, department: str | None) -> None:
    if role not in ROLES:
        raise AccountError(labels.MSG_ROLE_INVALID.format(value=role))
    role_label = labels.ROLE_LABELS[role]
    if role == "county" and not county:
        raise AccountError(labels.MSG_ROLE_NEEDS_COUNTY)
    if role == "department" and not department:
        raise AccountError(labels.MSG_ROLE_NEEDS_DEPARTMENT)
    if role != "county" and county:
        raise AccountError(labels.MSG_ROLE_NO_COUNTY.format(role=role_label))
    if role != "department" and department:
        raise AccountError(labels.MSG_ROLE_NO_DEPARTMENT.format(role=role_label))


@dataclass(frozen=True)
class User:
    """A signed-in account: its role, its county or department, and whether it may show full identifiers."""

    name: str
    role: str
    county: str | None = None
    department: str | None = None
    can_unmask: bool = False
    disabled: bool = False

    def __post_init__(self):
        # a user that does not fit its role (a county account without a county) would otherwise read
        # as "no restriction": refuse to build one at all
        _check_role(self.role, self.county, self.department)

    @property
    def role_label(self) -> str:
        """市级, 县区, 单位 or 只读."""
        return labels.ROLE_LABELS[self.role]

    @property
    def scope(self) -> Scope:
        """The rows this user may see: his county's beneficiaries, his department's pairs, or everything."""
        if self.disabled:
            return NO_ACCESS
        if self.role == "county":
            return Scope(county=self.county)
        if self.role == "department":
            return Scope(department=self.department)
        if self.role in ("city", "readonly"):
            return ALL
        return NO_ACCESS

    @property
    def scope_text(self) -> str:
        """The user's own scope in words."""
        return scope_text(self.scope)

    def _has(self, roles: frozenset[str]) -> bool:
        return not self.disabled and self.role in roles

    @property
    def may_import(self) -> bool:
        """市级 and 县区 import (a county account only rows of its county)."""
        return self._has(_IMPORT_ROLES)

    @property
    def may_change_settings(self) -> bool:
        """Only 市级 changes thresholds, weights and bands."""
        return self._has(_SETTINGS_ROLES)

    @property
    def may_manage_users(self) -> bool:
        """Only 市级 adds, disables and resets accounts."""
        return self._has(_USER_ADMIN_ROLES)

    @property
    def may_read_audit(self) -> bool:
        """Only 市级 reads the audit log."""
        return self._has(_AUDIT_READER_ROLES)

    @property
    def may_inspect_imports(self) -> bool:
        """Only 市级 sees the rows rejected from any file and the columns not recognised (not scoped by county)."""
        return self._has(_IMPORT_FILE_READER_ROLES)

    @property
    def may_snapshot(self) -> bool:
        """Everyone but 只读 may freeze the figures of his own scope for a meeting."""
        return self._has(_SNAPSHOT_ROLES)

    @property
    def may_unmask(self) -> bool:
        """Whether this account was granted the showing of full ID numbers and phones."""
        return not self.disabled and bool(self.can_unmask)

    def combine(self, filter_scope: Scope | None) -> Scope:
        """The user's scope narrowed by a page filter; a filter reaching outside it gives NO_ACCESS, never more."""
        # Why this cannot widen: each dimension (county, department) of the result is the user's own
        # value whenever he has one (_narrow returns `own` or a conflict, never `wanted`), and the
        # filter's value only where the role has no restriction on that dimension. The SQL applies
        # both dimensions with AND, so the result's rows are a subset of the user's rows. A conflict
        # yields NO_ACCESS in both dimensions, which matches no row in any query.
        own = self.scope
        wanted = ALL if filter_scope is None else filter_scope
        if not isinstance(wanted, Scope):
            raise TypeError(f"filter_scope must be a queries.Scope, not {type(filter_scope).__name__}")
        if is_empty(own) or is_empty(wanted):
            return NO_ACCESS
        county = _narrow(own.county, _filter_value(wanted.county))
        department = _narrow(own.department, _filter_value(wanted.department))
        if county is _CONFLICT or department is _CONFLICT:
            return NO_ACCESS
        return Scope(county=county, department=department)


# ---------------------------------------------------------------- passwords


def _normalise_password(password: str) -> bytes:
    # NFKC, as NIST SP 800-63B suggests: a password typed with the Chinese IME in full-width mode
    # (１２３) is the same password as its half-width form
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def _scrypt(password: bytes, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # OpenSSL refuses more than 32 MiB unless told; scrypt needs 128·r·(n+p+2) bytes
    maxmem = 128 * r * (n + p + 2) + 1024 * 1024
    return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=length)


def hash_password(password: str) -> str:
    """scrypt$n=…,r=…,p=…$salt$key: a fresh random salt and the cost parameters kept with the hash."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(_normalise_password(password), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    encoded_salt, encoded_key = base64.b64encode(salt).decode(), base64.b64encode(key).decode()
    return f"scrypt$n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}${encoded_salt}${encoded_key}"


def verify_password(password: str, stored: str) -> bool:
    """Whether a password matches a stored hash (constant-time comparison; False for a malformed hash)."""
    match = _HASH_FORMAT.fullmatch(stored or "")
    if match is None or not isinstance(password, str):
        return False
    n, r, p = (int(match.group(i)) for i in (1, 2, 3))
    if not (2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P):
        return False
    try:
        salt = base64.b64decode(match.group(4), validate=True)
        expected = base64.b64decode(match.group(5), validate=True)
    except ValueError:
        return False
    if not salt or not expected:
        return False
    actual = _scrypt(_normalise_password(password), salt, n, r, p, len(expected))
    return hmac.compare_digest(actual, expected)


@functools.cache
def _dummy_hash(n: int, r: int, p: int) -> str:
    # checked against when the name is unknown, so that the time taken does not tell which names exist
    return hash_password(secrets.token_hex(16))


def _check_password(password: str, name: str) -> None:
    if not isinstance(password, str):
        raise AccountError(labels.MSG_PASSWORD_TOO_SHORT.format(minimum=MIN_PASSWORD_LENGTH))
    text = unicodedata.normalize("NFKC", password)
    if len(text) < MIN_PASSWORD_LENGTH:
        raise AccountError(labels.MSG_PASSWORD_TOO_SHORT.format(minimum=MIN_PASSWORD_LENGTH))
    if len(text) > MAX_PASSWORD_LENGTH:
        raise AccountError(labels.MSG_PASSWORD_TOO_LONG.format(maximum=MAX_PASSWORD_LENGTH))
    if text == name:
        raise AccountError(labels.MSG_PASSWORD_SAME_AS_NAME)


def _normalise_name(name: object) -> str:
    """The stored form of a user name: NFKC (full-width letters are the half-width ones), trimmed."""
    return unicodedata.normalize("NFKC", name).strip() if isinstance(name, str) else ""


def _check_name(name: object) -> str:
    text = _normalise_name(name)
    if not text:
        raise AccountError(labels.MSG_USER_NAME_EMPTY)
    if len(text) > MAX_NAME_LENGTH or _has_bad_characters(text) or any(ch.isspace() for ch in text):
        raise AccountError(labels.MSG_USER_NAME_INVALID.format(value=name, limit=MAX_NAME_LENGTH))
    return text


# ---------------------------------------------------------------- database plumbing


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.now()


def _transact(con: duckdb.DuckDBPyConnection, work: Callable[[], _T], around=contextlib.nullcontext) -> _T:
    """Run work in one transaction (inside `around(con)`); again when another session changed the same row first."""
    attempt = 0
    while True:
        attempt += 1
        try:
            with around(con), db.transaction(con):
                return work()
        except duckdb.TransactionException:  # "Conflict on update": two logins of one account at once
            if attempt >= _WRITE_ATTEMPTS:
                raise


def _write(con: duckdb.DuckDBPyConnection, work: Callable[[], _T]) -> _T:
    """Run work, which writes audit records, in one transaction that holds the audit chain's turn throughout."""
    with audit_chain.exclusive():  # taken before the transaction begins: no one waits for it inside one
        return _transact(con, work, audit_chain.turn)


@dataclass(frozen=True)
class _Account:
    """One app_user row as login needs it."""

    user: User
    password_hash: str
    failed_logins: tuple[dt.datetime, ...]
    locked_until: dt.datetime | None
    failed_clients: tuple[str, ...] = ()

    @property
    def failures(self) -> list[login_guard.Failure]:
        """Each failed login with the client it came from ("" for one recorded before clients were kept)."""
        clients = [*self.failed_clients, *[""] * (len(self.failed_logins) - len(self.failed_clients))]
        return list(zip(self.failed_logins, clients, strict=False))


def _account(con: duckdb.DuckDBPyConnection, name: str) -> _Account | None:
    rows = con.execute(db.read_sql("access/user_get.sql"), {"user_name": name}).fetchall()
    if not rows:
        return None
    user_name, role, county, department, can_unmask, password_hash, disabled, failed, locked_until, clients = rows[0]
    user = User(user_name, role, county, department, bool(can_unmask), bool(disabled))
    return _Account(user, password_hash, tuple(failed or ()), locked_until, tuple(clients or ()))


def _append_audit(
    con: duckdb.DuckDBPyConnection,
    user_name: str,
    action: str,
    scope: str | Scope,
    detail: str,
    row_count: int | None,
    when: dt.datetime,
) -> int:
    """Check and mask one audit record and append it to the chain (inside the caller's transaction, if any)."""
    if action not in AUDIT_ACTIONS:
        allowed = "、".join(AUDIT_ACTIONS)
        raise AccessError(labels.MSG_AUDIT_ACTION_INVALID.format(value=action, allowed=allowed))
    if not isinstance(user_name, str) or not user_name.strip():
        raise AccessError(labels.MSG_AUDIT_USER_EMPTY)
    if row_count is not None and (isinstance(row_count, bool) or not isinstance(row_count, int) or row_count < 0):
        raise AccessError(labels.MSG_AUDIT_ROW_COUNT_INVALID.format(value=row_count))
    text = scope_text(scope) if isinstance(scope, Scope) else str(scope or "")
    return audit_chain.append(con, when, user_name.strip(), action, safe_text(text), safe_text(detail), row_count)


def audit_turn(con: duckdb.DuckDBPyConnection):
    """Around a transaction of the caller's that may write audit records (see audit_chain.turn)."""
    return audit_chain.turn(con)


# ---------------------------------------------------------------- accounts


def validate_new_user(
    name: str,
    role: str,
    password: str,
    county: str | None = None,
    department: str | None = None,
    can_unmask: bool = False,
) -> User:
    """The account add_user would create, or AccountError: role known, its county or department, name, password."""
    user_name = _check_name(name)
    county = _check_scope_value(county, labels.ROLE_LABELS["county"])
    department = _check_scope_value(department, labels.ROLE_LABELS["department"])
    user = User(user_name, role, county, department, bool(can_unmask))  # checks the role and its scope
    _check_password(password, user_name)
    return user


def add_user(
    con: duckdb.DuckDBPyConnection,
    name: str,
    role: str,
    password: str,
    county: str | None = None,
    department: str | None = None,
    can_unmask: bool = False,
    actor: str = labels.DEFAULT_USER,
    *,
    now: dt.datetime | None = None,
) -> User:
    """Create an account (checked, its password hashed) and write one user_add audit record."""
    user = validate_new_user(name, role, password, county, department, can_unmask)
    user_name, county, department = user.name, user.county, user.department
    when = _now(now)
    password_hash = hash_password(password)
    detail = labels.AUDIT_DETAIL_USER_ADD.format(
        name=user_name, role=user.role_label, unmask=labels.YES_LABEL if user.can_unmask else labels.NO_LABEL
    )

    def work() -> None:
        if _account(con, user_name) is not None:
            raise AccountError(labels.MSG_USER_EXISTS.format(name=user_name))
        params = {
            "user_name": user_name,
            "role": role,
            "county": county,
            "department": department,
            "can_unmask": user.can_unmask,
            "password_hash": password_hash,
            "created_at": when,
            "created_by": actor,
        }
        con.execute(db.read_sql("access/user_insert.sql"), params)
        _append_audit(con, actor, "user_add", user.scope, detail, None, when)

    try:
        _write(con, work)
    except duckdb.ConstraintException as exc:  # the same name added by another session meanwhile
        raise AccountError(labels.MSG_USER_EXISTS.format(name=user_name)) from exc
    return user


def _role_scope_text(user: User) -> str:
    """The scope an account's role gives, also for a disabled account (whose own scope is NO_ACCESS)."""
    return scope_text(dataclasses.replace(user, disabled=False).scope)


def _end_browser_sessions(con: duckdb.DuckDBPyConnection, user_name: str, reason: str, when: dt.datetime) -> None:
    """Revoke every browser session of an account (pipeline/sessions.py), inside the caller's transaction."""
    params = {"user_name": user_name, "now": when, "reason": reason}
    con.execute(db.read_sql("access/session_revoke_user.sql"), params)


def _existing(con: duckdb.DuckDBPyConnection, name: str) -> _Account:
    account = _account(con, _normalise_name(name))
    if account is None:
        raise AccountError(labels.MSG_USER_NOT_FOUND.format(name=name))
    return account


def disable_user(con: duckdb.DuckDBPyConnection, name: str, actor: str, *, now: dt.datetime | None = None) -> None:
    """Disable an account (it can no longer log in; its row and audit records stay) and audit it."""
    account = _existing(con, name)
    if account.user.disabled:
        raise AccountError(labels.MSG_USER_ALREADY_DISABLED.format(name=account.user.name))
    when = _now(now)

    def work() -> None:
        params = {"user_name": account.user.name, "updated_at": when, "updated_by": actor}
        con.execute(db.read_sql("access/user_disable.sql"), params)
        _end_browser_sessions(con, account.user.name, "disabled", when)
        detail = labels.AUDIT_DETAIL_USER_DISABLE.format(name=account.user.name)
        _append_audit(con, actor, "user_disable", _role_scope_text(account.user), detail, None, when)

    _write(con, work)


def set_password(
    con: duckdb.DuckDBPyConnection, name: str, password: str, actor: str, *, now: dt.datetime | None = None
) -> None:
    """Replace an account's password (and clear its lock-out) and audit it."""
    account = _existing(con, name)
    _check_password(password, account.user.name)
    when = _now(now)
    password_hash = hash_password(password)

    def work() -> None:
        params = {
            "user_name": account.user.name,
            "password_hash": password_hash,
            "updated_at": when,
            "updated_by": actor,
        }
        con.execute(db.read_sql("access/user_set_password.sql"), params)
        _end_browser_sessions(con, account.user.name, "password", when)
        detail = labels.AUDIT_DETAIL_USER_PASSWD.format(name=account.user.name)
        _append_audit(con, actor, "user_passwd", _role_scope_text(account.user), detail, None, when)

    _write(con, work)


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account by name, with its role label; never the password hash."""
    frame = con.execute(db.read_sql("access/user_list.sql")).df()
    frame.insert(2, "role_label", [labels.ROLE_LABELS.get(role, role) for role in frame["role"]])
    return frame


def account_scopes(con: duckdb.DuckDBPyConnection) -> list[Scope]:
    """The scopes of the enabled accounts, each once, those of most accounts first."""
    rows = con.execute(db.read_sql("access/account_scopes.sql")).fetchall()
    return [Scope(county=county, department=department) for county, department in rows]


def load_user(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    """The account as stored now, or None when it is unknown or disabled (for re-checking a session)."""
    account = _account(con, _normalise_name(name))
    if account is None or account.user.disabled:
        return None
    return account.user


# ---------------------------------------------------------------- login
# A login is decided in four steps (see pipeline/login_guard.py for the pieces):
#   1. attempts per session and per client address in the last minute: past the limit, refused at once;
#   2. a turn among the few password checks allowed at the same moment in the process;
#   3. under one process-wide lock and in one transaction, the lock-out is checked and, if the client may
#      try, the attempt is recorded as a failure BEFORE the password is checked: attempts already under
#      way count, so no more than the allowed number of checks can ever run in a window;
#   4. the password is checked (a dummy hash for a name without an account); a success takes the client's
#      failures back, a failure stays recorded. Unknown, disabled and real names are answered alike.

_BOOKKEEPING = threading.Lock()  # one lock-out decision at a time (the database row and the unknown names)
_THROTTLE = login_guard.Throttle()
_CHECKS = login_guard.CheckSlots(MAX_PASSWORD_CHECKS_AT_ONCE)
_UNKNOWN = login_guard.UnknownNames()


def _policy() -> login_guard.Policy:
    return login_guard.Policy(MAX_FAILED_LOGINS, MAX_FAILED_LOGINS_ALL_CLIENTS, LOCKOUT_WINDOW, LOCKOUT_DURATION)


@dataclass(frozen=True)
class _Attempt:
    """What the lock-out decided before the password check."""

    account: _Account | None  # None for a name without an account
    blocked_until: dt.datetime | None  # refused: locked out until then
    count: int = 0  # this client's failures in the window, this attempt included
    locks_until: dt.datetime | None = None  # the lock this attempt leaves if it fails


def _database_key(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute(db.read_sql("access/database_path.sql")).fetchall()[0][0]


def _reserve(con: duckdb.DuckDBPyConnection, user_name: str, client: str, when: dt.datetime) -> _Attempt:
    """Step 3: refuse a locked-out client, or record this attempt as a failure before its password is checked."""
    policy = _policy()
    with _BOOKKEEPING:
        account = _account(con, user_name) if user_name else None
        if account is None:
            database = _database_key(con)
            failures = policy.recent(_UNKNOWN.failures(database, user_name), when)
            blocked = policy.lock_until(failures, client, when)
            if blocked is not None:
                return _Attempt(None, blocked)
            failures.append((when, client))
            _UNKNOWN.store(database, user_name, failures)
            return _Attempt(None, None, policy.count(failures, client, when), policy.lock_until(failures, client, when))

        def work() -> _Attempt:
            current = _account(con, user_name)  # inside the transaction
            failures = policy.recent(current.failures, when)
            blocked = policy.lock_until(failures, client, when)
            if current.locked_until is not None and current.locked_until > when:
                blocked = max(blocked or current.locked_until, current.locked_until)
            if blocked is not None:
                return _Attempt(current, blocked)
            failures.append((when, client))
            everyone = policy.account_lock(failures)
            params = {
                "user_name": current.user.name,
                "failed_logins": [t for t, _ in failures],
                "failed_clients": [c for _, c in failures],
                "locked_until": everyone if everyone is not None and everyone > when else None,
            }
            con.execute(db.read_sql("access/login_failed.sql"), params)
            return _Attempt(
                current, None, policy.count(failures, client, when), policy.lock_until(failures, client, when)
            )

        return _transact(con, work)


def _minutes_left(until: dt.datetime, when: dt.datetime) -> int:
    return max(1, math.ceil((until - when).total_seconds() / 60))


def authenticate(
    con: duckdb.DuckDBPyConnection,
    name: str,
    password: str,
    now: dt.datetime | None = None,
    *,
    client: str | None = None,
    session: str | None = None,
) -> User:
    """The user for a name and password, or LoginError; one audit record either way, lock-out counted.

    `client` is the client's address and `session` the Streamlit session (the app passes both): attempts
    are limited per minute for each, and the lock-out counts failures per client address.
    """
    when = _now(now)
    user_name = _normalise_name(name)
    limits = {}
    if session:
        limits["session:" + session] = LOGIN_ATTEMPTS_PER_MINUTE_SESSION
    if client:
        limits["address:" + client] = LOGIN_ATTEMPTS_PER_MINUTE_ADDRESS
    if limits:
        admitted, first_refusal = _THROTTLE.admit(limits)
        if not admitted:
            if first_refusal:  # one record per client and minute, however many attempts it floods in
                detail = labels.AUDIT_DETAIL_THROTTLED.format(
                    session=LOGIN_ATTEMPTS_PER_MINUTE_SESSION, address=LOGIN_ATTEMPTS_PER_MINUTE_ADDRESS
                )
                _append_audit(con, labels.AUDIT_THROTTLED_USER, "login_failed", "", detail, None, when)
            raise LoginError(labels.MSG_LOGIN_TOO_FAST, "throttled")
    key = login_guard.client_key(client)
    with _CHECKS.slot(PASSWORD_CHECK_WAIT_SECONDS) as free:
        if not free:
            raise LoginError(labels.MSG_LOGIN_BUSY, "busy")
        attempt = _reserve(con, user_name, key, when)
        matches = False
        if attempt.blocked_until is None:
            stored = attempt.account.password_hash if attempt.account is not None else None
            # a name without an account costs the same check, against a hash with the same parameters
            matches = verify_password(password, stored or _dummy_hash(SCRYPT_N, SCRYPT_R, SCRYPT_P))
    return _conclude(con, attempt, matches, key, when)


def _conclude(con, attempt: _Attempt, matches: bool, client: str, when: dt.datetime) -> User:
    """Step 4: write the outcome (one audit record) and answer: the user, or the same refusals for every name."""
    account = attempt.account
    author = account.user.name if account is not None else labels.AUDIT_UNKNOWN_USER
    scope = _role_scope_text(account.user) if account is not None else ""
    if attempt.blocked_until is not None:
        # the password is not even checked: trying on during a lock neither helps nor costs scrypt time
        until = f"{attempt.blocked_until:%Y-%m-%d %H:%M}"
        detail = labels.AUDIT_DETAIL_STILL_LOCKED.format(until=until)
        if account is None:
            detail = labels.AUDIT_DETAIL_UNKNOWN_USER + labels.AUDIT_DETAIL_SEPARATOR + detail
        _append_audit(con, author, "login_failed", scope, detail, None, when)
        minutes = _minutes_left(attempt.blocked_until, when)
        raise LoginError(labels.MSG_LOGIN_LOCKED.format(minutes=minutes), "locked")
    if account is not None and matches and not account.user.disabled:
        user = account.user

        def succeed() -> None:
            current = _account(con, user.name)
            others = [f for f in _policy().recent(current.failures, when) if f[1] != client]
            params = {
                "user_name": user.name,
                "failed_logins": [t for t, _ in others],
                "failed_clients": [c for _, c in others],
                "logged_in_at": when,
            }
            con.execute(db.read_sql("access/login_succeeded.sql"), params)
            _append_audit(con, user.name, "login", user.scope, "", None, when)

        _write(con, succeed)
        return user
    window = int(LOCKOUT_WINDOW.total_seconds() // 60)
    until = f"{attempt.locks_until:%Y-%m-%d %H:%M}" if attempt.locks_until is not None else None
    if account is None or account.user.disabled:
        detail = labels.AUDIT_DETAIL_UNKNOWN_USER if account is None else labels.AUDIT_DETAIL_DISABLED
        if until is not None:
            locked = labels.AUDIT_DETAIL_COUNT_LOCKED.format(minutes=window, count=attempt.count, until=until)
            detail += labels.AUDIT_DETAIL_SEPARATOR + locked
    elif until is None:
        detail = labels.AUDIT_DETAIL_WRONG_PASSWORD.format(minutes=window, count=attempt.count)
    else:
        detail = labels.AUDIT_DETAIL_LOCKED_NOW.format(minutes=window, count=attempt.count, until=until)
    _append_audit(con, author, "login_failed", scope, detail, None, when)
    if attempt.locks_until is not None:
        raise LoginError(labels.MSG_LOGIN_LOCKED.format(minutes=_minutes_left(attempt.locks_until, when)), "locked")
    disabled = account is not None and account.user.disabled
    raise LoginError(labels.MSG_LOGIN_FAILED, "disabled" if disabled else "invalid")


# ---------------------------------------------------------------- audit log


def safe_text(text: object) -> str:
    """Audit text with every ID number, phone and other long digit run masked, cut to a bounded length."""
    if text is None:
        return ""
    parts = _HEX_DIGEST.split(str(text))
    digests = _HEX_DIGEST.findall(str(text))
    masked_parts = []
    for part in parts:
        part = masking.mask_text(part) or ""
        masked_parts.append(
            _LONG_DIGITS.sub(
                lambda m: masking.mask_id(m.group()) if len(m.group()) >= 15 else masking.mask_phone(m.group()), part
            )
        )
    masked = "".join(p + d for p, d in zip(masked_parts, [*digests, ""], strict=True))
    if len(masked) > MAX_DETAIL_LENGTH:
        masked = masked[: MAX_DETAIL_LENGTH - 1] + "…"
    return masked


def audit(
    con: duckdb.DuckDBPyConnection,
    user_name: str,
    action: str,
    scope_text: str | Scope = "",
    detail: str = "",
    row_count: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Append one audit record (action from AUDIT_ACTIONS; scope and detail masked); returns its number."""
    return _append_audit(con, user_name, action, scope_text, detail, row_count, _now(now))


def log_action(
    con: duckdb.DuckDBPyConnection,
    user: User,
    action: str,
    detail: str = "",
    row_count: int | None = None,
    *,
    scope: Scope | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Audit an action of a signed-in user, in the scope it touched (default: the user's own)."""
    return audit(con, user.name, action, user.scope if scope is None else scope, detail, row_count, now=now)


def logout(con: duckdb.DuckDBPyConnection, user: User, *, now: dt.datetime | None = None) -> int:
    """Audit a logout."""
    return log_action(con, user, "logout", now=now)


def read_audit(
    con: duckdb.DuckDBPyConnection,
    since: dt.datetime | dt.date | None = None,
    user: str | None = None,
    action: str | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Audit records newest first, optionally since a moment, of one user and of one action."""
    if action is not None and action not in AUDIT_ACTIONS:
        raise AccessError(labels.MSG_AUDIT_ACTION_INVALID.format(value=action, allowed="、".join(AUDIT_ACTIONS)))
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_AUDIT_ROWS:
        raise AccessError(labels.MSG_AUDIT_LIMIT_INVALID.format(value=limit, maximum=MAX_AUDIT_ROWS))
    if isinstance(since, dt.date) and not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time.min)
    params = {"since": since, "user_name": user, "action": action, "limit": limit}
    return con.execute(db.read_sql("access/audit_read.sql"), params).df()


def scope_value_known(con: duckdb.DuckDBPyConnection, county: str | None = None, department: str | None = None) -> bool:
    """Whether a county (of a beneficiary) or a department (of a pairing) already appears in the data."""
    rows = con.execute(db.read_sql("access/scope_value_known.sql"), {"county": county, "department": department})
    return bool(rows.fetchall()[0][0])
