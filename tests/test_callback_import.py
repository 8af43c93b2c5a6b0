"""The fourth kind of spreadsheet, 回访记录 (SPEC §8): aliases, bad values, duplicates and re-imports, as real files;
the figures of SPEC §8 against callbacks imported through the real import, counted by hand."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import openpyxl
import pytest

from pipeline import idnumber, labels, queries, templates
from pipeline.ingest import load
from tests import callback_helpers as city
from tests.ingest_helpers import ROOT, csv_bytes, errors_by_row, figures, rows_of, snapshot, wrong_check, xlsx_bytes

TODAY = city.TODAY
IDS = city.IDS


@pytest.fixture
def con(tmp_path):
    connection = city.small_city(tmp_path / "callbacks.duckdb")
    yield connection
    connection.close()


def messy_rows() -> list[list[object]]:
    """Aliases in the header and in the answers, bad values, an unknown person, duplicates (Excel rows 2–12)."""
    header = [
        "对象身份证号",
        "回访时间",
        "回访人员",
        "是否接通",
        "是否认识帮扶干部",
        "联系是否属实",
        "是否满意",
        "反映的问题",
        "备注",
    ]
    unknown = IDS["A1"][:14] + "9994"  # a wrong check digit
    return [
        header,
        [IDS["A1"], "2026/10/5", "王敏", "已接通", "认识", "真实", "比较满意", "房屋漏雨", "第一行"],  # 2 ok
        [IDS["A2"], "2026年10月6日", "王敏", "无人接听", "", "", "", "", ""],  # 3 ok (未接通)
        [IDS["A3"], "2026-10-07", "", "打不通", "", "", "", "", ""],  # 4 bad reach
        [IDS["B1"], "2026-10-08", "李强", "接通", "也许", "属实", "满意", "", ""],  # 5 bad knows
        [unknown, "2026-10-08", "李强", "接通", "是", "属实", "满意", "", ""],  # 6 bad check digit
        [IDS["B2"], "2026-12-30", "李强", "接通", "是", "属实", "满意", "", ""],  # 7 future
        [IDS["C1"], "2026-10-09", "李强", "空号", "是", "", "", "", ""],  # 8 answers though not reached
        [
            IDS["A1"],
            "2026/10/5",
            "王敏",
            "已接通",
            "认识",
            "真实",
            "比较满意",
            "房屋漏雨",
            "第一行",
        ],  # 9 exact duplicate of 2
        [IDS["U1"], "2026-10-10", "", "接通", "不认识", "记不清楚", "不满意", "", ""],  # 10 ok
        [IDS["U1"], "2026-10-10", "", "接通", "不认识", "不属实", "不满意", "", ""],  # 11 same key as 10: wins
        [wrong_check(IDS["A1"]), "2026-10-11", "", "接通", "", "", "", "", ""],  # 12 wrong check digit
    ]


def test_a_callback_file_with_aliases_bad_values_and_duplicates(con):
    data = csv_bytes(messy_rows(), encoding="utf-8-sig")
    report = load.import_bytes(con, data, "回访记录.csv", today=TODAY)
    assert report.kind == "callback" and report.status == "ok"
    # 11 rows read: row 9 repeats row 2 exactly, row 10 is superseded by row 11 (same key): two duplicates
    assert figures(report) == {"read": 11, "inserted": 3, "updated": 0, "unchanged": 0, "duplicate": 2, "rejected": 6}
    errors = errors_by_row(report)
    assert set(errors) == {4, 5, 6, 7, 8, 12}
    assert errors[4].column == "接通情况" and "可填：接通、未接通、空号停机" in errors[4].reason
    assert errors[5].column == "是否认识结对干部" and "可填：是、否" in errors[5].reason
    assert errors[6].column == "身份证号" and "校验位" in errors[6].reason
    assert errors[7].reason == labels.MSG_DATE_FUTURE.format(column="回访日期", value="2026-12-30", today=TODAY)
    assert "空号停机" in errors[8].reason and "是否认识结对干部" in errors[8].reason
    assert report.unknown_columns == {"回访记录": ["备注"]}
    stored = rows_of(
        con,
        "select id_number, callback_date::varchar, caller, reach, knows_cadre, contact_truth, "
        "satisfaction, reported_issue from callback order by callback_date",
    )
    assert stored == [
        (IDS["A1"], "2026-10-05", "王敏", "接通", "是", "属实", "基本满意", "房屋漏雨"),
        (IDS["A2"], "2026-10-06", "王敏", "未接通", None, None, None, None),
        (IDS["U1"], "2026-10-10", None, "接通", "否", "不属实", "不满意", None),
    ]


def test_an_unknown_person_is_refused_as_not_in_the_roster(con):
    stranger = idnumber.make("620102", dt.date(1960, 1, 1), 999)
    data = csv_bytes([city.CALLBACK_HEADER, [stranger, "2026-10-05", "王", "接通", "是", "属实", "满意", ""]])
    report = load.import_bytes(con, data, "回访.csv", today=TODAY)
    assert report.rejected == 1
    assert report.errors[0].reason.startswith("对象不在台账")


def test_the_same_file_again_changes_nothing(con):
    data = csv_bytes(messy_rows(), encoding="utf-8-sig")
    first = load.import_bytes(con, data, "回访记录.csv", today=TODAY)
    before = snapshot(con) | {"callback": rows_of(con, "select * from callback order by callback_key")}
    again = load.import_bytes(con, data, "回访记录（另存）.csv", today=TODAY)
    after = snapshot(con) | {"callback": rows_of(con, "select * from callback order by callback_key")}
    assert again.status == "already_imported" and again.earlier_batch == first.batch_id
    assert before == after


def test_a_later_file_updates_a_callback_by_its_key(con):
    load.import_bytes(con, city.callback_bytes(), "回访.csv", today=TODAY)
    changed = [
        row if row[0] != "A1" else ("A1", "2026-07-10", "王", "接通", "否", "不属实", "不满意")
        for row in city.CALLBACKS
    ]
    report = load.import_bytes(con, city.callback_bytes(changed), "回访（更正）.csv", today=TODAY)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 6)
    assert rows_of(con, "select knows_cadre, contact_truth from callback where id_number = ?", [IDS["A1"]]) == [
        ("否", "不属实")
    ]


def test_the_kind_is_recognised_from_the_headers_and_named_on_the_command_line(con, tmp_path):
    path = tmp_path / "回访记录.csv"
    path.write_bytes(csv_bytes(messy_rows(), encoding="utf-8-sig"))
    con.close()
    database = tmp_path / "callbacks.duckdb"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "import",
            "--db",
            str(database),
            "--today",
            TODAY.isoformat(),
            "--kind",
            "callback",
            str(path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr  # rows rejected
    summary = json.loads(run.stdout.splitlines()[0])
    assert summary["kind"] == "callback" and summary["inserted"] == 3 and summary["rejected"] == 6
    # a roster named as a callback file is not one
    roster = tmp_path / "结对台账.csv"
    roster.write_bytes(city.roster_bytes())
    wrong = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "import",
            "--db",
            str(database),
            "--today",
            TODAY.isoformat(),
            "--kind",
            "callback",
            str(roster),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert wrong.returncode == 2


def test_the_blank_template_and_a_filled_one(con, tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "template",
            "--kind",
            "callback",
            "--out",
            str(tmp_path / "t.xlsx"),
            "--db",
            str(tmp_path / "none.duckdb"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    workbook = openpyxl.load_workbook(tmp_path / "t.xlsx")
    header = [c.value for c in workbook.active[templates.HEADER_ROW]]
    assert header == [
        "身份证号*",
        "回访日期*",
        "回访人",
        "接通情况*",
        "是否认识结对干部",
        "近期联系是否属实",
        "对帮扶是否满意",
        "反映问题",
    ]
    sheet = workbook.active
    for column, value in zip("ABCDEFG", [IDS["B2"], "2026-11-02", "赵", "接通", "否", "属实", "满意"], strict=False):
        sheet[f"{column}{templates.FIRST_DATA_ROW}"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = load.import_bytes(con, buffer.getvalue(), "回访记录导入模板.xlsx", today=TODAY)
    assert (report.kind, report.inserted, report.rejected) == ("callback", 1, 0)


def test_an_xlsx_with_a_title_row_and_answers_in_drop_down_words(con):
    rows = [
        ["电话回访记录（2026年10月）"],
        city.CALLBACK_HEADER,
        [IDS["B2"], "2026-10-12", "周", "已接听", "知道", "不清楚", "非常满意", "孩子上学路远"],
    ]
    report = load.import_bytes(con, xlsx_bytes(rows, merges=["A1:H1"]), "回访.xlsx", today=TODAY)
    assert (report.inserted, report.rejected) == (1, 0), report.errors
    assert rows_of(con, "select reach, knows_cadre, contact_truth, satisfaction, reported_issue from callback") == [
        ("接通", "是", "记不清", "满意", "孩子上学路远")
    ]


# ---------------------------------------------------------------- the figures, counted by hand (callback_helpers.py)


@pytest.fixture
def counted(con):
    report = load.import_bytes(con, city.callback_bytes(), "回访记录.csv", today=TODAY)
    assert report.inserted == 7 and report.rejected == 0
    return con


def _row(frame, key, value):
    row = frame[frame[key] == value].iloc[0]
    return {k: (None if v != v else v) for k, v in row.items()}


def test_overall_figures(counted):
    row = queries.metrics(counted, "2026Q3", "overall", today=TODAY).iloc[0]
    # A1 A2 A3 B1 B2 U1 in Q3 (C1 is October): reached A1 A2 B2 U1; knows A1 B2 of A1 A2 B2 U1; true A1 U1 of
    # A1 A2 U1 (B2 记不清); satisfied A1 B2 of A1 A2 B2
    assert row["callbacks"] == 6
    assert row["callback_reach_rate"] == pytest.approx(4 / 6)
    assert row["callback_know_rate"] == pytest.approx(2 / 4)
    assert row["callback_truth_rate"] == pytest.approx(2 / 3)
    assert row["callback_satisfaction_rate"] == pytest.approx(2 / 3)


def test_figures_by_department_and_county(counted):
    departments = queries.metrics(counted, "2026Q3", "department", today=TODAY)
    jia = _row(departments, "department", "甲局")
    assert (jia["callbacks"], jia["callback_reach_rate"], jia["callback_know_rate"]) == (3, pytest.approx(2 / 3), 0.5)
    assert (jia["callback_truth_rate"], jia["callback_satisfaction_rate"]) == (0.5, 0.5)
    yi = _row(departments, "department", "乙局")
    assert (yi["callbacks"], yi["callback_reach_rate"], yi["callback_know_rate"]) == (2, 0.5, 1.0)
    assert yi["callback_truth_rate"] is None and yi["callback_satisfaction_rate"] == 1.0
    bing = _row(departments, "department", "丙局")  # its callback is in October
    assert bing["callbacks"] == 0 and bing["callback_reach_rate"] is None
    unpaired = _row(departments, "department", labels.UNPAIRED_LABEL)
    assert (unpaired["callbacks"], unpaired["callback_know_rate"], unpaired["callback_truth_rate"]) == (1, 0.0, 1.0)
    assert unpaired["callback_satisfaction_rate"] is None
    counties = queries.metrics(counted, "2026Q3", "county", today=TODAY)
    jia_county = _row(counties, "county", "甲县")  # A1 A2 A3 U1
    assert jia_county["callbacks"] == 4 and jia_county["callback_reach_rate"] == pytest.approx(3 / 4)
    assert jia_county["callback_know_rate"] == pytest.approx(1 / 3)
    assert jia_county["callback_truth_rate"] == pytest.approx(2 / 3)
    assert jia_county["callback_satisfaction_rate"] == pytest.approx(1 / 2)
    cadres = queries.metrics(counted, "2026-10", "cadre", today=TODAY)
    assert _row(cadres, "cadre", "丙干部")["callbacks"] == 1


def test_the_metrics_command_prints_the_figures(counted, tmp_path):
    counted.close()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "metrics",
            "--db",
            str(tmp_path / "callbacks.duckdb"),
            "--today",
            TODAY.isoformat(),
            "--period",
            "2026Q3",
            "--by",
            "overall",
            "--format",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    (row,) = json.loads(run.stdout)
    assert (row["callbacks"], row["callback_reach_rate"], row["callback_truth_rate"]) == (6, 0.6667, 0.6667)
