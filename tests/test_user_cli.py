"""`python -m pipeline user add|list|disable|passwd`, run as an office would: a subprocess, the password on stdin."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from pipeline import access, db, labels
from tests.conftest import ROOT, build_example_database

PASSWORD = "Guanai-2026-pass"
NEW_PASSWORD = "another-secret-42"


def user_cli(database, *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    """Run `python -m pipeline user …` on a database; exit code, stdout, stderr."""
    command = [sys.executable, "-m", "pipeline", "user", *argv[:1], "--db", str(database), *argv[1:]]
    env = os.environ | {"GUANAI_DB_WAIT": "5"}
    done = subprocess.run(
        command, input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=120
    )
    return done.returncode, done.stdout, done.stderr


def add_county_user(database, name: str = "dc", county: str = "东川县") -> tuple[int, str, str]:
    return user_cli(
        database,
        "add",
        "--name",
        name,
        "--role",
        "county",
        "--county",
        county,
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )


def login(database, name: str, password: str) -> access.User:
    with db.session(database) as con:
        return access.authenticate(con, name, password)


def audit_rows(database) -> list[tuple[str, str, str]]:
    with db.session(database) as con:
        frame = access.read_audit(con)
    return list(zip(frame["user_name"], frame["action"], frame["detail"], strict=True))


@pytest.fixture
def database(tmp_path):
    return tmp_path / "users.duckdb"


@pytest.fixture(scope="module")
def _seeded_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("user_cli") / "seeded.duckdb"
    code, _, err = add_county_user(path)
    assert code == 0, err
    return path


@pytest.fixture
def seeded(tmp_path, _seeded_template):
    """A database holding the county account dc (added through the CLI once per module), copied per test."""
    path = tmp_path / "seeded.duckdb"
    shutil.copyfile(_seeded_template, path)
    return path


def test_add_then_log_in(database):
    code, out, err = add_county_user(database)
    assert code == 0, err
    assert out == ""
    assert "已添加账号“dc”" in err and "县区：东川县" in err and str(database) in err
    assert labels.MSG_SCOPE_VALUE_UNKNOWN.split("{")[0] in err  # a new database has no 东川县 yet
    assert PASSWORD not in out + err
    user = login(database, "dc", PASSWORD)
    assert (user.role, user.county, user.can_unmask) == ("county", "东川县", False)


def test_add_on_a_database_that_knows_the_county_gives_no_warning(tmp_path):
    database = build_example_database(tmp_path / "example.duckdb")
    code, _, err = add_county_user(database)
    assert code == 0, err
    assert "提示" not in err
    code, _, err = add_county_user(database, name="ly", county="东川")  # not a county of the ledgers
    assert code == 0 and "提示" in err and "“东川”" in err


def test_each_change_writes_one_audit_record_by_the_command_line(seeded):
    assert user_cli(seeded, "passwd", "dc", "--password-stdin", stdin=NEW_PASSWORD + "\n")[0] == 0
    assert user_cli(seeded, "disable", "dc")[0] == 0
    rows = audit_rows(seeded)
    assert [(user, action) for user, action, _ in rows] == [
        ("命令行", "user_disable"),
        ("命令行", "user_passwd"),
        ("命令行", "user_add"),
    ]
    assert not any(PASSWORD in detail or NEW_PASSWORD in detail for _, _, detail in rows)


def test_list_shows_accounts_but_no_hash(seeded):
    code, _, err = user_cli(
        seeded, "add", "--name", "admin", "--role", "city", "--can-unmask", "--password-stdin", stdin=PASSWORD + "\r\n"
    )
    assert code == 0, err
    assert login(seeded, "admin", PASSWORD).may_unmask  # the Windows line ending is not part of the password
    code, out, err = user_cli(seeded, "list")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert [(r["user_name"], r["role"], r["role_label"], r["county"], r["can_unmask"]) for r in rows] == [
        ("admin", "city", "市级", "", "True"),
        ("dc", "county", "县区", "东川县", "False"),
    ]
    assert "scrypt" not in out and PASSWORD not in out
    assert not any("hash" in column or "password" in column for column in rows[0])
    code, out, _ = user_cli(seeded, "list", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    assert [row["user_name"] for row in listed] == ["admin", "dc"] and "scrypt" not in out
    assert listed[0]["created_at"][:2] == "20" and len(listed[0]["created_at"]) == 19  # with the time of day


def test_disable_stops_logins(seeded):
    code, _, err = user_cli(seeded, "disable", "dc")
    assert code == 0 and "已停用账号“dc”" in err
    with pytest.raises(access.LoginError) as refused:
        login(seeded, "dc", PASSWORD)
    assert refused.value.reason == "disabled"
    code, _, err = user_cli(seeded, "disable", "dc")
    assert code == 2 and "已经停用" in err
    code, _, err = user_cli(seeded, "disable", "nobody")
    assert code == 2 and "找不到账号“nobody”" in err


def test_passwd_replaces_the_password(seeded):
    code, out, err = user_cli(seeded, "passwd", "dc", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert code == 0 and "已重设账号“dc”的密码" in err
    assert NEW_PASSWORD not in out + err
    assert login(seeded, "dc", NEW_PASSWORD).name == "dc"
    with pytest.raises(access.LoginError):
        login(seeded, "dc", PASSWORD)


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["passwd", "dc"], NEW_PASSWORD + "\n", "--password-stdin"),
        (["passwd", "dc", "--password-stdin"], "", labels.MSG_PASSWORD_STDIN_EMPTY),
        (["passwd", "dc", "--password-stdin"], "short\n", "密码至少8个字符"),
        (["passwd", "nobody", "--password-stdin"], NEW_PASSWORD + "\n", "找不到账号“nobody”"),
    ],
)
def test_passwd_refusals_leave_the_password(seeded, argv, stdin, message):
    code, _, err = user_cli(seeded, *argv, stdin=stdin)
    assert code == 2 and message in err
    assert login(seeded, "dc", PASSWORD).name == "dc"


STDIN = "--password-stdin"


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["--name", "w", "--role", "county", STDIN], PASSWORD, labels.MSG_ROLE_NEEDS_COUNTY),
        (["--name", "w", "--role", "department", STDIN], PASSWORD, labels.MSG_ROLE_NEEDS_DEPARTMENT),
        (["--name", "w", "--role", "boss", STDIN], PASSWORD, "角色“boss”无效"),
        (["--name", "w", "--role", "city", "--county", "东川县", STDIN], PASSWORD, "只有县区账号指定县区"),
        (["--name", "w", "--role", "city", STDIN], "short", "密码至少8个字符"),
        (["--name", "w", "--role", "city", STDIN], "", labels.MSG_PASSWORD_STDIN_EMPTY),
        (["--name", "w", "--role", "city"], PASSWORD, STDIN),
        (["--role", "city", STDIN], PASSWORD, "--name"),
    ],
)
def test_add_refusals_exit_2_and_create_nothing(database, argv, stdin, message):
    code, out, err = user_cli(database, "add", *argv, stdin=stdin + "\n" if stdin else "")
    assert code == 2
    assert message in err and err.startswith(("参数错误", "usage"))
    assert out == ""
    assert not database.exists()  # a refused first account leaves no empty database behind


def test_a_taken_name_exits_2_and_changes_nothing(seeded):
    code, _, err = user_cli(
        seeded, "add", "--name", "dc", "--role", "city", "--password-stdin", stdin=NEW_PASSWORD + "\n"
    )
    assert code == 2 and "用户名“dc”已被使用" in err
    assert login(seeded, "dc", PASSWORD).role == "county"
    assert [action for _, action, _ in audit_rows(seeded)] == ["login", "user_add"]


def test_list_disable_and_passwd_need_an_existing_database(database):
    for argv in (["list"], ["disable", "dc"], ["passwd", "dc", "--password-stdin"]):
        code, _, err = user_cli(database, *argv, stdin=NEW_PASSWORD + "\n")
        assert code == 2 and "找不到数据库文件" in err
    assert not database.exists()


def test_a_malformed_today_is_a_wrong_argument(seeded):
    code, _, err = user_cli(seeded, "list", "--today", "2026-13-01")
    assert code == 2 and "2026-13-01" in err
    assert user_cli(seeded, "list", "--today", "2026-11-28")[0] == 0
