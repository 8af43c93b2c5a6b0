"""The audit log as a hash chain: tampering with the file is found, named, and the office can list the log.

The tampering tests do what someone with the database file and DuckDB's own shell could do (drop the guard
table, delete a record, rewrite the table with `create or replace … as select … where …`, edit a detail) and
check that `python -m pipeline audit verify` exits 1 naming the first record where the chain breaks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import shutil
import threading

import duckdb
import pytest

from pipeline import access, audit_chain, cli, db, labels
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_DIR, ROOT

T0 = dt.datetime(2026, 11, 28, 9, 0)
OLD_RELEASE = ROOT / "tests" / "data" / "release-0.1" / "guanai.duckdb"


@pytest.fixture
def logged(tmp_path):
    """A database with ten audit records of different kinds."""
    path = tmp_path / "audit.duckdb"
    with db.session(path) as con:
        for n in range(10):
            when = T0 + dt.timedelta(minutes=n, microseconds=n * 7)
            action = ("login", "export", "import", "settings_change", "logout")[n % 5]
            access.audit(
                con, f"用户{n % 3}", action, Scope(county="东川县") if n % 2 else "", f"第{n}项", n or None, now=when
            )
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def verify(capsys, path) -> tuple[int, dict, str]:
    code, out, err = run(capsys, "audit", "verify", "--db", str(path))
    return code, json.loads(out), err


def tamper(path, *statements: str) -> None:
    """Change the file behind the system's back, as DuckDB's shell would."""
    con = duckdb.connect(str(path))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


# ---------------------------------------------------------------- the chain


def test_every_record_carries_the_hash_of_the_one_before(logged):
    with db.session(logged) as con:
        rows = con.execute("select audit_id, prev_hash, row_hash from audit_log order by audit_id").fetchall()
        genesis = con.execute("select genesis_hash from audit_chain_genesis").fetchall()
    assert [r[0] for r in rows] == list(range(1, 11))
    assert rows[0][1] == genesis[0][0] and len(genesis) == 1
    for before, after in itertools.pairwise(rows):
        assert after[1] == before[2]
    assert len({r[2] for r in rows}) == 10


def test_an_intact_log_verifies_and_names_its_head(logged, capsys):
    code, found, err = verify(capsys, logged)
    assert code == 0
    assert found["intact"] and found["records"] == 10 and found["head_id"] == 10 and found["broken_at"] is None
    assert err.strip() == labels.MSG_AUDIT_INTACT.format(records=10, head=10, hash=found["head_hash"])


def test_a_record_deleted_after_dropping_the_guard_breaks_the_next_link(logged, capsys):
    tamper(logged, "drop table audit_log_guard cascade", "delete from audit_log where audit_id = 4")
    code, found, err = verify(capsys, logged)
    assert code == 1
    assert (found["broken_at"], found["problem"]) == (5, "link")
    reason = labels.AUDIT_BROKEN_LINK.format(previous=labels.AUDIT_PREVIOUS_ID.format(audit_id=3))
    assert labels.MSG_AUDIT_BROKEN.format(audit_id=5, reason=reason) in err
    assert "第5号" in err and set(found["missing_guards"]) == set(audit_chain.GUARD_TRIGGERS)


def test_a_table_rewritten_with_create_or_replace_breaks_after_the_gap(logged, capsys):
    tamper(logged, "create or replace table audit_log as select * from audit_log where action <> 'import'")
    code, found, err = verify(capsys, logged)
    assert code == 1
    assert (found["broken_at"], found["problem"]) == (4, "link")  # record 3 was the first import
    assert "审计日志在第4号记录处断开" in err
    assert found["missing_guards"]  # the rewrite took the triggers with it: that is reported too


def test_a_rewrite_that_keeps_every_record_but_drops_the_triggers_is_reported(logged, capsys):
    tamper(logged, "create or replace table audit_log as select * from audit_log")
    code, found, err = verify(capsys, logged)
    assert code == 1 and found["broken_at"] is None
    assert labels.MSG_AUDIT_GUARDS_MISSING.format(names="、".join(audit_chain.GUARD_TRIGGERS)) in err


def test_an_edited_detail_breaks_its_own_hash(logged, capsys):
    tamper(
        logged,
        "drop trigger audit_log_no_update on audit_log",
        "update audit_log set detail = '第6项（已改）' where audit_id = 7",
        "create trigger audit_log_no_update before update on audit_log for each statement "
        "insert into audit_log_guard select error('audit_log is append-only')",
    )
    code, found, err = verify(capsys, logged)
    assert code == 1
    assert (found["broken_at"], found["problem"]) == (7, "content")
    assert labels.MSG_AUDIT_BROKEN.format(audit_id=7, reason=labels.AUDIT_BROKEN_CONTENT) in err


@pytest.mark.parametrize(
    "statement",
    [
        "update audit_log set logged_at = logged_at + interval 1 second where audit_id = 2",
        "update audit_log set user_name = '别人' where audit_id = 2",
        "update audit_log set row_count = 99 where audit_id = 2",
        "update audit_log set action = 'logout' where audit_id = 2",
    ],
)
def test_every_field_is_covered_by_the_hash(logged, capsys, statement):
    tamper(logged, "drop trigger audit_log_no_update on audit_log", statement)
    code, found, _ = verify(capsys, logged)
    assert code == 1 and (found["broken_at"], found["problem"]) == (2, "content")


def test_a_forged_record_is_found(logged, capsys):
    tamper(
        logged,
        "insert into audit_log (audit_id, logged_at, user_name, action, scope_text, detail, row_count) "
        "values (11, timestamp '2026-11-28 10:00:00', '市级', 'login', '全市', '', null)",
    )
    code, found, _ = verify(capsys, logged)
    assert code == 1 and (found["broken_at"], found["problem"]) == (11, "unchained")


def test_a_lost_genesis_is_reported(logged, capsys):
    tamper(logged, "drop table audit_chain_genesis")
    code, found, err = verify(capsys, logged)
    assert code == 1 and found["problem"] == "genesis" and found["broken_at"] == 1
    assert "起点" in err


def test_concurrent_sessions_and_rolled_back_transactions_keep_one_chain(logged):
    """Four sessions append at once while a fifth writes records inside transactions it rolls back half the time."""
    errors: list[BaseException] = []

    def appender(k: int) -> None:
        con = db.connect(logged)
        try:
            for n in range(15):
                access.audit(con, f"会话{k}", "export", "", f"第{n}次")
        except BaseException as exc:  # any failure is what the test looks for
            errors.append(exc)
        finally:
            con.close()

    def transactions() -> None:
        con = db.connect(logged)
        try:
            for n in range(10):
                with audit_chain.turn(con):
                    con.execute("begin transaction")
                    access.audit(con, "导入", "reopen", "", f"第{n}批", 1)
                    access.audit(con, "导入", "full_list_exit", "", f"第{n}批", 2)
                    con.execute("rollback" if n % 2 else "commit")
        except BaseException as exc:
            errors.append(exc)
        finally:
            con.close()

    threads = [threading.Thread(target=appender, args=(k,)) for k in range(4)]
    threads.append(threading.Thread(target=transactions))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with db.session(logged) as con:
        found = audit_chain.verify(con)
        assert found.intact, found
        assert found.records == 10 + 4 * 15 + 5 * 2


# ---------------------------------------------------------------- an older database gets its chain


def test_the_records_of_a_first_release_database_are_chained_when_it_is_upgraded(tmp_path, capsys):
    path = tmp_path / "old.duckdb"
    shutil.copy2(OLD_RELEASE, path)
    old = duckdb.connect(str(path))  # as the first release wrote them: no chain columns yet
    old.execute(
        "insert into audit_log (logged_at, user_name, action, scope_text, detail, row_count) "
        "select timestamp '2026-10-01 08:00:00' + to_microseconds(r * 1000003), '用户' || (r % 5), "
        "'login', '全市', '第' || r || '次；=cmd', case when r % 3 = 0 then null else r end from range(300) t(r)"
    )
    old.close()
    with db.session(path) as con:
        genesis = con.execute("select rows_chained, last_audit_id from audit_chain_genesis").fetchall()
        assert genesis == [(300, 300)]
        assert con.execute("select count(*) from audit_log where row_hash is null").fetchall() == [(0,)]
        access.audit(con, "市级", "login", "全市", now=T0)  # the chain goes on from the migrated records
    code, found, _ = verify(capsys, path)
    assert code == 0 and found["records"] == 301
    # the migration's SQL and audit_chain.row_hash are one formula: an edit of a migrated record is found
    tamper(
        path, "drop trigger audit_log_no_update on audit_log", "update audit_log set detail = 'x' where audit_id = 150"
    )
    code, found, _ = verify(capsys, path)
    assert code == 1 and (found["broken_at"], found["problem"]) == (150, "content")


# ---------------------------------------------------------------- audit list


def test_audit_list_writes_every_record_oldest_first_neutralised(logged, capsys):
    with db.session(logged) as con:
        access.audit(
            con, "=cmd|' /C calc'!A0", "export", "", '=HYPERLINK("http://x")', 3, now=T0 + dt.timedelta(hours=1)
        )
    code, out, _ = run(capsys, "audit", "list", "--db", str(logged))
    assert code == 0
    assert out.startswith("\ufeffaudit_id,")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert [int(r["audit_id"]) for r in rows] == list(range(1, 12))
    assert rows[-1]["user_name"].startswith("'=") and rows[-1]["detail"].startswith("'=")
    assert rows[0]["action_label"] == labels.AUDIT_ACTION_LABELS["login"]
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_audit_list_filters_by_day_and_action_and_writes_json(logged, capsys):
    with db.session(logged) as con:
        access.audit(con, "甲", "export", "", "次日的导出", 1, now=T0 + dt.timedelta(days=1))
    code, out, _ = run(capsys, "audit", "list", "--db", str(logged), "--since", "2026-11-29", "--format", "json")
    assert code == 0
    assert [r["detail"] for r in json.loads(out)] == ["次日的导出"]
    code, out, _ = run(capsys, "audit", "list", "--db", str(logged), "--action", "import", "--format", "json")
    assert {r["action"] for r in json.loads(out)} == {"import"} and len(json.loads(out)) == 2


def test_audit_list_refuses_bad_arguments_in_chinese(logged, capsys):
    code, _, err = run(capsys, "audit", "list", "--db", str(logged), "--since", "2026/11/29")
    assert code == 2 and labels.MSG_AUDIT_SINCE_INVALID.format(value="2026/11/29") in err
    code, _, err = run(capsys, "audit", "list", "--db", str(logged), "--action", "delete")
    assert code == 2 and "审计操作“delete”无效" in err


def test_listing_the_log_is_itself_recorded(logged, capsys):
    run(capsys, "audit", "list", "--db", str(logged))
    with db.session(logged) as con:
        last = access.read_audit(con, limit=1).iloc[0]
    assert last["action"] == "export" and labels.AUDIT_WHAT_AUDIT_LIST in last["detail"]


# ---------------------------------------------------------------- what the command line records


def actions_since(path, first: int) -> list[tuple[str, str, str]]:
    with db.session(path) as con:
        rows = con.execute(
            "select action, user_name, detail from audit_log where audit_id > ? order by audit_id", [first]
        ).fetchall()
    return rows


def last_id(path) -> int:
    with db.session(path) as con:
        return con.execute("select coalesce(max(audit_id), 0) from audit_log").fetchall()[0][0]


def test_command_line_imports_exports_and_snapshots_are_recorded(tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    files = [str(EXAMPLE_DIR / name) for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv")]
    assert run(capsys, "import", "--db", str(path), "--today", "2026-11-28", "--user", "张三", *files)[0] == 0
    records = actions_since(path, 0)
    assert [(a, u) for a, u, _ in records] == [("import", "张三")] * 3
    assert all(
        name in detail for name, (_, _, detail) in zip(("结对台账", "走访记录", "问题台账"), records, strict=True)
    )

    first = last_id(path)
    common = ("--db", str(path), "--today", "2026-11-28")
    assert run(capsys, "metrics", *common, "--period", "2026Q3", "--by", "county")[0] == 0
    assert (
        run(capsys, "overdue", *common, "--period", "2026-10", "--what", "contacts", "--out", str(tmp_path / "o.csv"))[
            0
        ]
        == 0
    )
    assert run(capsys, "template", *common, "--kind", "roster", "--out", str(tmp_path / "t.xlsx"))[0] == 0
    assert run(capsys, "snapshot", "create", *common, "--period", "2026Q3", "--user", "李四")[0] == 0
    assert run(capsys, "snapshot", "list", *common)[0] == 0
    assert run(capsys, "snapshot", "compare", *common, "--id", "1")[0] == 0
    records = actions_since(path, first)
    assert [a for a, _, _ in records] == ["export", "export", "export", "snapshot", "export", "export"]
    assert labels.AUDIT_CLI_STDOUT in records[0][2] and "o.csv" in records[1][2]
    assert records[3][1] == "李四"
    with db.session(path) as con:
        assert audit_chain.verify(con).intact


def test_a_report_is_recorded_with_its_files(tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    files = [str(EXAMPLE_DIR / name) for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv")]
    run(capsys, "import", "--db", str(path), "--today", "2026-11-28", *files)
    first = last_id(path)
    out = tmp_path / "三季度.xlsx"
    code, _, err = run(
        capsys, "report", "--db", str(path), "--today", "2026-11-28", "--period", "2026Q3", "--out", str(out)
    )
    assert code == 0, err
    [(action, user, detail)] = actions_since(path, first)
    assert (action, user) == ("export", labels.DEFAULT_USER) and "三季度.xlsx" in detail
