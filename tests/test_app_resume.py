"""A session across page loads in the app: the login begins it, the cookie route sets it HttpOnly, a new page
load with the cookie goes on signed in, and logout, idleness, a disabled account or a revocation in another
tab end it.

AppTest cannot carry a cookie from one run to the next, so the cookie a page load brings is given by patching
`st.context.cookies`, and the route that sets it (app_ui/browser_session.py) is called with a request built
here, as the browser's fetch would send it. tests/browser/test_session_reload.py does the same in Chromium.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import hashlib
import time

import pytest
from streamlit.runtime.context import ContextProxy, StreamlitCookies
from streamlit.testing.v1 import AppTest

from app_ui import auth, browser_session
from pipeline import access, db, labels, sessions
from tests.conftest import CITY_USER, TEST_PASSWORD, app_test, shows_no_data
from tests.drill_helpers import rerun


@pytest.fixture
def served(monkeypatch):
    """The app as serve.py runs it: the cookie route exists."""
    monkeypatch.setattr(browser_session, "_mounted", True)


def bring_cookie(monkeypatch, token: str | None) -> None:
    """The cookies the page load's request carried (st.context.cookies), as a browser with this token sends them."""
    cookies = {} if token is None else {browser_session.COOKIE: token, "_streamlit_xsrf": "2|x|y|1"}
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: StreamlitCookies(cookies)))


def exchange(code: str, cookie: str | None = None, client: str = "127.0.0.1", **headers: str):
    """POST the route as the page's JavaScript does; the response."""
    from starlette.requests import Request

    sent = {"sec-fetch-site": "same-origin", "origin": "http://127.0.0.1:8501", browser_session.HEADER.lower(): code}
    sent.update({name.replace("_", "-"): value for name, value in headers.items()})
    if cookie is not None:
        sent["cookie"] = f"{browser_session.COOKIE}={cookie}"
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "path": browser_session.ROUTE,
        "raw_path": browser_session.ROUTE.encode(),
        "query_string": b"",
        "headers": [(k.encode(), v.encode()) for k, v in sent.items()],
        "client": (client, 50000),
        "server": ("127.0.0.1", 8501),
    }
    # on a thread of its own: a test run that drove a browser before may leave an event loop running here
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, browser_session._exchange(Request(scope))).result()


def set_cookie(response) -> dict[str, str]:
    """The Set-Cookie header of a response, as {attribute (lower case): value}."""
    (header,) = [v for k, v in response.raw_headers if k == b"set-cookie"]
    parts = [part.strip() for part in header.decode().split(";")]
    name, value = parts[0].split("=", 1)
    attributes = {"name": name, "value": value}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        attributes[key.lower()] = val
    return attributes


def handoff_drawn(at: AppTest) -> str | None:
    """The one-time code the page drew for the route (None when it draws none), checked against the page's HTML."""
    code = at.session_state.get(auth._HANDOFF)
    scripts = [h.value for h in at.get("html") if browser_session.ROUTE in h.value]
    if code is None:
        assert scripts == []
        return None
    assert len(scripts) == 1 and code in scripts[0]
    return code


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def rows(path) -> list[tuple]:
    with db.session(path) as con:
        return con.execute(
            "select token_hash, user_name, resumed, revoked_reason from app_session order by created_at"
        ).fetchall()


def actions(path) -> list[str]:
    with db.session(path) as con:
        return access.read_audit(con, limit=1000)["action"].tolist()[::-1]


def start_session(path, minutes_ago: float = 0, name: str = CITY_USER) -> sessions.Started:
    with db.session(path) as con:
        when = dt.datetime.now() - dt.timedelta(minutes=minutes_ago)
        return sessions.start(con, access.load_user(con, name), now=when)


def sign_in_with_password(at: AppTest) -> AppTest:
    at.text_input[0].input(CITY_USER)
    at.text_input[1].input(TEST_PASSWORD)
    at.button[0].click()
    return rerun(at)


def test_a_login_keeps_a_browser_session_whose_cookie_the_route_sets_httponly(example_db, served, monkeypatch):
    bring_cookie(monkeypatch, None)
    at = sign_in_with_password(rerun(app_test(user=None)))
    assert titles(at) == [labels.PAGE_TITLES["overview"]]
    [(key, user_name, resumed, revoked)] = rows(example_db)
    assert (user_name, resumed, revoked) == (CITY_USER, 0, None)
    assert at.session_state[auth.SESSION_BROWSER] == key
    code = handoff_drawn(at)
    response = exchange(code)
    assert response.status_code == 204 and response.headers["cache-control"] == "no-store"
    cookie = set_cookie(response)
    assert cookie["name"] == browser_session.COOKIE
    assert hashlib.sha256(cookie["value"].encode()).hexdigest() == key  # the token itself, never stored
    assert cookie["max-age"] == "1800" and cookie["path"] == "/"  # the idle timeout
    assert "httponly" in cookie and cookie["samesite"].lower() == "strict" and "secure" not in cookie
    assert exchange(code).status_code == 404  # one use only
    rerun(at)
    assert handoff_drawn(at) is None  # redeemed: the page draws it no more
    assert actions(example_db)[-1] == "login"


def test_a_page_load_with_the_cookie_goes_on_signed_in_on_the_page_it_asked_for(example_db, served, monkeypatch):
    started = start_session(example_db, minutes_ago=10)
    bring_cookie(monkeypatch, started.token)
    at = app_test(user=None)
    at.switch_page("app_pages/county.py")
    rerun(at)
    assert titles(at) == [labels.PAGE_TITLES["county"]]
    assert at.session_state[auth.SESSION_USER] == CITY_USER
    assert actions(example_db)[-1] == "session_resume"
    assert rows(example_db) == [(started.token_hash, CITY_USER, 1, None)]
    # the page renews the cookie (its Max-Age counts from now) without ever handling the token
    code = handoff_drawn(at)
    assert started.token not in code
    cookie = set_cookie(exchange(code, cookie=started.token))
    assert cookie["value"] == started.token and cookie["max-age"] == "1800"
    # a second run of the same page is the same page load: no second resumption
    rerun(at)
    assert actions(example_db).count("session_resume") == 1


@pytest.mark.parametrize(
    ("ending", "message"),
    [
        ("idle", labels.MSG_SESSION_IDLE.format(minutes="30")),
        ("logout", None),
        ("disabled", labels.MSG_SESSION_ENDED),
        ("password", labels.MSG_SESSION_REVOKED),
        ("unknown", None),
    ],
)
def test_a_cookie_of_an_ended_session_gets_the_login_form_and_is_cleared(
    example_db, served, monkeypatch, ending, message
):
    started = start_session(example_db, minutes_ago=31 if ending == "idle" else 1)
    with db.session(example_db) as con:
        if ending == "logout":
            sessions.revoke(con, started.token_hash, "logout")
        elif ending == "disabled":
            access.disable_user(con, CITY_USER, "命令行")
        elif ending == "password":
            access.set_password(con, CITY_USER, "另一个密码-2026", "命令行")
    bring_cookie(monkeypatch, "x" * 43 if ending == "unknown" else started.token)
    at = rerun(app_test(user=None))
    assert titles(at) == [labels.LOGIN_TITLE]
    assert shows_no_data(at)
    assert [w.value for w in at.warning] == ([message] if message else [])
    assert "session_resume" not in actions(example_db)
    cleared = set_cookie(exchange(handoff_drawn(at)))
    assert cleared["name"] == browser_session.COOKIE and cleared["value"] in ("", '""')
    assert cleared["max-age"] == "0" and "httponly" in cleared
    rerun(at)  # the same page load does not try its cookie again
    assert titles(at) == [labels.LOGIN_TITLE] and not at.warning


def test_logout_revokes_the_browser_session_and_clears_the_cookie(example_db, served, monkeypatch):
    started = start_session(example_db)
    bring_cookie(monkeypatch, started.token)
    at = rerun(app_test(user=None))
    assert titles(at) == [labels.PAGE_TITLES["overview"]]
    at.button(key="logout").click()
    rerun(at)
    assert titles(at) == [labels.LOGIN_TITLE]
    assert rows(example_db) == [(started.token_hash, CITY_USER, 1, "logout")]
    assert actions(example_db)[-2:] == ["session_resume", "logout"]
    assert set_cookie(exchange(handoff_drawn(at)))["max-age"] == "0"
    rerun(at)  # the page load's cookie (still in st.context.cookies) signs no one in again
    assert titles(at) == [labels.LOGIN_TITLE]


def test_a_session_revoked_in_another_tab_ends_this_page_too(example_db, served, monkeypatch):
    started = start_session(example_db)
    bring_cookie(monkeypatch, started.token)
    at = rerun(app_test(user=None))
    assert titles(at) == [labels.PAGE_TITLES["overview"]]
    with db.session(example_db) as con:
        sessions.revoke(con, started.token_hash, "logout")  # the other tab's logout
    rerun(at)
    assert titles(at) == [labels.LOGIN_TITLE]
    assert [w.value for w in at.warning] == [labels.MSG_SESSION_REVOKED]


def test_a_session_in_use_is_marked_once_a_minute_and_its_cookie_renewed(example_db, served, monkeypatch):
    started = start_session(example_db, minutes_ago=20)
    bring_cookie(monkeypatch, started.token)
    at = rerun(app_test(user=None))
    exchange(handoff_drawn(at), cookie=started.token)
    with db.session(example_db) as con:
        seen = sessions.get(con, started.token_hash).last_seen
    rerun(at)  # within the minute: nothing written, nothing to hand over
    assert handoff_drawn(at) is None
    at.session_state[auth._BROWSER_TOUCHED] = time.time() - auth.TOUCH_SECONDS - 1
    rerun(at)
    with db.session(example_db) as con:
        assert sessions.get(con, started.token_hash).last_seen > seen
    assert exchange(handoff_drawn(at), cookie=started.token).status_code == 204


def test_an_idle_page_ends_but_keeps_the_session_another_tab_uses(example_db, served, monkeypatch):
    started = start_session(example_db)
    bring_cookie(monkeypatch, started.token)
    at = rerun(app_test(user=None))
    at.session_state[auth.SESSION_LAST_ACTIVE] = time.time() - 31 * 60  # this tab idle; the row used just now
    rerun(at)
    assert titles(at) == [labels.LOGIN_TITLE]
    assert rows(example_db)[0][3] is None and handoff_drawn(at) is None
    with db.session(example_db) as con:  # nobody used it for 31 minutes either: the idle page ends it
        con.execute("update app_session set last_seen = last_seen - interval 31 minute")
    at = rerun(app_test(user=None))
    at.session_state[auth.SESSION_LAST_ACTIVE] = time.time() - 31 * 60
    rerun(at)
    assert rows(example_db)[0][3] == "idle"
    assert set_cookie(exchange(handoff_drawn(at)))["max-age"] == "0"


def test_without_the_route_nothing_is_kept_and_a_cookie_is_ignored(example_db, monkeypatch):
    started = start_session(example_db)
    bring_cookie(monkeypatch, started.token)
    at = rerun(app_test(user=None))  # streamlit run app.py: no route, so no cookie could ever have been set
    assert titles(at) == [labels.LOGIN_TITLE]
    sign_in_with_password(at)
    assert titles(at) == [labels.PAGE_TITLES["overview"]]
    assert len(rows(example_db)) == 1 and handoff_drawn(at) is None


# ---------------------------------------------------------------- the route itself


def test_the_route_refuses_other_sites_other_clients_and_late_or_wrong_codes(monkeypatch):
    code = browser_session.offer("set", token="t" * 43, max_age=1800)
    assert exchange(code, sec_fetch_site="cross-site").status_code == 403
    assert browser_session.pending(code)  # not used up by a refused request
    assert exchange("another-code").status_code == 404
    bound = browser_session.offer("set", token="t" * 43, max_age=1800, client="10.0.0.7")
    assert exchange(bound, client="10.0.0.9").status_code == 404
    assert not browser_session.pending(bound)  # one try only
    late = browser_session.offer("clear")
    now = time.monotonic()
    monkeypatch.setattr(browser_session.time, "monotonic", lambda: now + browser_session.HANDOFF_SECONDS + 1)
    assert not browser_session.pending(late)
    assert exchange(late).status_code == 404


def test_the_route_renews_only_the_session_cookie_it_was_made_for():
    token = "r" * 43
    key = hashlib.sha256(token.encode()).hexdigest()
    assert exchange(browser_session.offer("renew", token_hash=key, max_age=600), cookie="s" * 43).status_code == 409
    assert exchange(browser_session.offer("renew", token_hash=key, max_age=600)).status_code == 409
    renewed = set_cookie(exchange(browser_session.offer("renew", token_hash=key, max_age=600), cookie=token))
    assert (renewed["value"], renewed["max-age"]) == (token, "600")


def test_the_cookie_is_secure_when_the_page_came_over_https():
    code = browser_session.offer("set", token="t" * 43, max_age=1800)
    cookie = set_cookie(exchange(code, origin="https://guanai.example.gov.cn"))
    assert "secure" in cookie and "httponly" in cookie and cookie["samesite"].lower() == "strict"


def test_the_page_script_carries_no_token_and_nothing_from_outside():
    code = browser_session.offer("set", token="secret-token-" + "t" * 30, max_age=1800)
    html = browser_session._SCRIPT.format(route=browser_session.ROUTE, header=browser_session.HEADER, code=code)
    assert "secret-token" not in html and code in html
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
