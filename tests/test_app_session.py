"""Sessions in the app: an idle session ends with a clear message, and the login form throttles a flood."""

from __future__ import annotations

import time

from app_ui import auth
from pipeline import access, db, labels
from tests.conftest import CITY_USER, TEST_PASSWORD, app_test, shows_no_data
from tests.drill_helpers import rerun


def signed_in_since(minutes_ago: float):
    at = app_test(user=CITY_USER)
    at.session_state[auth.SESSION_LAST_ACTIVE] = time.time() - minutes_ago * 60
    return rerun(at)


def last_record(path) -> tuple[str, str, str]:
    with db.session(path) as con:
        row = access.read_audit(con, limit=1).iloc[0]
    return row["user_name"], row["action"], row["detail"]


def test_a_session_idle_for_more_than_30_minutes_ends_with_a_message(example_db):
    at = signed_in_since(31)
    assert [t.value for t in at.title] == [labels.LOGIN_TITLE]
    assert "您已超过30分钟未操作，请重新登录" in [w.value for w in at.warning]
    assert shows_no_data(at)
    assert auth.SESSION_USER not in at.session_state
    assert last_record(example_db) == (CITY_USER, "logout", labels.AUDIT_DETAIL_IDLE_LOGOUT.format(minutes="30"))
    # the next run is the plain login page, and signing in again works
    rerun(at)
    assert labels.MSG_SESSION_IDLE.format(minutes="30") not in [w.value for w in at.warning]
    at.text_input[0].input(CITY_USER)
    at.text_input[1].input(TEST_PASSWORD)
    at.button[0].click()
    rerun(at)
    assert [t.value for t in at.title] == [labels.PAGE_TITLES["overview"]]


def test_a_session_used_within_30_minutes_goes_on_and_each_run_counts_as_use(example_db):
    at = signed_in_since(29)
    assert [t.value for t in at.title] == [labels.PAGE_TITLES["overview"]]
    assert time.time() - at.session_state[auth.SESSION_LAST_ACTIVE] < 60


def test_the_idle_time_is_a_setting(example_db, monkeypatch):
    monkeypatch.setenv("GUANAI_SESSION_IDLE_MINUTES", "5")
    at = signed_in_since(6)
    assert [t.value for t in at.title] == [labels.LOGIN_TITLE]
    assert labels.MSG_SESSION_IDLE.format(minutes="5") in [w.value for w in at.warning]


def test_the_login_form_refuses_a_flood_from_one_session(example_db):
    at = rerun(app_test(user=None))
    for k in range(access.LOGIN_ATTEMPTS_PER_MINUTE_SESSION):
        at.text_input[0].input(f"猜测{k}")
        at.text_input[1].input("错误的密码123")
        at.button[0].click()
        rerun(at)
        assert [e.value for e in at.error] == [labels.MSG_LOGIN_FAILED]
    at.text_input[0].input(CITY_USER)
    at.text_input[1].input(TEST_PASSWORD)
    at.button[0].click()
    rerun(at)
    assert [e.value for e in at.error] == [labels.MSG_LOGIN_TOO_FAST]
    assert [t.value for t in at.title] == [labels.LOGIN_TITLE]
