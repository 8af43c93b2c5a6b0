"""`python -m pipeline report` and `… snapshot create|list|compare`: files written, exit codes, messages."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from pipeline import cli, db
from pipeline.ingest.load import import_file
from tests.conftest import EXAMPLE_TODAY

TODAY = ["--today", EXAMPLE_TODAY.isoformat()]


@pytest.fixture
def example_db(tmp_path, example_dir):
    path = tmp_path / "cli.duckdb"
    with db.session(path) as con:
        for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
            assert import_file(con, example_dir / name, today=EXAMPLE_TODAY).rejected == 0
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_writes_the_workbook_and_the_html(capsys, example_db, tmp_path):
    out, page = tmp_path / "季度调度.xlsx", tmp_path / "季度调度.html"
    code, _, err = run(
        capsys, "report", "--db", str(example_db), "--period", "2026Q3", *TODAY, "--out", str(out), "--html", str(page)
    )
    assert code == 0, err
    book = load_workbook(out)
    assert book.sheetnames[0] == "总体情况" and "单位排名" in book.sheetnames
    assert "全市联系覆盖率74.1%" in page.read_text(encoding="utf-8")
    assert "已生成Excel报告" in err and "已生成HTML报告" in err


def test_pdf_without_chromium_is_a_partial_success(capsys, example_db, tmp_path, monkeypatch):
    monkeypatch.setenv("GUANAI_CHROMIUM", str(tmp_path / "no-chromium"))
    out, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    code, _, err = run(
        capsys, "report", "--db", str(example_db), "--period", "2026-10", *TODAY, "--out", str(out), "--pdf", str(pdf)
    )
    assert code == 1
    assert out.is_file() and not pdf.exists()
    assert "Chromium" in err and "no-chromium" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--period", "2026Q9"], "无法识别"),
        (["--period", "2027Q1"], "尚未开始"),
        ([], "--snapshot"),  # neither a period nor a snapshot
        (["--period", "2026Q3", "--kind", "month"], "不符"),
        (["--period", "2026Q3", "--kind", "week"], "报告类型"),
        (["--snapshot", "7"], "第7号封存"),
        (["--snapshot", "abc"], "正整数"),
        (["--period", "2026Q3", "--scope", "street=1"], "范围"),
    ],
)
def test_report_argument_errors_exit_2(capsys, example_db, tmp_path, extra, message):
    out = tmp_path / "r.xlsx"
    code, _, err = run(capsys, "report", "--db", str(example_db), *TODAY, "--out", str(out), *extra)
    assert code == 2
    assert message in err and err.startswith("参数错误")
    assert not out.exists()


def test_report_needs_an_existing_database_and_an_out_file(capsys, tmp_path):
    missing = tmp_path / "none.duckdb"
    code, _, err = run(capsys, "report", "--db", str(missing), "--period", "2026Q3", "--out", str(tmp_path / "r.xlsx"))
    assert code == 2 and "找不到数据库文件" in err and not missing.exists()
    code, _, err = run(capsys, "report", "--db", str(missing), "--period", "2026Q3")
    assert code == 2 and "--out" in err


def test_snapshot_create_list_compare_and_report(capsys, example_db, tmp_path):
    code, out, err = run(
        capsys,
        "snapshot",
        "create",
        "--db",
        str(example_db),
        "--period",
        "2026Q3",
        *TODAY,
        "--user",
        "张三",
        "--note",
        "三季度调度会",
    )
    assert code == 0, err
    created = json.loads(out)
    assert created["snapshot_id"] == 1 and created["period"] == "2026Q3" and created["data_batch_id"] == 3
    assert "已封存：第1号" in err

    code, out, _ = run(capsys, "snapshot", "list", "--db", str(example_db))
    assert code == 0
    listed = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert [(r["snapshot_id"], r["period"], r["created_by"], r["note"]) for r in listed] == [
        ("1", "2026Q3", "张三", "三季度调度会")
    ]

    code, out, _ = run(
        capsys,
        "snapshot",
        "compare",
        "--db",
        str(example_db),
        "--id",
        "1",
        "--by",
        "county",
        *TODAY,
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out) == []  # nothing changed since
    code, out, _ = run(
        capsys,
        "snapshot",
        "compare",
        "--db",
        str(example_db),
        "--id",
        "1",
        "--by",
        "county",
        "--all",
        *TODAY,
        "--format",
        "json",
    )
    rows = json.loads(out)
    assert {r["county"] for r in rows} == {"东川县", "临河区", "西坪县"} and {r["comparison"] for r in rows} == {"same"}

    frozen = tmp_path / "封存报告.xlsx"
    code, _, err = run(capsys, "report", "--db", str(example_db), "--snapshot", "1", "--out", str(frozen))
    assert code == 0, err
    assert "第1号封存" in load_workbook(frozen)["总体情况"]["A2"].value


def test_snapshot_errors_exit_2(capsys, example_db, tmp_path):
    missing = tmp_path / "none.duckdb"
    code, _, err = run(capsys, "snapshot", "create", "--db", str(missing), "--period", "2026Q3")
    assert code == 2 and "找不到数据库文件" in err and not missing.exists()
    code, _, err = run(capsys, "snapshot", "create", "--db", str(example_db), "--period", "2026Q3", "--user", " ")
    assert code == 2 and "封存人" in err
    code, _, err = run(capsys, "snapshot", "compare", "--db", str(example_db), "--id", "5")
    assert code == 2 and "第5号封存" in err
    code, _, err = run(capsys, "snapshot", "compare", "--db", str(example_db), "--id", "1", "--by", "street")
    assert code == 2 and "分组" in err
    code, _, err = run(capsys, "snapshot", "drop", "--db", str(example_db))
    assert code == 2 and "参数错误" in err and "drop" in err
