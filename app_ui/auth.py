"""Who is signed in: the login page, the account re-read on every run, logout, and the audit of each action.

The session keeps only the account name (`SESSION_USER`) and the time of its last run (`SESSION_LAST_ACTIVE`):
a session idle for longer than $GUANAI_SESSION_IDLE_MINUTES (30) ends on its next run, which shows the login
page with the reason. Logins pass the session and the client's address to access.authenticate, which limits
attempts per minute for each and counts the lock-out per address.

A login with a password also begins a browser session (pipeline/sessions.py) when the app is served by
serve.py: the browser keeps its token in an HttpOnly cookie (app_ui/browser_session.py), so that a reload or
a link opened in a new tab goes on signed in (`_resume`, audited as `session_resume`) while the session's row
is live. Logout revokes the row and clears the cookie; a row revoked elsewhere (logout in another tab, the
account disabled or its password reset) or past its expiry ends the page on its next run. Every run reads the
account back from the
database (`current_user`), cached by the data version: disabling an account or changing its role
writes the database, which changes the version, so the next run of every session of that account
sees the change. A page never trusts anything else about who is asking.

Audit records are written here for what a signed-in user does in the app: export (from inside the
download's callable, so one click gives one record), unmasking a view, imports, settings changes
and snapshots (pipeline/access.py writes those of login, failed login and logout).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import streamlit as st

from app_ui import browser_session, data, escape, filters, page_style, warm
from pipeline import access, config, db, labels, sessions
from pipeline.queries import Scope

SESSION_USER = "auth_user"
SESSION_LAST_ACTIVE = "auth_last_active"  # time.time() of the session's last run while signed in
_SESSION_TOKEN = "_login_session"  # a random name for this browser session, for the limit on login attempts
_IDLE_ENDED = "_session_idle_minutes"  # set when a session was ended for being idle: the login page says so
SESSION_BROWSER = "auth_browser_session"  # the key (token hash) of the browser session this page goes on with
_BROWSER_TOUCHED = "_auth_browser_touched"  # time.time() the browser session was last marked in use
_HANDOFF = "_auth_cookie_handoff"  # a one-time code for the cookie route, drawn until the browser redeems it
_RESUME_TRIED = "_auth_resume_tried"  # the page load's cookie has been looked at (once per page load)
_ENDED_MESSAGE = "_auth_ended_message"  # why a browser session ended, for the login page
TOUCH_SECONDS = 60  # a browser session in use is marked so (and its cookie renewed) at most once a minute
_UNMASK_PREFIX = "unmask_"


@st.cache_data(show_spinner=False, max_entries=256)
def _account(version: data.Version, name: str) -> access.User | None:
    if not Path(version[0]).exists():
        return None
    with data.connection() as con:
        return access.load_user(con, name)


@st.cache_data(show_spinner=False, max_entries=16)
def _has_accounts(version: data.Version) -> bool:
    if not Path(version[0]).exists():
        return False
    with data.connection() as con:
        return not access.list_users(con).empty


def current_user() -> access.User | None:
    """The signed-in account as stored now; None before login or once the account is disabled."""
    name = st.session_state.get(SESSION_USER) or _resume()
    if not name:
        return None
    now, idle_minutes = time.time(), config.session_idle_minutes()
    last = st.session_state.get(SESSION_LAST_ACTIVE)
    if last is not None and now - last > idle_minutes * 60:
        _end_idle_session(name, idle_minutes)
        return None
    st.session_state[SESSION_LAST_ACTIVE] = now
    user = _account(data.file_version(), name)  # accounts change without new data: the file's own version
    if user is None:  # disabled or gone since the login: the session ends here
        st.session_state.pop(SESSION_USER, None)
        st.session_state["_session_ended"] = True
        _forget_browser_session()
        return None
    if not _keep_browser_session(now):
        return None
    return user


# ---------------------------------------------------------------- the browser session across page loads


def _idle_seconds() -> int:
    return max(60, round(config.session_idle_minutes() * 60))


@st.cache_data(show_spinner=False, max_entries=1024)
def _browser_row(version: data.Version, key: str) -> tuple[str | None, dt.datetime] | None:
    """(why it was revoked or None, its expiry) of a browser session, re-read whenever the database file changes."""
    if not Path(version[0]).exists():
        return None
    with data.connection() as con:
        row = sessions.get(con, key)
    if row is None:
        return None
    return (row.revoked_reason or "logout") if row.revoked_at is not None else None, row.expires_at


def _ended_message(reason: str | None) -> str | None:
    """What the login page says about a browser session that could not go on."""
    if reason == "idle":
        return labels.MSG_SESSION_IDLE.format(minutes=_minutes_text(config.session_idle_minutes()))
    if reason == "expired":
        return labels.MSG_SESSION_EXPIRED.format(hours=_minutes_text(config.session_max_hours()))
    if reason == "disabled":
        return labels.MSG_SESSION_ENDED
    if reason in ("password", "restore"):
        return labels.MSG_SESSION_REVOKED
    return None  # logged out, or a cookie that names nothing: just the login form


def _resume() -> str | None:
    """Sign in from the cookie the page load brought, once per page load; the account's name, or None."""
    if not browser_session.enabled() or st.session_state.get(_RESUME_TRIED):
        return None
    st.session_state[_RESUME_TRIED] = True
    token = browser_session.cookie_token()
    if token is None:
        return None
    client = _client_address()
    try:
        with data.connection() as con:
            found = sessions.resume(con, token, client)
    except db.DatabaseBusy:  # the login form; the cookie stays for the next page load
        return None
    if found.user is None:
        message = _ended_message(found.reason)
        if message:
            st.session_state[_ENDED_MESSAGE] = message
        st.session_state[_HANDOFF] = browser_session.offer("clear", client=client)
        return None
    now = time.time()
    st.session_state[SESSION_USER] = found.user.name
    st.session_state[SESSION_LAST_ACTIVE] = now
    st.session_state[SESSION_BROWSER] = found.token_hash
    st.session_state[_BROWSER_TOUCHED] = now
    st.session_state[_HANDOFF] = browser_session.offer(
        "renew", token_hash=found.token_hash, max_age=_idle_seconds(), client=client
    )
    return found.user.name


def _begin_browser_session(user: access.User, con) -> None:
    """After a login with a password: the session's row, and the code that makes the browser keep its cookie."""
    if not browser_session.enabled():
        return
    client = _client_address()
    started = sessions.start(con, user, client)
    st.session_state[SESSION_BROWSER] = started.token_hash
    st.session_state[_BROWSER_TOUCHED] = time.time()
    st.session_state[_HANDOFF] = browser_session.offer(
        "set", token=started.token, max_age=_idle_seconds(), client=client
    )


def _keep_browser_session(now: float) -> bool:
    """While signed in: end the page when its browser session ended elsewhere; mark it in use once a minute."""
    key = st.session_state.get(SESSION_BROWSER)
    if not key:
        return True
    row = _browser_row(data.file_version(), key)
    ended = "logout" if row is None else row[0]
    if ended is None and row[1] <= dt.datetime.now():
        ended = "expired"
    if ended is not None:
        _end_page(_ended_message(ended) or labels.MSG_SESSION_REVOKED)
        return False
    if now - st.session_state.get(_BROWSER_TOUCHED, 0) < TOUCH_SECONDS:
        return True
    st.session_state[_BROWSER_TOUCHED] = now
    try:
        with contextlib.closing(db.connect(data.database_path(), external_access=False)) as con:
            live = sessions.touch(con, key)
    except db.DatabaseBusy:  # marked on a later run
        return True
    if not live:
        _end_page(labels.MSG_SESSION_REVOKED)
        return False
    st.session_state[_HANDOFF] = browser_session.offer(
        "renew", token_hash=key, max_age=_idle_seconds(), client=_client_address()
    )
    return True


def _end_page(message: str) -> None:
    """This page's sign-in ends (its browser session is over): the login page with the reason, the cookie cleared."""
    st.session_state.clear()
    st.session_state[_ENDED_MESSAGE] = message
    _forget_browser_session()


def _forget_browser_session() -> None:
    """No resumption from this page load's cookie any more, and the browser told to drop it."""
    st.session_state.pop(SESSION_BROWSER, None)
    st.session_state[_RESUME_TRIED] = True
    if browser_session.enabled():
        st.session_state[_HANDOFF] = browser_session.offer("clear", client=_client_address())


def cookie_handoff() -> None:
    """Draw the pending code for the cookie route (nothing visible) until the browser has redeemed it."""
    code = st.session_state.get(_HANDOFF)
    if not code:
        return
    if not browser_session.pending(code):
        st.session_state.pop(_HANDOFF, None)
        return
    browser_session.draw(code)


def _minutes_text(minutes: float) -> str:
    return f"{minutes:g}"


def _end_idle_session(name: str, idle_minutes: float) -> None:
    """Sign out a session nobody has used for too long: one logout record, and the reason for the login page.

    Its browser session ends too, unless another tab of the same browser has used it within the idle time.
    """
    user = _account(data.file_version(), name)
    key = st.session_state.get(SESSION_BROWSER)
    ended = False
    with contextlib.suppress(db.DatabaseBusy):  # the session ends all the same
        if user is not None:
            detail = labels.AUDIT_DETAIL_IDLE_LOGOUT.format(minutes=_minutes_text(idle_minutes))
            record(user, "logout", detail)
        if key:
            with contextlib.closing(db.connect(data.database_path(), external_access=False)) as con:
                ended = sessions.revoke(con, key, "idle", idle_minutes=idle_minutes, only_if_idle=True)
    st.session_state.clear()
    st.session_state[_IDLE_ENDED] = idle_minutes
    st.session_state[_RESUME_TRIED] = True
    if ended:
        _forget_browser_session()


def _client_address() -> str | None:
    """The client's address: from the trusted proxy's header when one is configured, else the connection's."""
    header = config.client_address_header()
    if header:
        forwarded = st.context.headers.get(header)
        if isinstance(forwarded, str) and forwarded.strip():
            return forwarded.split(",")[0].strip() or None
    address = st.context.ip_address
    return address if isinstance(address, str) and address else None  # None: local, or no client (AppTest)


def require_user() -> access.User:
    """The signed-in user, or stop the page (a page file run without the app's login gate)."""
    user = current_user()
    if user is None:
        st.warning(labels.MSG_SIGN_IN_FIRST)
        st.stop()
    return user


def require(allowed: Callable[[access.User], bool]) -> access.User:
    """The signed-in user if `allowed(user)`, else stop the page with a message (e.g. upload for 只读)."""
    user = require_user()
    if not allowed(user):
        st.error(labels.MSG_NO_PERMISSION.format(role=user.role_label))
        st.stop()
    return user


def login_page() -> None:
    """The only page before login: 用户名, 密码, and the reason when a login is refused."""
    st.title(labels.LOGIN_TITLE)
    if st.session_state.pop("_session_ended", False):
        st.warning(labels.MSG_SESSION_ENDED)
    idle_minutes = st.session_state.pop(_IDLE_ENDED, None)
    if idle_minutes:
        st.warning(labels.MSG_SESSION_IDLE.format(minutes=_minutes_text(idle_minutes)))
    ended = st.session_state.pop(_ENDED_MESSAGE, None)
    if ended:
        st.warning(ended)
    cookie_handoff()
    if not _has_accounts(data.file_version()):  # looking never creates a database
        st.info(labels.LOGIN_NO_ACCOUNTS)
        return
    warm.start_with_data(data.data_version())  # the page after the login is computed while the user signs in
    page_style.preload()  # and the browser fetches the code that draws it
    st.caption(labels.LOGIN_INTRO)
    with st.form("login", enter_to_submit=True):
        name = st.text_input(labels.LOGIN_NAME, max_chars=access.MAX_NAME_LENGTH, autocomplete="username")
        password = st.text_input(
            labels.LOGIN_PASSWORD,
            type="password",
            max_chars=access.MAX_PASSWORD_LENGTH,
            autocomplete="current-password",
        )
        submitted = st.form_submit_button(labels.LOGIN_SUBMIT, type="primary")
    if not submitted:
        return
    if not name.strip() or not password:
        st.error(labels.LOGIN_EMPTY)
        return
    session = st.session_state.setdefault(_SESSION_TOKEN, secrets.token_hex(16))
    try:
        with data.connection() as con:
            user = access.authenticate(con, name, password, client=_client_address(), session=session)
            # the view a link asked for (period, county, department) is the view after the login
            asked = {key: st.query_params.get_all(key) for key in st.query_params}
            st.session_state.clear()  # nothing of an earlier session (unmask switches, previews) carries over
            st.session_state[SESSION_USER] = user.name
            st.session_state[SESSION_LAST_ACTIVE] = time.time()
            st.session_state[_RESUME_TRIED] = True
            with contextlib.suppress(db.DatabaseBusy, duckdb.Error):  # signed in all the same, for this page only
                _begin_browser_session(user, con)
    except access.LoginError as exc:
        st.error(str(exc))
        return
    st.query_params.from_dict(asked)
    st.rerun()


def _logout() -> None:
    user = current_user()
    key = st.session_state.get(SESSION_BROWSER)
    if user is not None:
        with data.connection() as con:
            access.logout(con, user)
            if key:
                sessions.revoke(con, key, "logout")
    st.session_state.clear()
    _forget_browser_session()


def account_box(user: access.User) -> None:
    """The sidebar's account lines and the logout button."""
    with st.sidebar:
        st.caption(labels.SIDEBAR_ACCOUNT.format(name=escape.md(user.name), role=user.role_label))
        st.caption(labels.SIDEBAR_ACCOUNT_SCOPE.format(scope=escape.md(user.scope_text)))
        st.button(labels.LOGOUT, key="logout", on_click=_logout, icon=":material/logout:")
        cookie_handoff()


# ---------------------------------------------------------------- audit of actions in the app


def record(user: access.User, action: str, detail: str = "", row_count: int | None = None, scope: Scope | None = None):
    """One audit record of an action of this user, written now (raises db.DatabaseBusy when it cannot be)."""
    with contextlib.closing(db.connect(data.database_path(), external_access=False)) as con:
        access.log_action(con, user, action, detail, row_count, scope=scope)


def audited_export(
    build: Callable[[], bytes], user: access.User, file_name: str, row_count: int | None, scope: Scope, masked: bool
) -> Callable[[], bytes]:
    """A download's callable that writes the export's audit record when (and each time) it is clicked.

    It runs outside the page's script, so the user and scope are taken now. When the record cannot be
    written the file is not handed over: an export nobody can trace is not allowed.
    """
    masking = labels.AUDIT_DETAIL_EXPORT_MASKED if masked else labels.AUDIT_DETAIL_EXPORT_FULL
    detail = labels.AUDIT_DETAIL_EXPORT.format(file=file_name, masking=masking)

    def deliver() -> bytes:
        content = build()
        try:
            record(user, "export", detail, row_count, scope)
        except db.DatabaseBusy as exc:
            raise RuntimeError(labels.MSG_EXPORT_NOT_AUDITED) from exc
        return content

    return deliver


def _unmask_changed(key: str, user: access.User, page: str, period: str, scope: Scope) -> None:
    if not st.session_state.get(key):
        return
    detail = labels.AUDIT_DETAIL_UNMASK.format(page=labels.PAGE_TITLES[page], period=period)
    try:
        record(user, "unmask", detail, None, scope)
    except db.DatabaseBusy:  # not recorded, so not shown: the switch goes back off
        st.session_state[key] = False
        st.toast(labels.STATUS_DB_BUSY)


def masked_view(page: str, period: str, scope: Scope) -> bool:
    """Whether this page shows identifiers masked: a switch for accounts allowed to unmask, audited when on.

    The switch belongs to one view (page, period, scope): a new period or scope starts masked again,
    so every unmasked view has its own audit record.
    """
    user = current_user()
    if user is None or not user.may_unmask:
        return True
    key = f"{_UNMASK_PREFIX}{page}_{period}_{scope.county}_{scope.department}"
    shown = st.toggle(
        labels.UNMASK_TOGGLE,
        key=key,
        help=labels.UNMASK_HELP,
        on_change=_unmask_changed,
        args=(key, user, page, period, scope),
    )
    if shown:
        st.caption(labels.UNMASK_ON)
    return not shown


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_button(
    label: str,
    build: Callable[[], bytes],
    file_name: str,
    *,
    key: str,
    row_count: int | None = None,
    masked: bool = True,
    mime: str = XLSX_MIME,
    container=None,
    **options,
) -> None:
    """A download of data built on click, written to the audit log as an export of the page's scope."""
    user = require_user()
    view = st.session_state.get(filters.VIEW_KEY)
    scope = view.scope if view is not None else user.scope
    deliver = audited_export(build, user, file_name, row_count, scope, masked)
    (container or st).download_button(
        label, data=deliver, file_name=file_name, mime=mime, key=key, on_click="ignore", **options
    )
