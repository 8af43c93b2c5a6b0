"""Files the system writes: private to its account, never over the database, never over a file without --force,
backups and restores audited, a restore that would bring in accounts asked about, and no file access from SQL.
"""

from __future__ import annotations

import json
import os
import stat

import duckdb
import pytest

from pipeline import access, audit_chain, cli, db, labels
from tests.conftest import EXAMPLE_DIR, add_accounts, build_example_database

FILES = [str(EXAMPLE_DIR / name) for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv")]


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    """The umask a service usually starts with (022: files readable by everyone), restored afterwards."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def example(tmp_path):
    return build_example_database(tmp_path / "live.duckdb")


# ---------------------------------------------------------------- permissions (issue 13, item 8)


def test_the_database_its_log_and_its_folder_are_private(tmp_path, loose_umask):
    path = tmp_path / "data" / "guanai.duckdb"
    con = db.connect(path)
    try:
        con.execute("create table probe (a integer)")
        con.execute("insert into probe values (1)")
        wal = path.with_name(path.name + ".wal")
        assert wal.exists()
        assert mode(wal) == 0o600
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700
    finally:
        con.close()


def test_a_database_left_readable_by_others_is_tightened_when_opened(tmp_path, loose_umask):
    path = tmp_path / "old.duckdb"
    duckdb.connect(str(path)).close()
    os.chmod(path, 0o644)
    db.connect(path).close()
    assert mode(path) == 0o600


def test_backups_and_command_outputs_are_private(example, tmp_path, capsys, loose_umask):
    backup = tmp_path / "备份" / "b.duckdb"
    backup.parent.mkdir()
    assert run(capsys, "backup", "--db", str(example), "--out", str(backup))[0] == 0
    assert mode(backup) == 0o600
    out = tmp_path / "模板.xlsx"
    assert run(capsys, "template", "--db", str(example), "--kind", "roster", "--out", str(out))[0] == 0
    assert mode(out) == 0o600
    listing = tmp_path / "指标.csv"
    common = ("--db", str(example), "--today", "2026-11-28")
    assert run(capsys, "metrics", *common, "--period", "2026Q3", "--by", "county", "--out", str(listing))[0] == 0
    assert mode(listing) == 0o600


# ---------------------------------------------------------------- outputs (item 9)


def test_template_never_overwrites_the_database_even_with_force(example, capsys):
    """The attack of the review: `template --out <the .duckdb>` replaced the live database with a workbook."""
    before = example.read_bytes()
    for extra in ((), ("--force",)):
        code, _, err = run(capsys, "template", "--db", str(example), "--kind", "roster", "--out", str(example), *extra)
        assert code == 2
        assert labels.MSG_OUTPUT_IS_DATABASE.format(path=example) in err
    assert example.read_bytes() == before
    with db.session(example) as con:
        assert con.execute("select count(*) from beneficiary").fetchall()[0][0] > 0


def test_no_command_writes_over_the_databases_log_or_through_a_link_to_it(example, tmp_path, capsys):
    wal = example.with_name(example.name + ".wal")
    link = tmp_path / "看起来像模板.xlsx"
    link.symlink_to(example)
    common = ("--db", str(example), "--today", "2026-11-28")
    for target in (wal, link):
        attempts = [
            ("template", "--db", str(example), "--kind", "roster", "--out", str(target), "--force"),
            ("report", *common, "--period", "2026Q3", "--out", str(target), "--force"),
            ("metrics", *common, "--period", "2026Q3", "--by", "county", "--out", str(target), "--force"),
            ("overdue", *common, "--period", "2026-10", "--what", "issues", "--out", str(target), "--force"),
            ("audit", "list", "--db", str(example), "--out", str(target), "--force"),
            ("backup", "--db", str(example), "--out", str(target), "--force"),
        ]
        for args in attempts:
            code, _, err = run(capsys, *args)
            assert code == 2, args
            assert "正在使用的数据库" in err or "同一个文件" in err, (args, err)
    assert not wal.exists() and link.is_symlink()


def test_an_existing_file_is_kept_unless_forced(example, tmp_path, capsys):
    common = ("--db", str(example), "--today", "2026-11-28")
    for name, args in [
        ("t.xlsx", ("template", "--db", str(example), "--kind", "visits")),
        ("r.xlsx", ("report", *common, "--period", "2026Q3")),
        ("m.csv", ("metrics", *common, "--period", "2026Q3", "--by", "county")),
        ("o.csv", ("overdue", *common, "--period", "2026-10", "--what", "contacts")),
        ("a.csv", ("audit", "list", "--db", str(example))),
        ("b.duckdb", ("backup", "--db", str(example))),
    ]:
        target = tmp_path / name
        target.write_bytes(b"keep me")
        code, _, err = run(capsys, *args, "--out", str(target))
        assert code == 2 and "已存在" in err and "--force" in err, (name, err)
        assert target.read_bytes() == b"keep me"
        code, _, err = run(capsys, *args, "--out", str(target), "--force")
        assert code == 0, (name, err)
        assert target.read_bytes() != b"keep me"


def test_a_report_refuses_before_building_and_one_file_for_two_outputs(example, tmp_path, capsys):
    common = ("--db", str(example), "--today", "2026-11-28", "--period", "2026Q3")
    same = tmp_path / "报告"
    code, _, err = run(capsys, "report", *common, "--out", str(same), "--html", str(same))
    assert code == 2 and labels.MSG_OUTPUT_TWICE.format(path=same) in err
    assert not same.exists()
    folder = tmp_path / "文件夹"
    folder.mkdir()
    code, _, err = run(capsys, "report", *common, "--out", str(folder), "--force")
    assert code == 2 and labels.MSG_OUTPUT_IS_DIRECTORY.format(path=folder) in err


# ---------------------------------------------------------------- backup and restore audited (item 7)


def audit_rows(path) -> list[tuple]:
    with db.session(path) as con:
        return con.execute("select action, user_name, detail from audit_log order by audit_id").fetchall()


def test_a_backup_is_recorded_in_the_database_it_copied(example, tmp_path, capsys):
    out = tmp_path / "b.duckdb"
    assert run(capsys, "backup", "--db", str(example), "--out", str(out), "--user", "王五")[0] == 0
    action, user, detail = audit_rows(example)[-1]
    assert (action, user) == ("backup", "王五") and str(out) in detail
    assert ("backup", "王五") not in [(a, u) for a, u, _ in audit_rows(out)]  # the copy is of the log before it


def test_a_restore_is_recorded_in_the_restored_database_with_what_it_replaced(example, tmp_path, capsys):
    out = tmp_path / "b.duckdb"
    assert run(capsys, "backup", "--db", str(example), "--out", str(out))[0] == 0
    with db.session(example) as con:  # history written after the backup, lost by the restore
        access.audit(con, "市级测试", "export", "", "备份之后的导出", 5)
        records, last, head = audit_chain.summary(con)
    code, _, err = run(capsys, "restore", "--db", str(example), "--from", str(out), "--force", "--user", "赵六")
    assert code == 0, err
    action, user, detail = audit_rows(example)[-1]
    assert (action, user) == ("restore", "赵六")
    assert str(out) in detail
    assert labels.RESTORE_BEFORE_AUDIT.format(records=records, last_id=last, hash=head) in detail
    assert "备份之后的导出" not in str(audit_rows(example))
    with db.session(example) as con:
        assert audit_chain.verify(con).intact


def test_a_restore_that_would_add_accounts_lists_them_and_restores_nothing(example, tmp_path, capsys):
    out = tmp_path / "b.duckdb"
    assert run(capsys, "backup", "--db", str(example), "--out", str(out))[0] == 0
    other = tmp_path / "other.duckdb"
    add_accounts(other, "县区测试")
    with db.session(other) as con:
        access.disable_user(con, "县区测试", "命令行")
    before = audit_rows(other)

    code, out_text, err = run(capsys, "restore", "--db", str(other), "--from", str(out), "--force")
    assert code == 2 and out_text == ""
    assert "--keep-accounts" in err
    assert "市级测试（市级，全市）：" + labels.RESTORE_ACCOUNT_UNKNOWN in err
    assert "县区测试（县区，东川县）：" + labels.RESTORE_ACCOUNT_REENABLED in err
    assert audit_rows(other) == before  # nothing restored

    code, _, err = run(capsys, "restore", "--db", str(other), "--from", str(out), "--force", "--keep-accounts")
    assert code == 0, err
    with db.session(other) as con:
        assert access.load_user(con, "市级测试") is not None


def test_a_restore_onto_a_new_machine_asks_too(example, tmp_path, capsys):
    out = tmp_path / "b.duckdb"
    run(capsys, "backup", "--db", str(example), "--out", str(out))
    fresh = tmp_path / "new" / "guanai.duckdb"
    code, _, err = run(capsys, "restore", "--db", str(fresh), "--from", str(out))
    assert code == 2 and "--keep-accounts" in err and not fresh.exists()
    code, out_text, err = run(capsys, "restore", "--db", str(fresh), "--from", str(out), "--keep-accounts")
    assert code == 0, err
    with duckdb.connect(str(out), read_only=True) as copy:
        accounts = len(access.list_users(copy))
    assert json.loads(out_text)["tables"]["app_user"] == accounts > 0


# ---------------------------------------------------------------- no file access from the app's SQL


def test_app_connections_cannot_read_files_but_imports_still_work(example, tmp_path, capsys):
    from pipeline.ingest.load import import_file

    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n", encoding="utf-8")
    con = db.connect(example, external_access=False)
    try:
        for statement in (
            f"select * from read_csv('{secret}')",
            f"copy (select 1) to '{tmp_path / 'leak.csv'}'",
            f"attach '{tmp_path / 'x.duckdb'}' as x",
        ):
            with pytest.raises(duckdb.PermissionException):
                con.execute(statement).fetchall()
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")
        # an import hands the rows over as Arrow, not as a file: it still works
        report = import_file(con, EXAMPLE_DIR / "走访记录.csv", today="2026-11-28")
        assert report.status in ("ok", "already_imported")
        access.audit(con, "市级测试", "export", "", "x")
    finally:
        con.close()
    # the backup's own connection, opened when the app's have closed, may attach its file again
    assert run(capsys, "backup", "--db", str(example), "--out", str(tmp_path / "b.duckdb"))[0] == 0


def _commands(parser, prefix=()):
    """Every (command path, parser) of the command line, sub-actions included."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name), sub
                yield from _commands(sub, (*prefix, name))


def test_every_command_that_writes_a_file_offers_force():
    """A command with a file output must go through safe_files (and so have --force): no silent overwrite."""
    outputs = {"--out", "--html", "--pdf", "--xlsx-dir"}
    missing = []
    for path, parser in _commands(cli.build_parser()):
        options = {option for action in parser._actions for option in action.option_strings}
        if options & outputs and "--force" not in options:
            missing.append(" ".join(path))
    assert missing == []


def test_demo_keeps_ledgers_already_in_the_folder(tmp_path, capsys):
    folder = tmp_path / "表格"
    folder.mkdir()
    kept = folder / "结对台账.xlsx"
    kept.write_bytes(b"an office's own file")
    code, _, err = run(capsys, "demo", "--db", str(tmp_path / "demo.duckdb"), "--xlsx-dir", str(folder))
    assert code == 2 and labels.MSG_OUTPUT_EXISTS.format(path=kept) in err
    assert kept.read_bytes() == b"an office's own file" and not (tmp_path / "demo.duckdb").exists()


def test_workbook_parsers_and_pdf_renderers_wait_their_turn(monkeypatch):
    """More parse or render requests than the caps: they queue (never more at once than the cap), none fails."""
    import threading
    import time

    from pipeline import config
    from pipeline.ingest import read
    from pipeline.report import pdf

    running, most = 0, 0
    lock = threading.Lock()

    def slow(*_args, **_kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.2)
        with lock:
            running -= 1

        class Done:
            returncode, stdout = 0, b""

        return Done()

    monkeypatch.setattr(read.subprocess, "run", slow)
    threads = [threading.Thread(target=read._parse_isolated, args=(b"", "a.xlsx")) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == config.MAX_PARSE_CHILDREN
    assert pdf.RENDERERS._initial_value == config.MAX_PDF_RENDERERS
    # Chromium keeps its sandbox unless it runs as root, which it refuses
    import os

    assert ("--no-sandbox" in pdf.browser_args()) == (os.geteuid() == 0)
