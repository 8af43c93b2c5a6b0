"""Logins under attack: parallel attempts, one client locking out another, floods, and names that do not exist.

Every test runs against a real DuckDB file; the parallel ones use real threads, each with its own connection
as the app's sessions have, and count the real scrypt checks by wrapping access.verify_password.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import duckdb
import pytest

from pipeline import access, db, labels
from pipeline.access import LoginError

PASSWORD = "Guanai-2026-pass"
WRONG = "not-the-password"
T0 = dt.datetime(2026, 11, 28, 9, 0)


@pytest.fixture(autouse=True)
def _quick_scrypt(monkeypatch):
    """A cheaper N (16 MiB, a few milliseconds): many checks per second, so a missing limit shows at once."""
    monkeypatch.setattr(access, "SCRYPT_N", 2**14)
    # the limits per minute and the unknown names live in the process: every test starts with none
    monkeypatch.setattr(access, "_THROTTLE", access.login_guard.Throttle())
    monkeypatch.setattr(access, "_UNKNOWN", access.login_guard.UnknownNames())


@pytest.fixture
def path(tmp_path):
    target = tmp_path / "login.duckdb"
    with db.session(target) as con:
        access.add_user(con, "admin", "city", PASSWORD, now=T0)
        access.add_user(con, "retired", "readonly", PASSWORD, now=T0)
        access.disable_user(con, "retired", "命令行", now=T0)
    return target


@pytest.fixture
def checks(monkeypatch):
    """Every real password check, as (thread, stored hash); the check itself still runs."""
    seen: list[tuple[int, str]] = []
    real = access.verify_password

    def counted(password, stored):
        seen.append((threading.get_ident(), stored))
        return real(password, stored)

    monkeypatch.setattr(access, "verify_password", counted)
    return seen


def attempt(con, name: str, password: str = WRONG, **kwargs) -> str:
    """The outcome of one login: "ok", or the refusal's reason."""
    try:
        access.authenticate(con, name, password, **kwargs)
    except LoginError as exc:
        return exc.reason
    return "ok"


def message(con, name: str, password: str = WRONG, **kwargs) -> str:
    with pytest.raises(LoginError) as caught:
        access.authenticate(con, name, password, **kwargs)
    return str(caught.value)


def failure_details(path, user: str) -> list[str]:
    with db.session(path) as con:
        rows = con.execute(
            "select detail from audit_log where action = 'login_failed' and user_name = ? order by audit_id", [user]
        ).fetchall()
    return [detail for (detail,) in rows]


# ---------------------------------------------------------------- parallel logins (issue 13, item 1)


def test_parallel_logins_never_check_more_passwords_than_the_lock_out_allows(path, checks):
    """4 threads hammer one account for 3 s: at most five real checks, and the lock is never lifted."""
    stop = time.monotonic() + 3
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def hammer() -> None:
        con = db.connect(path)
        try:
            while time.monotonic() < stop:
                try:
                    outcomes.append(attempt(con, "admin"))
                except duckdb.TransactionException:  # two sessions writing the account row at once
                    outcomes.append("conflict")
        except BaseException as exc:  # any crash of a thread is what the test looks for
            errors.append(exc)
        finally:
            con.close()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(checks) <= access.MAX_FAILED_LOGINS, f"{len(checks)} password checks in 3 s"
    assert "conflict" not in outcomes
    assert outcomes.count("locked") >= len(outcomes) - access.MAX_FAILED_LOGINS
    # the audit log counts 1, 2, 3, 4, 5 once each (never "第1次" again after the lock: no attempt in flight
    # unlocked it), the fifth locks, and every other attempt was refused as locked without a check
    details = failure_details(path, "admin")
    counted = {int(m.group(1)): d for d in details if (m := re.search(r"第(\d+)次", d))}
    assert sorted(counted) == list(range(1, access.MAX_FAILED_LOGINS + 1))
    assert len(counted) == len(checks) == sum("第" in d for d in details)
    assert "锁定至" in counted[access.MAX_FAILED_LOGINS]
    assert all("锁定中" in d for d in details if "第" not in d)
    # and the right password is refused too: the account stays locked
    with db.session(path) as con:
        assert attempt(con, "admin", PASSWORD) == "locked"


def test_a_check_under_way_holds_its_slot(path, checks, monkeypatch):
    """Five checks already running (none finished yet): a sixth attempt is refused without a check."""
    monkeypatch.setattr(access, "_CHECKS", access.login_guard.CheckSlots(8))
    release, started = threading.Event(), threading.Semaphore(0)
    real = access.verify_password

    def slow(password, stored):
        started.release()
        release.wait(30)
        return real(password, stored)

    monkeypatch.setattr(access, "verify_password", slow)
    results: list[str] = []

    def one() -> None:
        con = db.connect(path)
        try:
            results.append(attempt(con, "admin"))
        finally:
            con.close()

    threads = [threading.Thread(target=one) for _ in range(access.MAX_FAILED_LOGINS)]
    for thread in threads:
        thread.start()
    for _ in threads:
        assert started.acquire(timeout=30)
    with db.session(path) as con:
        assert attempt(con, "admin", PASSWORD) == "locked"  # no sixth check, not even of the right password
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["invalid"] * 4 + ["locked"]


def test_password_checks_at_the_same_moment_are_capped(path, monkeypatch):
    """Eight parallel attempts (different names, no lock-out in the way): never more than the cap at once."""
    running, most, guard = [0], [0], threading.Lock()
    real = access.verify_password

    def watched(password, stored):
        with guard:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.2)
            return real(password, stored)
        finally:
            with guard:
                running[0] -= 1

    monkeypatch.setattr(access, "verify_password", watched)

    def one(k: int) -> None:
        con = db.connect(path)
        try:
            attempt(con, f"someone-{k}")
        finally:
            con.close()

    threads = [threading.Thread(target=one, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert most[0] == access.MAX_PASSWORD_CHECKS_AT_ONCE


def test_a_login_that_cannot_get_a_turn_is_refused_as_busy(path, checks, monkeypatch):
    monkeypatch.setattr(access, "_CHECKS", access.login_guard.CheckSlots(1))
    monkeypatch.setattr(access, "PASSWORD_CHECK_WAIT_SECONDS", 0.2)
    with access._CHECKS.slot(1) as taken, db.session(path) as con:
        assert taken
        assert message(con, "admin", PASSWORD) == labels.MSG_LOGIN_BUSY
    assert checks == []


# ---------------------------------------------------------------- one client, one lock (item 1)


def test_one_client_cannot_lock_out_another(path, checks):
    with db.session(path) as con:
        reasons = [attempt(con, "admin", client="203.0.113.7", now=T0 + dt.timedelta(minutes=n)) for n in range(6)]
        assert reasons == ["invalid"] * 4 + ["locked", "locked"]
        assert len(checks) == access.MAX_FAILED_LOGINS
        # the office's own address is not locked out by the attacker's failures
        user = access.authenticate(con, "admin", PASSWORD, client="198.51.100.2", now=T0 + dt.timedelta(minutes=6))
        assert user.name == "admin"
        # …and its success does not forgive the attacker's
        assert attempt(con, "admin", PASSWORD, client="203.0.113.7", now=T0 + dt.timedelta(minutes=7)) == "locked"


def test_many_clients_together_lock_the_account_for_everyone(path, checks):
    with db.session(path) as con:
        when = T0
        for k in range(access.MAX_FAILED_LOGINS_ALL_CLIENTS):
            when += dt.timedelta(seconds=20)
            client = f"192.0.2.{k // (access.MAX_FAILED_LOGINS - 1)}"  # four each: no client locks itself out
            assert attempt(con, "admin", client=client, now=when) in ("invalid", "locked")
        assert len(checks) == access.MAX_FAILED_LOGINS_ALL_CLIENTS
        assert attempt(con, "admin", PASSWORD, client="198.51.100.2", now=when) == "locked"
        assert len(checks) == access.MAX_FAILED_LOGINS_ALL_CLIENTS
        listed = access.list_users(con).set_index("user_name")
        assert listed.loc["admin", "locked_until"] == when + access.LOCKOUT_DURATION
        assert attempt(con, "admin", PASSWORD, client="198.51.100.2", now=when + access.LOCKOUT_DURATION) == "ok"


# ---------------------------------------------------------------- attempts per minute (item 1)


def test_a_session_gets_ten_attempts_a_minute(path, checks):
    with db.session(path) as con:
        reasons = [attempt(con, f"guess-{k}", session="s-1") for k in range(access.LOGIN_ATTEMPTS_PER_MINUTE_SESSION)]
        assert reasons == ["invalid"] * access.LOGIN_ATTEMPTS_PER_MINUTE_SESSION
        for _ in range(3):
            assert message(con, "admin", PASSWORD, session="s-1") == labels.MSG_LOGIN_TOO_FAST
        assert len(checks) == access.LOGIN_ATTEMPTS_PER_MINUTE_SESSION  # refused before any check
        assert attempt(con, "admin", PASSWORD, session="s-2") == "ok"  # another session is not held up
    # one record of the flood, however long it goes on
    assert len(failure_details(path, labels.AUDIT_THROTTLED_USER)) == 1


def test_an_address_gets_thirty_attempts_a_minute_across_sessions(path, checks):
    with db.session(path) as con:
        for k in range(access.LOGIN_ATTEMPTS_PER_MINUTE_ADDRESS):
            assert attempt(con, f"guess-{k}", client="203.0.113.9", session=f"s-{k}") == "invalid"
        assert message(con, "admin", PASSWORD, client="203.0.113.9", session="new") == labels.MSG_LOGIN_TOO_FAST
        assert len(checks) == access.LOGIN_ATTEMPTS_PER_MINUTE_ADDRESS


def test_the_throttle_forgets_after_a_minute():
    throttle = access.login_guard.Throttle(window=60)
    assert all(throttle.admit({"a": 2}, now=t)[0] for t in (0, 1))
    assert throttle.admit({"a": 2}, now=2) == (False, True)
    assert throttle.admit({"a": 2}, now=3) == (False, False)
    assert throttle.admit({"a": 2}, now=60.5)[0]


# ---------------------------------------------------------------- unknown names (item 6)


def test_unknown_disabled_and_real_names_are_answered_alike(path, checks):
    """Six wrong passwords for each: the same messages in the same order, the same number of checks."""
    answers: dict[str, list[str]] = {}
    with db.session(path) as con:
        for name in ("admin", "nobody-here", "retired"):
            before = len(checks)
            answers[name] = []
            for n in range(access.MAX_FAILED_LOGINS + 1):
                answers[name].append(message(con, name, now=T0 + dt.timedelta(minutes=n)))
            answers[name].append(str(len(checks) - before))
        # the right password of the disabled account is refused alike
        assert message(con, "retired", PASSWORD, now=T0 + dt.timedelta(minutes=30)) == labels.MSG_LOGIN_FAILED
    expected = [labels.MSG_LOGIN_FAILED] * (access.MAX_FAILED_LOGINS - 1) + [
        labels.MSG_LOGIN_LOCKED.format(minutes=15),
        labels.MSG_LOGIN_LOCKED.format(minutes=14),
        str(access.MAX_FAILED_LOGINS),
    ]
    assert answers["admin"] == answers["nobody-here"] == answers["retired"] == expected
    # every check of an unknown name is against a hash with the accounts' parameters
    assert {stored.split("$")[1] for _, stored in checks} == {f"n={2**14},r=8,p=1"}


def test_an_unknown_name_is_never_written_down(path):
    with db.session(path) as con:
        for n in range(access.MAX_FAILED_LOGINS + 1):
            attempt(con, "Secret-Typed-As-Name", now=T0 + dt.timedelta(minutes=n))
        assert "Secret-Typed-As-Name" not in str(con.execute("from audit_log").fetchall())
        assert "Secret-Typed-As-Name" not in str(con.execute("from app_user").fetchall())
    assert not any("Secret-Typed-As-Name" in str(key) for key in access._UNKNOWN._failures)
