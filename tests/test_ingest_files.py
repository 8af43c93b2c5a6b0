"""Real spreadsheets built in the tests, imported into a real DuckDB file: figures, stored rows, rejections."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json

import pytest

from pipeline import masking
from pipeline.ingest import load
from tests.ingest_helpers import (
    EXAMPLE_DIR,
    ISSUES_HEADER,
    ROSTER_HEADER,
    TODAY,
    VISITS_HEADER,
    balanced,
    counts,
    csv_bytes,
    errors_by_row,
    figures,
    fullwidth,
    gb11643_check,
    issue_row,
    mobile,
    open_db,
    pid,
    pid_with_x,
    roster_row,
    rows_of,
    run_import,
    snapshot,
    utf16_text_bytes,
    visit_row,
    wrong_check,
    xlsx_bytes,
)


@pytest.fixture
def con(tmp_path):
    connection = open_db(tmp_path)
    yield connection
    connection.close()


def fig(read=0, inserted=0, updated=0, unchanged=0, duplicate=0, rejected=0) -> dict[str, int]:
    return {
        "read": read,
        "inserted": inserted,
        "updated": updated,
        "unchanged": unchanged,
        "duplicate": duplicate,
        "rejected": rejected,
    }


def seed_roster(con, people: list[str], *, first_phone: int = 100) -> None:
    """Put some paired people into the roster (one pairing each, from 2026-01-05)."""
    rows = [ROSTER_HEADER] + [roster_row(p, name=f"对象{k}", phone_seq=first_phone + k) for k, p in enumerate(people)]
    report = run_import(con, csv_bytes(rows), "种子台账.csv")
    assert report.status == "ok" and report.rejected == 0 and report.inserted == len(people)


def beneficiaries(con) -> dict[str, tuple]:
    out = {}
    for row in rows_of(con, "select id_number, name, category, county, township, village, phone from beneficiary"):
        out[row[0]] = row[1:]
    return out


def pairings(con) -> list[tuple]:
    return rows_of(
        con,
        "select id_number, cadre_phone, cadre_name, department, paired_on, unpaired_on from pairing "
        "order by id_number, paired_on",
    )


# ================================================================ aliases, end to end (SPEC §2)

ROSTER_ALIASES = [
    ["身份证号", "身份证号码", "公民身份号码", "证件号码", "对象身份证号"],
    ["姓名", "对象姓名", "帮扶对象姓名"],
    ["对象类别", "类别", "人员类别", "对象类型"],
    ["县区", "县(区)", "县（市、区）", "所属县区"],
    ["乡镇", "乡镇(街道)", "镇(街道)", "乡镇街道", "所属乡镇"],
    ["村社区", "村(社区)", "村(居委)", "村/社区"],
    ["对象电话", "对象联系电话", "联系电话", "联系方式"],
    ["纳入日期", "认定日期"],
    ["结对干部", "帮扶干部", "干部姓名", "结对干部姓名", "帮扶责任人", "帮扶人"],
    ["干部电话", "干部联系电话", "干部手机号", "帮扶责任人电话", "帮扶人联系电话"],
    ["干部单位", "帮扶单位", "工作单位", "所在单位", "单位", "帮扶责任人单位"],
    ["干部职级", "职级", "干部级别"],
    ["结对日期"],
    ["结对方式"],
    ["退出日期"],
    ["解除日期"],
]


@pytest.mark.parametrize("variant", range(6))
def test_roster_aliases_land_in_their_columns(con, variant):
    header = [names[variant % len(names)] for names in ROSTER_ALIASES]
    a, b = pid(1), pid(2)
    body = [
        [
            a,
            "刘斌",
            "孤儿",
            "临河区",
            "临河镇",
            "1村",
            "13800000001",
            "2024-04-04",
            "黄静",
            mobile(1),
            "市民政局",
            "市级领导",
            "2026-01-05",
            "属地结对",
            "",
            "",
        ],
        [
            b,
            "胡强",
            "特困人员",
            "东川县",
            "东川乡",
            "2村",
            "0931-8888888",
            "",
            "郭斌",
            mobile(2),
            "市教育局",
            "一般干部",
            "2026-02-01",
            "调配结对",
            "2026-12-31",
            "2026-10-01",
        ],
    ]
    report = run_import(con, csv_bytes([header, *body]), "台账.csv")
    assert report.kind == "roster"
    assert report.unknown_columns == {}
    assert figures(report) == fig(read=2, inserted=2)
    assert beneficiaries(con) == {
        a: ("刘斌", "孤儿", "临河区", "临河镇", "1村", "13800000001"),
        b: ("胡强", "特困人员", "东川县", "东川乡", "2村", "0931-8888888"),
    }
    assert rows_of(con, "select id_number, enrolled_on, exited_on from beneficiary order by id_number") == sorted(
        [(a, dt.date(2024, 4, 4), None), (b, dt.date(1900, 1, 1), dt.date(2026, 12, 31))]
    )
    stored = rows_of(
        con,
        "select id_number, cadre_phone, cadre_name, department, cadre_level, pairing_mode, paired_on, unpaired_on"
        " from pairing order by id_number",
    )
    assert stored == sorted(
        [
            (a, mobile(1), "黄静", "市民政局", "市级领导", "属地结对", dt.date(2026, 1, 5), None),
            (b, mobile(2), "郭斌", "市教育局", "一般干部", "调配结对", dt.date(2026, 2, 1), dt.date(2026, 10, 1)),
        ]
    )


VISITS_ALIASES = [
    ["身份证号", "身份证号码", "公民身份号码", "证件号码", "对象身份证号", "对象身份证号码"],
    ["走访日期", "联系日期", "走访时间", "日期"],
    ["联系方式", "走访方式", "联系形式", "方式"],
    ["走访干部", "干部姓名"],
    ["干部电话"],
    ["内容摘要", "走访内容", "主要内容"],
    ["满意度", "群众满意度", "对象评价"],
    ["记录编号", "编号"],
]


@pytest.mark.parametrize("variant", range(6))
def test_visits_aliases_land_in_their_columns(con, variant):
    a = pid(1)
    seed_roster(con, [a])
    header = [names[variant % len(names)] for names in VISITS_ALIASES]
    body = [[a, "2026-10-08", "上门", "黄静", mobile(100), "了解生活情况", "满意", "ZF001"]]
    report = run_import(con, csv_bytes([header, *body]), "走访.csv")
    assert report.kind == "visits"
    assert report.unknown_columns == {}
    assert figures(report) == fig(read=1, inserted=1)
    assert rows_of(
        con,
        "select record_no, id_number, contact_date, method, cadre_name, cadre_phone, summary, satisfaction"
        " from contact",
    ) == [("ZF001", a, dt.date(2026, 10, 8), "入户走访", "黄静", mobile(100), "了解生活情况", "满意")]


ISSUES_ALIASES = [
    ["问题编号", "编号"],
    ["身份证号", "身份证号码", "公民身份号码", "证件号码", "对象身份证号", "对象身份证号码"],
    ["提出日期", "发现日期", "登记日期", "登记时间"],
    ["问题类别", "困难类别", "诉求类别"],
    ["问题描述", "困难诉求", "具体问题", "诉求内容", "群众诉求"],
    ["办理层级", "当前层级", "上报层级"],
    ["责任单位"],
    ["办理状态", "状态", "办理情况"],
    ["办结日期", "解决日期", "完成日期", "办结时间"],
    ["群众评价", "满意度"],
]


@pytest.mark.parametrize("variant", range(6))
def test_issues_aliases_land_in_their_columns(con, variant):
    a = pid(1)
    seed_roster(con, [a])
    header = [names[variant % len(names)] for names in ISSUES_ALIASES]
    body = [["WT01", a, "2026-09-01", "住房", "房屋漏雨", "所在单位", "住建局", "已办结", "2026-09-20", "基本满意"]]
    report = run_import(con, csv_bytes([header, *body]), "问题.csv")
    assert report.kind == "issues"
    assert report.unknown_columns == {}
    assert figures(report) == fig(read=1, inserted=1)
    assert rows_of(
        con,
        "select issue_no, id_number, raised_on, category, description, level, responsible_unit, status, closed_on,"
        " rating from issue",
    ) == [
        (
            "WT01",
            a,
            dt.date(2026, 9, 1),
            "住房",
            "房屋漏雨",
            "所在单位",
            "住建局",
            "已解决",
            dt.date(2026, 9, 20),
            "基本满意",
        )
    ]


def test_headers_written_messily_are_recognised(con):
    header = [
        " 身份证号 *",
        "姓 名",
        "对象\n类别*",
        "县（区）",
        "乡镇（街道）",
        "村（社区）",
        "结对干部\n姓名",
        "干部电话＊",
        "帮扶\n单位",
        "结对日期 ",
        "解除日期",
    ]
    a = pid(1)
    report = run_import(con, csv_bytes([header, roster_row(a)]), "台账.csv")
    assert figures(report) == fig(read=1, inserted=1)
    assert report.unknown_columns == {}
    assert beneficiaries(con) == {a: ("刘斌", "孤儿", "临河区", "临河镇", "1村", None)}
    assert pairings(con) == [(a, mobile(1), "黄静", "市民政局", dt.date(2026, 1, 5), None)]


# ================================================================ enumerations, end to end


def test_category_aliases_are_stored_canonical(con):
    people = [pid(k) for k in range(1, 6)]
    written = ["事实孤儿", "重度残疾人", "特困供养人员", "特困", "孤儿"]
    rows = [ROSTER_HEADER] + [roster_row(p, category=c, unpaired=True) for p, c in zip(people, written, strict=True)]
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert figures(report) == fig(read=5, inserted=5)
    stored = dict(rows_of(con, "select id_number, category from beneficiary"))
    assert [stored[p] for p in people] == ["事实无人抚养儿童", "困难重度残疾人", "特困人员", "特困人员", "孤儿"]


def test_contact_method_aliases_are_stored_canonical(con):
    a = pid(1)
    seed_roster(con, [a])
    written = ["上门", "入户", "走访", "电话联系", "邀请到家"]
    rows = [VISITS_HEADER] + [visit_row(a, date=f"2026-10-0{k + 1}", method=m) for k, m in enumerate(written)]
    report = run_import(con, csv_bytes(rows), "走访.csv")
    assert figures(report) == fig(read=5, inserted=5)
    assert rows_of(con, "select method from contact order by contact_date") == [
        ("入户走访",),
        ("入户走访",),
        ("入户走访",),
        ("电话",),
        ("邀请到家",),
    ]


def test_issue_status_aliases_are_stored_canonical(con):
    a = pid(1)
    seed_roster(con, [a])
    written = [
        ("未办理", ""),
        ("未解决", ""),
        ("正在办理", ""),
        ("已办结", "2026-09-10"),
        ("已完成", "2026-09-10"),
        ("已解释说明", "2026-09-10"),
    ]
    rows = [ISSUES_HEADER] + [
        issue_row(a, issue_no=f"WT{k}", status=s, closed_on=c) for k, (s, c) in enumerate(written)
    ]
    report = run_import(con, csv_bytes(rows), "问题.csv")
    assert figures(report) == fig(read=6, inserted=6)
    assert rows_of(con, "select status from issue order by issue_no") == [
        ("待办理",),
        ("待办理",),
        ("办理中",),
        ("已解决",),
        ("已解决",),
        ("无法解决",),
    ]


def test_unknown_enumeration_values_are_rejected_listing_the_allowed_values(con):
    a, b = pid(1), pid(2)
    rows = [ROSTER_HEADER, roster_row(a, category="低保户", unpaired=True), roster_row(b, unpaired=True)]
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert figures(report) == fig(read=2, inserted=1, rejected=1)
    error = errors_by_row(report)[2]
    assert error.column == "对象类别"
    assert error.reason == "对象类别“低保户”不在允许的取值中，可填：孤儿、事实无人抚养儿童、困难重度残疾人、特困人员"
    visits = [VISITS_HEADER, visit_row(b, method="打电话"), visit_row(b, date="2026-10-09", satisfaction="很好")]
    report = run_import(con, csv_bytes(visits), "走访.csv")
    assert figures(report) == fig(read=2, rejected=2)
    errors = errors_by_row(report)
    assert errors[2].column == "联系方式"
    assert "打电话" in errors[2].reason and "入户走访、电话、微信、短信、视频、邀请到家、其他" in errors[2].reason
    assert errors[3].column == "满意度" and "满意、基本满意、不满意" in errors[3].reason
    issues = [ISSUES_HEADER, issue_row(b, status="处理好了"), issue_row(b, level="省里", description="另一个")]
    report = run_import(con, csv_bytes(issues), "问题.csv")
    assert figures(report) == fig(read=2, rejected=2)
    errors = errors_by_row(report)
    assert errors[2].column == "办理状态" and "待办理、办理中、已解决、无法解决" in errors[2].reason
    assert errors[3].column == "办理层级" and "干部本人、所在单位、上级部门、领导小组办公室" in errors[3].reason
    assert counts(con)["contact"] == 0 and counts(con)["issue"] == 0


# ================================================================ messy workbooks


def test_title_rows_and_merged_title_above_the_header(con):
    a, b = pid(1), pid(2)
    rows = [
        ["2026年结对关爱行动结对台账"] + [None] * 10,
        ["填报单位：临河区民政局", None, None, None, None, None, None, None, "填报日期：2026年11月1日"],
        [],
        ROSTER_HEADER,
        roster_row(a),
        roster_row(b, category="孤 儿 院", phone_seq=2),
    ]
    data = xlsx_bytes({"结对台账": rows}, merges=["A1:K1", "A2:H2", "I2:K2"])
    report = run_import(con, data, "台账.xlsx")
    assert report.status == "ok"
    assert report.sheets == [{"sheet": "结对台账", "kind": "roster", "header_row": 4}]
    assert figures(report) == fig(read=2, inserted=1, rejected=1)
    error = errors_by_row(report)[6]
    assert (error.sheet, error.column) == ("结对台账", "对象类别")
    assert "孤 儿 院" in error.reason
    assert list(beneficiaries(con)) == [a]


def test_merged_title_mentioning_cadres_above_the_header(con):
    a = pid(1)
    rows = [["2026年领导干部结对关爱台账"], ROSTER_HEADER, roster_row(a)]
    report = run_import(con, xlsx_bytes(rows, merges=["A1:K1"]), "台账.xlsx")
    assert report.status == "ok", report.message
    assert figures(report) == fig(read=1, inserted=1)
    assert beneficiaries(con)[a][0] == "刘斌"
    assert pairings(con) == [(a, mobile(1), "黄静", "市民政局", dt.date(2026, 1, 5), None)]


def test_table_that_does_not_start_at_a1_keeps_excel_row_numbers(con):
    a, b = pid(1), pid(2)
    rows = [[], [], [None, "结对台账"], [None, *ROSTER_HEADER], [None, *roster_row(a)], [None, *roster_row(b, name="")]]
    report = run_import(con, xlsx_bytes(rows), "台账.xlsx")
    assert report.sheets == [{"sheet": "Sheet1", "kind": "roster", "header_row": 4}]
    assert figures(report) == fig(read=2, inserted=1, rejected=1)
    assert list(errors_by_row(report)) == [6]
    assert errors_by_row(report)[6].column == "姓名"


def test_two_level_header_with_merged_group_cells(con):
    a, b, c = pid(1), pid(2), pid(3)
    top = ["身份证号", "姓名", "对象类别", "县区", "乡镇", "村社区", "结对干部", None, None, "结对日期"]
    sub = [None, None, None, None, None, None, "姓名", "电话", "单位", None]
    body = [
        [a, "刘斌", "孤儿", "临河区", "临河镇", "1村", "黄静", mobile(1), "市民政局", "2026-01-05"],
        [b, "胡强", "特困人员", "东川县", "东川乡", "2村", "郭斌", mobile(2), "市教育局", "2026-02-01"],
        [c, "林秀娟", "孤儿", "东川县", "东川乡", "3村", "郭斌", "12345", "市教育局", "2026-02-01"],
    ]
    merges = ["A1:J1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:F3", "G2:I2", "J2:J3"]
    data = xlsx_bytes({"台账": [["结对关爱台账"], top, sub, *body]}, merges=merges)
    report = run_import(con, data, "两级表头.xlsx")
    assert report.sheets == [{"sheet": "台账", "kind": "roster", "header_row": 3}]
    assert report.unknown_columns == {}
    assert figures(report) == fig(read=3, inserted=2, rejected=1)
    error = errors_by_row(report)[6]
    assert error.column == "干部电话" and "12345" in error.reason and "11位手机号" in error.reason
    assert pairings(con) == [
        (a, mobile(1), "黄静", "市民政局", dt.date(2026, 1, 5), None),
        (b, mobile(2), "郭斌", "市教育局", dt.date(2026, 2, 1), None),
    ]
    assert beneficiaries(con)[a] == ("刘斌", "孤儿", "临河区", "临河镇", "1村", None)


def test_rejected_row_under_a_two_level_header_keeps_every_cell(con):
    c = pid(3)
    top = ["身份证号", "姓名", "对象类别", "县区", "乡镇", "村社区", "结对干部", None, None, "结对日期"]
    sub = [None, None, None, None, None, None, "姓名", "电话", "单位", None]
    body = [c, "林秀娟", "孤儿", "东川县", "东川乡", "3村", "郭斌", "12345", "市教育局", "2026-02-01"]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:F2", "G1:I1", "J1:J2"]
    report = run_import(con, xlsx_bytes([top, sub, body], merges=merges), "两级表头.xlsx")
    assert figures(report) == fig(read=1, rejected=1)
    raw = json.loads(rows_of(con, "select raw from rejected_row")[0][0])
    assert sorted(raw.values()) == sorted(body)


def test_county_merged_down_several_data_rows(con):
    people = [pid(k) for k in range(1, 6)]
    rows = [ROSTER_HEADER]
    for k, p in enumerate(people):
        county = ("东川县" if k == 0 else None) if k < 3 else ("西坪县" if k == 3 else None)
        rows.append(roster_row(p, county=county, phone_seq=k + 1))
    data = xlsx_bytes(rows, merges=["D2:D4", "D5:D6"])
    report = run_import(con, data, "合并县区.xlsx")
    assert figures(report) == fig(read=5, inserted=5)
    stored = dict(rows_of(con, "select id_number, county from beneficiary"))
    assert [stored[p] for p in people] == ["东川县", "东川县", "东川县", "西坪县", "西坪县"]


ENCODED_NAMES = ["刘斌", "𠮷祥", "欧阳娟"]  # 𠮷 exists in GB18030 but not in GBK


@pytest.mark.parametrize(
    ("encoding", "names"),
    [
        ("gbk", ["刘斌", "欧阳娟"]),
        ("gb18030", ENCODED_NAMES),
        ("utf-8-sig", ENCODED_NAMES),
        ("utf-8", ENCODED_NAMES),
        ("utf-16", ENCODED_NAMES),
    ],
)
def test_csv_encodings(con, encoding, names):
    people = [pid(k) for k in range(1, len(names) + 1)]
    rows = [ROSTER_HEADER] + [
        roster_row(p, name=n, phone_seq=k) for k, (p, n) in enumerate(zip(people, names, strict=True))
    ]
    data = utf16_text_bytes(rows) if encoding == "utf-16" else csv_bytes(rows, encoding=encoding)
    if encoding == "gbk":
        assert data.decode("gbk")  # really GBK bytes, not UTF-8
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    report = run_import(con, data, f"台账_{encoding}.csv")
    assert report.kind == "roster"
    assert figures(report) == fig(read=len(names), inserted=len(names))
    stored = {k: v[0] for k, v in beneficiaries(con).items()}
    assert stored == dict(zip(people, names, strict=True))
    assert rows_of(con, "select distinct county, department from beneficiary join pairing using (id_number)") == [
        ("临河区", "市民政局")
    ]


def test_utf16_text_from_excel_has_tabs_and_keeps_commas_in_cells(con):
    a = pid(1)
    rows = [ROSTER_HEADER, roster_row(a, village="1村,2组")]
    report = run_import(con, utf16_text_bytes(rows), "台账.txt")
    assert figures(report) == fig(read=1, inserted=1)
    assert beneficiaries(con)[a][4] == "1村,2组"


def test_dates_as_excel_serials_date_cells_and_text_in_every_format(con):
    a = pid(1)
    seed_roster(con, [a])
    written = [
        46086,  # serial number in a number cell
        46087.5,  # serial with a time of day
        dt.date(2026, 3, 7),  # a real date cell
        dt.datetime(2026, 3, 8, 9, 15),  # a real date-time cell
        "2026-03-09",
        "2026/3/10",
        "2026.3.11",
        "2026年3月12日",
        "20260313",
        "2026-03-14 10:30:00",
        "2026/3/15 8:05",
        "2026年3月16日 16:00",
        20260317,  # the compact form in a number cell
    ]
    rows = [VISITS_HEADER] + [visit_row(a, date=d, method="电话") for d in written]
    report = run_import(con, xlsx_bytes(rows), "日期.xlsx")
    assert figures(report) == fig(read=13, inserted=13)
    stored = [r[0] for r in rows_of(con, "select contact_date from contact order by contact_date")]
    assert stored == [dt.date(2026, 3, day) for day in range(5, 18)]


def test_year_month_in_a_date_column_is_rejected_not_misread(con):
    a, b, c = pid(1), pid(2), pid(3)
    rows = [
        ROSTER_HEADER,
        roster_row(a, paired_on="2026.10", phone_seq=1),
        roster_row(b, paired_on="202610", phone_seq=2),
        roster_row(c, paired_on="2026-10", phone_seq=3),
    ]
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert figures(report) == fig(read=3, rejected=3)
    assert {e.column for e in report.errors} == {"结对日期"}
    assert all("不是可识别的日期" in e.reason for e in report.errors)


def test_unreadable_date_is_rejected_with_row_and_column(con):
    a = pid(1)
    seed_roster(con, [a])
    rows = [
        VISITS_HEADER,
        visit_row(a, date="2026-10-01"),
        visit_row(a, date="十月一日"),
        visit_row(a, date="2026-9-31"),
    ]
    report = run_import(con, csv_bytes(rows), "走访.csv")
    assert figures(report) == fig(read=3, inserted=1, rejected=2)
    errors = errors_by_row(report)
    assert errors[3].column == "走访日期" and "十月一日" in errors[3].reason and "不是可识别的日期" in errors[3].reason
    assert errors[4].column == "走访日期" and "2026-9-31" in errors[4].reason


def test_id_numbers_in_every_shape(con):
    x_id = pid_with_x()
    body_15 = "62010219650807028"
    from_15 = body_15 + gb11643_check(body_15)
    good = [pid(k) for k in range(1, 4)]
    rows = [
        ROSTER_HEADER,
        roster_row(good[0], phone_seq=1),  # row 2: plain text
        roster_row(x_id.lower(), phone_seq=2),  # row 3: lower-case x
        roster_row(fullwidth(good[1]), phone_seq=3),  # row 4: full-width digits
        roster_row("620102650807028", phone_seq=4),  # row 5: 15-digit text
        roster_row(620102201205030014, phone_seq=5),  # row 6: 18 digits in a number cell
        roster_row("6.20102E+17", phone_seq=6),  # row 7: scientific notation as text
        roster_row(wrong_check(good[2]), phone_seq=7),  # row 8: wrong check digit
        roster_row(620102750807038, phone_seq=8),  # row 9: 15 digits in a number cell
        roster_row("", phone_seq=9),  # row 10: blank
    ]
    report = run_import(con, xlsx_bytes(rows, text_columns={"Sheet1": [1]}), "身份证.xlsx")
    assert figures(report) == fig(read=9, inserted=5, rejected=4)
    body_9 = "62010219750807038"
    assert sorted(beneficiaries(con)) == sorted([good[0], x_id, good[1], from_15, body_9 + gb11643_check(body_9)])
    errors = errors_by_row(report)
    assert sorted(errors) == [6, 7, 8, 10]
    for row in (6, 7):
        assert errors[row].column == "身份证号"
        assert "数字" in errors[row].reason and "丢失" in errors[row].reason and "文本" in errors[row].reason
    assert "6.20102E+17" in errors[6].reason
    assert errors[8].column == "身份证号" and "校验位" in errors[8].reason
    assert errors[10].column == "身份证号" and errors[10].reason == "身份证号不能为空"


def test_total_rows_and_blank_rows_are_skipped_and_not_read(con):
    a, b, c = pid(1), pid(2), pid(3)
    rows = [
        ROSTER_HEADER,
        roster_row(a, phone_seq=1),
        [],
        roster_row(b, phone_seq=2),
        [" ", "\u3000", None, "\n"],
        roster_row(c, phone_seq=3),
        ["合计", "3人"],
        [None, "总计", "", "3"],
        ["合 计："],
    ]
    for data, name in ((xlsx_bytes(rows), "合计.xlsx"), (csv_bytes(rows), "合计.csv")):
        report = run_import(con, data, name)
        assert report.read == 3
        assert report.rejected == 0 and report.errors == []
    assert counts(con)["beneficiary"] == 3


def test_repeated_header_row_is_skipped(con):
    a, b = pid(1), pid(2)
    rows = [ROSTER_HEADER, roster_row(a, phone_seq=1), ROSTER_HEADER, roster_row(b, phone_seq=2)]
    report = run_import(con, xlsx_bytes(rows), "两页.xlsx")
    assert figures(report) == fig(read=2, inserted=2)


def test_exact_duplicate_rows_count_once(con):
    a, b = pid(1), pid(2)
    rows = [ROSTER_HEADER, roster_row(a, phone_seq=1), roster_row(b, phone_seq=2), roster_row(a, phone_seq=1)]
    report = run_import(con, csv_bytes(rows), "重复.csv")
    assert figures(report) == fig(read=3, inserted=2, duplicate=1)
    assert report.errors == []
    assert counts(con)["beneficiary"] == 2 and counts(con)["pairing"] == 2
    seed = pid(9)
    seed_roster(con, [seed])
    visits = [VISITS_HEADER] + [visit_row(seed, method="微信")] * 3
    report = run_import(con, csv_bytes(visits), "走访.csv")
    assert figures(report) == fig(read=3, inserted=1, duplicate=2)
    assert counts(con)["contact"] == 1


def test_unknown_extra_columns_are_ignored_and_listed(con):
    a = pid(1)
    header = ["序号", *ROSTER_HEADER[:3], "备注", *ROSTER_HEADER[3:], "家庭住址"]
    row = roster_row(a)
    rows = [header, ["1", *row[:3], "重点关注", *row[3:], "临河镇1村5号"]]
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert figures(report) == fig(read=1, inserted=1)
    assert report.unknown_columns == {"台账": ["序号", "备注", "家庭住址"]}
    assert any("序号" in note and "已忽略" in note for note in report.notes)
    stored = rows_of(con, "select unknown_columns from import_batch")
    assert json.loads(stored[0][0]) == {"台账": ["序号", "备注", "家庭住址"]}
    assert beneficiaries(con) == {a: ("刘斌", "孤儿", "临河区", "临河镇", "1村", None)}


def test_visits_contact_column_with_phone_numbers_and_a_method_column(con):
    a, b = pid(1), pid(2)
    seed_roster(con, [a, b])
    rows = [
        ["身份证号", "走访日期", "联系方式", "走访方式", "内容摘要"],
        [a, "2026-10-01", "13900000100", "上门", "送米面油"],
        [b, "2026-10-02", "139-0000-0101", "电话", "询问就医"],
        [a, "2026-10-03", 13900000100, "微信", "视频问候"],
    ]
    report = run_import(con, xlsx_bytes(rows), "走访.xlsx")
    assert figures(report) == fig(read=3, inserted=3)
    assert report.unknown_columns == {}
    assert rows_of(con, "select id_number, contact_date, method, cadre_phone from contact order by contact_date") == [
        (a, dt.date(2026, 10, 1), "入户走访", "13900000100"),
        (b, dt.date(2026, 10, 2), "电话", "13900000101"),
        (a, dt.date(2026, 10, 3), "微信", "13900000100"),
    ]


def test_text_cells_are_trimmed_when_stored(con):
    a = pid(1)
    rows = [
        ROSTER_HEADER,
        roster_row(f" {a}\n", name="\u3000刘斌 ", county="临河区\r\n", cadre=" 黄静", department="市民政局\u3000"),
    ]
    report = run_import(con, xlsx_bytes(rows), "台账.xlsx")
    assert figures(report) == fig(read=1, inserted=1)
    assert beneficiaries(con) == {a: ("刘斌", "孤儿", "临河区", "临河镇", "1村", None)}
    assert pairings(con) == [(a, mobile(1), "黄静", "市民政局", dt.date(2026, 1, 5), None)]


def test_cadre_phone_is_normalised_and_a_non_mobile_rejected(con):
    a, b, c = pid(1), pid(2), pid(3)
    rows = [
        ROSTER_HEADER,
        roster_row(a, cadre_phone="+86 139-0000-0001"),
        roster_row(b, cadre_phone=13900000002),
        roster_row(c, cadre_phone="0931-8123456"),
    ]
    report = run_import(con, xlsx_bytes(rows), "台账.xlsx")
    assert figures(report) == fig(read=3, inserted=2, rejected=1)
    assert [p[1] for p in pairings(con)] == ["13900000001", "13900000002"]
    error = errors_by_row(report)[4]
    assert error.column == "干部电话" and error.reason == "干部电话“0931-8123456”不是11位手机号"


def test_required_cells_left_blank_are_rejected(con):
    a, b = pid(1), pid(2)
    rows = [ROSTER_HEADER, roster_row(a, name="", phone_seq=1), roster_row(b, county=" ", township="", phone_seq=2)]
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert figures(report) == fig(read=2, rejected=2)
    errors = errors_by_row(report)
    assert (errors[2].column, errors[2].reason) == ("姓名", "姓名不能为空")
    assert errors[3].column == "县区、乡镇"
    assert errors[3].reason == "县区不能为空；乡镇不能为空"
    assert counts(con)["beneficiary"] == 0


def test_missing_required_column_fails_the_file_and_changes_nothing(con):
    seed_roster(con, [pid(1)])
    before = snapshot(con)
    rows = [["身份证号", "姓名", "县区", "乡镇"], [pid(2), "胡强", "东川县", "东川乡"]]
    report = run_import(con, csv_bytes(rows), "缺列.csv")
    assert report.status == "failed"
    assert "缺少必填列" in report.message and "对象类别" in report.message
    assert snapshot(con) == before


def test_sheet_without_known_header_fails_with_chinese_message(con):
    before = snapshot(con)
    report = run_import(con, csv_bytes([["日期", "天气"], ["2026-10-01", "晴"]]), "天气.csv")
    assert report.status == "failed"
    assert "没有找到可识别的表头" in report.message
    assert snapshot(con) == before


def test_workbook_with_roster_and_visits_sheets_and_a_notes_sheet(con):
    a, b = pid(1), pid(2)
    data = xlsx_bytes(
        {
            "说明": [["填表说明"], ["身份证号请设为文本格式"]],
            "走访": [VISITS_HEADER, visit_row(a), visit_row(b, method="电话"), visit_row(pid(3))],
            "台账": [ROSTER_HEADER, roster_row(a, phone_seq=1), roster_row(b, phone_seq=2)],
        }
    )
    report = run_import(con, data, "合并报送.xlsx")
    assert report.status == "ok"
    assert report.kind == "roster,visits"
    assert figures(report) == fig(read=5, inserted=4, rejected=1)
    error = errors_by_row(report)[4]
    assert (error.sheet, error.column) == ("走访", "身份证号") and "对象不在台账" in error.reason
    assert any("说明" in note and "跳过" in note for note in report.notes)
    assert counts(con)["contact"] == 2


def test_kind_given_that_does_not_match_the_sheet(con):
    rows = [ISSUES_HEADER, issue_row(pid(1))]
    report = run_import(con, csv_bytes(rows), "问题.csv", kind="visits")
    assert report.status == "failed"
    assert "没有找到可识别的表头" in report.message
    assert report.notes == ["工作表“问题”看起来不是走访记录（识别为问题台账）"]
    forced = run_import(con, csv_bytes([VISITS_HEADER, visit_row(pid(1))]), "走访.csv", kind="roster")
    assert forced.status == "failed"
    assert "结对台账" in forced.message and "缺少必填列" in forced.message
    assert counts(con)["import_batch"] == 0


# ================================================================ roster semantics (SPEC §2.1)


def test_unpaired_beneficiaries_are_stored_without_pairing(con):
    a, b = pid(1), pid(2)
    rows = [ROSTER_HEADER, roster_row(a, unpaired=True), roster_row(b, phone_seq=2)]
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert figures(report) == fig(read=2, inserted=2)
    assert sorted(beneficiaries(con)) == sorted([a, b])
    assert [p[0] for p in pairings(con)] == [b]


def test_partly_filled_pairing_columns_are_rejected(con):
    a, b, c, d = pid(1), pid(2), pid(3), pid(4)
    only_cadre = roster_row(a, cadre_phone="", department="", paired_on="")
    no_date = roster_row(b, paired_on="", phone_seq=2)
    only_end = roster_row(c, unpaired=True)
    only_end[10] = "2026-06-30"
    rows = [ROSTER_HEADER, only_cadre, no_date, only_end, roster_row(d, phone_seq=4)]
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert figures(report) == fig(read=4, inserted=1, rejected=3)
    errors = errors_by_row(report)
    assert errors[2].column == "干部电话"
    assert errors[2].reason.startswith("结对信息不完整：干部电话、干部单位、结对日期未填")
    assert errors[3].column == "结对日期" and "结对信息不完整：结对日期未填" in errors[3].reason
    assert errors[4].column == "结对干部" and "结对干部、干部电话、干部单位、结对日期未填" in errors[4].reason
    assert list(beneficiaries(con)) == [d]


def test_overlapping_pairings_in_one_file_reject_the_later_row(con):
    a = pid(1)
    rows = [
        ROSTER_HEADER,
        roster_row(a, cadre="黄静", cadre_phone=mobile(1), paired_on="2026-01-05"),
        roster_row(a, cadre="郭斌", cadre_phone=mobile(2), paired_on="2026-03-01"),
        roster_row(a, cadre="王伟", cadre_phone=mobile(3), paired_on="2025-06-01", unpaired_on="2026-01-05"),
    ]
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert figures(report) == fig(read=3, inserted=2, rejected=1)
    error = errors_by_row(report)[3]
    assert error.column == "结对日期"
    assert "时间重叠" in error.reason and masking.mask_phone(mobile(1)) in error.reason and "2026-01-05" in error.reason
    assert mobile(1) not in error.reason  # phones in reasons are masked (SPEC §4)
    assert [p[1] for p in pairings(con)] == [mobile(3), mobile(1)]


@pytest.mark.parametrize("new_first", [False, True], ids=["old-row-first", "new-row-first"])
def test_repairing_written_as_old_row_with_end_date_and_new_row(con, new_first):
    a = pid(1)
    old = roster_row(a, cadre="黄静", cadre_phone=mobile(1), paired_on="2026-01-05", unpaired_on="2026-08-15")
    new = roster_row(a, cadre="郭斌", cadre_phone=mobile(2), department="市教育局", paired_on="2026-08-15")
    rows = [ROSTER_HEADER, *([new, old] if new_first else [old, new])]
    report = run_import(con, csv_bytes(rows), "换人.csv")
    assert figures(report) == fig(read=2, inserted=2)
    assert pairings(con) == [
        (a, mobile(1), "黄静", "市民政局", dt.date(2026, 1, 5), dt.date(2026, 8, 15)),
        (a, mobile(2), "郭斌", "市教育局", dt.date(2026, 8, 15), None),
    ]
    assert counts(con)["beneficiary"] == 1


def test_repairing_in_a_later_file_restating_the_stored_pairing(con):
    a = pid(1)
    first = [ROSTER_HEADER, roster_row(a, cadre_phone=mobile(1), paired_on="2026-01-05")]
    assert figures(run_import(con, csv_bytes(first), "一月.csv")) == fig(read=1, inserted=1)
    second = [
        ROSTER_HEADER,
        roster_row(a, cadre="郭斌", cadre_phone=mobile(2), department="市教育局", paired_on="2026-08-15"),
        roster_row(a, cadre_phone=mobile(1), paired_on="2026-01-05", unpaired_on="2026-08-15"),
    ]
    report = run_import(con, csv_bytes(second), "八月.csv")
    assert figures(report) == fig(read=2, inserted=1, updated=1)
    assert [(p[1], p[5]) for p in pairings(con)] == [(mobile(1), dt.date(2026, 8, 15)), (mobile(2), None)]


def test_file_row_overlapping_a_stored_pairing_it_does_not_restate_is_rejected(con):
    a, b = pid(1), pid(2)
    first = [ROSTER_HEADER, roster_row(a, cadre_phone=mobile(1)), roster_row(b, cadre_phone=mobile(3))]
    run_import(con, csv_bytes(first), "一月.csv")
    before = pairings(con)
    second = [
        ROSTER_HEADER,
        roster_row(a, cadre="郭斌", cadre_phone=mobile(2), paired_on="2026-08-15"),
        roster_row(b, cadre_phone=mobile(3)),
    ]
    report = run_import(con, csv_bytes(second), "八月.csv")
    assert figures(report) == fig(read=2, unchanged=1, rejected=1)
    error = errors_by_row(report)[2]
    assert error.column == "结对日期" and "时间重叠" in error.reason and masking.mask_phone(mobile(1)) in error.reason
    assert pairings(con) == before


OVERLAPS = """
    select count(*) from pairing p join pairing q
      on p.id_number = q.id_number and p.cadre_phone < q.cadre_phone
     and p.paired_on < coalesce(q.unpaired_on, date '9999-12-31')
     and q.paired_on < coalesce(p.unpaired_on, date '9999-12-31')
"""


def test_restated_stored_pairing_after_an_overlapping_new_row_leaves_no_overlap(con):
    a = pid(1)
    run_import(con, csv_bytes([ROSTER_HEADER, roster_row(a, cadre_phone=mobile(1), paired_on="2026-01-05")]), "1.csv")
    second = [
        ROSTER_HEADER,
        roster_row(a, cadre="郭斌", cadre_phone=mobile(2), paired_on="2026-03-01"),
        roster_row(a, cadre_phone=mobile(1), paired_on="2026-01-05"),
    ]
    report = run_import(con, csv_bytes(second), "2.csv")
    assert report.rejected >= 1
    assert balanced(report)
    assert rows_of(con, OVERLAPS) == [(0,)]


def test_beneficiary_columns_come_from_the_latest_row(con):
    a = pid(1)
    first = [ROSTER_HEADER, roster_row(a, name="刘斌", township="临河镇", cadre_phone=mobile(1))]
    run_import(con, csv_bytes(first), "一月.csv")
    second = [
        ROSTER_HEADER,
        roster_row(a, name="刘斌", township="临河镇", cadre_phone=mobile(1), unpaired_on="2026-08-15"),
        roster_row(a, name="刘斌斌", township="河西街道", village="9村", cadre_phone=mobile(2), paired_on="2026-08-15"),
    ]
    report = run_import(con, csv_bytes(second), "八月.csv")
    assert figures(report) == fig(read=2, inserted=1, updated=1)
    assert beneficiaries(con) == {a: ("刘斌斌", "孤儿", "临河区", "河西街道", "9村", None)}
    third = [ROSTER_HEADER, roster_row(a, name="刘斌斌", township="城关镇", village="9村", unpaired=True)]
    report = run_import(con, csv_bytes(third), "九月.csv")
    assert figures(report) == fig(read=1, updated=1)
    assert beneficiaries(con)[a][3] == "城关镇"
    assert counts(con)["pairing"] == 2  # an unpaired row does not remove stored pairings


def test_later_roster_without_optional_columns_keeps_stored_values(con):
    a = pid(1)
    first = [[*ROSTER_HEADER, "纳入日期", "干部职级"], [*roster_row(a), "2026-08-07", "市级领导"]]
    assert figures(run_import(con, csv_bytes(first), "全表.csv")) == fig(read=1, inserted=1)
    header = [h for h in ROSTER_HEADER if h != "村社区"]
    row = [v for h, v in zip(ROSTER_HEADER, roster_row(a), strict=True) if h != "村社区"]
    report = run_import(con, csv_bytes([header, row]), "简表.csv")
    assert figures(report) == fig(read=1, unchanged=1)
    assert rows_of(con, "select village, enrolled_on from beneficiary") == [("1村", dt.date(2026, 8, 7))]
    assert rows_of(con, "select cadre_level from pairing") == [("市级领导",)]


def test_date_order_in_the_roster(con):
    a, b, c = pid(1), pid(2), pid(3)
    header = [*ROSTER_HEADER, "纳入日期", "退出日期"]
    rows = [
        header,
        [*roster_row(a, paired_on="2026-05-01", unpaired_on="2026-04-30"), "", ""],
        [*roster_row(b, phone_seq=2), "2026-03-01", "2025-12-31"],
        [*roster_row(c, phone_seq=3), "", "2026-12-31"],
    ]
    report = run_import(con, csv_bytes(rows), "台账.csv")
    assert figures(report) == fig(read=3, inserted=1, rejected=2)
    errors = errors_by_row(report)
    assert errors[2].column == "解除日期" and errors[2].reason == "解除日期（2026-04-30）早于结对日期（2026-05-01）"
    assert errors[3].column == "退出日期" and errors[3].reason == "退出日期（2025-12-31）早于纳入日期（2026-03-01）"
    assert rows_of(con, "select enrolled_on, exited_on from beneficiary") == [
        (dt.date(1900, 1, 1), dt.date(2026, 12, 31))
    ]


# ================================================================ visits (SPEC §2.2)


def test_visit_of_a_person_not_in_the_roster_is_rejected(con):
    a, stranger = pid(1), pid(77)
    seed_roster(con, [a])
    rows = [VISITS_HEADER, visit_row(a), visit_row(stranger)]
    report = run_import(con, csv_bytes(rows), "走访.csv")
    assert figures(report) == fig(read=2, inserted=1, rejected=1)
    error = errors_by_row(report)[3]
    assert error.column == "身份证号" and error.reason.startswith("对象不在台账")
    assert masking.mask_id(stranger) in error.reason and stranger not in error.reason  # masked like everywhere


def test_visit_dated_after_today_is_rejected(con):
    a = pid(1)
    seed_roster(con, [a])
    rows = [VISITS_HEADER, visit_row(a, date="2026-11-28"), visit_row(a, date="2026-11-29", method="电话")]
    report = run_import(con, csv_bytes(rows), "走访.csv", today="2026-11-28")
    assert figures(report) == fig(read=2, inserted=1, rejected=1)
    error = errors_by_row(report)[3]
    assert error.column == "走访日期" and "晚于导入当天" in error.reason and "2026-11-29" in error.reason


def test_visits_dedup_by_record_number(con):
    a = pid(1)
    seed_roster(con, [a])
    rows = [
        VISITS_HEADER,
        visit_row(a, date="2026-10-01", method="电话", record_no="ZF1"),
        visit_row(a, date="2026-10-02", method="电话", record_no="ZF1"),  # same number, corrected date
        visit_row(a, date="2026-10-01", method="电话", record_no="ZF2"),  # same content, other number
    ]
    report = run_import(con, csv_bytes(rows), "走访.csv")
    assert figures(report) == fig(read=3, inserted=2, duplicate=1)
    assert rows_of(con, "select record_no, contact_date from contact order by record_no") == [
        ("ZF1", dt.date(2026, 10, 2)),
        ("ZF2", dt.date(2026, 10, 1)),
    ]
    again = [VISITS_HEADER, visit_row(a, date="2026-10-03", method="电话", satisfaction="满意", record_no="ZF1")]
    report = run_import(con, csv_bytes(again), "走访2.csv")
    assert figures(report) == fig(read=1, updated=1)
    assert counts(con)["contact"] == 2


def test_visits_dedup_by_id_date_method_and_phone(con):
    a = pid(1)
    seed_roster(con, [a])
    rows = [
        VISITS_HEADER,
        visit_row(a, method="上门", cadre_phone=mobile(100)),
        visit_row(a, method="入户走访", cadre_phone="139 0000 0100", satisfaction="满意"),  # same key once cleaned
        visit_row(a, method="入户走访", cadre_phone=mobile(101)),  # another cadre: another contact
        visit_row(a, method="电话", cadre_phone=mobile(100)),  # another method
        visit_row(a, method="电话"),  # no phone
    ]
    report = run_import(con, csv_bytes(rows), "走访.csv")
    assert figures(report) == fig(read=5, inserted=4, duplicate=1)
    assert counts(con)["contact"] == 4
    assert rows_of(
        con, "select satisfaction from contact where method = '入户走访' and cadre_phone = ?", [mobile(100)]
    ) == [("满意",)]
    report = run_import(con, csv_bytes([VISITS_HEADER, visit_row(a, method="走访", cadre_phone=mobile(101))]), "b.csv")
    assert figures(report) == fig(read=1, unchanged=1)


def test_visits_sheet_that_repeats_the_persons_name_and_place(con):
    a = pid(1)
    seed_roster(con, [a])
    rows = [
        ["身份证号", "姓名", "县区", "乡镇", "走访日期", "联系方式", "走访干部", "满意度"],
        [a, "对象0", "临河区", "临河镇", "2026-10-01", "入户走访", "黄静", "满意"],
    ]
    report = run_import(con, csv_bytes(rows), "走访记录.csv")
    assert report.status == "ok", report.message
    assert report.kind == "visits"
    assert figures(report) == fig(read=1, inserted=1)


def test_visits_sheet_with_all_person_columns_is_not_imported_as_a_roster(con):
    a = pid(1)
    seed_roster(con, [a])
    people_before = rows_of(con, "select * from beneficiary")
    rows = [
        ["身份证号", "姓名", "对象类别", "县区", "乡镇", "走访日期", "联系方式", "走访干部", "内容摘要"],
        [a, "对象0", "孤儿", "临河区", "临河镇", "2026-10-01", "入户走访", "黄静", "送米面油"],
    ]
    report = run_import(con, csv_bytes(rows), "走访记录.csv")
    assert rows_of(con, "select * from beneficiary") == people_before
    assert report.kind == "visits"
    assert counts(con)["contact"] == 1


def test_visit_written_with_the_old_15_digit_number_matches_the_roster(con):
    body = "62010219650807028"
    converted = body + gb11643_check(body)
    seed_roster(con, [converted])
    report = run_import(con, csv_bytes([VISITS_HEADER, visit_row("620102650807028")]), "走访.csv")
    assert figures(report) == fig(read=1, inserted=1)
    assert rows_of(con, "select id_number from contact") == [(converted,)]


def test_visit_by_another_cadre_than_the_paired_one_still_counts(con):
    a = pid(1)
    seed_roster(con, [a])  # paired with mobile(100)
    report = run_import(con, csv_bytes([VISITS_HEADER, visit_row(a, cadre_phone=mobile(555))]), "走访.csv")
    assert figures(report) == fig(read=1, inserted=1)
    assert report.rejected == 0


# ================================================================ issues (SPEC §2.3)


def test_issue_ledger_updated_by_a_later_version_with_numbers(con):
    a, b = pid(1), pid(2)
    seed_roster(con, [a, b])
    v1 = [
        ISSUES_HEADER,
        issue_row(a, issue_no="WT1", description="房屋漏雨"),
        issue_row(a, issue_no="WT2", category="医疗", description="报销慢"),
        issue_row(b, issue_no="WT1", category="学习", description="缺学习用品"),
    ]
    assert figures(run_import(con, csv_bytes(v1), "问题v1.csv")) == fig(read=3, inserted=3)
    v2 = [
        ISSUES_HEADER,
        issue_row(a, issue_no="WT1", description="房屋漏雨", level="所在单位", status="已解决", closed_on="2026-10-10"),
        issue_row(a, issue_no="WT2", category="医疗", description="报销慢"),
        issue_row(b, issue_no="WT1", category="学习", description="缺学习用品", status="办理中"),
        issue_row(b, issue_no="WT3", category="就业", description="想找工作"),
    ]
    report = run_import(con, csv_bytes(v2), "问题v2.csv")
    assert figures(report) == fig(read=4, inserted=1, updated=2, unchanged=1)
    assert rows_of(
        con, "select id_number, issue_no, level, status, closed_on from issue order by id_number, issue_no"
    ) == sorted(
        [
            (a, "WT1", "所在单位", "已解决", dt.date(2026, 10, 10)),
            (a, "WT2", "干部本人", "待办理", None),
            (b, "WT1", "干部本人", "办理中", None),
            (b, "WT3", "干部本人", "待办理", None),
        ]
    )


def test_issue_ledger_updated_by_a_later_version_without_numbers(con):
    a = pid(1)
    seed_roster(con, [a])
    v1 = [
        ISSUES_HEADER,
        issue_row(a, description="房屋漏雨"),
        issue_row(a, category="医疗", description="报销慢"),
        issue_row(a, raised_on="2026-09-02", description="房屋漏雨"),
    ]
    assert figures(run_import(con, csv_bytes(v1), "问题v1.csv")) == fig(read=3, inserted=3)
    v2 = [
        ISSUES_HEADER,
        issue_row(a, description="房屋漏雨", level="上级部门", status="正在办理"),
        issue_row(a, category="医疗", description="报销慢", status="已解释说明", closed_on="2026-10-01"),
        issue_row(a, raised_on="2026-09-02", description="房屋漏雨"),
    ]
    report = run_import(con, csv_bytes(v2), "问题v2.csv")
    assert figures(report) == fig(read=3, updated=2, unchanged=1)
    assert rows_of(
        con, "select raised_on, category, level, status, closed_on from issue order by raised_on, category"
    ) == [
        (dt.date(2026, 9, 1), "医疗", "干部本人", "无法解决", dt.date(2026, 10, 1)),
        (dt.date(2026, 9, 1), "生活", "上级部门", "办理中", None),
        (dt.date(2026, 9, 2), "生活", "干部本人", "待办理", None),
    ]


def test_issue_ledger_first_without_numbers_then_with_numbers_does_not_double_count(con):
    a = pid(1)
    seed_roster(con, [a])
    v1 = [ISSUES_HEADER, issue_row(a, description="房屋漏雨"), issue_row(a, category="医疗", description="报销慢")]
    assert figures(run_import(con, csv_bytes(v1), "问题v1.csv")) == fig(read=2, inserted=2)
    v2 = [
        ISSUES_HEADER,
        issue_row(a, issue_no="WT1", description="房屋漏雨", status="已解决", closed_on="2026-10-10"),
        issue_row(a, issue_no="WT2", category="医疗", description="报销慢"),
    ]
    report = run_import(con, csv_bytes(v2), "问题v2.csv")
    assert figures(report) == fig(read=2, updated=2)
    assert rows_of(con, "select issue_no, status from issue order by issue_no") == [
        ("WT1", "已解决"),
        ("WT2", "待办理"),
    ]
    again = run_import(con, csv_bytes(v2), "问题v2.csv")
    assert figures(again) == fig(read=2, unchanged=2)
    assert counts(con)["issue"] == 2


def test_issue_ledger_first_with_numbers_then_without_numbers_does_not_double_count(con):
    a = pid(1)
    seed_roster(con, [a])
    v1 = [ISSUES_HEADER, issue_row(a, issue_no="WT1", description="房屋漏雨")]
    run_import(con, csv_bytes(v1), "问题v1.csv")
    v2 = [ISSUES_HEADER, issue_row(a, description="房屋漏雨", status="办理中")]
    report = run_import(con, csv_bytes(v2), "问题v2.csv")
    assert counts(con)["issue"] == 1
    assert figures(report) == fig(read=1, updated=1)


def test_closing_date_rules_of_issues(con):
    a = pid(1)
    seed_roster(con, [a])
    rows = [
        ISSUES_HEADER,
        issue_row(a, issue_no="1", status="已解决", closed_on=""),
        issue_row(a, issue_no="2", status="无法解决", closed_on=""),
        issue_row(a, issue_no="3", raised_on="2026-09-10", status="已解决", closed_on="2026-09-09"),
        issue_row(a, issue_no="4", raised_on="2026-09-10", status="已解决", closed_on="2026-09-10"),
        issue_row(a, issue_no="5", status="已办结", closed_on="2026年9月30日"),
    ]
    report = run_import(con, csv_bytes(rows), "问题.csv")
    assert figures(report) == fig(read=5, inserted=2, rejected=3)
    errors = errors_by_row(report)
    assert errors[2].column == "办结日期" and errors[2].reason == "办理状态为“已解决”时必须填写办结日期"
    assert errors[3].column == "办结日期" and errors[3].reason == "办理状态为“无法解决”时必须填写办结日期"
    assert errors[4].column == "办结日期" and errors[4].reason == "办结日期（2026-09-09）早于提出日期（2026-09-10）"
    assert rows_of(con, "select issue_no, closed_on from issue order by issue_no") == [
        ("4", dt.date(2026, 9, 10)),
        ("5", dt.date(2026, 9, 30)),
    ]


def test_issue_of_a_person_not_in_the_roster_is_rejected(con):
    seed_roster(con, [pid(1)])
    report = run_import(con, csv_bytes([ISSUES_HEADER, issue_row(pid(88))]), "问题.csv")
    assert figures(report) == fig(read=1, rejected=1)
    assert errors_by_row(report)[2].reason.startswith("对象不在台账")


# ================================================================ import semantics (SPEC §4)


def _three_files() -> list[tuple[bytes, str]]:
    a, b, c = pid(1), pid(2), pid(3)
    roster = csv_bytes(
        [
            ROSTER_HEADER,
            roster_row(a, phone_seq=1),
            roster_row(b, phone_seq=2, paired_on="2025-12-01", unpaired_on="2026-06-01"),
            roster_row(b, cadre="郭斌", phone_seq=3, paired_on="2026-06-01"),
            roster_row(c, unpaired=True),
            roster_row(pid(4), category="未知类别", unpaired=True),
        ]
    )
    visits = xlsx_bytes(
        [
            VISITS_HEADER,
            visit_row(a, date=46300, method="上门", record_no="R1"),
            visit_row(b, method="电话联系", cadre_phone=mobile(3)),
            visit_row(c, date="2026/10/9", method="微信"),
            visit_row(pid(99)),
        ]
    )
    issues = csv_bytes(
        [
            ISSUES_HEADER,
            issue_row(a, issue_no="WT1", status="已办结", closed_on="2026-10-01"),
            issue_row(b, description="孩子上学远"),
            issue_row(c, issue_no="WT3", status="已解决"),
        ],
        encoding="gbk",
    )
    return [(roster, "台账.csv"), (visits, "走访.xlsx"), (issues, "问题.csv")]


def test_importing_the_same_files_twice_changes_nothing(con):
    files = _three_files()
    first = [run_import(con, data, name) for data, name in files]
    assert [figures(r) for r in first] == [
        fig(read=5, inserted=4, rejected=1),
        fig(read=4, inserted=3, rejected=1),
        fig(read=3, inserted=2, rejected=1),
    ]
    before = snapshot(con)
    second = [run_import(con, data, name) for data, name in files]
    assert [figures(r) for r in second] == [
        fig(read=5, unchanged=4, rejected=1),
        fig(read=4, unchanged=3, rejected=1),
        fig(read=3, unchanged=2, rejected=1),
    ]
    after = snapshot(con)
    for table in ("beneficiary", "pairing", "contact", "issue"):
        assert after[table] == before[table], table
    # the same bytes are recognised (SPEC §4): no second batch, the first batch's rejected rows listed again
    assert after == before
    assert [(r.status, r.earlier_batch, r.batch_id) for r in second] == [
        ("already_imported", r.batch_id, None) for r in first
    ]
    assert [[e.row for e in r.errors] for r in second] == [[e.row for e in r.errors] for r in first]
    assert len(after["import_batch"]) == 3
    assert len(after["rejected_row"]) == 3


def test_all_or_nothing_with_one_bad_row_lands_nothing(con):
    seed_roster(con, [pid(1)])
    before = snapshot(con)
    rows = [ROSTER_HEADER, roster_row(pid(2), phone_seq=2), roster_row(pid(3), phone_seq=3), roster_row("123")]
    report = run_import(con, csv_bytes(rows), "台账.csv", all_or_nothing=True)
    assert report.status == "rolled_back"
    assert report.batch_id is None
    assert report.rejected == 1 and errors_by_row(report)[4].column == "身份证号"
    assert "整体不导入" in report.message and "1行" in report.message
    assert report.summary()["inserted"] == 0
    assert snapshot(con) == before
    ok = run_import(con, csv_bytes(rows[:3]), "台账.csv", all_or_nothing=True)
    assert ok.status == "ok" and figures(ok) == fig(read=2, inserted=2)


def test_every_batch_is_recorded_with_hash_kind_counts_and_rejected_rows(con):
    a = pid(1)
    rows = [
        ROSTER_HEADER,
        roster_row(a, phone_seq=1),
        roster_row(a, phone_seq=1),
        roster_row(pid(2), name="胡强", category="五保户", phone_seq=2),
    ]
    data = csv_bytes(rows)
    report = run_import(con, data, "临河区台账.csv", user="临河区民政局")
    assert figures(report) == fig(read=3, inserted=1, duplicate=1, rejected=1)
    batch = rows_of(
        con,
        "select batch_id, user_name, file_name, sha256, kind, rows_read, inserted, updated, unchanged, duplicate,"
        " rejected, imported_at from import_batch",
    )
    assert len(batch) == 1
    assert batch[0][:11] == (
        report.batch_id,
        "临河区民政局",
        "临河区台账.csv",
        hashlib.sha256(data).hexdigest(),
        "roster",
        3,
        1,
        0,
        0,
        1,
        1,
    )
    assert isinstance(batch[0][11], dt.datetime)
    sheets = json.loads(rows_of(con, "select sheets from import_batch")[0][0])
    assert sheets == [{"sheet": "临河区台账", "kind": "roster", "header_row": 1}]
    rejected = rows_of(con, "select batch_id, sheet, row_no, column_name, reason, raw from rejected_row")
    assert len(rejected) == 1
    batch_id, sheet, row_no, column, reason, raw = rejected[0]
    assert (batch_id, sheet, row_no, column) == (report.batch_id, "临河区台账", 4, "对象类别")
    assert "五保户" in reason and "不在允许的取值中" in reason
    raw = json.loads(raw)
    assert raw["姓名"] == "胡强" and raw["对象类别"] == "五保户" and raw["身份证号"] == pid(2)
    assert raw["干部电话"] == mobile(2)
    assert pairings(con)[0][4] == dt.date(2026, 1, 5)
    assert report.summary()["errors"] == [{"sheet": "临河区台账", "row": 4, "column": "对象类别", "reason": reason}]


def test_messy_file_balances_read_against_outcomes(con):
    a, b, c, d = pid(1), pid(2), pid(3), pid(4)
    seed_roster(con, [a])
    rows = [
        ["结对台账（2026年11月）"],
        ["序号", *ROSTER_HEADER],
        ["1", *roster_row(a, name="对象0", phone_seq=100)],  # unchanged
        ["2", *roster_row(b, phone_seq=2)],  # inserted
        ["2", *roster_row(b, phone_seq=2)],  # exact duplicate
        [],
        ["3", *roster_row(c, phone_seq=3, paired_on="2026-02-01")],  # superseded by row 9 (same key)
        ["4", *roster_row(d, category="不知道", phone_seq=4)],  # rejected
        ["5", *roster_row(c, phone_seq=3, paired_on="2026-03-01")],  # inserted
        ["6", *roster_row(a, name="对象0", cadre="郭斌", phone_seq=5, paired_on="2026-05-01")],  # overlap: rejected
        ["合计", "6人"],
    ]
    report = run_import(con, xlsx_bytes(rows, merges=["A1:L1"]), "杂乱.xlsx")
    assert figures(report) == fig(read=7, inserted=2, unchanged=1, duplicate=2, rejected=2)
    assert balanced(report)
    assert sorted(errors_by_row(report)) == [8, 10]
    stored = rows_of(con, "select rows_read, inserted, updated, unchanged, duplicate, rejected from import_batch")
    assert stored[-1] == (7, 2, 0, 1, 2, 2)


# ================================================================ the example of the spec


def _read_example(name: str) -> list[dict[str, str]]:
    with (EXAMPLE_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_example_files_import_exactly_their_rows(con):
    roster = _read_example("结对台账.csv")
    visits = _read_example("走访记录.csv")
    issues = _read_example("问题台账.csv")
    reports = [
        load.import_file(con, EXAMPLE_DIR / name, today=TODAY)
        for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv")
    ]
    assert [r.status for r in reports] == ["ok", "ok", "ok"]
    assert [r.rejected for r in reports] == [0, 0, 0]
    assert [r.kind for r in reports] == ["roster", "visits", "issues"]
    assert [r.read for r in reports] == [len(roster), len(visits), len(issues)]
    assert all(balanced(r) for r in reports)

    people = {r["身份证号"] for r in roster}
    pairs = {(r["身份证号"], r["干部电话"]) for r in roster if r["干部电话"]}
    unpaired = people - {p for p, _ in pairs}
    contacts = {(r["身份证号"], r["走访日期"], r["联系方式"], r["干部电话"]) for r in visits}
    issue_keys = {
        (r["身份证号"], r["问题编号"])
        if r["问题编号"]
        else (r["身份证号"], r["提出日期"], r["问题类别"], r["问题描述"])
        for r in issues
    }
    n = counts(con)
    assert (n["beneficiary"], n["pairing"], n["contact"], n["issue"]) == (
        len(people),
        len(pairs),
        len(contacts),
        len(issue_keys),
    )
    assert n["rejected_row"] == 0 and n["import_batch"] == 3
    assert {r[0] for r in rows_of(con, "select id_number from beneficiary")} == people
    assert {(r[0], r[1]) for r in rows_of(con, "select id_number, cadre_phone from pairing")} == pairs
    assert len(unpaired) == 2
    stored_contacts = rows_of(con, "select id_number, strftime(contact_date, '%Y-%m-%d'), method from contact")
    assert sorted(stored_contacts) == sorted((r["身份证号"], r["走访日期"], r["联系方式"]) for r in visits)
    stored_issues = rows_of(
        con, "select id_number, coalesce(issue_no, ''), strftime(raised_on, '%Y-%m-%d'), status from issue"
    )
    assert sorted(stored_issues) == sorted((r["身份证号"], r["问题编号"], r["提出日期"], r["办理状态"]) for r in issues)
    again = [
        load.import_file(con, EXAMPLE_DIR / name, today=TODAY)
        for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv")
    ]
    assert [(r.inserted, r.updated, r.rejected) for r in again] == [(0, 0, 0)] * 3
    assert [r.unchanged for r in again] == [r.inserted for r in reports]


def test_a_county_users_upload_touches_only_his_county(tmp_path):
    """Issue 6: rows of other counties are rejected, and nobody is moved in from another county."""
    from pipeline import db
    from tests.conftest import EXAMPLE_TODAY, build_example_database

    path = build_example_database(tmp_path / "county.duckdb")
    with db.session(path) as con:
        before = con.execute("select count(*) from contact").fetchall()[0][0]
        stored = dict(con.execute("select id_number, county from beneficiary").fetchall())
        own = next(i for i, c in stored.items() if c == "东川县")
        other = next(i for i, c in stored.items() if c == "临河区")
        visits = f"身份证号,走访日期,联系方式\n{own},2026-11-20,电话\n{other},2026-11-20,电话\n"
        report = load.import_bytes(con, visits.encode(), "走访.csv", today=EXAMPLE_TODAY, county="东川县")
        assert (report.inserted, report.rejected) == (1, 1)
        assert report.errors[0].row == 3 and "东川县" in report.errors[0].reason
        assert con.execute("select count(*) from contact").fetchall()[0][0] == before + 1
        roster = (
            "身份证号,姓名,对象类别,县区,乡镇\n"
            f"{other},某某,孤儿,东川县,东川乡\n"  # someone of 临河区 "moved" into 东川县
            f"{own},某甲,孤儿,临河区,临河镇\n"  # his own person written under another county
        )
        report = load.import_bytes(con, roster.encode(), "台账.csv", today=EXAMPLE_TODAY, county="东川县")
        assert (report.inserted + report.updated, report.rejected) == (0, 2)
        assert dict(con.execute("select id_number, county from beneficiary").fetchall()) == stored
