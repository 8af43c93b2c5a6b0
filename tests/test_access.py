"""Accounts, roles and the audit log: hashing, lock-out, scopes that never widen, one audit record per action."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re

import duckdb
import pytest

from pipeline import access, db, labels, masking, queries, sessions
from pipeline.access import AccountError, LoginError, User
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_TODAY, ROOT, build_example_database

PASSWORD = "Guanai-2026-pass"
NEW_PASSWORD = "another-secret-42"
T0 = dt.datetime(2026, 11, 28, 9, 0)
REAL_SCRYPT_N = access.SCRYPT_N  # before the fixture below lowers it
ID = "620102201205030014"  # a beneficiary of the spec's example ledger
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _quick_scrypt(monkeypatch):
    """Most tests hash many passwords: a cheaper N keeps them fast (the defaults have their own test)."""
    monkeypatch.setattr(access, "SCRYPT_N", 2**14)


@pytest.fixture
def con(tmp_path):
    connection = db.connect(tmp_path / "access.duckdb")
    yield connection
    connection.close()


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def audit_counts(con) -> dict[str, int]:
    rows = con.execute("select action, count(*) from audit_log group by action").fetchall()
    return dict(rows)


def fail_login(con, name: str, at: dt.datetime, password: str = "not-the-password") -> LoginError:
    with pytest.raises(LoginError) as caught:
        access.authenticate(con, name, password, now=at)
    return caught.value


# ---------------------------------------------------------------- hashing


def test_a_hash_is_salted_never_the_password_and_verifies():
    stored = access.hash_password(PASSWORD)
    again = access.hash_password(PASSWORD)
    assert stored != PASSWORD and PASSWORD not in stored
    assert stored != again  # a fresh salt each time
    assert access.verify_password(PASSWORD, stored)
    assert access.verify_password(PASSWORD, again)
    assert not access.verify_password("wrong-password", stored)
    assert not access.verify_password(PASSWORD[:-1], stored)
    assert not access.verify_password(PASSWORD + " ", stored)


def test_defaults_meet_owasp_and_the_parameters_travel_with_the_hash(monkeypatch):
    assert (REAL_SCRYPT_N, access.SCRYPT_R, access.SCRYPT_P) == (2**17, 8, 1)
    monkeypatch.setattr(access, "SCRYPT_N", REAL_SCRYPT_N)
    stored = access.hash_password(PASSWORD)
    assert stored.startswith("scrypt$n=131072,r=8,p=1$")
    _, _, salt, key = stored.split("$")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == access.KEY_BYTES
    monkeypatch.setattr(access, "SCRYPT_N", 2**14)  # later hashes are cheaper: the old one still checks
    assert access.verify_password(PASSWORD, stored)


def test_full_width_input_is_the_same_password():
    stored = access.hash_password("abc12345")
    assert access.verify_password("ａｂｃ１２３４５", stored)


def _tampered(good: str) -> list[str]:
    prefix, params, salt, key = good.split("$")
    other_key = base64.b64encode(bytes(32)).decode()
    return [
        "",
        PASSWORD,
        f"{prefix}${params.replace('n=16384', 'n=8192')}${salt}${key}",  # valid, but not the parameters used
        f"{prefix}${params.replace('n=16384', 'n=4194304')}${salt}${key}",  # beyond the bound: refused, not run
        f"{prefix}${params.replace('n=16384', 'n=16383')}${salt}${key}",  # not a power of two
        f"{prefix}${params.replace('r=8', 'r=0')}${salt}${key}",
        f"{prefix}${params}${salt}${other_key}",
        f"{prefix}${params}$!!!${key}",
        f"bcrypt${params}${salt}${key}",
    ]


def test_a_malformed_or_tampered_hash_never_verifies():
    good = access.hash_password(PASSWORD)
    assert access.verify_password(PASSWORD, good)
    for stored in _tampered(good):
        assert not access.verify_password(PASSWORD, stored), stored


def test_the_database_never_holds_a_password(con):
    access.add_user(con, "admin", "city", PASSWORD, now=T0)
    access.set_password(con, "admin", NEW_PASSWORD, "命令行", now=minutes(1))
    fail_login(con, "admin", minutes(2), password=PASSWORD)
    access.authenticate(con, "admin", NEW_PASSWORD, now=minutes(3))
    (stored,) = con.execute("select password_hash from app_user").fetchall()[0]
    assert stored.startswith("scrypt$") and access.verify_password(NEW_PASSWORD, stored)
    cells = [
        str(value)
        for table in ("app_user", "audit_log")
        for row in con.execute(f"from {table}").fetchall()
        for value in row
    ]
    assert len(cells) > 20
    for secret in (PASSWORD, NEW_PASSWORD):
        assert not any(secret in cell for cell in cells)


# ---------------------------------------------------------------- login and lock-out


def test_login_returns_the_user_and_audits_it(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", can_unmask=True, now=T0)
    user = access.authenticate(con, "dc", PASSWORD, now=minutes(1))
    assert user == User("dc", "county", "东川县", None, can_unmask=True, disabled=False)
    log = access.read_audit(con, action="login")
    assert log[["user_name", "scope_text"]].values.tolist() == [["dc", "县区：东川县"]]
    assert log["logged_at"].iloc[0].to_pydatetime() == minutes(1)


def test_unknown_user_and_wrong_password_read_the_same(con):
    access.add_user(con, "admin", "city", PASSWORD, now=T0)
    wrong = fail_login(con, "admin", minutes(1))
    unknown = fail_login(con, "nobody-here", minutes(2), password=PASSWORD)
    assert str(wrong) == str(unknown) == labels.MSG_LOGIN_FAILED
    assert (wrong.reason, unknown.reason) == ("invalid", "invalid")
    log = access.read_audit(con, action="login_failed")
    assert log["user_name"].tolist() == [labels.AUDIT_UNKNOWN_USER, "admin"]
    # the name typed is not kept: it could be a password typed in the wrong box
    assert not (access.read_audit(con).astype(str) == "nobody-here").any().any()
    assert "nobody-here" not in str(con.execute("from audit_log").fetchall())


def test_an_unknown_name_costs_the_same_password_check(con, monkeypatch):
    access.add_user(con, "admin", "city", PASSWORD, now=T0)
    checks = []
    real = access.verify_password
    monkeypatch.setattr(
        access, "verify_password", lambda password, stored: checks.append(stored) or real(password, stored)
    )
    fail_login(con, "admin", minutes(1))
    fail_login(con, "nobody-here", minutes(2))
    # one scrypt check each, with the same parameters: the time taken does not tell which names exist
    assert len(checks) == 2
    assert [stored.split("$")[1] for stored in checks] == [f"n={2**14},r=8,p=1"] * 2


def test_a_disabled_user_cannot_log_in(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)
    assert access.authenticate(con, "dc", PASSWORD, now=minutes(1)).name == "dc"
    access.disable_user(con, "dc", "命令行", now=minutes(2))
    refused = fail_login(con, "dc", minutes(3), password=PASSWORD)
    assert str(refused) == labels.MSG_LOGIN_FAILED and refused.reason == "disabled"
    assert access.load_user(con, "dc") is None


def test_five_failures_within_15_minutes_lock_for_15_minutes(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)
    for n in range(4):
        assert fail_login(con, "dc", minutes(n)).reason == "invalid"
    fifth = fail_login(con, "dc", minutes(4))
    assert fifth.reason == "locked" and str(fifth) == labels.MSG_LOGIN_LOCKED.format(minutes=15)
    # locked: even the right password is refused, until 15 minutes after the fifth failure
    assert fail_login(con, "dc", minutes(5), password=PASSWORD).reason == "locked"
    last = fail_login(con, "dc", minutes(18.5), password=PASSWORD)
    assert last.reason == "locked" and str(last) == labels.MSG_LOGIN_LOCKED.format(minutes=1)
    assert access.authenticate(con, "dc", PASSWORD, now=minutes(19)).name == "dc"
    assert audit_counts(con) == {"user_add": 1, "login_failed": 7, "login": 1}


def test_four_failures_do_not_lock_and_a_success_resets_the_count(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)
    for n in range(4):
        fail_login(con, "dc", minutes(n))
    access.authenticate(con, "dc", PASSWORD, now=minutes(4))
    for n in range(5, 9):
        assert fail_login(con, "dc", minutes(n)).reason == "invalid"
    assert access.authenticate(con, "dc", PASSWORD, now=minutes(9)).name == "dc"


def test_only_failures_of_the_last_15_minutes_count(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)
    for n in range(4):
        fail_login(con, "dc", minutes(n))
    # the failure at minute 0 is exactly 15 minutes old: four in the window, not locked
    assert fail_login(con, "dc", minutes(15)).reason == "invalid"
    # at 15:30 the failures at 1, 2, 3 and 15 are inside the window: this is the fifth
    assert fail_login(con, "dc", minutes(15.5)).reason == "locked"


def test_a_new_password_lifts_the_lock(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)
    for n in range(5):
        fail_login(con, "dc", minutes(n))
    access.set_password(con, "dc", NEW_PASSWORD, "命令行", now=minutes(6))
    assert access.authenticate(con, "dc", NEW_PASSWORD, now=minutes(7)).name == "dc"
    assert fail_login(con, "dc", minutes(8), password=PASSWORD).reason == "invalid"  # the old one is gone


def test_names_are_compared_after_normalising(con):
    access.add_user(con, "admin", "city", PASSWORD, now=T0)
    assert access.authenticate(con, " ａｄｍｉｎ ", PASSWORD, now=minutes(1)).name == "admin"
    with pytest.raises(AccountError, match="已被使用"):
        access.add_user(con, "ａｄｍｉｎ", "city", PASSWORD, now=minutes(2))


# ---------------------------------------------------------------- roles, permissions and scopes

ROLE_CASES = {
    # role: (user, scope, may_import, may_change_settings, may_manage_users, may_read_audit)
    "city": (User("c", "city"), Scope(), True, True, True, True),
    "county": (User("x", "county", county="东川县"), Scope(county="东川县"), True, False, False, False),
    "department": (
        User("d", "department", department="市教育局"),
        Scope(department="市教育局"),
        False,
        False,
        False,
        False,
    ),
    "readonly": (User("r", "readonly"), Scope(), False, False, False, False),
}


@pytest.mark.parametrize("role", access.ROLES)
def test_every_role_has_its_scope_and_permissions(role):
    user, scope, *permissions = ROLE_CASES[role]
    assert user.scope == scope
    assert [user.may_import, user.may_change_settings, user.may_manage_users, user.may_read_audit] == permissions
    assert user.may_unmask is False
    assert User(user.name, role, user.county, user.department, can_unmask=True).may_unmask is True
    assert user.role_label == labels.ROLE_LABELS[role]


@pytest.mark.parametrize("role", access.ROLES)
def test_a_disabled_user_has_no_scope_and_no_permission(role):
    user, *_ = ROLE_CASES[role]
    disabled = User(user.name, role, user.county, user.department, can_unmask=True, disabled=True)
    assert access.is_empty(disabled.scope)
    assert not any(
        [
            disabled.may_import,
            disabled.may_change_settings,
            disabled.may_manage_users,
            disabled.may_read_audit,
            disabled.may_unmask,
        ]
    )
    assert access.is_empty(disabled.combine(None))


@pytest.mark.parametrize(
    ("role", "county", "department"),
    [
        ("county", None, None),
        ("department", None, None),
        ("city", "东川县", None),
        ("readonly", None, "市教育局"),
        ("county", "东川县", "市教育局"),
        ("boss", None, None),
    ],
)
def test_a_user_that_does_not_fit_its_role_cannot_exist(role, county, department):
    with pytest.raises(AccountError):
        User("x", role, county, department)


COUNTY_USER = User("x", "county", county="东川县")
DEPARTMENT_USER = User("d", "department", department="市教育局")
CITY_USER = User("c", "city")


@pytest.mark.parametrize(
    ("user", "wanted", "expected"),
    [
        (COUNTY_USER, None, Scope(county="东川县")),
        (COUNTY_USER, Scope(), Scope(county="东川县")),
        (COUNTY_USER, Scope(county="东川县"), Scope(county="东川县")),
        (COUNTY_USER, Scope(county=" 东川县 "), Scope(county="东川县")),
        (COUNTY_USER, Scope(county="临河区"), access.NO_ACCESS),
        (COUNTY_USER, Scope(county="东川县", department="市教育局"), Scope(county="东川县", department="市教育局")),
        (COUNTY_USER, Scope(county="临河区", department="市教育局"), access.NO_ACCESS),
        (COUNTY_USER, Scope(department="市教育局"), Scope(county="东川县", department="市教育局")),
        (DEPARTMENT_USER, Scope(department="市民政局"), access.NO_ACCESS),
        (DEPARTMENT_USER, Scope(county="临河区"), Scope(county="临河区", department="市教育局")),
        (DEPARTMENT_USER, Scope(county=""), Scope(department="市教育局")),
        (CITY_USER, Scope(county="临河区"), Scope(county="临河区")),
        (CITY_USER, Scope(department="市教育局"), Scope(department="市教育局")),
        (CITY_USER, access.NO_ACCESS, access.NO_ACCESS),
        (User("r", "readonly"), Scope(county="西坪县"), Scope(county="西坪县")),
    ],
)
def test_combine_narrows_and_never_widens(user, wanted, expected):
    assert user.combine(wanted) == expected


def test_an_account_value_cannot_spell_the_empty_scope(con):
    # trimmed like imported text, so the leading line break of NO_ACCESS cannot be stored
    user = access.add_user(con, "x", "county", PASSWORD, county="\n" + labels.SCOPE_NONE_LABEL, now=T0)
    assert user.county == labels.SCOPE_NONE_LABEL and not access.is_empty(user.scope)
    with pytest.raises(AccountError):  # and a line break inside is refused
        access.add_user(con, "y", "county", PASSWORD, county="东川\n县", now=T0)
    assert access.list_users(con)["county"].tolist() == [labels.SCOPE_NONE_LABEL]


@pytest.fixture(scope="module")
def example_con(tmp_path_factory):
    path = build_example_database(tmp_path_factory.mktemp("access") / "example.duckdb")
    connection = db.connect(path, read_only=True)
    yield connection
    connection.close()


def test_a_tampered_county_filter_returns_nothing(example_con):
    tampered = COUNTY_USER.combine(Scope.parse("county=临河区"))  # as a URL parameter would ask
    assert access.is_empty(tampered) and access.scope_text(tampered) == labels.SCOPE_NONE_LABEL
    by_county = queries.metrics(example_con, "2026Q3", "county", tampered, today=EXAMPLE_TODAY)
    assert len(by_county) == 0
    overall = queries.metrics(example_con, "2026Q3", "overall", tampered, today=EXAMPLE_TODAY)
    assert overall["beneficiaries"].sum() == 0 and overall["issues_total"].sum() == 0
    for what in ("contacts", "issues"):
        assert len(queries.overdue(example_con, "2026Q3", what, tampered, today=EXAMPLE_TODAY)) == 0
    rows = queries.drill_rows(example_con, "2026Q3", "overall", None, "beneficiaries", tampered, today=EXAMPLE_TODAY)
    assert len(rows) == 0


def test_own_county_and_city_filters_return_their_rows(example_con):
    own = queries.metrics(
        example_con, "2026Q3", "county", COUNTY_USER.combine(Scope(county="东川县")), today=EXAMPLE_TODAY
    )
    assert own[["county", "beneficiaries"]].values.tolist() == [["东川县", 21]]  # expected_2026Q3_county.csv
    unfiltered = queries.metrics(example_con, "2026Q3", "county", COUNTY_USER.combine(None), today=EXAMPLE_TODAY)
    assert unfiltered[["county", "beneficiaries"]].values.tolist() == [["东川县", 21]]
    city = queries.metrics(
        example_con, "2026Q3", "county", CITY_USER.combine(Scope(county="临河区")), today=EXAMPLE_TODAY
    )
    assert city[["county", "beneficiaries"]].values.tolist() == [["临河区", 22]]


def test_no_user_and_no_filter_ever_reach_outside_the_users_rows(example_con):
    @functools.cache
    def ids(scope: Scope) -> frozenset[str]:
        rows = queries.drill_rows(
            example_con, "2026Q3", "overall", None, "beneficiaries", scope, today=EXAMPLE_TODAY, masked=False
        )
        return frozenset(rows["id_number"])

    counties = ["东川县", "临河区", "西坪县"]
    departments = ["市教育局", "东川县民政局"]
    users = [CITY_USER, User("r", "readonly")]
    users += [User(c, "county", county=c) for c in counties] + [
        User(d, "department", department=d) for d in departments
    ]
    filters = [None, Scope(county="不存在县"), Scope(county="东川县", department="市教育局")]
    filters += [Scope(county=c) for c in counties] + [Scope(department=d) for d in departments]
    everyone = ids(Scope())
    assert len(everyone) == 62
    reached_nothing = reached_something = 0
    for user in users:
        own = ids(user.scope)
        assert own and own <= everyone
        for wanted in filters:
            seen = ids(user.combine(wanted))
            asked = everyone if wanted is None else ids(wanted)
            assert seen <= own, (user, wanted)
            assert seen == own & asked, (user, wanted)  # narrowed exactly, never widened
            reached_nothing += not seen
            reached_something += bool(seen)
    assert reached_nothing > 10 and reached_something > 10  # both outcomes were exercised


# ---------------------------------------------------------------- accounts


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "boss"}, "角色“boss”无效"),
        ({"role": "county"}, labels.MSG_ROLE_NEEDS_COUNTY),
        ({"role": "department"}, labels.MSG_ROLE_NEEDS_DEPARTMENT),
        ({"role": "city", "county": "东川县"}, "只有县区账号指定县区"),
        ({"role": "readonly", "department": "市教育局"}, "只有单位账号指定单位"),
        ({"password": "short"}, labels.MSG_PASSWORD_TOO_SHORT.format(minimum=8)),
        ({"password": "x" * 129}, labels.MSG_PASSWORD_TOO_LONG.format(maximum=128)),
        ({"name": "zhangsan1", "password": "zhangsan1"}, labels.MSG_PASSWORD_SAME_AS_NAME),
        ({"name": "   "}, labels.MSG_USER_NAME_EMPTY),
        ({"name": "张 三"}, "不能含空格"),
        ({"role": "county", "county": "东川县\t"}, None),  # trimmed: accepted
    ],
)
def test_add_user_checks_its_arguments_and_writes_nothing_when_refused(con, kwargs, message):
    arguments = {"name": "zhangsan", "role": "city", "password": PASSWORD} | kwargs
    if message is None:
        assert access.add_user(con, **arguments, now=T0).county == "东川县"
        return
    with pytest.raises(AccountError) as refused:
        access.add_user(con, **arguments, now=T0)
    assert message in str(refused.value)
    assert access.list_users(con).empty and audit_counts(con) == {}


def test_a_taken_name_is_refused(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)
    with pytest.raises(AccountError, match="已被使用"):
        access.add_user(con, "dc", "city", NEW_PASSWORD, now=minutes(1))
    assert access.list_users(con)["role"].tolist() == ["county"]
    assert audit_counts(con) == {"user_add": 1}


def test_list_users_shows_no_hash(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)
    access.add_user(con, "admin", "city", PASSWORD, can_unmask=True, now=T0)
    listed = access.list_users(con)
    assert listed.fillna({"county": ""})[
        ["user_name", "role", "role_label", "county", "can_unmask"]
    ].values.tolist() == [
        ["admin", "city", "市级", "", True],
        ["dc", "county", "县区", "东川县", False],
    ]
    assert not any("hash" in column or "password" in column for column in listed.columns)
    assert "scrypt$" not in listed.to_csv()


def test_unknown_accounts_cannot_be_changed(con):
    with pytest.raises(AccountError, match="找不到账号"):
        access.disable_user(con, "nobody", "命令行")
    with pytest.raises(AccountError, match="找不到账号"):
        access.set_password(con, "nobody", NEW_PASSWORD, "命令行")
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)
    access.disable_user(con, "dc", "命令行", now=minutes(1))
    with pytest.raises(AccountError, match="已经停用"):
        access.disable_user(con, "dc", "命令行", now=minutes(2))
    assert audit_counts(con) == {"user_add": 1, "user_disable": 1}


def test_load_user_rechecks_a_session(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)
    assert access.load_user(con, "dc") == User("dc", "county", county="东川县")
    assert access.load_user(con, "nobody") is None
    access.disable_user(con, "dc", "命令行", now=minutes(1))
    assert access.load_user(con, "dc") is None


# ---------------------------------------------------------------- audit log


def _add(con):
    access.add_user(con, "dc", "county", PASSWORD, county="东川县", now=T0)


ACTIONS = [
    (lambda con: access.disable_user(con, "dc", "命令行", now=minutes(1)), "user_disable"),
    (lambda con: access.set_password(con, "dc", NEW_PASSWORD, "命令行", now=minutes(1)), "user_passwd"),
    (lambda con: access.authenticate(con, "dc", PASSWORD, now=minutes(1)), "login"),
    (lambda con: fail_login(con, "dc", minutes(1)), "login_failed"),
    (lambda con: fail_login(con, "nobody", minutes(1)), "login_failed"),
    (lambda con: access.logout(con, User("dc", "county", county="东川县"), now=minutes(1)), "logout"),
    (
        lambda con: access.log_action(con, CITY_USER, "export", "超期未联系名单", 37, scope=Scope(county="临河区")),
        "export",
    ),
    (lambda con: access.log_action(con, CITY_USER, "unmask", "下钻名单", 21), "unmask"),
    (lambda con: access.audit(con, "c", "settings_change", Scope(), "overdue_days 30 → 45"), "settings_change"),
    (lambda con: access.audit(con, "c", "import", Scope(), "结对台账.csv", 61), "import"),
    (lambda con: access.audit(con, "c", "snapshot", Scope(), "第1号封存"), "snapshot"),
    (lambda con: access.audit(con, "c", "reopen", Scope(), "问题台账.csv；重新打开已办结问题2个", 2), "reopen"),
    (
        lambda con: access.audit(con, "c", "full_list_exit", Scope(county="东川县"), "结对台账.csv；3名", 3),
        "full_list_exit",
    ),
    (lambda con: access.audit(con, "命令行", "backup", Scope(), "备份到文件“b.duckdb”"), "backup"),
    (lambda con: access.audit(con, "命令行", "restore", Scope(), "从备份文件“b.duckdb”恢复"), "restore"),
    (
        lambda con: access.audit(con, "市级", "supervise", Scope(department="市民政局"), "督办〔2026〕第1号：签收"),
        "supervise",
    ),
    (
        lambda con: access.audit(con, "市级", "callback", Scope(county="临河区"), "抽取第1号回访样本：2026Q3"),
        "callback",
    ),
    (
        lambda con: sessions.resume(
            con, sessions.start(con, access.load_user(con, "dc"), now=minutes(1)).token, now=minutes(2)
        ),
        "session_resume",
    ),
]


@pytest.mark.parametrize(("action", "expected"), ACTIONS)
def test_every_action_writes_exactly_one_record(con, action, expected):
    _add(con)
    before = audit_counts(con)
    action(con)
    after = audit_counts(con)
    added = {key: after.get(key, 0) - before.get(key, 0) for key in after}
    assert {key: value for key, value in added.items() if value} == {expected: 1}


def test_every_audit_action_is_covered_above_and_has_a_label():
    covered = {expected for _, expected in ACTIONS} | {"user_add"}
    assert covered == set(access.AUDIT_ACTIONS)
    assert set(labels.AUDIT_ACTION_LABELS) == set(access.AUDIT_ACTIONS)


def test_personal_values_are_masked_before_they_are_written(con):
    planted = f"导出名单：身份证号{ID}，电话{PHONE}，ID{ID}，卡号6222020200112233445"
    audit_id = access.audit(con, "c", "export", f"县区：东川县；联系人{PHONE}", planted, 12, now=T0)
    stored = con.execute("select scope_text, detail, row_count from audit_log where audit_id = ?", [audit_id])
    scope_text, detail, row_count = stored.fetchall()[0]
    assert row_count == 12
    assert masking.mask_id(ID) in detail and masking.mask_phone(PHONE) in scope_text
    for text in (scope_text, detail):
        assert ID not in text and PHONE not in text and "6222020200112233445" not in text
        assert not re.search(r"\d{11,}", text)


def test_audit_refuses_unknown_actions_and_bad_counts(con):
    with pytest.raises(access.AccessError, match="审计操作“delete”无效"):
        access.audit(con, "c", "delete", "", "")
    with pytest.raises(access.AccessError):
        access.audit(con, "c", "export", "", "", -1)
    with pytest.raises(access.AccessError):
        access.audit(con, " ", "export", "", "")
    assert audit_counts(con) == {}


def test_read_audit_is_newest_first_and_filters(con):
    access.audit(con, "甲", "login", "全市", now=minutes(2))
    access.audit(con, "乙", "export", "全市", "名单", 5, now=minutes(1))
    access.audit(con, "甲", "export", "全市", "报告", 9, now=minutes(3))
    assert access.read_audit(con)["detail"].tolist() == ["报告", "", "名单"]
    assert access.read_audit(con, user="甲")["action"].tolist() == ["export", "login"]
    assert access.read_audit(con, action="export")["row_count"].tolist() == [9, 5]
    assert access.read_audit(con, since=minutes(2))["user_name"].tolist() == ["甲", "甲"]
    assert len(access.read_audit(con, since=T0.date())) == 3
    assert len(access.read_audit(con, limit=1)) == 1
    with pytest.raises(access.AccessError):
        access.read_audit(con, action="nothing")
    with pytest.raises(access.AccessError):
        access.read_audit(con, limit=0)


def test_the_database_refuses_to_change_the_audit_log(con):
    access.audit(con, "c", "login", "全市", now=T0)
    for statement in ("update audit_log set detail = 'x'", "delete from audit_log", "truncate audit_log"):
        with pytest.raises(duckdb.Error, match="append-only"):
            con.execute(statement)
    assert access.read_audit(con)["action"].tolist() == ["login"]


def test_no_code_updates_or_deletes_the_audit_log():
    pattern = re.compile(r"\b(update|delete\s+from|truncate(\s+table)?)\s+audit_log\b", re.IGNORECASE)
    files = [ROOT / "app.py"]
    for folder in ("pipeline", "app_pages", "app_ui"):
        files += [*(ROOT / folder).rglob("*.py"), *(ROOT / folder).rglob("*.sql")]
    # the one exception: the migration that gave the records of older databases their chain hashes, once, with
    # the trigger lifted inside its own transaction (pipeline/audit_chain.py)
    chaining = ROOT / "pipeline" / "sql" / "migrations" / "005_audit_chain.sql"
    offenders = [str(path) for path in files if path != chaining and pattern.search(path.read_text(encoding="utf-8"))]
    # schema.sql names the statements only in its triggers ("before update on audit_log")
    assert offenders == []


def test_roles_and_actions_are_documented():
    doc = (ROOT / "docs" / "access.md").read_text(encoding="utf-8")
    for role in access.ROLES:
        assert f"| `{role}` | {labels.ROLE_LABELS[role]} |" in doc
    for action in access.AUDIT_ACTIONS:
        assert f"| `{action}` | {labels.AUDIT_ACTION_LABELS[action]} |" in doc
