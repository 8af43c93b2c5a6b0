"""Trust under real office habits (SPEC §4), met the way an office meets them.

An old ledger sent again (byte for byte, or saved again with one cell changed), a cadre who changed his
phone, a county that sends its full current list and simply drops the people who left, a blank template
sent back. Every case is real .csv/.xlsx files on disk, imported through load.import_file/import_bytes and
through `python -m pipeline import`, and checked on the counts, the reasons, the stored rows, the audit
log and the §5 figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from pipeline import access, labels, masking, queries, templates
from pipeline.ingest import load
from pipeline.ingest.progress_rules import FullList
from pipeline.ingest.rows import ImportReport
from tests.conftest import ROOT
from tests.ingest_helpers import (
    ISSUES_HEADER,
    ROSTER_HEADER,
    TODAY,
    VISITS_HEADER,
    counts,
    csv_bytes,
    issue_row,
    mobile,
    open_db,
    pid,
    roster_row,
    rows_of,
    snapshot,
    visit_row,
    wrong_check,
    xlsx_bytes,
)

FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
A, B, C, D, E = (pid(n) for n in range(1, 6))


# ---------------------------------------------------------------- helpers


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def imp(con, path, **kwargs) -> ImportReport:
    kwargs.setdefault("today", TODAY)
    return load.import_file(con, path, **kwargs)


def overall(con, period: str = "2026") -> dict:
    """The city's §5 figures of a period, computed from the ledgers."""
    frame = queries.metrics(con, period, "overall", today=TODAY, stored=False)
    return {name: (None if pd.isna(value) else value) for name, value in frame.iloc[0].items()}


def balanced(report: ImportReport) -> bool:
    """read = inserted + updated + unchanged + duplicate + rejected + held back."""
    parts = report.inserted + report.updated + report.unchanged + report.duplicate + report.rejected
    return report.read == parts + report.held_back


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=180,
    )


def cli_import(db_path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    result = run_cli("import", "--db", str(db_path), "--today", TODAY.isoformat(), *map(str, args))
    lines = result.stdout.splitlines()
    return result, (json.loads(lines[0]) if lines else {})


def roster_csv() -> bytes:
    return csv_bytes(
        [
            ROSTER_HEADER,
            roster_row(A, name="刘斌", phone_seq=1, paired_on="2026-01-05"),
            roster_row(B, name="胡强", phone_seq=2, paired_on="2026-02-01"),
            roster_row(C, name="张平", phone_seq=3, paired_on="2026-03-01"),
        ]
    )


def visits_csv() -> bytes:
    return csv_bytes([VISITS_HEADER, visit_row(A, cadre_phone=mobile(1)), visit_row(B, cadre_phone=mobile(2))])


def ledger(wt1=("待办理", ""), wt2=("办理中", ""), wt3=("待办理", ""), wt3_level="干部本人") -> bytes:
    """The issue ledger as an office keeps it: a workbook, one numbered row per issue."""
    return xlsx_bytes(
        {
            "问题台账": [
                ISSUES_HEADER,
                issue_row(A, "WT1", "2026-09-01", "生活", "房屋漏雨", status=wt1[0], closed_on=wt1[1]),
                issue_row(B, "WT2", "2026-09-05", "医疗", "报销慢", status=wt2[0], closed_on=wt2[1]),
                issue_row(
                    C, "WT3", "2026-09-10", "学习", "缺课外辅导", level=wt3_level, status=wt3[0], closed_on=wt3[1]
                ),
            ]
        }
    )


LEDGER_V2 = {"wt1": ("已解决", "2026-10-12"), "wt2": ("无法解决", "2026-10-20"), "wt3": ("办理中", "")}


@pytest.fixture
def office(tmp_path):
    """A database that went through roster, contact log, ledger v1 (by 张三) and ledger v2 (some issues closed)."""
    con = open_db(tmp_path)
    files = {
        "roster": write(tmp_path, "结对台账.csv", roster_csv()),
        "visits": write(tmp_path, "走访记录.csv", visits_csv()),
        "v1": write(tmp_path, "问题台账（9月）.xlsx", ledger()),
        "v2": write(tmp_path, "问题台账（10月）.xlsx", ledger(**LEDGER_V2)),
    }
    for key in ("roster", "visits", "v1", "v2"):
        report = imp(con, files[key], user="张三")
        assert report.status == "ok" and report.rejected == 0, report.errors
    yield con, files
    con.close()


# ================================================================ 1. an old ledger sent again never undoes progress


def test_an_old_ledger_sent_again_byte_for_byte_changes_nothing(office, tmp_path):
    con, files = office
    before, figures = snapshot(con), overall(con)
    assert (figures["issues_total"], figures["issues_resolved"]) == (3, 1)
    imported_at = rows_of(con, "select imported_at from import_batch where batch_id = 3")[0][0]

    again = imp(con, files["v1"], user="李四")
    assert again.status == "already_imported" and again.batch_id is None and again.earlier_batch == 3
    assert again.message == labels.MSG_ALREADY_IMPORTED.format(
        time=imported_at.strftime("%Y-%m-%d %H:%M"), user="张三", batch=3
    )
    assert again.message.startswith("该文件已于") and again.message.endswith("由张三导入（第3批），本次未作任何改动")
    assert (again.read, again.inserted, again.updated, again.unchanged, again.rejected) == (3, 0, 0, 3, 0)
    summary = again.summary()
    assert summary["status"] == "already_imported" and summary["note"] == again.message
    assert summary["earlier_batch"] == 3
    # nothing written: not a row, not a batch (the attempt is not a batch of its own), the figures the same
    assert snapshot(con) == before
    assert overall(con) == figures
    # under another name too: the bytes are what is recognised
    renamed = write(tmp_path, "问题台账-副本.xlsx", files["v1"].read_bytes())
    assert imp(con, renamed).status == "already_imported"
    assert snapshot(con) == before


def test_an_old_ledger_saved_again_holds_back_the_rows_that_would_reopen_issues(office, tmp_path):
    con = office[0]
    before, figures = snapshot(con), overall(con)
    # the September ledger, opened and saved again with one cell changed: other bytes, the old states
    old = write(tmp_path, "问题台账（9月）-修改.xlsx", ledger(wt3_level="所在单位"))
    report = imp(con, old, user="李四")
    assert report.status == "ok" and report.batch_id == 5
    assert (report.read, report.updated, report.unchanged, report.rejected, report.held_back) == (3, 1, 0, 0, 2)
    assert balanced(report)
    held = {e.row: e for e in report.errors if e.held_back}
    assert sorted(held) == [2, 3] and not [e for e in report.errors if not e.held_back]
    assert held[2].column == "办理状态"
    assert held[2].reason.startswith("状态回退，未导入：该问题当前为“已解决”（办结日期2026-10-12，第4批导入）")
    assert held[3].reason.startswith("状态回退，未导入：该问题当前为“无法解决”（办结日期2026-10-20，第4批导入）")
    assert "本行为“待办理”" in held[2].reason and "--allow-reopen" in held[2].reason
    assert held[2].raw["问题编号"] == "WT1"  # kept with its cells, to be downloaded and fixed
    # the closed issues stay closed; the third issue (never closed) takes the new level
    assert rows_of(con, "select issue_no, status, closed_on, level from issue order by issue_no") == [
        ("WT1", "已解决", dt.date(2026, 10, 12), "干部本人"),
        ("WT2", "无法解决", dt.date(2026, 10, 20), "干部本人"),
        ("WT3", "待办理", None, "所在单位"),
    ]
    assert overall(con) == figures
    assert (figures["issues_resolved"], round(figures["resolution_rate"], 4)) == (1, 0.3333)
    # the batch counts them apart from the rejected rows, and keeps them marked with their reasons
    assert rows_of(con, "select rejected, held_back from import_batch where batch_id = 5") == [(0, 2)]
    stored = rows_of(con, "select row_no, held_back, reason from rejected_row where batch_id = 5 order by row_no")
    assert [(row, flag) for row, flag, _ in stored] == [(2, True), (3, True)]
    assert stored[0][2] == held[2].reason
    # the JSON line of the command line: held_back right after rejected, the rows in errors with their reason
    summary = report.summary()
    assert list(summary)[7:10] == ["rejected", "held_back", "errors"]
    assert [e["reason"][:8] for e in summary["errors"]] == ["状态回退，未导入"] * 2
    assert {t: r for t, r in snapshot(con).items() if t not in ("issue", "import_batch", "rejected_row")} == {
        t: r for t, r in before.items() if t not in ("issue", "import_batch", "rejected_row")
    }


def test_reopening_on_purpose_applies_the_rows_and_writes_the_audit_log(office, tmp_path):
    con = office[0]
    old = write(tmp_path, "问题台账（9月）-修改.xlsx", ledger(wt3_level="所在单位"))
    assert imp(con, old, user="李四").held_back == 2
    resolved_before = overall(con)["issues_resolved"]
    # the same file again, now with the explicit option: applied as written, although imported before
    report = imp(con, old, user="王五", allow_reopen=True)
    assert report.status == "ok" and report.batch_id == 6
    assert (report.updated, report.unchanged, report.held_back, report.reopened) == (2, 1, 0, 2)
    assert labels.MSG_REOPENED.format(issues=2, people=0) in report.notes
    assert rows_of(con, "select issue_no, status, closed_on from issue order by issue_no") == [
        ("WT1", "待办理", None),
        ("WT2", "办理中", None),
        ("WT3", "待办理", None),
    ]
    figures = overall(con)
    assert (resolved_before, figures["issues_resolved"], figures["resolution_rate"]) == (1, 0, 0.0)
    audit = access.read_audit(con, action="reopen")
    assert audit[["user_name", "row_count"]].values.tolist() == [["王五", 2]]
    assert "问题台账（9月）-修改.xlsx" in audit["detail"][0] and "2个" in audit["detail"][0]
    # without the option, a file that moves nothing back writes no such record
    plain = write(tmp_path, "问题台账（11月）.xlsx", ledger(**LEDGER_V2, wt3_level="所在单位"))
    assert imp(con, plain, user="王五").updated == 3  # closing issues is progress: nothing to audit
    assert len(access.read_audit(con, action="reopen")) == 1


def test_the_same_habit_through_the_command_line(tmp_path):
    path = tmp_path / "cli.duckdb"
    roster = write(tmp_path, "结对台账.csv", roster_csv())
    v1 = write(tmp_path, "问题台账（9月）.xlsx", ledger())
    v2 = write(tmp_path, "问题台账（10月）.xlsx", ledger(**LEDGER_V2))
    for file in (roster, v1, v2):
        result, summary = cli_import(path, "--user", "张三", file)
        assert result.returncode == 0, result.stderr
    result, summary = cli_import(path, v1)
    assert result.returncode == 0, result.stderr
    assert summary["status"] == "already_imported" and summary["earlier_batch"] == 2
    assert summary["note"].startswith("该文件已于") and "由张三导入（第2批），本次未作任何改动" in summary["note"]
    assert summary["note"] in result.stderr
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (0, 0, 3)
    assert {"file", "kind", "read", "duplicate", "rejected", "held_back", "errors"} <= set(summary)

    old = write(tmp_path, "问题台账（9月）-修改.xlsx", ledger(wt3_level="所在单位"))
    result, summary = cli_import(path, old)
    assert result.returncode == 0, result.stderr  # held-back rows are not rejected rows: exit 0
    assert list(summary)[7:9] == ["rejected", "held_back"]
    assert (summary["updated"], summary["rejected"], summary["held_back"]) == (1, 0, 2)
    assert [(e["row"], e["column"]) for e in summary["errors"]] == [(2, "办理状态"), (3, "办理状态")]
    assert summary["errors"][0]["reason"].startswith(
        "状态回退，未导入：该问题当前为“已解决”（办结日期2026-10-12，第3批导入）"
    )

    result, summary = cli_import(path, "--allow-reopen", "--user", "王五", old)
    assert result.returncode == 0, result.stderr
    assert (summary["updated"], summary["held_back"]) == (2, 0)
    assert labels.MSG_REOPENED.format(issues=2, people=0) in summary["notes"]
    con = open_db(tmp_path, "cli.duckdb")
    try:
        assert rows_of(con, "select count(*) from issue where status in ('已解决', '无法解决')") == [(0,)]
        assert rows_of(con, "select user_name, row_count from audit_log where action = 'reopen'") == [("王五", 2)]
        assert rows_of(con, "select batch_id, held_back from import_batch order by batch_id") == [
            (1, 0),
            (2, 0),
            (3, 0),
            (4, 2),
            (5, 0),
        ]
    finally:
        con.close()


ROSTER_WITH_EXIT = [*ROSTER_HEADER, "退出日期"]


def _roster_with_exits(exits: dict[str, str], village_of_b: str = "1村") -> bytes:
    return xlsx_bytes(
        [
            ROSTER_WITH_EXIT,
            [*roster_row(A, name="刘斌", phone_seq=1), exits.get(A, "")],
            [*roster_row(B, name="胡强", village=village_of_b, phone_seq=2), exits.get(B, "")],
        ]
    )


def test_a_roster_that_would_clear_a_persons_exit_is_held_back_whole(tmp_path):
    con = open_db(tmp_path)
    assert imp(con, write(tmp_path, "台账（9月）.xlsx", _roster_with_exits({}))).inserted == 2
    left = write(tmp_path, "台账（10月）.xlsx", _roster_with_exits({A: "2026-10-31"}))
    assert imp(con, left).updated == 1
    november = overall(con, "2026-11")
    assert november["beneficiaries"] == 1
    # September's roster saved again with one cell changed: 刘斌 has no 退出日期 there
    old = write(tmp_path, "台账（9月）-修改.xlsx", _roster_with_exits({}, village_of_b="2村"))
    report = imp(con, old)
    assert (report.updated, report.rejected, report.held_back) == (1, 0, 1) and balanced(report)
    (held,) = [e for e in report.errors if e.held_back]
    assert held.row == 2 and held.column == "退出日期"
    assert held.reason.startswith("状态回退，未导入：该对象已于2026-10-31退出（第2批导入），本行未填退出日期")
    assert rows_of(con, "select id_number, exited_on, village from beneficiary order by id_number") == [
        (A, dt.date(2026, 10, 31), "1村"),
        (B, None, "2村"),
    ]
    assert overall(con, "2026-11") == november
    # a roster without a 退出日期 column says nothing about it: the stored date stays, nothing held back
    plain = write(tmp_path, "台账（无退出列）.csv", csv_bytes([ROSTER_HEADER, roster_row(A, name="刘斌", phone_seq=1)]))
    report = imp(con, plain)
    assert (report.held_back, report.unchanged) == (0, 1)
    # on purpose: the person comes back, and the audit log says who did it
    report = imp(con, old, user="王五", allow_reopen=True)
    assert (report.updated, report.held_back, report.reopened) == (1, 0, 1)
    assert rows_of(con, "select exited_on from beneficiary where id_number = ?", [A]) == [(None,)]
    assert access.read_audit(con, action="reopen")[["user_name", "row_count"]].values.tolist() == [["王五", 1]]
    assert overall(con, "2026-11")["beneficiaries"] == 2


# ================================================================ 2a. a cadre changes his phone


def _two_counties_roster() -> bytes:
    """黄静 of 市民政局 is paired with 刘斌 (临河区) and 胡强 (东川县); 郭斌 with 张平."""
    return csv_bytes(
        [
            ROSTER_HEADER,
            roster_row(A, name="刘斌", cadre="黄静", cadre_phone=mobile(1), paired_on="2026-01-05"),
            roster_row(
                B,
                name="胡强",
                county="东川县",
                township="东川乡",
                cadre="黄静",
                cadre_phone=mobile(1),
                paired_on="2026-02-01",
            ),
            roster_row(
                C, name="张平", cadre="郭斌", cadre_phone=mobile(2), department="市教育局", paired_on="2026-03-01"
            ),
        ]
    )


def _phone_setup(tmp_path):
    con = open_db(tmp_path)
    assert imp(con, write(tmp_path, "结对台账.csv", _two_counties_roster())).inserted == 3
    contacts = [
        VISITS_HEADER,
        visit_row(A, "2026-10-08", cadre_phone=mobile(1)),
        visit_row(B, "2026-10-09", "电话", cadre_phone=mobile(1)),
        visit_row(C, "2026-10-10", cadre_phone=mobile(2)),
    ]
    assert imp(con, write(tmp_path, "走访记录.csv", csv_bytes(contacts))).inserted == 3
    return con


def _new_phone_roster() -> bytes:
    """临河区's next roster: the same person, cadre, unit and 结对日期 — a new 干部电话."""
    return xlsx_bytes(
        [ROSTER_HEADER, roster_row(A, name="刘斌", cadre="黄静", cadre_phone=mobile(9), paired_on="2026-01-05")]
    )


def test_a_cadre_who_changed_his_phone_keeps_his_pairings_and_contacts(tmp_path):
    con = _phone_setup(tmp_path)
    figures = overall(con, "2026-10")
    report = imp(con, write(tmp_path, "临河区台账（11月）.xlsx", _new_phone_roster()))
    assert report.status == "ok"
    assert (report.inserted, report.updated, report.rejected) == (0, 1, 0)
    (note,) = [n for n in report.notes if n.startswith("干部电话变更")]
    assert note == labels.MSG_PHONE_CHANGE.format(
        cadre="黄静", department="市民政局", old="139****0001", new="139****0009", pairings=2, contacts=2
    )
    assert report.summary()["notes"] == report.notes
    # the pairing keeps its key's person and takes the new phone; his other pairing (another county, not in
    # this file) and the contacts he recorded under the old phone follow
    assert rows_of(con, "select id_number, cadre_phone, cadre_name, paired_on from pairing order by id_number") == [
        (A, mobile(9), "黄静", dt.date(2026, 1, 5)),
        (B, mobile(9), "黄静", dt.date(2026, 2, 1)),
        (C, mobile(2), "郭斌", dt.date(2026, 3, 1)),
    ]
    assert rows_of(con, "select id_number, cadre_phone from contact order by id_number") == [
        (A, mobile(9)),
        (B, mobile(9)),
        (C, mobile(2)),
    ]
    assert overall(con, "2026-10") == figures  # the same pairs, the same contacts: not a figure moves
    by_cadre = queries.metrics(con, "2026-10", "cadre", today=TODAY, stored=False)
    assert sorted(by_cadre["cadre_phone_masked"]) == ["139****0002", "139****0009"]
    # the next month's roster with the new phone again changes nothing
    again = write(
        tmp_path,
        "临河区台账（12月）.csv",
        csv_bytes(
            [ROSTER_HEADER, roster_row(A, name="刘斌", cadre="黄静", cadre_phone=mobile(9), paired_on="2026-01-05")]
        ),
    )
    report = imp(con, again)
    assert (report.unchanged, report.updated, report.notes) == (1, 0, [])


def test_a_county_offices_phone_change_stays_in_its_county(tmp_path):
    con = _phone_setup(tmp_path)
    report = load.import_bytes(con, _new_phone_roster(), "临河区台账（11月）.xlsx", today=TODAY, county="临河区")
    assert (report.updated, report.rejected) == (1, 0)
    assert (
        labels.MSG_PHONE_CHANGE.format(
            cadre="黄静", department="市民政局", old="139****0001", new="139****0009", pairings=1, contacts=1
        )
        in report.notes
    )
    # 胡强 is of 东川县: a 临河区 office's file does not change his pairing or his contacts
    assert rows_of(con, "select id_number, cadre_phone from pairing where cadre_name = '黄静' order by 1") == [
        (A, mobile(9)),
        (B, mobile(1)),
    ]
    assert rows_of(con, "select id_number, cadre_phone from contact where id_number in (?, ?) order by 1", [A, B]) == [
        (A, mobile(9)),
        (B, mobile(1)),
    ]


def test_a_phone_change_through_the_command_line(tmp_path):
    path = tmp_path / "cli.duckdb"
    roster = write(tmp_path, "结对台账.csv", _two_counties_roster())
    result, _ = cli_import(path, roster)
    assert result.returncode == 0, result.stderr
    result, summary = cli_import(path, write(tmp_path, "临河区台账（11月）.xlsx", _new_phone_roster()))
    assert result.returncode == 0, result.stderr
    assert (summary["updated"], summary["rejected"], summary["errors"]) == (1, 0, [])
    assert any(n.startswith("干部电话变更：黄静（市民政局）139****0001 → 139****0009") for n in summary["notes"])
    assert not FULL_MOBILE.search(result.stdout) and not FULL_ID.search(result.stdout)


def test_a_different_cadre_is_still_an_overlap_and_its_reason_masks_the_phone(tmp_path):
    con = _phone_setup(tmp_path)
    before = snapshot(con)
    other = xlsx_bytes(
        [ROSTER_HEADER, roster_row(A, name="刘斌", cadre="王伟", cadre_phone=mobile(9), paired_on="2026-01-05")]
    )
    report = imp(con, write(tmp_path, "台账.xlsx", other))
    assert (report.rejected, report.updated, report.notes) == (1, 0, [])
    (error,) = report.errors
    assert "时间重叠" in error.reason and "干部电话139****0001" in error.reason and mobile(1) not in error.reason
    assert {t: r for t, r in snapshot(con).items() if t not in ("import_batch", "rejected_row")} == {
        t: r for t, r in before.items() if t not in ("import_batch", "rejected_row")
    }


def test_no_reason_the_import_writes_shows_a_full_phone_or_id_number(tmp_path):
    con = _phone_setup(tmp_path)
    roster = csv_bytes(
        [
            ROSTER_HEADER,
            roster_row(wrong_check(pid(20)), name="甲"),  # a wrong check digit
            roster_row(pid(21), name="乙", cadre_phone="1390000123"),  # ten digits
            roster_row(pid(22), name="丙", cadre_phone="139000012345"),  # twelve digits
            roster_row(A, name="刘斌", cadre="王伟", cadre_phone=mobile(8), paired_on="2026-02-01"),  # an overlap
            roster_row(pid(23), name="丁", category="13912345678"),  # a phone where a category belongs
            roster_row(pid(24), name="戊", village="1村", paired_on=pid(25)),  # an ID number where a date belongs
        ]
    )
    visits = csv_bytes(
        [
            VISITS_HEADER,
            visit_row(pid(30), cadre_phone=mobile(1)),  # not in the roster
            visit_row(A, "2026-12-01", cadre_phone=mobile(1)),  # after the import day
            visit_row(B, satisfaction="13912345678"),  # a phone where the rating belongs
            visit_row(C, satisfaction=pid(31)),  # an ID number where the rating belongs
        ]
    )
    issues = csv_bytes([ISSUES_HEADER, issue_row(pid(32), "WT9"), issue_row(A, "WT8", status=mobile(7))])
    reports = [
        imp(con, write(tmp_path, name, data))
        for name, data in (("台账.csv", roster), ("走访.csv", visits), ("问题.csv", issues))
    ]
    reasons = [e.reason for report in reports for e in report.errors]
    assert len(reasons) == sum(report.rejected for report in reports) >= 11
    texts = reasons + [line for report in reports for line in (report.message, *report.notes)]
    texts += [json.dumps(report.summary(), ensure_ascii=False) for report in reports]
    texts += [reason for (reason,) in rows_of(con, "select reason from rejected_row")]
    for text in texts:
        assert not FULL_MOBILE.search(text), text
        assert not FULL_ID.search(text), text
    assert any(masking.mask_id(pid(30)) in reason for reason in reasons)  # still says which
    assert any("139****0001" in reason for reason in reasons)


# ================================================================ 2b. a county's complete list


def _county_setup(tmp_path):
    """东川县 has 刘斌, 胡强, 张平; 临河区 has 林秀娟."""
    con = open_db(tmp_path)
    roster = csv_bytes(
        [
            ROSTER_HEADER,
            roster_row(A, name="刘斌", county="东川县", township="东川乡", phone_seq=1),
            roster_row(B, name="胡强", county="东川县", township="东川乡", phone_seq=2),
            roster_row(C, name="张平", county="东川县", township="东坝镇", village="3村", phone_seq=3),
            roster_row(D, name="林秀娟", county="临河区", phone_seq=4),
        ]
    )
    assert imp(con, write(tmp_path, "全市台账.csv", roster)).inserted == 4
    return con


def _dongchuan_list() -> bytes:
    """东川县's November list: 张平 has left and is simply not there; 周超 is new."""
    return xlsx_bytes(
        [
            ROSTER_HEADER,
            roster_row(A, name="刘斌", county="东川县", township="东川乡", phone_seq=1),
            roster_row(B, name="胡强", county="东川县", township="东川乡", phone_seq=2),
            roster_row(E, name="周超", county="东川县", township="东川乡", phone_seq=5),
        ]
    )


def test_without_the_word_complete_list_nothing_is_inferred_from_absence(tmp_path):
    con = _county_setup(tmp_path)
    report = imp(con, write(tmp_path, "东川县名单（11月）.xlsx", _dongchuan_list()))
    assert (report.inserted, report.unchanged, report.full_list) == (1, 2, None)
    assert rows_of(con, "select count(*) from beneficiary where exited_on is not null") == [(0,)]
    assert overall(con, "2026-11")["beneficiaries"] == 5


def test_a_complete_list_lists_the_missing_first_and_exits_them_once_confirmed(tmp_path):
    con = _county_setup(tmp_path)
    path = write(tmp_path, "东川县名单（11月）.xlsx", _dongchuan_list())
    before = snapshot(con)
    asked = imp(con, path, full_list=FullList("东川县"))
    assert asked.status == "needs_confirmation" and asked.batch_id is None
    assert asked.full_list == {
        "county": "东川县",
        "exit_on": TODAY.isoformat(),
        "missing": 1,
        "people": [{"id_number": masking.mask_id(C), "name": "张平", "township": "东坝镇", "village": "3村"}],
    }
    assert asked.message == labels.MSG_FULL_LIST_CONFIRM.format(county="东川县", count=1, exit_on=TODAY)
    assert snapshot(con) == before  # listed before anything changes

    done = imp(con, path, user="东川县民政局", full_list=FullList("东川县", confirmed=True))
    assert done.status == "ok" and (done.inserted, done.unchanged) == (1, 2)
    assert done.full_list["exited"] == 1
    assert labels.MSG_FULL_LIST_EXITED.format(county="东川县", count=1, exit_on=TODAY) in done.notes
    assert rows_of(con, "select id_number, exited_on, batch_id from beneficiary where exited_on is not null") == [
        (C, TODAY, done.batch_id)
    ]
    audit = access.read_audit(con, action="full_list_exit")
    assert audit[["user_name", "scope_text", "row_count"]].values.tolist() == [["东川县民政局", "县区：东川县", 1]]
    figures = overall(con, "2026-11")
    assert figures["beneficiaries"] == 4  # 张平 left on the import day: out of the running month's figures
    assert overall(con, "2026-10")["beneficiaries"] == 5  # in October 张平 was still in the programme
    # the list again next month: nobody is missing any more, and 临河区's person was never touched
    again = imp(con, path, full_list=FullList("东川县"))
    assert again.status == "ok" and again.full_list["missing"] == 0
    assert labels.MSG_FULL_LIST_NONE_MISSING.format(county="东川县") in again.notes
    assert rows_of(con, "select exited_on from beneficiary where id_number = ?", [D]) == [(None,)]


def test_a_complete_list_through_the_command_line(tmp_path):
    path = tmp_path / "cli.duckdb"
    roster = write(
        tmp_path,
        "全市台账.csv",
        csv_bytes(
            [
                ROSTER_HEADER,
                roster_row(A, name="刘斌", county="东川县", township="东川乡", phone_seq=1),
                roster_row(B, name="胡强", county="东川县", township="东川乡", phone_seq=2),
                roster_row(C, name="张平", county="东川县", township="东坝镇", village="3村", phone_seq=3),
                roster_row(D, name="林秀娟", county="临河区", phone_seq=4),
            ]
        ),
    )
    assert cli_import(path, roster)[0].returncode == 0
    month = write(tmp_path, "东川县名单（11月）.xlsx", _dongchuan_list())

    result, summary = cli_import(path, "--full-list", "county=东川县", month)
    assert result.returncode == 0, result.stderr  # a question, not a failure: nothing changed yet
    assert summary["status"] == "needs_confirmation" and summary["inserted"] == 0
    assert summary["full_list"]["missing"] == 1
    assert summary["full_list"]["people"][0]["id_number"] == masking.mask_id(C)
    assert "--confirm" in result.stderr and "张平" not in result.stderr
    con = open_db(tmp_path, "cli.duckdb")
    try:
        assert counts(con)["import_batch"] == 1 and counts(con)["beneficiary"] == 4
    finally:
        con.close()

    result, summary = cli_import(path, "--full-list", "county=东川县", "--confirm", "--user", "东川县民政局", month)
    assert result.returncode == 0, result.stderr
    assert (summary["inserted"], summary["full_list"]["exited"]) == (1, 1)
    con = open_db(tmp_path, "cli.duckdb")
    try:
        assert rows_of(con, "select id_number, exited_on from beneficiary where exited_on is not null") == [(C, TODAY)]
        assert rows_of(con, "select user_name, row_count from audit_log where action = 'full_list_exit'") == [
            ("东川县民政局", 1)
        ]
    finally:
        con.close()


def test_the_command_line_refuses_a_complete_list_it_cannot_apply(tmp_path):
    path = tmp_path / "cli.duckdb"
    roster = write(tmp_path, "全市台账.csv", roster_csv())
    assert cli_import(path, roster)[0].returncode == 0
    month = write(tmp_path, "名单.xlsx", _dongchuan_list())
    result, _ = cli_import(path, "--confirm", month)
    assert result.returncode == 2 and labels.MSG_CONFIRM_WITHOUT_FULL_LIST in result.stderr
    result, _ = cli_import(path, "--full-list", "county=东川县", month, roster)
    assert result.returncode == 2 and labels.MSG_FULL_LIST_ONE_FILE in result.stderr
    result, _ = cli_import(path, "--full-list", "东川县", month)
    assert result.returncode == 2 and "county=县区名" in result.stderr
    result, summary = cli_import(path, "--full-list", "county=西坪县", "--confirm", month)
    assert result.returncode == 2 and summary["status"] == "failed"
    assert summary["message"] == labels.MSG_FULL_LIST_NO_ROWS.format(county="西坪县")
    visits = write(tmp_path, "走访.csv", visits_csv())
    result, summary = cli_import(path, "--full-list", "county=临河区", "--confirm", visits)
    assert result.returncode == 2 and summary["message"] == labels.MSG_FULL_LIST_NOT_ROSTER
    con = open_db(tmp_path, "cli.duckdb")
    try:
        assert counts(con)["import_batch"] == 1
        assert rows_of(con, "select count(*) from beneficiary where exited_on is not null") == [(0,)]
    finally:
        con.close()


# ================================================================ 3. a header and no data rows


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("结对台账模板.xlsx", templates.template_bytes("roster")),
        ("问题台账模板.xlsx", templates.template_bytes("issues")),
        ("走访记录.csv", csv_bytes([VISITS_HEADER])),
        ("结对台账.csv", csv_bytes([ROSTER_HEADER, [""] * len(ROSTER_HEADER), ["合计", "0人"]])),
    ],
)
def test_a_file_with_a_header_and_no_rows_is_refused(tmp_path, name, data):
    con = open_db(tmp_path)
    report = imp(con, write(tmp_path, name, data))
    assert report.status == "failed" and report.batch_id is None
    assert report.message == "文件只有表头，没有数据行" == labels.MSG_HEADER_ONLY
    assert report.summary()["status"] == "failed"
    assert counts(con) == dict.fromkeys(counts(con), 0)  # nothing recorded, not even a batch
    con.close()

    result, summary = cli_import(tmp_path / "cli.duckdb", tmp_path / name)
    assert result.returncode == 2
    assert summary["status"] == "failed" and summary["message"] == labels.MSG_HEADER_ONLY
    assert labels.MSG_HEADER_ONLY in result.stderr
    con = open_db(tmp_path, "cli.duckdb")
    try:
        assert counts(con)["import_batch"] == 0
    finally:
        con.close()
