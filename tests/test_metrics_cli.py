"""`metrics` and `overdue` on the command line: CSV with BOM, JSON, rounding, exit codes, Chinese errors."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys

import pytest

from pipeline import db
from pipeline.cli import metrics
from pipeline.ingest.load import import_file
from tests.conftest import EXAMPLE_DIR, ROOT

TODAY = "2026-11-28"


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "example.duckdb"
    con = db.connect(path)
    for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
        import_file(con, EXAMPLE_DIR / name, today=TODAY, user="测试")
    con.close()
    return path


def _args(db_path, **values) -> argparse.Namespace:
    base = {"db": str(db_path), "today": TODAY, "format": "csv", "scope": None, "by": None, "what": None}
    base.update(values)
    return argparse.Namespace(**base)


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel and WPS need to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", ["expected_2026Q3_department.csv", "expected_2026-10_overall.csv"])
def test_metrics_csv_matches_the_expected_file(example_db, capfdbinary, name):
    period, by = name.removeprefix("expected_").removesuffix(".csv").split("_")
    assert metrics.run_metrics(_args(example_db, period=period, by=by)) == 0
    out = capfdbinary.readouterr().out
    got = _rows(out)
    with open(EXAMPLE_DIR / name, encoding="utf-8", newline="") as handle:
        wanted = list(csv.reader(handle))
    # the columns of the expected file come first, in its order; metrics added after 综合得分 follow (CLI.md)
    assert got[0][: len(wanted[0])] == wanted[0]
    assert len(got) == len(wanted)
    for got_row, wanted_row in zip(got[1:], wanted[1:], strict=True):
        for cell, expected in zip(got_row[: len(wanted_row)], wanted_row, strict=True):
            if expected == "" or not expected[0].isdigit():
                assert cell == expected
            else:
                assert float(cell) == float(expected)
                assert len(cell.partition(".")[2]) <= 4  # rounded to 4 decimals


def test_metrics_json(example_db, capfdbinary):
    assert metrics.run_metrics(_args(example_db, period="2026Q3", by="department", format="json")) == 0
    rows = json.loads(capfdbinary.readouterr().out.decode("utf-8"))
    unpaired = next(r for r in rows if r["department"] == "未结对")
    assert unpaired["contact_rate"] is None and unpaired["score"] == 25.0
    first = rows[0]
    assert first["department"] == "东川县民政局"
    assert (first["contacts_per_pair_month"], first["beneficiaries"]) == (0.381, 7)


def test_metrics_with_scope(example_db, capfdbinary):
    args = _args(example_db, period="2026Q3", by="overall", scope="county=西坪县")
    assert metrics.run_metrics(args) == 0
    rows = _rows(capfdbinary.readouterr().out)
    assert rows[1][:3] == ["西坪县", "19", "18"]


def test_overdue_csv(example_db, capfdbinary):
    assert metrics.run_overdue(_args(example_db, period="2026Q3", what="contacts")) == 0
    rows = _rows(capfdbinary.readouterr().out)
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 1 + 29
    needed = {"id_number", "beneficiary_name", "cadre_phone", "department", "last_contact_on", "days_overdue"}
    assert needed <= set(header)
    # 马杰: paired 2025-08-01, handed to a new cadre on 2026-08-15, never contacted: the clock runs from the
    # start of the pairing run, 2025-08-01 (425 days by 09-30, 395 past the threshold), and the list names
    # the new cadre with his own 结对日期
    assert (
        first["id_number"],
        first["cadre_phone"],
        first["paired_on"],
        first["run_started_on"],
        first["last_contact_on"],
        first["days_overdue"],
    ) == ("620122********0518", "134****4623", "2026-08-15", "2025-08-01", "", "395")
    assert metrics.run_overdue(_args(example_db, period="2026-10", what="issues", format="json")) == 0
    issues = json.loads(capfdbinary.readouterr().out.decode("utf-8"))
    assert len(issues) == 13
    first_issue = issues[0]
    assert (first_issue["issue_no"], first_issue["raised_on"], first_issue["days_overdue"]) == (
        "WT0010",
        "2026-04-27",
        157,
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"period": "2026Q5", "by": "county"}, "期间"),
        ({"period": "2027", "by": "county"}, "尚未开始"),
        ({"period": "2026Q3", "by": "village"}, "分组"),
        ({"period": "2026Q3", "by": "county", "format": "xml"}, "--format"),
        ({"period": "2026Q3", "by": "county", "scope": "town=甲镇"}, "范围"),
        ({"period": "2026Q3", "by": "county", "today": "2026-13-01"}, "日期"),
    ],
)
def test_metrics_bad_arguments_exit_2_with_a_chinese_message(example_db, capfd, values, message):
    assert metrics.run_metrics(_args(example_db, **values)) == 2
    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("参数错误") and message in captured.err


def test_missing_database_and_bad_what_exit_2(tmp_path, example_db, capfd):
    assert metrics.run_metrics(_args(tmp_path / "none.duckdb", period="2026Q3", by="county")) == 2
    assert "找不到数据库文件" in capfd.readouterr().err
    assert metrics.run_overdue(_args(example_db, period="2026Q3", what="people")) == 2
    assert "--what" in capfd.readouterr().err


def test_python_m_pipeline_metrics(example_db):
    command = [sys.executable, "-m", "pipeline", "metrics", "--db", str(example_db), "--today", TODAY]
    result = subprocess.run(
        [*command, "--period", "2026Q3", "--by", "county"], cwd=ROOT, capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()
    rows = _rows(result.stdout)
    assert [row[0] for row in rows] == ["county", "东川县", "临河区", "西坪县"]
    bad = subprocess.run([*command, "--period", "2026Q9", "--by", "county"], cwd=ROOT, capture_output=True)
    assert bad.returncode == 2
    assert "参数错误" in bad.stderr.decode("utf-8")
