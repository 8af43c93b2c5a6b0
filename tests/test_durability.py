"""Durability: an import killed with SIGKILL leaves a database that opens cleanly with the batch fully in
or fully out; every import ends with a checkpoint; backup and restore round-trip every table exactly.

The kills run the real command line in a subprocess. Two of them stop it at a known point through the
test-only hook GUANAI_TEST_IMPORT_PAUSE (pipeline/ingest/load.py): inside the open transaction after all
rows are written, and after the commit before the checkpoint. The others kill after a delay.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipeline import db, queries
from tests.conftest import ROOT, build_example_database
from tests.ingest_helpers import (
    ROSTER_HEADER,
    TODAY,
    VISITS_HEADER,
    csv_bytes,
    mobile,
    open_db,
    pid,
    roster_row,
    rows_of,
    run_import,
    visit_row,
)

pytestmark = pytest.mark.slow  # real subprocesses and large files: seconds per test

PEOPLE = 2_000
CONTACTS = 150_000  # about two seconds of import here: long enough to be killed in the middle
RAW_ERROR_WORDS = ("Traceback", "Error", "Exception", "Could not set lock", "Conflicting lock")


def people() -> list[str]:
    return [pid(k % 1000, area=f"{620100 + k // 1000:06d}") for k in range(PEOPLE)]


def visits_csv(count: int, first: int = 0) -> bytes:
    """`count` contacts of the roster's people, record numbers from `first` on (distinct files never overlap)."""
    who, start = people(), dt.date(2026, 1, 1)
    rows = [VISITS_HEADER]
    for k in range(first, first + count):
        day = (start + dt.timedelta(days=k // PEOPLE % 300)).isoformat()
        rows.append(
            visit_row(who[k % PEOPLE], date=day, method="电话", cadre_phone=mobile(k % PEOPLE), record_no=f"R{k}")
        )
    return csv_bytes(rows)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """A database holding the roster, and a large visits file to import into copies of it."""
    folder = tmp_path_factory.mktemp("durability")
    base = folder / "base.duckdb"
    con = db.connect(base)
    roster = csv_bytes([ROSTER_HEADER] + [roster_row(p, phone_seq=k) for k, p in enumerate(people())])
    assert run_import(con, roster, "台账.csv").inserted == PEOPLE
    con.close()
    visits = folder / "走访记录.csv"
    visits.write_bytes(visits_csv(CONTACTS))
    return {"base": base, "visits": visits}


def fresh_copy(files, tmp_path: Path) -> Path:
    path = tmp_path / "guanai.duckdb"
    shutil.copy(files["base"], path)
    return path


def start_import(path: Path, visits: Path, **env: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline", "import", "--db", str(path), "--today", TODAY.isoformat(), str(visits)]
    return subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for(marker: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import never reached the pause"
        time.sleep(0.02)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)


def all_or_nothing(path: Path) -> str:
    """Open the database as the app does and check the visits batch is wholly there ("in") or not ("out")."""
    con = db.connect(path)  # replays a WAL left behind, or raises
    try:
        contacts = rows_of(con, "select count(*), count(distinct contact_key), count(distinct batch_id) from contact")
        batches = rows_of(con, "select batch_id, rows_read, inserted, rejected from import_batch where kind = 'visits'")
        assert rows_of(con, "select count(*) from beneficiary") == [(PEOPLE,)]
        assert rows_of(
            con, "select count(*) from rejected_row where batch_id not in (select batch_id from import_batch)"
        ) == [(0,)]
        # every block of the table read back, and the file writable again
        rows_of(con, "select sum(hash(contact_key, contact_date, id_number)) from contact")
        con.execute("checkpoint")
    finally:
        con.close()
    if contacts == [(0, 0, 0)]:
        assert batches == []
        return "out"
    assert contacts == [(CONTACTS, CONTACTS, 1)], contacts
    assert [b[1:] for b in batches] == [(CONTACTS, CONTACTS, 0)]
    return "in"


# ================================================================ killed imports


@pytest.mark.parametrize(("point", "expected"), [("before_commit", "out"), ("after_commit", "in")])
def test_import_killed_at_a_known_point(files, tmp_path, point, expected):
    path = fresh_copy(files, tmp_path)
    marker = tmp_path / "paused"
    process = start_import(path, files["visits"], GUANAI_TEST_IMPORT_PAUSE=f"{point}:120:{marker}")
    wait_for(marker, process)
    kill(process)
    assert all_or_nothing(path) == expected
    # the next run of the same file completes, and counts nothing twice
    again = subprocess.run(
        [sys.executable, "-m", "pipeline", "import", "--db", str(path), "--today", TODAY.isoformat(), files["visits"]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["inserted"], summary["unchanged"]) == ((CONTACTS, 0) if expected == "out" else (0, CONTACTS))


@pytest.mark.parametrize(
    "delay", [0.2, 0.5, 1.0, 1.3, 1.45, 1.6, 1.75, 2.0, 3.0]
)  # the commit comes at about 1.6 s here
def test_import_killed_after_a_delay(files, tmp_path, delay):
    path = fresh_copy(files, tmp_path)
    process = start_import(path, files["visits"])
    time.sleep(delay)
    kill(process)  # whether it was starting, reading, writing, committing or already done
    assert all_or_nothing(path) in {"in", "out"}


def test_every_import_ends_with_a_checkpoint(tmp_path):
    """After the commit the batch is in the database file itself, not only in the write-ahead log."""
    con = open_db(tmp_path)
    wal = tmp_path / "t.duckdb.wal"
    try:
        report = run_import(
            con, csv_bytes([ROSTER_HEADER, roster_row(pid(1)), roster_row(pid(2), phone_seq=2)]), "a.csv"
        )
        assert report.status == "ok" and report.inserted == 2
        assert not wal.exists() or wal.stat().st_size == 0  # checked while the connection is still open
    finally:
        con.close()


# ================================================================ backup and restore


def run_cli(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pipeline", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **env})


def everything(path: Path) -> dict[str, object]:
    """Every row of every table (whatever tables the schema has by now), the sequences and the triggers."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        catalog = con.execute("select current_database()").fetchall()[0][0]
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = ? order by 1", [catalog]
            ).fetchall()
        ]
        # table names come from DuckDB's own catalog
        out: dict[str, object] = {t: sorted(con.execute(f'select * from "{t}"').fetchall(), key=repr) for t in tables}
        out["sequences"] = con.execute(
            "select sequence_name, last_value from duckdb_sequences() where database_name = ? order by 1", [catalog]
        ).fetchall()
        out["triggers"] = con.execute(
            "select trigger_name from duckdb_triggers() where database_name = ? order by 1", [catalog]
        ).fetchall()
        return out
    finally:
        con.close()


def apart(state: dict[str, object]) -> tuple[dict[str, object], list]:
    """A state from everything() without its audit log (and the log's sequence), and the log's rows by number.

    A backup adds a record to the database it copied and a restore one to the database it wrote, so the
    logs are compared apart: the same records up to those, and then the one each command added.
    """
    rest = {name: rows for name, rows in state.items() if name != "audit_log"}
    rest["sequences"] = [row for row in state["sequences"] if row[0] != "audit_log_seq"]
    return rest, sorted(state["audit_log"])


def added_record(log: list, action: str) -> None:
    assert log[-1][3] == action, log[-1]


@pytest.fixture
def filled(tmp_path) -> Path:
    """The spec's example database, plus a batch with rejected rows so that every kind of row is there."""
    path = build_example_database(tmp_path / "live.duckdb")
    with db.session(path) as con:
        bad = csv_bytes([ROSTER_HEADER, roster_row(pid(1)), roster_row("620102201205030015")])
        assert run_import(con, bad, "有错误.csv").rejected >= 1
    return path


def test_backup_and_restore_round_trip_exactly(filled, tmp_path):
    backup_file = tmp_path / "备份" / "guanai-2026-11-28.duckdb"
    backup_file.parent.mkdir()
    result = run_cli("backup", "--db", str(filled), "--out", str(backup_file))
    assert result.returncode == 0, result.stderr
    assert "已备份" in result.stderr
    restored = tmp_path / "restored" / "guanai.duckdb"
    result = run_cli("restore", "--db", str(restored), "--from", str(backup_file), "--keep-accounts")
    assert result.returncode == 0, result.stderr
    assert "已恢复" in result.stderr
    (original, original_log), (copy, copy_log) = apart(everything(filled)), apart(everything(restored))
    assert copy == original
    assert copy_log[:-1] == original_log[:-1]  # the log as it was when copied …
    added_record(original_log, "backup")  # … then the backup's record in the original
    added_record(copy_log, "restore")  # and the restore's in the copy
    assert sum(len(v) for k, v in original.items() if k not in ("sequences", "triggers")) > 300
    assert json.loads(result.stdout)["tables"]["contact"] == len(original["contact"])

    # the restored database goes on where the original would: the next batch gets the same number
    new_file = csv_bytes([ROSTER_HEADER, roster_row(pid(7), phone_seq=7)])
    ids = []
    for path in (filled, restored):
        with db.session(path) as con:
            ids.append(run_import(con, new_file, "新增.csv").batch_id)
    assert ids[0] == ids[1] is not None
    (after_original, _), (after_copy, _) = apart(everything(filled)), apart(everything(restored))
    # each new batch keeps the second its own import ran in, and the two imports may fall either side of a
    # second's turn: those two times are compared apart, everything else must match exactly
    times = [_take_import_time(state, ids[0]) for state in (after_original, after_copy)]
    assert abs(times[0] - times[1]) <= dt.timedelta(seconds=5)
    assert after_copy == after_original


def _take_import_time(state: dict[str, object], batch_id: int) -> dt.datetime:
    """Blank the import time of one batch in a state from everything(), and return it."""
    rows = state["import_batch"]
    (position,) = [i for i, row in enumerate(rows) if row[0] == batch_id]
    row = rows[position]
    rows[position] = (row[0], None, *row[2:])
    return row[1]


def test_restore_refuses_to_overwrite_a_database_unless_forced(filled, tmp_path):
    backup_file = tmp_path / "b.duckdb"
    assert run_cli("backup", "--db", str(filled), "--out", str(backup_file)).returncode == 0
    other = tmp_path / "other.duckdb"
    with db.session(other) as con:
        run_import(con, csv_bytes([ROSTER_HEADER, roster_row(pid(9), phone_seq=9)]), "别的.csv")
    before = everything(other)

    refused = run_cli("restore", "--db", str(other), "--from", str(backup_file))
    assert refused.returncode == 2
    assert "已存在" in refused.stderr and "--force" in refused.stderr
    assert not any(word in refused.stderr for word in RAW_ERROR_WORDS)
    assert everything(other) == before

    forced = run_cli("restore", "--db", str(other), "--from", str(backup_file), "--force", "--keep-accounts")
    assert forced.returncode == 0, forced.stderr
    (restored, restored_log), (original, original_log) = apart(everything(other)), apart(everything(filled))
    assert restored == original
    assert restored_log[:-1] == original_log[:-1]
    added_record(restored_log, "restore")
    assert not Path(str(other) + ".wal").exists()


def test_backup_refuses_what_it_should(filled, tmp_path):
    backup_file = tmp_path / "b.duckdb"
    assert run_cli("backup", "--db", str(filled), "--out", str(backup_file)).returncode == 0
    first = backup_file.read_bytes()
    again = run_cli("backup", "--db", str(filled), "--out", str(backup_file))
    assert again.returncode == 2 and "已存在" in again.stderr
    assert backup_file.read_bytes() == first
    assert run_cli("backup", "--db", str(filled), "--out", str(backup_file), "--force").returncode == 0

    missing = run_cli("backup", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "x.duckdb"))
    assert missing.returncode == 2 and "找不到数据库" in missing.stderr
    assert not (tmp_path / "none.duckdb").exists()

    not_a_backup = tmp_path / "台账.csv"
    not_a_backup.write_bytes(csv_bytes([ROSTER_HEADER, roster_row(pid(1))]))
    for source in (not_a_backup, tmp_path / "nowhere.duckdb"):
        refused = run_cli("restore", "--db", str(tmp_path / "new.duckdb"), "--from", str(source))
        assert refused.returncode == 2
        assert "备份文件" in refused.stderr and not any(word in refused.stderr for word in RAW_ERROR_WORDS)
    assert not (tmp_path / "new.duckdb").exists()
    for stray in tmp_path.glob("*.partial*"):
        pytest.fail(f"left behind: {stray}")


def test_backup_while_the_app_is_reading(filled, tmp_path, monkeypatch):
    """Sessions open a connection per query and close it (app_ui/data.py): the backup slips in between."""
    monkeypatch.setenv("GUANAI_DB_WAIT", "60")
    stop, errors, queries_run = threading.Event(), [], []

    def app_session() -> None:
        while not stop.is_set():
            try:
                con = db.connect(filled)
                try:
                    queries_run.append(len(queries.metrics(con, "2026Q3", "county", today=TODAY)))
                finally:
                    con.close()
            except Exception as exc:  # any failure of a session is what the test looks for
                errors.append(exc)
            time.sleep(0.05)

    sessions = [threading.Thread(target=app_session) for _ in range(2)]
    for thread in sessions:
        thread.start()
    try:
        time.sleep(0.3)
        result = run_cli("backup", "--db", str(filled), "--out", str(tmp_path / "b.duckdb"), GUANAI_DB_WAIT="60")
    finally:
        stop.set()
        for thread in sessions:
            thread.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert errors == []
    assert queries_run
    (copy, copy_log), (original, original_log) = apart(everything(tmp_path / "b.duckdb")), apart(everything(filled))
    assert copy == original
    assert copy_log == original_log[:-1]
    added_record(original_log, "backup")


def test_backup_waits_for_an_import_in_another_process(files, tmp_path):
    path = fresh_copy(files, tmp_path)
    marker = tmp_path / "paused"
    importing = start_import(path, files["visits"], GUANAI_TEST_IMPORT_PAUSE=f"before_commit:2:{marker}")
    wait_for(marker, importing)
    started = time.monotonic()
    result = run_cli("backup", "--db", str(path), "--out", str(tmp_path / "b.duckdb"), GUANAI_DB_WAIT="60")
    waited = time.monotonic() - started
    _, err = importing.communicate(timeout=120)
    assert importing.returncode == 0, err
    assert result.returncode == 0, result.stderr
    assert waited > 1.0  # it could not start before the import let go of the file
    # the backup holds the batch the import committed while the backup waited
    assert json.loads(result.stdout)["tables"]["contact"] == CONTACTS
    assert all_or_nothing(tmp_path / "b.duckdb") == "in"


def test_backup_of_a_database_from_before_the_latest_schema(tmp_path):
    """A file written before some tables existed: the backup adds them empty, and still checks every row."""
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute(db.read_sql("schema.sql").split("-- one row per beneficiary")[0])  # only the batch table
    con.execute(
        "insert into import_batch values (1, now(), '市级', 'a.csv', 'x', 'roster', '[]', 1, 1, 0, 0, 0, 0, '{}')"
    )
    con.close()
    result = run_cli("backup", "--db", str(old), "--out", str(tmp_path / "b.duckdb"))
    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout)["tables"]
    assert tables["import_batch"] == 1 and tables["contact"] == 0
