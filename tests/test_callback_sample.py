"""回访抽样 (SPEC §8): reproducible from the seed, at least one per department, nobody called back in the last 90
days, weighted toward 疑点 when asked; the callers' sheet with its drop-downs, read back by the import; role scoping;
the command line's refusal to overwrite a file."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from pipeline import access, db, labels, masking
from pipeline.callbacks import sample, sheet
from pipeline.ingest import load
from pipeline.queries import ALL, Scope
from tests import callback_helpers as city
from tests.conftest import ACCOUNTS, ROOT, add_accounts
from tests.ingest_helpers import csv_bytes, rows_of

TODAY = city.TODAY
IDS = city.IDS
NAMES = {v: k for k, v in IDS.items()}


@pytest.fixture
def con(tmp_path):
    connection = city.small_city(tmp_path / "sample.duckdb")
    yield connection
    connection.close()


def drawn_people(con, found: sample.Sample, scope: Scope = ALL) -> list[str]:
    lines = sample.lines(con, found, scope, masked=False)
    return [NAMES[i] for i in lines["id_number"]]


def test_the_same_seed_on_the_same_data_draws_the_same_people(con):
    first = sample.draw(con, "2026Q3", per_department=1, seed=42, today=TODAY)
    second = sample.draw(con, "2026Q3", per_department=1, seed=42, today=TODAY)
    assert first.sample_id != second.sample_id
    assert drawn_people(con, first) == drawn_people(con, second)
    stored = rows_of(con, "select sample_id, seed, per_department, share from callback_sample order by sample_id")
    assert stored == [(first.sample_id, 42, 1, None), (second.sample_id, 42, 1, None)]
    # over many seeds every person of 甲局 is drawn at some point: the seed decides
    seen = set()
    for seed in range(12):
        seen |= set(drawn_people(con, sample.draw(con, "2026Q3", per_department=1, seed=seed, today=TODAY)))
    assert {"A1", "A2", "A3"} <= seen


def test_a_draw_does_not_depend_on_other_departments(con):
    before = drawn_people(con, sample.draw(con, "2026Q3", per_department=1, seed=7, today=TODAY))
    # 乙局's people are called back: they drop out of its draw, 甲局's choice stays
    load.import_bytes(
        con, city.callback_bytes([("B1", "2026-11-01", "王", "接通", "是", "属实", "满意")]), "回访.csv", today=TODAY
    )
    after = drawn_people(con, sample.draw(con, "2026Q3", per_department=1, seed=7, today=TODAY))
    assert [p for p in before if p.startswith("A")] == [p for p in after if p.startswith("A")]
    assert "B1" not in after


def test_without_a_seed_one_is_chosen_stored_and_said(con):
    found = sample.draw(con, "2026Q3", share=0.5, today=TODAY)
    assert 1 <= found.seed <= sample.SEED_LIMIT
    assert labels.MSG_SAMPLE_SEED_CHOSEN.format(seed=found.seed) in found.notes
    assert rows_of(con, "select seed from callback_sample") == [(found.seed,)]
    again = sample.draw(con, "2026Q3", share=0.5, seed=found.seed, today=TODAY)
    assert drawn_people(con, again) == drawn_people(con, found)


def test_every_department_gives_at_least_one(con):
    found = sample.draw(con, "2026Q3", share=0.01, seed=3, today=TODAY)
    lines = sample.lines(con, found, masked=False)
    # the departments of the pairs active on as_of; the unpaired U1 belongs to none
    assert sorted(lines["department"]) == ["丙局", "乙局", "甲局"]
    assert found.departments == 3 and found.people == 3
    two = sample.lines(con, sample.draw(con, "2026Q3", per_department=2, seed=3, today=TODAY), masked=False)
    assert two.groupby("department").size().to_dict() == {"丙局": 1, "乙局": 2, "甲局": 2}  # 丙局 has one pair
    half = sample.lines(con, sample.draw(con, "2026Q3", share=0.5, seed=3, today=TODAY), masked=False)
    # half of 3 pairs rounds to 2, half of 2 to 1, half of 1 to 1 (rounded half up, at least one)
    assert half.groupby("department").size().to_dict() == {"丙局": 1, "乙局": 1, "甲局": 2}


def test_people_called_back_in_the_last_90_days_are_left_out(con):
    # as_of 2026-09-30: a callback after 2026-07-02 keeps a person out, one on 07-02 or before does not
    calls = [
        ("A1", "2026-07-03", "王", "接通", "是", "属实", "满意"),
        ("A2", "2026-07-02", "王", "接通", "是", "属实", "满意"),
        ("A3", "2026-10-20", "王", "未接通", "", "", ""),
    ]
    load.import_bytes(con, city.callback_bytes(calls), "回访.csv", today=TODAY)
    for seed in range(10):
        found = sample.draw(con, "2026Q3", per_department=3, seed=seed, today=TODAY)
        people = drawn_people(con, found)
        assert "A1" not in people and "A3" not in people and "A2" in people
    assert found.skip_since.isoformat() == "2026-07-02"
    assert labels.MSG_SAMPLE_SKIPPED.format(count=2, since="2026-07-02") in found.notes
    assert any(note.startswith(labels.MSG_SAMPLE_SHORT.format(departments="")) for note in found.notes)


def test_nobody_left_to_draw_is_said_plainly(con):
    calls = [(p, "2026-09-15", "王", "未接通", "", "", "") for p in ("A1", "A2", "A3", "B1", "B2", "C1")]
    load.import_bytes(con, city.callback_bytes(calls), "回访.csv", today=TODAY)
    with pytest.raises(sample.SampleError, match="没有可抽取"):
        sample.draw(con, "2026Q3", per_department=1, seed=1, today=TODAY)
    for bad in ({"per_department": 0}, {"share": 1.5}, {}, {"per_department": 1, "share": 0.1}):
        with pytest.raises(sample.SampleError):
            sample.draw(con, "2026Q3", today=TODAY, **bad)
    with pytest.raises(sample.SampleError):
        sample.draw(con, "2026Q3", per_department=1, seed="x", today=TODAY)


def test_doubtful_people_are_drawn_more_often_when_asked():
    population = pd.DataFrame(
        {
            "id_number": [f"P{i:02d}" for i in range(10)],
            "department": "甲局",
            "county": "甲县",
            "township": "甲镇",
            "village": None,
        }
    )
    everyone = set(population["id_number"])
    plain = weighted = 0
    for seed in range(400):
        plain += sample.choose(population, seed, 1, None, everyone)[0]["id_number"].tolist() == ["P03"]
        drawn, _ = sample.choose(population, seed, 1, None, everyone, {"P03": sample.DOUBT_WEIGHT})
        weighted += drawn["id_number"].tolist() == ["P03"]
    # one in ten without a weight; five in fourteen with it
    assert 20 <= plain <= 65
    assert 110 <= weighted <= 175


def test_the_sheet_has_drop_downs_and_goes_straight_back_in(con):
    found = sample.draw(con, "2026Q3", per_department=2, seed=5, today=TODAY)
    workbook = openpyxl.load_workbook(io.BytesIO(sheet.sheet_bytes(con, found)))
    ws = workbook.active
    header = [c.value for c in ws[sheet.HEADER_ROW]]
    position = {text.rstrip("*"): n for n, text in enumerate(header, start=1)}
    validations = {}
    for validation in ws.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            validations[ws.cell(sheet.HEADER_ROW, cell_range.min_col).value.rstrip("*")] = (
                validation.formula1.strip('"').split(","),
                cell_range.min_row,
                cell_range.max_row,
            )
    last = sheet.FIRST_DATA_ROW + found.people - 1
    assert validations == {
        "接通情况": (["接通", "未接通", "空号停机"], sheet.FIRST_DATA_ROW, last),
        "是否认识结对干部": (["是", "否"], sheet.FIRST_DATA_ROW, last),
        "近期联系是否属实": (["属实", "不属实", "记不清"], sheet.FIRST_DATA_ROW, last),
        "对帮扶是否满意": (["满意", "基本满意", "不满意"], sheet.FIRST_DATA_ROW, last),
    }
    first = sheet.FIRST_DATA_ROW
    id_cell = ws.cell(first, position["身份证号"]).value
    assert "*" in id_cell and ws.cell(first, position["对象电话"]).value in (None, "")
    assert ws.cell(first, position["干部电话"]).value == masking.mask_phone(
        rows_of(con, "select cadre_phone from callback_sample_line where line_no = 1")[0][0]
    )
    assert ws.cell(first, position["抽样编号"]).value == found.sample_id
    # the callers fill in two lines, leave the rest; one line's masked ID number is changed by mistake
    ws.cell(first, position["回访日期"]).value = "2026-11-20"
    ws.cell(first, position["接通情况"]).value = "接通"
    ws.cell(first, position["是否认识结对干部"]).value = "否"
    ws.cell(first, position["近期联系是否属实"]).value = "不属实"
    ws.cell(first + 1, position["回访日期"]).value = "2026-11-21"
    ws.cell(first + 1, position["接通情况"]).value = "未接通"
    ws.cell(first + 2, position["回访日期"]).value = "2026-11-21"
    ws.cell(first + 2, position["接通情况"]).value = "未接通"
    wrong = ws.cell(first + 2, position["身份证号"]).value
    ws.cell(first + 2, position["身份证号"]).value = wrong[:-4] + "0000"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = load.import_bytes(con, buffer.getvalue(), "回访清单.xlsx", today=TODAY)
    assert (report.kind, report.read, report.inserted, report.rejected) == ("callback", 3, 2, 1)
    assert "不符" in report.errors[0].reason
    assert report.unknown_columns == {}  # the reference columns are recognised
    assert labels.MSG_CALLBACK_UNANSWERED.format(sheet=labels.SAMPLE_SHEET_NAME, count=found.people - 3) in report.notes
    lines = sample.lines(con, found, masked=False)
    stored = rows_of(
        con, "select id_number, reach, knows_cadre, contact_truth, sample_id from callback order by callback_date"
    )
    assert stored == [
        (lines["id_number"][0], "接通", "否", "不属实", found.sample_id),
        (lines["id_number"][1], "未接通", None, None, found.sample_id),
    ]
    assert sample.get_sample(con, found.sample_id).done == 2


def test_a_masked_id_needs_its_sample_line(con):
    found = sample.draw(con, "2026Q3", per_department=1, seed=5, today=TODAY)
    masked = masking.mask_id(sample.lines(con, found, masked=False)["id_number"][0])
    header = [*city.CALLBACK_HEADER, "抽样编号", "序号"]
    rows = [
        header,
        [masked, "2026-11-20", "王", "接通", "是", "属实", "满意", "", "", ""],
        [masked, "2026-11-20", "李", "接通", "是", "属实", "满意", "", found.sample_id, 99],
        [masked, "2026-11-20", "赵", "接通", "是", "属实", "满意", "", 999, 1],
        [masked, "2026-11-20", "钱", "接通", "是", "属实", "满意", "", found.sample_id, 1],
    ]
    report = load.import_bytes(con, csv_bytes(rows), "回访.csv", today=TODAY)
    reasons = [e.reason for e in report.errors]
    assert report.inserted == 1 and len(reasons) == 3
    assert reasons[0] == labels.MSG_CALLBACK_MASKED_ID.format(value=masked)
    assert reasons[1] == labels.MSG_CALLBACK_NO_LINE.format(sample=found.sample_id, line=99, value=masked)
    assert reasons[2] == labels.MSG_CALLBACK_SAMPLE_UNKNOWN.format(sample=999)


# ---------------------------------------------------------------- who may draw, and what they see


def test_a_county_user_draws_only_his_county_and_a_department_user_sees_his_pairs(con):
    found = sample.draw(con, "2026Q3", per_department=3, seed=1, scope=Scope(county="甲县"), today=TODAY)
    lines = sample.lines(con, found, masked=False)
    assert set(lines["county"]) == {"甲县"} and set(lines["department"]) == {"甲局", "丙局"}
    everyone = sample.draw(con, "2026Q3", per_department=3, seed=1, today=TODAY)
    seen = sample.lines(con, everyone, Scope(department="乙局"), masked=False)
    assert set(seen["department"]) == {"乙局"} and len(seen) == 2
    assert [s.sample_id for s in sample.list_samples(con, Scope(department="乙局"))] == [everyone.sample_id]
    assert sample.get_sample(con, everyone.sample_id, Scope(department="乙局")).people == 2
    with pytest.raises(sample.SampleError):
        sample.get_sample(con, found.sample_id, Scope(county="乙县"))
    assert not sample.may_draw(access.User("单位", "department", department="乙局"))
    assert sample.may_draw(access.User("县区", "county", county="甲县"))


def _cli(database, *arguments):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "callback",
            "sample",
            "--db",
            str(database),
            "--today",
            TODAY.isoformat(),
            *map(str, arguments),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_line_draws_writes_and_audits(con, tmp_path):
    con.close()
    database = tmp_path / "sample.duckdb"
    out = tmp_path / "回访清单.xlsx"
    run = _cli(database, "--period", "2026Q3", "--share", "0.05", "--seed", "11", "--out", out)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert (summary["seed"], summary["departments"], summary["people"]) == (11, 3, 3)
    assert openpyxl.load_workbook(out).active.title == labels.SAMPLE_SHEET_NAME
    # never over an existing file without --force
    again = _cli(database, "--period", "2026Q3", "--share", "0.05", "--out", out)
    assert again.returncode == 2 and labels.MSG_OUTPUT_EXISTS.format(path=out) in again.stderr
    assert _cli(database, "--period", "2026Q3", "--share", "0.05", "--out", out, "--force").returncode == 0
    with db.session(database) as connection:
        assert rows_of(connection, "select count(*) from callback_sample") == [(2,)]  # the refused one drew nothing
        actions = [a for (a,) in rows_of(connection, "select action from audit_log order by audit_id")]
    assert actions == ["callback", "export", "callback", "export"]


def test_accounts_on_the_command_line(con, tmp_path):
    con.close()
    database = tmp_path / "sample.duckdb"
    county_user = "县区可查看"
    accounts = {
        county_user: ("county", "甲县", None, True),
        "单位测试": ("department", None, "乙局", False),
        "县区测试": ("county", "甲县", None, False),
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(ACCOUNTS, county_user, accounts[county_user])
        patch.setitem(ACCOUNTS, "单位测试", accounts["单位测试"])
        patch.setitem(ACCOUNTS, "县区测试", accounts["县区测试"])
        add_accounts(database, *accounts)
    out = tmp_path / "甲县.xlsx"
    run = _cli(
        database,
        "--period",
        "2026Q3",
        "--per-department",
        "5",
        "--seed",
        "2",
        "--out",
        out,
        "--user",
        county_user,
        "--unmask",
    )
    assert run.returncode == 0, run.stderr
    ws = openpyxl.load_workbook(out).active
    header = [c.value.rstrip("*") for c in ws[sheet.HEADER_ROW]]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=sheet.FIRST_DATA_ROW)]
    counties = {row[header.index("县区")] for row in rows}
    assert counties == {"甲县"} and len(rows) == 4  # A1–A3 and C1
    assert {row[header.index("身份证号")] for row in rows} == {IDS["A1"], IDS["A2"], IDS["A3"], IDS["C1"]}
    with db.session(database) as connection:
        audit = rows_of(connection, "select user_name, action, scope_text, detail from audit_log order by audit_id")
    assert [a[1] for a in audit[-3:]] == ["callback", "unmask", "export"]
    assert all(a[0] == county_user and "甲县" in a[2] for a in audit[-3:])
    assert labels.AUDIT_DETAIL_EXPORT_FULL in audit[-1][3]
    # no full phones without the permission; no sample at all for a department account
    refused = _cli(
        database,
        "--period",
        "2026Q3",
        "--per-department",
        "1",
        "--out",
        tmp_path / "a.xlsx",
        "--user",
        "县区测试",
        "--unmask",
    )
    assert refused.returncode == 2 and "没有查看完整信息的权限" in refused.stderr
    department = _cli(
        database, "--period", "2026Q3", "--per-department", "1", "--out", tmp_path / "b.xlsx", "--user", "单位测试"
    )
    assert department.returncode == 2 and labels.MSG_SAMPLE_NOT_ALLOWED.format(role="单位") in department.stderr
    outside = _cli(
        database,
        "--period",
        "2026Q3",
        "--per-department",
        "1",
        "--out",
        tmp_path / "c.xlsx",
        "--user",
        "县区测试",
        "--scope",
        "county=乙县",
    )
    assert outside.returncode == 2
    assert not (tmp_path / "a.xlsx").exists() and not (tmp_path / "b.xlsx").exists()
