"""Browser sessions across page loads (pipeline/sessions.py) on a real DuckDB file: begun by a login, resumed by
the token alone while live, and ended by logout, idleness, expiry, a disabled account, a new password or a restore."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipeline import access, audit_chain, backup, db, labels, sessions

T0 = dt.datetime(2026, 12, 6, 9, 0)
PASSWORD = "Guanai-2026-pass"


@pytest.fixture(autouse=True)
def _quick_scrypt(monkeypatch):
    monkeypatch.setattr(access, "SCRYPT_N", 2**14)


@pytest.fixture
def path(tmp_path):
    file = tmp_path / "sessions.duckdb"
    with db.session(file) as con:
        access.add_user(con, "李四", "city", PASSWORD, now=T0)
        access.add_user(con, "张三", "county", PASSWORD, county="东川县", now=T0)
    return file


@pytest.fixture
def con(path):
    connection = db.connect(path)
    yield connection
    connection.close()


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def begin(con, name: str = "李四", minutes: float = 0, client: str | None = "10.0.0.7") -> sessions.Started:
    return sessions.start(con, access.load_user(con, name), client, now=at(minutes), max_hours=12)


def actions(con) -> list[str]:
    return [row[0] for row in con.execute("select action from audit_log order by audit_id").fetchall()]


def test_only_the_hash_of_the_token_is_stored(con, path):
    started = begin(con)
    assert len(started.token) >= 43  # 32 random bytes, URL-safe base64
    assert started.token_hash == sessions.token_hash(started.token) != started.token
    rows = con.execute("select * from app_session").fetchall()
    assert len(rows) == 1
    assert not any(started.token in str(value) for value in rows[0])
    row = sessions.get(con, started.token_hash)
    assert (row.user_name, row.created_at, row.last_seen, row.resumed) == ("李四", at(0), at(0), 0)
    assert row.client == "10.0.0.7"
    assert row.expires_at == at(12 * 60) and row.revoked_at is None
    con.execute("checkpoint")
    assert started.token.encode() not in path.read_bytes()  # nor anywhere in the file
    other = begin(con)
    assert other.token != started.token and other.token_hash != started.token_hash


def test_a_live_session_resumes_as_its_account_with_one_audit_record(con):
    started = begin(con)
    before = actions(con)
    found = sessions.resume(con, started.token, "10.0.0.8", now=at(10), idle_minutes=30)
    assert found.user == access.load_user(con, "李四") and found.reason is None
    assert found.token_hash == started.token_hash
    assert actions(con) == [*before, "session_resume"]
    record = access.read_audit(con, limit=1).iloc[0]
    assert record["user_name"] == "李四" and record["scope_text"] == "全市"
    assert record["detail"] == labels.AUDIT_DETAIL_SESSION_RESUME.format(created="2026-12-06 09:00")
    row = sessions.get(con, started.token_hash)
    assert (row.last_seen, row.last_client, row.resumed, row.client) == (at(10), "10.0.0.8", 1, "10.0.0.7")
    assert audit_chain.verify(con).intact


@pytest.mark.parametrize("token", ["", "x" * 500, "not-a-token", None, 42])
def test_a_token_that_names_no_session_is_refused_without_a_record(con, token):
    begin(con)
    before = actions(con)
    found = sessions.resume(con, token, now=at(1), idle_minutes=30)
    assert found.user is None and found.reason == "unknown"
    assert actions(con) == before


def test_an_idle_session_does_not_resume_and_stays_ended(con):
    started = begin(con)
    assert sessions.resume(con, started.token, now=at(29), idle_minutes=30).user is not None
    found = sessions.resume(con, started.token, now=at(29 + 31), idle_minutes=30)
    assert found.user is None and found.reason == "idle"
    assert sessions.get(con, started.token_hash).revoked_reason == "idle"
    # even within the idle time of that moment, a revoked session never comes back
    assert sessions.resume(con, started.token, now=at(61), idle_minutes=600).reason == "idle"


def test_touch_keeps_a_session_in_use_alive_until_its_expiry(con):
    started = begin(con)
    for minute in range(20, 12 * 60, 20):  # in use all day, never idle for 30 minutes
        assert sessions.touch(con, started.token_hash, now=at(minute))
    assert sessions.resume(con, started.token, now=at(12 * 60 - 5), idle_minutes=30).user is not None
    assert not sessions.touch(con, started.token_hash, now=at(12 * 60 + 1))  # 12 hours after the login
    found = sessions.resume(con, started.token, now=at(12 * 60 + 2), idle_minutes=30)
    assert found.user is None and found.reason == "expired"
    assert sessions.get(con, started.token_hash).revoked_reason == "expired"


def test_logout_revokes_and_touch_then_says_so(con):
    started = begin(con)
    assert sessions.revoke(con, started.token_hash, "logout", now=at(5))
    assert not sessions.revoke(con, started.token_hash, "idle", now=at(6))  # the first reason stays
    assert not sessions.touch(con, started.token_hash, now=at(6))
    found = sessions.resume(con, started.token, now=at(7), idle_minutes=30)
    assert found.user is None and found.reason == "logout"
    row = sessions.get(con, started.token_hash)
    assert (row.revoked_at, row.revoked_reason) == (at(5), "logout")


def test_an_idle_tab_ends_the_session_only_when_no_other_tab_used_it(con):
    started = begin(con)
    sessions.touch(con, started.token_hash, now=at(25))  # another tab of the same browser, in use
    assert not sessions.revoke(con, started.token_hash, "idle", now=at(31), idle_minutes=30, only_if_idle=True)
    assert sessions.resume(con, started.token, now=at(32), idle_minutes=30).user is not None
    assert sessions.revoke(con, started.token_hash, "idle", now=at(32 + 31), idle_minutes=30, only_if_idle=True)
    assert sessions.get(con, started.token_hash).revoked_reason == "idle"


def test_disabling_the_account_ends_all_its_sessions_and_only_its(con):
    first, second, other = begin(con), begin(con, minutes=1), begin(con, "张三")
    access.disable_user(con, "李四", "命令行", now=at(2))
    for started in (first, second):
        assert sessions.get(con, started.token_hash).revoked_reason == "disabled"
        found = sessions.resume(con, started.token, now=at(3), idle_minutes=30)
        assert found.user is None and found.reason == "disabled"
    assert sessions.resume(con, other.token, now=at(3), idle_minutes=30).user.name == "张三"


def test_a_session_of_an_account_disabled_behind_its_back_is_refused(con):
    started = begin(con)
    con.execute("update app_user set disabled = true where user_name = '李四'")  # not through disable_user
    found = sessions.resume(con, started.token, now=at(1), idle_minutes=30)
    assert found.user is None and found.reason == "disabled"
    assert sessions.get(con, started.token_hash).revoked_reason == "disabled"


def test_a_new_password_ends_the_sessions_of_the_old_one(con):
    started = begin(con)
    access.set_password(con, "李四", "another-secret-42", "命令行", now=at(1))
    found = sessions.resume(con, started.token, now=at(2), idle_minutes=30)
    assert found.user is None and found.reason == "password"


def test_a_restored_backup_brings_no_session_back(con, path, tmp_path):
    started = begin(con)
    con.close()
    copy = tmp_path / "backup.duckdb"
    backup.backup(path, copy)
    with db.session(path) as live:
        sessions.revoke(live, started.token_hash, "logout")  # logged out after the backup was made
    backup.restore(path, copy, force=True)
    with db.session(path) as restored:
        assert sessions.get(restored, started.token_hash).revoked_reason == "restore"
        assert sessions.resume(restored, started.token, idle_minutes=10**6).user is None


def test_ended_sessions_are_forgotten_after_thirty_days(con):
    old = begin(con)
    sessions.revoke(con, old.token_hash, "logout", now=at(1))
    kept = begin(con, minutes=2)
    begin(con, minutes=(30 * 24 + 6) * 60)  # a login 30 days and 6 hours later prunes
    assert sessions.get(con, old.token_hash) is None  # ended 30 days and 6 hours before
    assert sessions.get(con, kept.token_hash) is not None  # expired 12 hours after its login: not 30 days before


def test_the_session_table_is_a_numbered_migration():
    versions = [version for version, _ in db.migrations()]
    assert versions == list(range(2, 2 + len(versions)))
    names = [path.name for _, path in db.migrations()]
    assert sum("app_session" in (db.MIGRATIONS_DIR / name).read_text(encoding="utf-8") for name in names) == 1


def test_an_unknown_reason_is_refused(con):
    started = begin(con)
    with pytest.raises(ValueError):
        sessions.revoke(con, started.token_hash, "whatever")
    with pytest.raises(duckdb.Error):  # the key is the hash: one row per token
        con.execute(
            "insert into app_session (token_hash, user_name, created_at, last_seen, expires_at, resumed) "
            "values (?, 'x', now(), now(), now(), 0)",
            [started.token_hash],
        )
