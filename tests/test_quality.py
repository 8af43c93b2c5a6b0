"""Data-quality checks on a hand-built database: each finds exactly the offenders planted, and nothing else.

The cast (today 2026-11-28), by cadre:
  A 黄静 mobile(1) 市民政局, 临河区: p1–p6 from 2026-01-05, six active pairs (more than 5).
  B 郭斌 mobile(2) 市教育局, 东川县: p7–p11 from 2026-02-01, five active; p19 too, but p19 exited.
  C 王伟 mobile(3) 市卫健委, 西坪县: p12 until 2026-06-01 (then D 李娜 mobile(4) 市卫健委), p13–p17.
  E 赵敏 mobile(6) 市民政局, 南塬县: p20 from 2026-06-01 (enrolled that day), p21 2026-06-01..09-01,
    p22 2026-01-01..03-01 (then F 孙杰 mobile(7) 市人社局 from 2026-05-01).
  F also p23 from 2026-01-01, enrolled only on 2026-03-01. p18 (西坪县) is not paired.
Planted:
  other cadre:      p2 2026-03-02 by mobile(9); p12 2026-07-01 by C while D was paired.
  before pairing:   p3 2025-12-01; p18 (never paired); p20 2026-05-20 (also before 纳入日期);
                    p22 2026-04-01 (between two pairings); p23 2026-02-01 (before 纳入日期 only).
  busy cadres:      A (6). B and C have exactly 5 active pairs in the programme.
  never contacted:  p5 and p11 (p19 exited; p21's pairing has ended; p18 is not paired).
  unknown columns:  备注 in four imports, 天气 in three (补录走访.csv twice).
  rejected rows:    补录走访.csv imported twice (only the second import's row counts) and 其他走访.csv.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from pipeline import labels, masking, quality, queries
from tests.ingest_helpers import csv_bytes, mobile, open_db, pid, run_import, wrong_check

TODAY = dt.date(2026, 11, 28)
P = {k: pid(k) for k in range(1, 30)}
ROSTER = [
    "身份证号",
    "姓名",
    "对象类别",
    "县区",
    "乡镇",
    "结对干部",
    "干部电话",
    "干部单位",
    "结对日期",
    "解除日期",
    "纳入日期",
    "退出日期",
    "备注",
]
VISITS = ["身份证号", "走访日期", "联系方式", "走访干部", "干部电话", "天气", "备注"]
NAMES = {k: f"对象{k:02d}" for k in P}
METHODS = ("入户走访", "电话", "微信", "短信", "视频", "邀请到家", "其他")


def _person(k, county, cadre=None, phone="", department="", paired="", unpaired="", enrolled="", exited=""):
    return [
        P[k],
        NAMES[k],
        "孤儿",
        county,
        county + "一镇",
        cadre or "",
        phone,
        department,
        paired,
        unpaired,
        enrolled,
        exited,
        "",
    ]


def _roster() -> list[list[object]]:
    rows = [ROSTER]
    rows += [_person(k, "临河区", "黄静", mobile(1), "市民政局", "2026-01-05") for k in range(1, 7)]
    rows += [_person(k, "东川县", "郭斌", mobile(2), "市教育局", "2026-02-01") for k in range(7, 12)]
    rows += [_person(12, "西坪县", "王伟", mobile(3), "市卫健委", "2026-01-05", "2026-06-01")]
    rows += [_person(12, "西坪县", "李娜", mobile(4), "市卫健委", "2026-06-01")]
    rows += [_person(k, "西坪县", "王伟", mobile(3), "市卫健委", "2026-01-05") for k in range(13, 18)]
    rows += [_person(18, "西坪县")]
    rows += [_person(19, "东川县", "郭斌", mobile(2), "市教育局", "2026-02-01", exited="2026-05-01")]
    rows += [_person(20, "南塬县", "赵敏", mobile(6), "市民政局", "2026-06-01", enrolled="2026-06-01")]
    rows += [_person(21, "南塬县", "赵敏", mobile(6), "市民政局", "2026-06-01", "2026-09-01")]
    rows += [_person(22, "南塬县", "赵敏", mobile(6), "市民政局", "2026-01-01", "2026-03-01")]
    rows += [_person(22, "南塬县", "孙杰", mobile(7), "市人社局", "2026-05-01")]
    rows += [_person(23, "南塬县", "孙杰", mobile(7), "市人社局", "2026-01-01", enrolled="2026-03-01")]
    rows[1][-1] = "新纳入"
    return rows


def _visit(k, date, cadre_phone="", cadre="", method="电话"):
    return [P[k], date, method, cadre, cadre_phone, "晴", ""]


def _visits() -> list[list[object]]:
    rows = [VISITS]
    rows += [_visit(1, "2026-03-01", mobile(1), "黄静")]
    rows += [_visit(2, "2026-03-02", mobile(9), "赵六")]  # other cadre
    rows += [_visit(3, "2025-12-01", mobile(1), "黄静")]  # before pairing
    rows += [_visit(4, "2026-03-01")]  # no cadre phone: not judged
    rows += [_visit(6, "2026-04-01", mobile(1), "黄静")]
    rows += [_visit(k, "2026-03-01", mobile(2), "郭斌") for k in range(7, 11)]
    rows += [_visit(12, "2026-03-01", mobile(3), "王伟")]
    rows += [_visit(12, "2026-07-01", mobile(3), "王伟")]  # other cadre: D was paired by then
    rows += [_visit(12, "2026-08-01", mobile(4), "李娜")]
    rows += [_visit(k, "2026-03-01", mobile(3), "王伟", "入户走访") for k in range(13, 18)]
    rows += [_visit(18, "2026-05-01", mobile(5), "周八")]  # never paired
    rows += [_visit(20, "2026-05-20", mobile(6), "赵敏")]  # before pairing and before 纳入日期
    rows += [_visit(20, "2026-07-01", mobile(6), "赵敏")]
    rows += [_visit(21, "2026-10-01", mobile(6), "赵敏")]  # after the pairing ended: not "before"
    rows += [_visit(22, "2026-04-01", mobile(7), "孙杰")]  # between two pairings
    rows += [_visit(23, "2026-02-01", mobile(7), "孙杰")]  # paired, but before 纳入日期
    return rows


def build_quality_db(tmp_path, name: str = "quality.duckdb"):
    """The database of the cast above, with its imports; returns an open connection."""
    con = open_db(tmp_path, name)
    reports = [
        run_import(con, csv_bytes(_roster()), "结对台账.csv"),
        run_import(con, csv_bytes(_visits(), encoding="gbk"), "走访记录.csv"),
        # a first try of 补录走访.csv with three bad rows, then the file fixed but for one row
        run_import(
            con,
            csv_bytes(
                [
                    VISITS,
                    _visit(1, "2026-05-01", method="登门"),
                    [wrong_check(P[3]), "2026-05-01", "电话", "", "", "", ""],
                    _visit(1, "2026-13-45"),
                ]
            ),
            "补录走访.csv",
        ),
        run_import(con, csv_bytes([VISITS, [wrong_check(P[4]), "2026-05-02", "电话", "", "", "", ""]]), "补录走访.csv"),
        run_import(
            con,
            csv_bytes(
                [
                    ["身份证号", "走访日期", "联系方式"],
                    [wrong_check(P[5]), "2026-05-03", "电话"],
                    [wrong_check(P[6]), "2026-05-03", "电话"],
                    [P[7], "2026-05-03", "登门"],
                    [pid(500), "2026-05-03", "电话"],
                    [P[8], "2026-13-45", "拜访"],
                ]
            ),
            "其他走访.csv",
        ),
    ]
    assert [r.status for r in reports] == ["ok"] * 5
    assert [r.rejected for r in reports] == [0, 0, 3, 1, 5]
    return con


@pytest.fixture
def con(tmp_path):
    connection = build_quality_db(tmp_path)
    yield connection
    connection.close()


def _ids(frame) -> list[str]:
    return frame["id_number"].tolist()


def _m(k: int) -> str:
    return masking.mask_id(P[k])


def test_contacts_by_another_cadre_than_the_paired_one(con):
    found = quality.run_check(con, "other_cadre_contacts", as_of=TODAY, masked=False)
    assert list(
        zip(found["id_number"], found["contact_date"], found["visit_cadre_phone"], found["cadre_phone"], strict=True)
    ) == [
        (P[12], dt.date(2026, 7, 1), mobile(3), mobile(4)),
        (P[2], dt.date(2026, 3, 2), mobile(9), mobile(1)),
    ]
    assert found["department"].tolist() == ["市卫健委", "市民政局"]
    assert found["cadre_name"].tolist() == ["李娜", "黄静"]
    # each row's own method and the cadre the ledger names (read only for the contacts found)
    stored = {
        (id_number, day, phone): (method, cadre_name)
        for id_number, day, phone, method, cadre_name in con.execute(
            "select id_number, contact_date, cadre_phone, method, cadre_name from contact"
        ).fetchall()
    }
    shown = list(zip(found["method"], found["visit_cadre_name"], strict=True))
    assert shown == [stored[(row.id_number, row.contact_date, row.visit_cadre_phone)] for row in found.itertuples()]
    assert all(method for method, _ in shown)


def test_contacts_before_the_pairing_or_before_enrolment(con):
    found = quality.run_check(con, "contacts_before_pairing", as_of=TODAY, masked=False)
    both = labels.QUALITY_BEFORE_PAIRING + labels.QUALITY_PROBLEM_SEPARATOR + labels.QUALITY_BEFORE_ENROLMENT
    assert list(zip(found["id_number"], found["contact_date"], found["problem"], strict=True)) == [
        (P[20], dt.date(2026, 5, 20), both),
        (P[18], dt.date(2026, 5, 1), labels.QUALITY_BEFORE_PAIRING),
        (P[22], dt.date(2026, 4, 1), labels.QUALITY_BEFORE_PAIRING),
        (P[23], dt.date(2026, 2, 1), labels.QUALITY_BEFORE_ENROLMENT),
        (P[3], dt.date(2025, 12, 1), labels.QUALITY_BEFORE_PAIRING),
    ]
    # the pairing the contact came too early for, or the one it belongs to
    by_person = {row.id_number: row for row in found.itertuples()}
    assert (by_person[P[22]].cadre_name, by_person[P[22]].paired_on) == ("孙杰", dt.date(2026, 5, 1))
    assert (by_person[P[23]].cadre_name, by_person[P[23]].department) == ("孙杰", "市人社局")
    assert by_person[P[18]].department is None or by_person[P[18]].department != by_person[P[18]].department
    # each row's own method and the cadre the ledger names (read only for the contacts found)
    stored = {
        (id_number, day): (method, cadre_name)
        for id_number, day, method, cadre_name in con.execute(
            "select id_number, contact_date, method, cadre_name from contact"
        ).fetchall()
    }
    shown = list(zip(found["method"], found["visit_cadre_name"], strict=True))
    assert shown == [stored[(row.id_number, row.contact_date)] for row in found.itertuples()]
    assert all(method for method, _ in shown)
    assert list(found.columns[:7]) == [
        "problem",
        "county",
        "township",
        "id_number",
        "beneficiary_name",
        "contact_date",
        "method",
    ]


def test_a_contact_between_two_pairings_is_before_the_second(tmp_path):
    # paired with 干部0001 until 05-01 (not that day), with 干部0002 from 05-03: 05-01 and 05-02 have no pairing
    from tests.test_metrics_edges import Ledger

    book = Ledger(tmp_path / "gap.duckdb")
    person = book.person()
    book.pair(person, "13800000001", "甲局", "2025-01-01", "2026-05-01")
    book.pair(person, "13800000002", "乙局", "2026-05-03")
    for day in ("2025-06-01", "2026-04-30", "2026-05-01", "2026-05-02", "2026-05-03", "2026-06-01"):
        book.contact(person, day)
    found = quality.run_check(book.con, "contacts_before_pairing", as_of="2026-11-28", masked=False)
    assert [d.isoformat() for d in found["contact_date"]] == ["2026-05-02", "2026-05-01"]
    assert found["problem"].tolist() == [labels.QUALITY_BEFORE_PAIRING] * 2
    assert found["cadre_name"].tolist() == ["干部0002"] * 2  # the pairing they came too early for
    assert found["paired_on"].tolist() == [dt.date(2026, 5, 3)] * 2


def test_cadres_with_more_pairs_than_the_limit(con):
    found = quality.run_check(con, "busy_cadres", as_of=TODAY, masked=False)
    assert found[["cadre_phone", "cadre_name", "department", "pairs", "counties"]].values.tolist() == [
        [mobile(1), "黄静", "市民政局", 6, "临河区"]
    ]
    lower = quality.run_check(con, "busy_cadres", as_of=TODAY, max_pairs=4, masked=False)
    # B's sixth pair (p19) exited, C's first (p12) ended: both stay at five
    assert list(zip(lower["cadre_phone"], lower["pairs"], strict=True)) == [
        (mobile(1), 6),
        (mobile(3), 5),
        (mobile(2), 5),
    ]
    # before p12's pairing with C ended, C had six
    earlier = quality.run_check(con, "busy_cadres", as_of=dt.date(2026, 5, 31), masked=False)
    assert sorted(earlier["cadre_phone"]) == [mobile(1), mobile(3)]


def test_beneficiaries_paired_and_never_contacted(con):
    found = quality.run_check(con, "never_contacted", as_of=TODAY, masked=False)
    assert _ids(found) == [P[5], P[11]]
    assert found["days_paired"].tolist() == [(TODAY - dt.date(2026, 1, 5)).days, (TODAY - dt.date(2026, 2, 1)).days]
    assert found["cadre_name"].tolist() == ["黄静", "郭斌"]


def test_unknown_columns_seen_in_imports(con):
    found = quality.run_check(con, "unknown_columns", masked=False)
    assert found[["header", "imports", "files"]].values.tolist() == [
        ["备注", 4, "结对台账.csv、补录走访.csv、走访记录.csv"],
        ["天气", 3, "补录走访.csv、走访记录.csv"],
    ]


def test_rejected_rows_of_the_latest_import_of_each_file(con):
    found = quality.run_check(con, "rejected_rows", masked=False)
    assert list(zip(found["file_name"], found["row_no"], strict=True)) == [
        ("其他走访.csv", 2),
        ("其他走访.csv", 3),
        ("其他走访.csv", 4),
        ("其他走访.csv", 5),
        ("其他走访.csv", 6),
        ("补录走访.csv", 2),  # the second import of 补录走访.csv; the first one's three rows are history
    ]
    # the import writes its reasons with the ID numbers and phones in them masked (SPEC §4)
    reason = labels.MSG_ID_CHECK.format(value=masking.mask_id(wrong_check(P[4])), expected=P[4][-1])
    assert found["reason"].iloc[-1] == reason


def test_rejected_rows_grouped_by_the_kind_of_reason(con):
    grouped = quality.rejected_by_reason(quality.run_check(con, "rejected_rows"))
    dots = labels.QUALITY_VALUE_PLACEHOLDER
    methods = "、".join(METHODS)
    assert grouped.values.tolist() == [
        [labels.MSG_ID_CHECK.format(value=dots, expected=dots), 3, "其他走访.csv、补录走访.csv"],
        [labels.MSG_ENUM.format(column="联系方式", value=dots, allowed=methods), 2, "其他走访.csv"],
        [labels.MSG_NOT_IN_ROSTER.format(value=dots), 1, "其他走访.csv"],
        [labels.MSG_DATE.format(column="走访日期", value=dots), 1, "其他走访.csv"],
    ]


def test_reason_kinds_split_joined_reasons_and_keep_unknown_text():
    first = labels.MSG_DATE.format(column="走访日期", value="2026-13-45")
    second = labels.MSG_ENUM.format(column="联系方式", value="拜访", allowed="电话、微信")
    assert quality.reason_kinds(first + "；" + second) == [
        labels.MSG_DATE.format(column="走访日期", value="…"),
        labels.MSG_ENUM.format(column="联系方式", value="…", allowed="电话、微信"),
    ]
    # a message that contains the separator itself stays one reason
    assert quality.reason_kinds(labels.MSG_ID_FLOAT.format(value="6.20102E+17")) == [
        labels.MSG_ID_FLOAT.format(value="…")
    ]
    # the hint about trailing zeros belongs to the check-digit message
    zeros = labels.MSG_ID_CHECK.format(value="620102201205030000", expected="5") + labels.MSG_ID_ZEROS_HINT
    assert quality.reason_kinds(zeros) == [labels.MSG_ID_CHECK.format(value="…", expected="…")]
    # several required columns missing: one kind per column
    required = labels.MSG_REQUIRED.format(column="姓名") + "；" + labels.MSG_REQUIRED.format(column="县区")
    assert quality.reason_kinds(required) == [
        labels.MSG_REQUIRED.format(column="姓名"),
        labels.MSG_REQUIRED.format(column="县区"),
    ]
    assert quality.reason_kinds("别的原因 13900000001") == ["别的原因 139****0001"]
    # a column name written right before its value ("走访日期2026-12-05晚于…") is told apart from the value
    future = labels.MSG_DATE_FUTURE.format(column="走访日期", value="2026-12-05", today="2026-11-28")
    assert quality.reason_kinds(future) == [labels.MSG_DATE_FUTURE.format(column="走访日期", value="…", today="…")]
    order = labels.MSG_DATE_ORDER.format(
        later="办结日期", later_value="2026-01-01", earlier="提出日期", earlier_value="2026-02-01"
    )
    assert quality.reason_kinds(order) == [
        labels.MSG_DATE_ORDER.format(later="办结日期", later_value="…", earlier="提出日期", earlier_value="…")
    ]


def test_scope_narrows_the_checks_about_people(con):
    health = queries.Scope(department="市卫健委")
    assert _ids(quality.run_check(con, "other_cadre_contacts", scope=health, masked=False)) == [P[12]]
    assert quality.run_check(con, "never_contacted", scope=health, as_of=TODAY).empty
    east = queries.Scope(county="东川县")
    assert _ids(quality.run_check(con, "never_contacted", scope=east, as_of=TODAY, masked=False)) == [P[11]]
    assert quality.run_check(con, "busy_cadres", scope=east, as_of=TODAY).empty
    assert len(quality.run_check(con, "busy_cadres", scope=east, as_of=TODAY, max_pairs=4)) == 1
    south = queries.Scope(county="南塬县")
    assert _ids(quality.run_check(con, "contacts_before_pairing", scope=south, masked=False)) == [P[20], P[22], P[23]]
    social = queries.Scope(department="市人社局")
    assert _ids(quality.run_check(con, "contacts_before_pairing", scope=social, masked=False)) == [P[22], P[23]]


@pytest.mark.parametrize(
    "scope", [queries.ALL, queries.Scope(county="南塬县"), queries.Scope(department="市人社局")], ids=str
)
def test_checks_run_side_by_side_find_the_rows_found_one_by_one(con, scope):
    requests = {name: {"scope": scope, "as_of": TODAY, "masked": False} for name in quality.SCOPED_CHECKS}
    requests["busy_cadres"] = {**requests["busy_cadres"], "max_pairs": 4}  # each check with its own options
    together = quality.run_checks_at_once(con, requests)
    assert list(together) == list(requests)
    for name, options in requests.items():
        pd.testing.assert_frame_equal(together[name], quality.run_check(con, name, **options), obj=name)
    if scope == queries.ALL:
        assert [len(together[name]) for name in requests] == [2, 5, 3, 2, 0]


def test_rows_are_masked_by_default(con):
    checks = quality.run_checks(con, as_of=TODAY, max_pairs=4)
    assert {name: len(frame) for name, frame in checks.items()} == {
        "other_cadre_contacts": 2,
        "contacts_before_pairing": 5,
        "busy_cadres": 3,
        "never_contacted": 2,
        "unknown_columns": 2,
        "rejected_rows": 6,
        "callback_untrue_contacts": 0,  # no callbacks here (回访核查: tests/test_callback_doubtful.py)
    }
    assert _ids(checks["never_contacted"]) == [_m(5), _m(11)]
    assert checks["never_contacted"]["beneficiary_name"].tolist() == ["对**5", "对**1"]
    assert checks["other_cadre_contacts"]["visit_cadre_phone"].tolist() == [
        masking.mask_phone(mobile(3)),
        masking.mask_phone(mobile(9)),
    ]
    text = "\n".join(frame.to_csv() for frame in checks.values())
    assert not re.search(r"\d{17}[\dX]", text)
    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", text)


def test_an_empty_database_finds_nothing(tmp_path):
    con = open_db(tmp_path, "empty.duckdb")
    assert all(frame.empty for frame in quality.run_checks(con, as_of=TODAY).values())
    assert quality.rejected_by_reason(quality.run_check(con, "rejected_rows")).empty


def test_every_check_has_a_file_with_its_header_comment():
    for name in quality.CHECKS:
        assert quality.check_sql(name).startswith("-- One row per "), name
    with pytest.raises(ValueError):
        quality.check_sql("../schema")
