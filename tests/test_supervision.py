"""督办事项 (SPEC §7) without the app: working days, lights, the command-line loop, figures, documents, roles, audit.

The loop is the hand-built scenario of the issue: items raised from the overdue list of 2026-10 (the example
data, on 2026-11-28), a department signs and answers, a new contact log is imported, the evidence turns two of
the three lines done, 销号 is refused naming the open line, and allowed once the third contact is imported.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil

import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline import access, cli, db, labels, masking, queries, report
from pipeline.queries import Scope
from pipeline.supervision import documents, evidence, figures, items, lights, raising, rules, workdays
from tests.conftest import EXAMPLE_TODAY, ROOT, build_example_database

CITY, COUNTY, DEPARTMENT, READER = "市级测试", "县区测试", "单位测试", "只读测试"
FULL_ID = re.compile(r"(?<![0-9])\d{17}[\dXx](?![0-9])")
FULL_PHONE = re.compile(r"(?<![0-9])1\d{10}(?![0-9])")
# the three 市民政局 cadres of the 2026-10 overdue-contacts list, and the people they did not contact
CADRES = ("朱军华", "徐丽", "李明秀")
PEOPLE = {"朱军华": "620121198307050598", "徐丽": "620102196705020310", "李明秀": "62010219530620007X"}
D = dt.date


@pytest.fixture
def example(tmp_path):
    return build_example_database(tmp_path / "supervision.duckdb")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def contact_log(path, rows: list[tuple[str, str, str]]):
    """A small 走访记录 .csv as an office would send it: ID number, date, way."""
    text = "身份证号,走访日期,联系方式,干部电话,满意度\n" + "".join(f"{i},{d},{w},,\n" for i, d, w in rows)
    path.write_bytes(text.encode("utf-8-sig"))
    return path


def user(con, name: str) -> access.User:
    return access.load_user(con, name)


# ---------------------------------------------------------------- working days and lights


def test_ten_working_days_across_the_national_day_holiday_count_the_adjusted_saturday():
    # 2026: 10-01..10-07 off, Saturday 10-10 a working day (调休); 9-29, 9-30, 10-8, 10-9, 10-10, 10-12…10-16
    limit = workdays.add_working_days(D(2026, 9, 28), 10)
    assert limit == workdays.Counted(D(2026, 10, 16), False)
    assert workdays.is_workday(D(2026, 10, 10)) == (True, False)
    assert workdays.is_workday(D(2026, 10, 5)) == (False, False)
    assert workdays.add_working_days(D(2026, 9, 30), 1).value == D(2026, 10, 8)
    assert workdays.working_days_left(D(2026, 9, 30), D(2026, 10, 8)).value == 1


def test_a_year_the_calendar_does_not_know_is_counted_monday_to_friday_and_said_so():
    limit = workdays.add_working_days(D(2026, 12, 28), 10)
    # 12-29, 12-30, 12-31, then 2027 unknown: 1-1 (a Friday) … counted as a working day
    assert limit == workdays.Counted(D(2027, 1, 11), True)
    assert not workdays.known(D(2027, 3, 1)) and workdays.known(D(2026, 3, 1))
    assert workdays.add_working_days(D(2026, 12, 1), 5).estimated is False


@pytest.mark.parametrize(
    ("day", "light", "days"),
    [
        (D(2026, 9, 28), "green", "剩10个工作日"),
        (D(2026, 10, 9), "green", "剩6个工作日"),  # the holiday week did not count
        (D(2026, 10, 12), "green", "剩4个工作日"),
        (D(2026, 10, 13), "yellow", "剩3个工作日"),
        (D(2026, 10, 16), "yellow", "今天到期"),
        (D(2026, 10, 17), "red", "超期1天"),
        (D(2026, 11, 28), "red", "超期43天"),
    ],
)
def test_lights_on_given_days(day, light, days):
    due = D(2026, 10, 16)  # 交办 2026-09-28 + 10 working days
    assert lights.light("signed", due, day) == light
    assert lights.days_text("signed", due, day) == days


def test_a_closed_or_withdrawn_item_has_no_light():
    for state in ("closed", "withdrawn"):
        assert lights.light(state, D(2026, 10, 16), D(2026, 11, 28)) is None
        assert lights.days_text(state, D(2026, 10, 16), D(2026, 11, 28)) == labels.NO_VALUE


# ---------------------------------------------------------------- the loop on the command line


def test_the_loop_on_the_command_line(capsys, example, tmp_path):
    db_arg = ["--db", str(example)]
    code, out, err = run(
        capsys,
        "supervise",
        "open",
        *db_arg,
        "--today",
        "2026-11-28",
        "--department",
        "市民政局",
        "--from",
        "overdue-contacts",
        "--period",
        "2026-10",
        "--cadre",
        *CADRES,
        "--user",
        CITY,
    )
    assert code == 0, err
    raised = json.loads(out)
    assert raised["number"] == "督办〔2026〕第1号" and raised["state"] == "assigned"
    assert (raised["lines"], raised["lines_done"], raised["due"], raised["light"]) == (3, 0, "2026-12-11", "green")
    assert "已交办督办〔2026〕第1号" in err
    item_id = str(raised["id"])

    # an answer before signing is refused; the city office cannot sign for the department
    code, _, err = run(
        capsys,
        "supervise",
        "feedback",
        item_id,
        *db_arg,
        "--today",
        "2026-11-30",
        "--text",
        "已督促",
        "--user",
        DEPARTMENT,
    )
    assert code == 2 and "已交办" in err
    code, _, err = run(capsys, "supervise", "sign", item_id, *db_arg, "--today", "2026-11-30", "--user", CITY)
    assert code == 2 and "市民政局" in err
    for argv in (["sign"], ["feedback", "--text", "已电话督促三名干部，本周内入户走访"]):
        code, out, err = run(
            capsys, "supervise", argv[0], item_id, *argv[1:], *db_arg, "--today", "2026-11-30", "--user", DEPARTMENT
        )
        assert code == 0, err
    assert json.loads(out)["state"] == "answered"
    code, _, err = run(
        capsys,
        "supervise",
        "press",
        item_id,
        *db_arg,
        "--today",
        "2026-12-01",
        "--way",
        "电话",
        "--note",
        "请本周内完成",
        "--user",
        CITY,
    )
    assert code == 0, err

    # a new contact log: two of the three people contacted after 交办
    first = contact_log(
        tmp_path / "走访记录_12月上旬.csv",
        [(PEOPLE["朱军华"], "2026-12-02", "入户走访"), (PEOPLE["徐丽"], "2026-12-03", "电话")],
    )
    code, _, err = run(capsys, "import", *db_arg, "--today", "2026-12-04", "--user", CITY, str(first))
    assert code == 0, err
    code, out, _ = run(capsys, "supervise", "list", *db_arg, "--today", "2026-12-04", "--format", "json")
    listed = json.loads(out)
    assert [(r["id"], r["lines_done"], r["ready"]) for r in listed] == [(raised["id"], 2, False)]
    assert set(listed[0]) >= {"id", "number", "department", "state", "raised_on", "due", "light", "lines", "lines_done"}

    code, _, err = run(capsys, "supervise", "close", item_id, *db_arg, "--today", "2026-12-04", "--user", CITY)
    assert code == 2
    assert "不能销号" in err and "第3条" in err and "李明秀" in err
    assert "第1条" not in err and "第2条" not in err

    code, out, _ = run(capsys, "supervise", "show", item_id, *db_arg, "--today", "2026-12-04", "--format", "json")
    shown = json.loads(out)
    assert [line["evidence"] for line in shown["line_items"]] == ["2026-12-02 入户走访", "2026-12-03 电话", "未落实"]
    assert [step["action"] for step in shown["history"]] == ["raise", "sign", "feedback", "press"]
    assert not FULL_ID.search(out) and not FULL_PHONE.search(out)

    # the third contact arrives: the item is marked 可销号 after the import, and closes
    second = contact_log(tmp_path / "走访记录_12月中旬.csv", [(PEOPLE["李明秀"], "2026-12-07", "视频")])
    code, _, err = run(capsys, "import", *db_arg, "--today", "2026-12-08", "--user", CITY, str(second))
    assert code == 0 and "标记为可销号（督办〔2026〕第1号）" in err
    code, out, err = run(capsys, "supervise", "close", item_id, *db_arg, "--today", "2026-12-08", "--user", CITY)
    assert code == 0, err
    assert json.loads(out)["state"] == "closed" and json.loads(out)["light"] is None

    with db.session(example) as con:
        records = access.read_audit(con, action="supervise")
    steps = list(reversed(records["detail"].tolist()))
    assert [re.sub(r"^督办〔2026〕第1号（市民政局）：", "", d).split("，")[0] for d in steps] == [
        "交办",
        "签收",
        "反馈",
        "催办",
        "标记可销号",
        "销号",
    ]
    assert list(reversed(records["user_name"].tolist())) == [CITY, DEPARTMENT, DEPARTMENT, CITY, CITY, CITY]
    for text in records["detail"]:
        assert not FULL_ID.search(text) and "林" not in text  # no person in the audit log


def test_the_command_line_refuses_what_the_account_may_not_do(capsys, example):
    db_arg = ["--db", str(example), "--today", "2026-11-28"]
    code, out, _ = run(
        capsys,
        "supervise",
        "open",
        *db_arg,
        "--department",
        "市教育局",
        "--from",
        "overdue-contacts",
        "--period",
        "2026-10",
        "--user",
        CITY,
    )
    assert code == 0
    other = str(json.loads(out)["id"])
    # a department account does not see another department's item, whatever number it asks for
    code, _, err = run(capsys, "supervise", "show", other, *db_arg, "--user", DEPARTMENT)
    assert code == 2 and "找不到" in err
    code, out, _ = run(capsys, "supervise", "list", *db_arg, "--user", DEPARTMENT, "--format", "json")
    assert json.loads(out) == []
    code, _, err = run(capsys, "supervise", "sign", other, *db_arg, "--user", DEPARTMENT)
    assert code == 2 and "找不到" in err
    # 只读 raises nothing; a department does not raise; an unknown account is named
    for name in (READER, DEPARTMENT):
        code, _, err = run(
            capsys,
            "supervise",
            "open",
            *db_arg,
            "--department",
            "市教育局",
            "--from",
            "other",
            "--line",
            "核实走访记录",
            "--user",
            name,
        )
        assert code == 2 and "不能交办" in err
    code, _, err = run(capsys, "supervise", "press", other, *db_arg, "--way", "电话", "--user", "没有这个人")
    assert code == 2 and "没有这个人" in err
    code, _, err = run(capsys, "supervise", "press", other, *db_arg, "--way", "传真", "--user", CITY)
    assert code == 2 and "催办方式" in err
    code, _, err = run(
        capsys, "supervise", "open", *db_arg, "--department", "市教育局", "--from", "overdue-contacts", "--user", CITY
    )
    assert code == 2 and "--period" in err


def test_due_lists_what_turns_yellow_or_red(capsys, example):
    db_arg = ["--db", str(example)]
    for department, due in (("市教育局", "2026-12-01"), ("市残联", "2026-12-09"), ("市卫健委", "2026-12-31")):
        code, _, err = run(
            capsys,
            "supervise",
            "open",
            *db_arg,
            "--today",
            "2026-11-28",
            "--department",
            department,
            "--from",
            "other",
            "--line",
            "核实结对情况",
            "--due",
            due,
            "--user",
            CITY,
        )
        assert code == 0, err
    code, out, err = run(
        capsys, "supervise", "due", *db_arg, "--today", "2026-12-04", "--within", "3", "--format", "json"
    )
    assert code == 0
    found = json.loads(out)
    # 市教育局 past its limit (red), 市残联 with 3 working days left (yellow), 市卫健委 green: not listed
    assert [(r["department"], r["light"]) for r in found] == [("市教育局", "red"), ("市残联", "yellow")]
    assert "2件" in err


# ---------------------------------------------------------------- raising by role


def test_a_county_office_raises_items_of_its_county_only(example):
    with db.session(example) as con:
        county = user(con, COUNTY)
        item = items.raise_item(
            con,
            county,
            department="市民政局",
            source="overdue_contacts",
            lines=_overdue_lines(con, county, "市民政局"),
            today=EXAMPLE_TODAY,
        )
        assert item.county == "东川县"
        line_counties = {
            line["county"] for line in evidence.evidence_frame(con, Scope(), EXAMPLE_TODAY).to_dict("records")
        }
        assert line_counties == {"东川县"}
        outside = raising.pair_line({**_overdue_row(con, "临河区"), "cadre_name": "徐丽"}, 30)
        with pytest.raises(rules.NotAllowed, match="本县区"):
            items.raise_item(
                con, county, department="市民政局", source="overdue_contacts", lines=[outside], today=EXAMPLE_TODAY
            )
        city_item = items.raise_item(
            con,
            user(con, CITY),
            department="市民政局",
            source="overdue_contacts",
            lines=_overdue_lines(con, user(con, CITY), "市民政局"),
            today=EXAMPLE_TODAY,
        )
        assert city_item.county is None  # lines of several counties: a city matter
        assert [i.item_id for i in items.list_items(con, county.scope, EXAMPLE_TODAY)] == [item.item_id]
        # the county office acts on its own item, not on the city's
        items.act(con, user(con, DEPARTMENT), item.item_id, "sign", today=EXAMPLE_TODAY)
        items.act(con, county, item.item_id, "press", today=EXAMPLE_TODAY, way="约谈")
        with pytest.raises(rules.NotFound):
            items.act(con, county, city_item.item_id, "press", today=EXAMPLE_TODAY, way="电话")


def test_readonly_only_reads_and_a_department_only_answers(example):
    with db.session(example) as con:
        city = user(con, CITY)
        item = items.raise_item(
            con,
            city,
            department="市民政局",
            source="other",
            lines=[raising.text_line("核实三名干部的走访台账")],
            today=EXAMPLE_TODAY,
        )
        reader, department = user(con, READER), user(con, DEPARTMENT)
        assert items.get_item(con, item.item_id, reader.scope, EXAMPLE_TODAY).item_id == item.item_id
        assert rules.steps_for(reader, item) == []
        for step in ("press", "close", "sign"):
            with pytest.raises(rules.NotAllowed):
                items.act(con, reader, item.item_id, step, today=EXAMPLE_TODAY, way="电话")
        with pytest.raises(rules.NotAllowed):
            items.raise_item(
                con, reader, department="市民政局", source="other", lines=[raising.text_line("x")], today=EXAMPLE_TODAY
            )
        assert rules.steps_for(department, item) == ["sign", "extension_request", "explain"]
        for step in ("press", "close", "withdraw", "accept"):
            with pytest.raises(rules.NotAllowed):
                items.act(con, department, item.item_id, step, today=EXAMPLE_TODAY, text="x", way="电话", line_no=1)


def test_an_extension_granted_moves_the_time_limit_and_a_refusal_keeps_it(example):
    with db.session(example) as con:
        city, department = user(con, CITY), user(con, DEPARTMENT)
        item = items.raise_item(
            con,
            city,
            department="市民政局",
            source="other",
            lines=[raising.text_line("补齐走访记录")],
            today=D(2026, 11, 2),
            days=5,
        )
        assert item.due_on == D(2026, 11, 9)
        with pytest.raises(rules.SupervisionError, match="晚于"):
            items.act(
                con,
                department,
                item.item_id,
                "extension_request",
                today=D(2026, 11, 4),
                due=D(2026, 11, 9),
                text="对象外出务工",
            )
        after = items.act(
            con,
            department,
            item.item_id,
            "extension_request",
            today=D(2026, 11, 4),
            due=D(2026, 11, 20),
            text="对象外出务工，需等返乡",
        )
        assert after.pending_extension
        with pytest.raises(rules.SupervisionError, match="等待审批"):
            items.act(
                con,
                department,
                item.item_id,
                "extension_request",
                today=D(2026, 11, 4),
                due=D(2026, 11, 25),
                text="再延",
            )
        granted = items.act(con, city, item.item_id, "extension_grant", today=D(2026, 11, 5), text="同意")
        assert (granted.due_on, granted.first_due_on, granted.pending_extension) == (
            D(2026, 11, 20),
            D(2026, 11, 9),
            False,
        )
        items.act(
            con,
            department,
            item.item_id,
            "extension_request",
            today=D(2026, 11, 18),
            due=D(2026, 12, 1),
            text="仍未返乡",
        )
        refused = items.act(con, city, item.item_id, "extension_refuse", today=D(2026, 11, 19), text="请电话联系")
        assert refused.due_on == D(2026, 11, 20)
        decisions = items.extensions(con, refused)["decision"].tolist()
        assert decisions == ["granted", "refused"]


def test_a_line_is_done_by_an_explanation_the_office_accepts(example):
    with db.session(example) as con:
        city, department = user(con, CITY), user(con, DEPARTMENT)
        lines = _overdue_lines(con, city, "市民政局", cadres=("李明秀",))
        item = items.raise_item(
            con, city, department="市民政局", source="overdue_contacts", lines=lines, today=EXAMPLE_TODAY
        )
        items.act(
            con,
            department,
            item.item_id,
            "explain",
            today=D(2026, 12, 1),
            line_no=1,
            text="对象住院治疗，已与其家属通话",
        )
        with pytest.raises(rules.SupervisionError, match="不能销号"):
            items.act(con, city, item.item_id, "close", today=D(2026, 12, 1))
        accepted = items.act(con, city, item.item_id, "accept", today=D(2026, 12, 2), line_no=1)
        assert accepted.all_done and accepted.ready_on == D(2026, 12, 2)
        assert items.lines(con, accepted, D(2026, 12, 2))["evidence"].tolist() == ["2026-12-02 采纳情况说明"]
        closed = items.act(con, city, item.item_id, "close", today=D(2026, 12, 2))
        assert closed.state == "closed" and closed.closed_on == D(2026, 12, 2)
        with pytest.raises(rules.SupervisionError, match="已销号"):
            items.act(con, city, item.item_id, "press", today=D(2026, 12, 3), way="电话")


def test_an_issue_line_is_done_when_the_ledger_shows_the_issue_closed(example, tmp_path):
    with db.session(example) as con:
        city = user(con, CITY)
        frame = queries.overdue(
            con, "2026-10", "issues", Scope(department="市教育局"), today=EXAMPLE_TODAY, masked=False
        )
        lines = raising.lines_from_overdue(frame, "issues", 30)
        item = items.raise_item(
            con, city, department="市教育局", source="overdue_issues", lines=lines[:1], today=EXAMPLE_TODAY
        )
        issue_no = lines[0]["issue_no"]
        id_number = lines[0]["id_number"]
        row = con.execute(
            "select raised_on, category, description, level from issue where id_number = ? and issue_no = ?",
            [id_number, issue_no],
        ).fetchall()[0]
    ledger = tmp_path / "问题台账_12月.csv"
    text = "问题编号,身份证号,提出日期,问题类别,问题描述,办理层级,办理状态,办结日期,群众评价\n"
    text += f"{issue_no},{id_number},{row[0]},{row[1]},{row[2]},{row[3]},已解决,2026-12-03,满意\n"
    ledger.write_bytes(text.encode("utf-8-sig"))
    assert cli.main(["import", "--db", str(example), "--today", "2026-12-04", str(ledger)]) == 0
    with db.session(example) as con:
        after = items.get_item(con, item.item_id, Scope(), D(2026, 12, 4))
        assert after.all_done and after.ready_on == D(2026, 12, 4)
        assert items.lines(con, after, D(2026, 12, 4))["evidence"].tolist() == ["2026-12-03 已解决"]


# ---------------------------------------------------------------- figures, report sheet, documents


def _scenario_for_figures(con) -> dict[str, int]:
    """Five items by hand, with dates chosen so that every figure is known (see the test below)."""
    city, department = user(con, CITY), user(con, DEPARTMENT)
    edu = access.User("教育局测试", "department", department="市教育局")

    def raise_(name, today, **limit):
        return items.raise_item(
            con, city, department=name, source="other", today=today, lines=[raising.text_line("核实走访情况")], **limit
        ).item_id

    ids = {}
    # 市民政局 item A: raised Fri 10-09 (Sat 10-10 is a working day) → due 10-22; answered 10-20, closed 10-23 (late)
    ids["a"] = raise_("市民政局", D(2026, 10, 9))
    items.act(con, department, ids["a"], "sign", today=D(2026, 10, 12))
    items.act(con, department, ids["a"], "feedback", today=D(2026, 10, 20), text="已落实")
    items.act(con, city, ids["a"], "accept", today=D(2026, 10, 23), line_no=1, text="核实属实")
    items.act(con, city, ids["a"], "close", today=D(2026, 10, 23))
    # 市民政局 item B: due 10-20, never answered, pressed twice, still open on 11-28 (超期未销号)
    ids["b"] = raise_("市民政局", D(2026, 10, 12), due=D(2026, 10, 20))
    items.act(con, city, ids["b"], "press", today=D(2026, 10, 21), way="电话")
    items.act(con, city, ids["b"], "press", today=D(2026, 11, 2), way="约谈", text="约谈分管负责人")
    # 市教育局 item C: due 11-30, answered 11-05, closed 11-06 (on time), pressed once
    ids["c"] = raise_("市教育局", D(2026, 11, 2), due=D(2026, 11, 30))
    items.act(con, edu, ids["c"], "sign", today=D(2026, 11, 3))
    items.act(con, city, ids["c"], "press", today=D(2026, 11, 4), way="通知")
    items.act(con, edu, ids["c"], "feedback", today=D(2026, 11, 5), text="已全部联系")
    items.act(con, city, ids["c"], "accept", today=D(2026, 11, 6), line_no=1, text="核实属实")
    items.act(con, city, ids["c"], "close", today=D(2026, 11, 6))
    # 市教育局 item D: withdrawn (not counted); item E raised in 2026Q3 (another period)
    ids["d"] = raise_("市教育局", D(2026, 11, 20))
    items.act(con, city, ids["d"], "withdraw", today=D(2026, 11, 21), text="重复交办")
    ids["e"] = raise_("市教育局", D(2026, 9, 30))
    return ids


def test_figures_per_department_against_hand_counted_values(example):
    with db.session(example) as con:
        access.add_user(con, "教育局测试", "department", "测试密码-2026", department="市教育局")
        _scenario_for_figures(con)
        frame = figures.department_figures(con, "2026Q4", EXAMPLE_TODAY, total=True)
        overdue = figures.overdue_items(con, "2026Q4", EXAMPLE_TODAY)
    rows = {r["department"]: r for r in frame.to_dict("records")}
    assert list(rows) == ["市教育局", "市民政局", "合计"]
    expected = {
        # items, 按期反馈率, 按期销号率, 超期未销号, 平均办结天数, 催办次数
        "市民政局": (2, 0.5, 0.0, 1, 14.0, 2),  # A on time / B silent past its limit; A closed a day late
        "市教育局": (1, 1.0, 1.0, 0, 4.0, 1),  # C; D withdrawn, E raised in 2026Q3
        "合计": (3, 2 / 3, 1 / 3, 1, 9.0, 3),
    }
    for department, values in expected.items():
        row = rows[department]
        actual = tuple(row[c] for c in figures.FIGURE_COLUMNS)
        assert actual == pytest.approx(values), department
    assert overdue[["number_text", "department", "days_overdue", "answered", "presses"]].values.tolist() == [
        ["督办〔2026〕第2号", "市民政局", 39, labels.NO_LABEL, 2]
    ]
    with db.session(example) as con:  # as the items stood on 2026-10-21: A answered, not yet due or closed
        early = figures.department_figures(con, "2026Q4", D(2026, 10, 21))
    mca = early.set_index("department").loc["市民政局"]
    assert (mca["items"], mca["feedback_due"], mca["feedback_on_time"], mca["close_due"], mca["presses"]) == (
        2,
        2,
        1,
        1,
        1,
    )


def test_the_dispatch_report_and_the_bulletin_carry_the_figures(example, tmp_path):
    with db.session(example) as con:
        access.add_user(con, "教育局测试", "department", "测试密码-2026", department="市教育局")
        _scenario_for_figures(con)
        data = report.build_report(con, "2026Q4", today=EXAMPLE_TODAY)
        paper = documents.bulletin_paper(con, "2026Q4", EXAMPLE_TODAY)
    book = load_workbook(io.BytesIO(report.report_workbook(data)))
    assert "督办落实情况" in book.sheetnames
    sheet = list(book["督办落实情况"].iter_rows(values_only=True))
    header = sheet[2]
    assert header[:7] == (
        "干部单位",
        "督办事项数",
        "按期反馈率",
        "按期销号率",
        "超期未销号数",
        "平均办结天数",
        "催办次数",
    )
    assert sheet[3][:7] == ("市教育局", 1, 1, 1, 0, 4, 1)
    assert sheet[4][:7] == ("市民政局", 2, 0.5, 0, 1, 14, 2)
    assert sheet[5][0] == "合计" and sheet[5][1] == 3
    assert "督办落实情况" in report.report_html(data)

    document = Document(io.BytesIO(documents.docx_bytes(paper)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "关于全市2026年第四季度（截至2026年11月28日）督办事项落实情况的通报"
    assert any("共交办督办事项3件，涉及2个单位" in t and "超期未销号1件" in t for t in texts)
    assert any(
        t.startswith("1. 督办〔2026〕第2号（市民政局，一般，办理时限2026年10月20日，已超期39天，未反馈") for t in texts
    )
    assert any("未按期反馈的单位：市民政局" in t for t in texts)
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert table[0] == [
        "承办单位",
        "督办事项数",
        "按期反馈率",
        "按期销号率",
        "超期未销号数",
        "平均办结天数",
        "催办次数",
    ]
    assert table[1:] == [
        ["市教育局", "1", "100.0%", "100.0%", "0", "4", "1"],
        ["市民政局", "2", "50.0%", "0.0%", "1", "14", "2"],
        ["合计", "3", "66.7%", "33.3%", "1", "9", "3"],
    ]
    html = documents.html_text(paper)
    assert "督办〔2026〕第2号" in html and "<script" not in html


def test_the_supervision_sheet_lists_the_lines_masked(example, capsys, tmp_path):
    with db.session(example) as con:
        city = user(con, CITY)
        item = items.raise_item(
            con,
            city,
            department="市民政局",
            source="overdue_contacts",
            lines=_overdue_lines(con, city, "市民政局", cadres=CADRES),
            today=EXAMPLE_TODAY,
            level="重点",
        )
        items.act(con, user(con, DEPARTMENT), item.item_id, "sign", today=D(2026, 11, 30))
        items.act(con, user(con, DEPARTMENT), item.item_id, "feedback", today=D(2026, 11, 30), text="已督促，本周落实")
    out, page = tmp_path / "督办单.docx", tmp_path / "督办单.html"
    code, _, err = run(
        capsys,
        "supervise",
        "sheet",
        str(item.item_id),
        "--db",
        str(example),
        "--today",
        "2026-12-01",
        "--out",
        str(out),
        "--html",
        str(page),
    )
    assert code == 0, err
    document = Document(out)
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["督 办 单", "督办〔2026〕第1号"]
    fields = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert fields["编号"] == "督办〔2026〕第1号" and fields["承办单位"] == "市民政局"
    assert fields["督办事项"] == "超期未联系（3项）" and fields["督办级别"] == "重点"
    assert fields["交办日期"] == "2026年11月28日" and fields["办理时限"] == "2026年12月11日"
    assert fields["交办人"] == CITY and fields["督办要求"].startswith("请市民政局于2026年12月11日前")
    lines = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert lines[0] == list(labels.SV_SHEET_LINE_HEADERS)
    assert [row[2] for row in lines[1:]] == [masking.mask_id(PEOPLE[c]) for c in CADRES]
    assert [row[3] for row in lines[1:]] == list(CADRES)
    assert any(t.startswith("2026年11月30日，单位测试反馈：已督促，本周落实") for t in texts)
    xml = "".join(part.blob.decode("utf-8", "ignore") for part in document.part.package.parts)
    for text in (xml, page.read_text(encoding="utf-8")):
        assert not FULL_ID.search(text) and not FULL_PHONE.search(text)
        assert "林*军" in text and "林秀军" not in text


# ---------------------------------------------------------------- database


def test_nothing_is_deleted_and_the_tables_come_with_the_migrations(tmp_path):
    old = tmp_path / "guanai.duckdb"
    shutil.copy2(ROOT / "tests" / "data" / "release-0.1" / "guanai.duckdb", old)
    with db.session(old) as con:
        tables = {name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert {
            "supervision_item",
            "supervision_line",
            "supervision_event",
            "supervision_press",
            "supervision_extension",
        } <= tables
    statements = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "pipeline" / "sql" / "supervision").glob("*.sql")
    )
    assert not re.search(r"\bdelete\s+from\b|\btruncate\b|\bdrop\b", statements, re.IGNORECASE)
    sources = [*(ROOT / "pipeline" / "supervision").glob("*.py"), ROOT / "pipeline" / "cli" / "supervise.py"]
    code = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    assert "execute(" in code and not re.search(r"execute\(\s*(f[\"']|[^,)]*\.format\(|[^,)]*%)", code)


def test_migration_numbers_are_contiguous():
    versions = [version for version, _ in db.migrations()]
    assert versions == list(range(2, 2 + len(versions)))
    assert any(path.name.endswith("_supervision.sql") for _, path in db.migrations())


# ---------------------------------------------------------------- helpers


def _overdue_lines(con, account: access.User, department: str, cadres=()) -> list[dict]:
    frame = queries.overdue(
        con, "2026-10", "contacts", account.combine(Scope(department=department)), today=EXAMPLE_TODAY, masked=False
    )
    return raising.lines_from_overdue(frame, "contacts", 30, cadres)


def _overdue_row(con, county: str) -> dict:
    frame = queries.overdue(
        con, "2026-10", "contacts", Scope(county=county, department="市民政局"), today=EXAMPLE_TODAY, masked=False
    )
    return frame.to_dict("records")[0]
