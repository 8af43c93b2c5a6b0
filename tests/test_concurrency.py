"""Concurrency: sessions reading while an import writes, and two imports at once.

Readers open a connection per query through pipeline.db.connect and close it, as app_ui/data.py does,
so all of them and the importing thread share one database in one process. An import is one
transaction: a query sees the figures before it or after it, never a part of it. Two command-line
imports started together: the second waits for the first to let go of the file ($GUANAI_DB_WAIT).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline import db, queries
from tests.conftest import ROOT
from tests.ingest_helpers import ROSTER_HEADER, TODAY, csv_bytes, pid, roster_row, rows_of, run_import, xlsx_bytes
from tests.test_durability import PEOPLE, RAW_ERROR_WORDS, people, visits_csv, wait_for

pytestmark = pytest.mark.slow  # real subprocesses and large files: seconds per test

PERIOD = "2026"
FIRST, SECOND = 40_000, 60_000  # contacts already there, and contacts a concurrent import adds
IN_WORKBOOK = 10_000  # contacts of the two-sheet workbook (openpyxl writes it: kept small)


@pytest.fixture
def database(tmp_path) -> Path:
    """The roster and a first visits file."""
    path = tmp_path / "guanai.duckdb"
    with db.session(path) as con:
        roster = csv_bytes([ROSTER_HEADER] + [roster_row(p, phone_seq=k) for k, p in enumerate(people())])
        assert run_import(con, roster, "台账.csv").inserted == PEOPLE
        assert run_import(con, visits_csv(FIRST), "走访1.csv").inserted == FIRST
    return path


def plain(values) -> tuple:
    """Values comparable with ==: numpy scalars as Python numbers, NaN (an empty rate) as None."""
    out = []
    for value in values:
        value = value.item() if hasattr(value, "item") else value
        out.append(None if isinstance(value, float) and math.isnan(value) else value)
    return tuple(out)


def figures(path: Path) -> tuple:
    """One query's view of the programme: the overall metrics row plus the county rows."""
    con = db.connect(path)
    try:
        overall = queries.metrics(con, PERIOD, "overall", today=TODAY)
        counties = queries.metrics(con, PERIOD, "county", today=TODAY)
    finally:
        con.close()
    return plain(overall.iloc[0].tolist()), tuple(plain(row) for row in counties.itertuples(index=False))


def one_query_figures(path: Path) -> tuple:
    """The overall row alone: a single SQL statement, so a single snapshot of the data."""
    con = db.connect(path)
    try:
        return plain(queries.metrics(con, PERIOD, "overall", today=TODAY).iloc[0].tolist())
    finally:
        con.close()


def test_readers_see_the_old_or_the_new_figures_never_a_mix(database, tmp_path, monkeypatch):
    # one file of two kinds: new people in the roster and new contacts, in one transaction
    newcomers = [pid(k, area="620999") for k in range(200)]
    workbook = xlsx_bytes(
        {
            "台账": [ROSTER_HEADER] + [roster_row(p, phone_seq=50_000 + k) for k, p in enumerate(newcomers)],
            "走访": [row.split(",") for row in visits_csv(IN_WORKBOOK, first=FIRST).decode().splitlines()],
        }
    )
    old = one_query_figures(database)
    marker = tmp_path / "paused"
    # the import holds its transaction open for a second with every row written, while readers query
    monkeypatch.setenv("GUANAI_TEST_IMPORT_PAUSE", f"before_commit:1:{marker}")

    seen: list[tuple[float, tuple]] = []
    errors: list[Exception] = []
    importing = threading.Event()
    importing.set()

    def reader() -> None:
        while True:
            running = importing.is_set()
            try:
                seen.append((time.time(), one_query_figures(database)))
            except Exception as exc:  # any failure of a session is what the test looks for
                errors.append(exc)
            if not running:
                return

    def importer() -> None:
        try:
            with db.session(database) as con:
                report = run_import(con, workbook, "台账和走访.xlsx")
                assert report.status == "ok" and report.inserted == len(newcomers) + IN_WORKBOOK, report.message
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            importing.clear()

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    writer = threading.Thread(target=importer)
    writer.start()
    writer.join(timeout=120)
    for thread in readers:
        thread.join(timeout=120)
    assert errors == []
    # readers ran while the transaction was open with every row written, and saw none of them
    paused_at = marker.stat().st_mtime
    assert any(at > paused_at and figures == old for at, figures in seen)
    new = one_query_figures(database)
    assert new != old
    views = {figures for _, figures in seen}
    assert views <= {old, new}, [v for v in views if v not in (old, new)][:2]
    assert old in views and new in views


def test_many_sessions_reading_at_once(database):
    """Several sessions' queries at the same moment, each with its own connection: no 'connection busy'."""
    expected = figures(database)
    results, errors = [], []

    def session() -> None:
        try:
            for _ in range(3):
                results.append(figures(database))
        except Exception as exc:  # any failure of a session is what the test looks for
            errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert results == [expected] * 18


# ================================================================ two processes


def cli_import(path: Path, file: Path, **env: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline", "import", "--db", str(path), "--today", TODAY.isoformat(), str(file)]
    return subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def visits_files(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "走访A.csv", tmp_path / "走访B.csv"
    first.write_bytes(visits_csv(SECOND, first=FIRST))
    second.write_bytes(visits_csv(SECOND, first=FIRST + SECOND))
    return first, second


def test_two_imports_at_once_both_land(database, tmp_path):
    first, second = visits_files(tmp_path)
    marker = tmp_path / "paused"
    # the first holds the file with its transaction open for two seconds; the second has to wait
    a = cli_import(database, first, GUANAI_TEST_IMPORT_PAUSE=f"before_commit:2:{marker}", GUANAI_DB_WAIT="60")
    wait_for(marker, a)
    started = time.monotonic()
    b = cli_import(database, second, GUANAI_DB_WAIT="60")
    out_b, err_b = b.communicate(timeout=120)
    waited = time.monotonic() - started
    out_a, err_a = a.communicate(timeout=120)
    assert (a.returncode, b.returncode) == (0, 0), (err_a, err_b)
    assert waited > 1.0
    assert json.loads(out_a)["inserted"] == json.loads(out_b)["inserted"] == SECOND
    for err in (err_a, err_b):
        assert not any(word in err for word in RAW_ERROR_WORDS), err
    with db.session(database) as con:
        assert rows_of(con, "select count(*), count(distinct contact_key) from contact") == [(FIRST + 2 * SECOND,) * 2]
        assert rows_of(con, "select count(*) from import_batch where kind = 'visits'") == [(3,)]


def test_two_imports_started_together_both_land(database, tmp_path):
    first, second = visits_files(tmp_path)
    processes = [cli_import(database, file, GUANAI_DB_WAIT="60") for file in (first, second)]
    outcomes = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outcomes
    for out, err in outcomes:
        assert json.loads(out)["inserted"] == SECOND
        assert not any(word in err for word in RAW_ERROR_WORDS), err
    with db.session(database) as con:
        assert rows_of(con, "select count(*) from contact") == [(FIRST + 2 * SECOND,)]


def test_an_import_that_cannot_wait_long_enough_says_so_and_loses_nothing(database, tmp_path):
    first, second = visits_files(tmp_path)
    marker = tmp_path / "paused"
    a = cli_import(database, first, GUANAI_TEST_IMPORT_PAUSE=f"before_commit:4:{marker}")
    wait_for(marker, a)
    b = cli_import(database, second, GUANAI_DB_WAIT="1")
    out_b, err_b = b.communicate(timeout=120)
    _, err_a = a.communicate(timeout=120)
    assert a.returncode == 0, err_a
    assert b.returncode == 2 and out_b == ""
    assert "数据库正被另一个程序使用" in err_b and not any(word in err_b for word in RAW_ERROR_WORDS), err_b
    with db.session(database) as con:
        assert rows_of(con, "select count(*) from contact") == [(FIRST + SECOND,)]
    # the refused file is simply imported again later
    again = cli_import(database, second)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0 and json.loads(out)["inserted"] == SECOND, err


def test_an_import_while_another_session_is_opening_the_database(database):
    """A session connecting runs schema.sql, a catalog write; DuckDB refuses a checkpoint meanwhile.

    The import commits all the same and reports success; nothing is lost.
    """
    other = db.connect(database)
    other.execute("begin transaction")
    other.execute(db.read_sql("schema.sql"))  # as db.connect does, held open at the moment of the checkpoint
    other.execute("insert into settings values ('overdue_days', 45, now(), '测试')")
    try:
        with db.session(database) as con:
            report = run_import(con, visits_csv(1_000, first=FIRST), "走访2.csv")
        assert report.status == "ok" and report.inserted == 1_000
    finally:
        other.execute("commit")
        other.close()
    with db.session(database) as con:
        assert rows_of(con, "select count(*) from contact") == [(FIRST + 1_000,)]
        assert rows_of(con, "select value from settings where key = 'overdue_days'") == [(45,)]
