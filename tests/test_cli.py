"""The command line of CLI.md: JSON lines, exit codes, and a database held by another process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tests.conftest import ROOT

VALID_ID = "620102201205030014"


def run_cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )


def test_import_prints_one_json_line_per_file_and_exit_0(tmp_path, example_dir):
    db = tmp_path / "cli.duckdb"
    files = [str(example_dir / name) for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv")]
    result = run_cli("import", "--db", str(db), "--today", "2026-11-28", *files)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["kind"] for line in lines] == ["roster", "visits", "issues"]
    assert [line["inserted"] for line in lines] == [67, 273, 36]
    assert all(line["rejected"] == 0 and line["errors"] == [] for line in lines)
    assert set(lines[0]) == {
        "file",
        "kind",
        "read",
        "inserted",
        "updated",
        "unchanged",
        "duplicate",
        "rejected",
        "held_back",
        "errors",
        "notes",
    }
    assert list(lines[0])[7:9] == ["rejected", "held_back"]  # held_back right after rejected


def test_import_with_rejected_rows_exits_1_and_names_row_and_column(tmp_path):
    csv_path = tmp_path / "台账.csv"
    csv_path.write_text(
        "身份证号,姓名,对象类别,县区,乡镇\n"
        f"{VALID_ID},刘斌,孤儿,临河区,临河镇\n"
        "620102201205030015,王五,孤儿,临河区,临河镇\n",
        encoding="utf-8",
    )
    result = run_cli("import", "--db", str(tmp_path / "c.duckdb"), "--today", "2026-11-28", str(csv_path))
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert (summary["inserted"], summary["rejected"]) == (1, 1)
    assert summary["errors"] == [
        {"sheet": "台账", "row": 3, "column": "身份证号", "reason": summary["errors"][0]["reason"]}
    ]
    assert "校验位" in summary["errors"][0]["reason"]


def test_unreadable_file_and_bad_arguments_exit_2(tmp_path):
    junk = tmp_path / "坏文件.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip")
    result = run_cli("import", "--db", str(tmp_path / "c.duckdb"), str(junk))
    assert result.returncode == 2
    assert json.loads(result.stdout)["status"] == "failed"
    assert "无法读取" in result.stderr or "损坏" in result.stderr

    result = run_cli("import", "--db", str(tmp_path / "c.duckdb"), "--kind", "nonsense", str(junk))
    assert result.returncode == 2
    assert "参数错误" in result.stderr

    result = run_cli("import", "--db", str(tmp_path / "c.duckdb"), "--today", "2026-13-45", str(junk))
    assert result.returncode == 2
    assert "参数错误" in result.stderr


def test_all_or_nothing_exits_2_and_lands_nothing(tmp_path):
    import duckdb

    csv_path = tmp_path / "台账.csv"
    csv_path.write_text(
        f"身份证号,姓名,对象类别,县区,乡镇\n{VALID_ID},刘斌,孤儿,临河区,临河镇\n{VALID_ID[:-1]}9,王五,外星人,临河区,临河镇\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.duckdb"
    result = run_cli("import", "--db", str(db), "--all-or-nothing", str(csv_path))
    assert result.returncode == 2
    assert json.loads(result.stdout)["status"] == "rolled_back"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from beneficiary").fetchall() == [(0,)]
    assert con.execute("select count(*) from import_batch").fetchall() == [(0,)]
    con.close()


def test_import_waits_for_a_database_held_by_another_process(tmp_path, example_dir):
    """While the file is locked the CLI waits; when the lock is never released it says so in Chinese."""
    db = tmp_path / "held.duckdb"
    holder_code = textwrap.dedent(
        f"""
        import sys, time, duckdb
        con = duckdb.connect({str(db)!r})
        print("held", flush=True)
        time.sleep(float(sys.argv[1]))
        con.close()
        """
    )
    # released after 2 s: the import waits and then succeeds
    holder = subprocess.Popen([sys.executable, "-c", holder_code, "2"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    result = run_cli("import", "--db", str(db), str(example_dir / "结对台账.csv"), env_extra={"GUANAI_DB_WAIT": "30"})
    holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["inserted"] == 67

    # never released within the wait: a plain message, no traceback
    holder = subprocess.Popen([sys.executable, "-c", holder_code, "20"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    try:
        result = run_cli(
            "import", "--db", str(db), str(example_dir / "结对台账.csv"), env_extra={"GUANAI_DB_WAIT": "1"}
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert "数据库正被另一个程序使用" in result.stderr
    assert "Traceback" not in result.stderr


def test_template_command_writes_a_workbook_the_import_recognises_and_refuses_as_empty(tmp_path):
    import openpyxl

    out = tmp_path / "结对台账模板.xlsx"
    result = run_cli("template", "--kind", "roster", "--out", str(out))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any(str(v).rstrip("*") == "身份证号" for v in values)
    result = run_cli("import", "--db", str(tmp_path / "t.duckdb"), str(out))
    # a blank template sent back has a header and no rows: refused, nothing recorded (SPEC §4)
    assert result.returncode == 2, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["kind"], summary["status"], summary["read"]) == ("roster", "failed", 0)
    assert "文件只有表头，没有数据行" in result.stderr
