"""Unit tests of the cleaning rules (SPEC §3) and of header recognition (SPEC §2), one rule at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.ingest import clean, headers
from tests.ingest_helpers import fullwidth, gb11643_check, pid, pid_with_x, wrong_check

# ================================================================ text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  刘斌  ", "刘斌"),
        ("\u3000刘斌\u3000", "刘斌"),  # full-width spaces
        ("\n刘斌\r\n", "刘斌"),  # line breaks at the ends
        ("\t 临河镇 \xa0", "临河镇"),
        ("刘 斌", "刘 斌"),  # inner spaces are the writer's
        ("   ", None),
        ("", None),
        (None, None),
    ],
)
def test_text_cells_are_trimmed(raw, expected):
    assert clean.clean_text(raw, "姓名") == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (13910000000.0, "13910000000"),  # a whole number cell loses its ".0"
        (7, "7"),
        (1.5, "1.5"),
        (float("nan"), ""),
        (dt.date(2026, 3, 5), "2026-03-05"),
        (dt.datetime(2026, 3, 5), "2026-03-05"),
        (dt.datetime(2026, 3, 5, 8, 30), "2026-03-05 08:30:00"),
    ],
)
def test_cell_text_of_typed_cells(raw, expected):
    assert clean.cell_text(raw) == expected


# ================================================================ ID numbers


def test_valid_id_is_kept():
    value = pid(14)
    assert clean.clean_id(value, "身份证号") == (value, None)


def test_known_id_from_the_standard_has_check_char_x():
    # the worked example of GB 11643: 11010519491231002X
    assert gb11643_check("11010519491231002") == "X"
    assert clean.clean_id("11010519491231002X", "身份证号") == ("11010519491231002X", None)


def test_lower_case_x_becomes_upper_case():
    value = pid_with_x()
    assert clean.clean_id(value.lower(), "身份证号") == (value, None)


def test_full_width_digits_and_x_become_half_width():
    value = pid_with_x()
    assert clean.clean_id(fullwidth(value), "身份证号") == (value, None)
    assert clean.clean_id(fullwidth(value.lower()), "身份证号") == (value, None)


def test_id_is_trimmed_including_inner_spaces_and_full_width_space():
    value = pid(15)
    assert clean.clean_id(f"\u3000{value[:6]} {value[6:14]} {value[14:]}\n", "身份证号") == (value, None)


def test_fifteen_digit_id_is_converted_with_19_and_check_digit():
    # old number: area 620102, born 650807, sequence 028 -> 620102 19650807 028 + check
    body = "62010219650807028"
    assert clean.clean_id("620102650807028", "身份证号") == (body + gb11643_check(body), None)
    assert clean.clean_id("110105491231002", "身份证号") == ("11010519491231002X", None)


def test_fifteen_digit_id_stored_as_a_number_is_converted():
    body = "62010219650807028"
    assert clean.clean_id(620102650807028.0, "身份证号") == (body + gb11643_check(body), None)
    assert clean.clean_id(620102650807028, "身份证号") == (body + gb11643_check(body), None)


@pytest.mark.parametrize("raw", [6.2010220120503e17, 620102201205030014, 620102201205030000.0])
def test_eighteen_digit_id_stored_as_a_number_is_rejected_as_lost_digits(raw):
    value, reason = clean.clean_id(raw, "身份证号")
    assert value is None
    assert "数字" in reason and "丢失" in reason and "文本" in reason
    assert "6.20102E+17" in reason


@pytest.mark.parametrize("raw", ["6.20102E+17", "6.20102e+17", "6.2010220120503E17", " 6.20102E+17 "])
def test_id_in_scientific_notation_text_is_rejected_as_lost_digits(raw):
    value, reason = clean.clean_id(raw, "身份证号")
    assert value is None
    assert "丢失" in reason and "文本" in reason
    assert raw.strip() in reason


def test_wrong_check_digit_is_rejected_naming_the_expected_one():
    good = pid(16)
    value, reason = clean.clean_id(wrong_check(good), "身份证号")
    assert value is None
    assert "校验位" in reason and wrong_check(good) in reason and f"应为{good[17]}" in reason


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("62010220120503001", "位数"),  # 17 characters
        ("6201022012050300145", "位数"),  # 19 characters
        ("62010220120503001A", "非法字符"),
        ("62010265080702X", "非法字符"),  # 15 characters must be digits
    ],
)
def test_malformed_ids_are_rejected(raw, words):
    value, reason = clean.clean_id(raw, "身份证号")
    assert value is None
    assert words in reason and "身份证号" in reason


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_blank_id_is_left_to_the_required_rule(raw):
    assert clean.clean_id(raw, "身份证号") == (None, None)


# ================================================================ phones


@pytest.mark.parametrize(
    "raw",
    [
        "13910000001",
        "139 1000 0001",
        "139-1000-0001",
        "+86 139 1000 0001",
        "+8613910000001",
        "86-13910000001",
        "008613910000001",
        13910000001.0,
        13910000001,
        fullwidth("13910000001"),
        " 13910000001\n",
    ],
)
def test_mobile_keeps_digits_and_drops_the_86_prefix(raw):
    assert clean.clean_mobile(raw, "干部电话") == ("13910000001", None)


@pytest.mark.parametrize("raw", ["0931-8888888", "1391000000", "139100000011", "23910000001", "无"])
def test_cadre_phone_that_is_not_a_mobile_is_rejected(raw):
    value, reason = clean.clean_mobile(raw, "干部电话")
    assert value is None
    assert "干部电话" in reason and "11位手机号" in reason


def test_informational_phone_keeps_a_landline_as_written():
    assert clean.clean_phone_lenient("0931-8888888", "对象电话") == ("0931-8888888", None)
    assert clean.clean_phone_lenient("+86 139-1000-0001", "对象电话") == ("13910000001", None)
    assert clean.clean_phone_lenient("", "对象电话") == (None, None)


# ================================================================ dates

MARCH_5 = dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03-05",
        "2026-3-5",
        "2026/3/5",
        "2026/03/05",
        "2026.3.5",
        "2026.03.05",
        "2026年3月5日",
        "2026年03月05日",
        "20260305",
        fullwidth("2026-03-05"),
        " 2026-03-05\n",
    ],
)
def test_text_dates_in_every_listed_format(raw):
    assert clean.clean_date(raw, "走访日期") == (MARCH_5, None)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03-05 08:30",
        "2026-03-05 08:30:15",
        "2026-03-05T08:30:15",
        "2026/3/5 8:30",
        "2026.3.5 08:30:00",
        "2026年3月5日 8:30",
    ],
)
def test_text_dates_with_a_time_part(raw):
    assert clean.clean_date(raw, "走访日期") == (MARCH_5, None)


@pytest.mark.parametrize("raw", ["20260305 08:30", "20260305 08:30:00", "2026年3月5日8:30", "2026年3月5日10时30分"])
def test_compact_or_chinese_date_with_a_time_part(raw):
    assert clean.clean_date(raw, "走访日期") == (MARCH_5, None)


@pytest.mark.parametrize(
    "raw",
    [
        MARCH_5,
        dt.datetime(2026, 3, 5, 17, 45),
        46086,  # Excel serial number of 2026-03-05
        46086.0,
        46086.75,  # a serial with a time of day
        "46086",  # a serial that reached a CSV as text
        20260305,  # the compact form typed into a number cell
        20260305.0,
    ],
)
def test_date_cells_serial_numbers_and_numbers(raw):
    assert clean.clean_date(raw, "走访日期") == (MARCH_5, None)


def test_excel_serial_epoch():
    # serials count days from 1899-12-30; only five-digit serials (1927-05-18 to 2173-10-13) are read
    # as dates, so a year such as 2026 typed into a date column is refused rather than misread
    assert clean.parse_date(45658) == dt.date(2025, 1, 1)
    assert clean.parse_date(10000) == dt.date(1927, 5, 18)
    assert clean.parse_date(99999) == dt.date(2173, 10, 13)
    assert clean.parse_date(9999) is None
    assert clean.parse_date(61) is None


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13-01", "明天", "3/5/2026", "2026年3月", "0"])
def test_unreadable_dates_are_rejected_listing_the_formats(raw):
    value, reason = clean.clean_date(raw, "走访日期")
    assert value is None
    assert reason.startswith(f"走访日期“{raw}”不是可识别的日期")
    for example in ("2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", "20260305"):
        assert example in reason


@pytest.mark.parametrize("raw", ["2026.10", "2026", "202610", "2026.1", 2026.1])
def test_year_or_year_month_is_not_a_date(raw):
    value, reason = clean.clean_date(raw, "结对日期")
    assert value is None
    assert "不是可识别的日期" in reason


def test_blank_date_is_none_without_reason():
    assert clean.clean_date("  ", "解除日期") == (None, None)


# ================================================================ enumerations

CATEGORY = clean.cleaner_for("roster", "category")
METHOD = clean.cleaner_for("visits", "method")
STATUS = clean.cleaner_for("issues", "status")
LEVEL = clean.cleaner_for("issues", "level")
RATING = clean.cleaner_for("issues", "rating")
SATISFACTION = clean.cleaner_for("visits", "satisfaction")
CADRE_LEVEL = clean.cleaner_for("roster", "cadre_level")
PAIRING_MODE = clean.cleaner_for("roster", "pairing_mode")
ISSUE_CATEGORY = clean.cleaner_for("issues", "category")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("孤儿", "孤儿"),
        ("事实无人抚养儿童", "事实无人抚养儿童"),
        ("困难重度残疾人", "困难重度残疾人"),
        ("特困人员", "特困人员"),
        ("事实孤儿", "事实无人抚养儿童"),
        ("重度残疾人", "困难重度残疾人"),
        ("特困供养人员", "特困人员"),
        ("特困", "特困人员"),
        (" 特困 人员 ", "特困人员"),
    ],
)
def test_category_and_its_aliases(raw, expected):
    assert CATEGORY(raw, "对象类别") == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("入户走访", "入户走访"),
        ("上门", "入户走访"),
        ("入户", "入户走访"),
        ("走访", "入户走访"),
        ("电话", "电话"),
        ("电话联系", "电话"),
        ("微信", "微信"),
        ("短信", "短信"),
        ("视频", "视频"),
        ("邀请到家", "邀请到家"),
        ("其他", "其他"),
    ],
)
def test_contact_method_and_its_aliases(raw, expected):
    assert METHOD(raw, "联系方式") == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("待办理", "待办理"),
        ("未办理", "待办理"),
        ("未解决", "待办理"),
        ("办理中", "办理中"),
        ("正在办理", "办理中"),
        ("已解决", "已解决"),
        ("已办结", "已解决"),
        ("已完成", "已解决"),
        ("无法解决", "无法解决"),
        ("已解释说明", "无法解决"),
    ],
)
def test_issue_status_and_its_aliases(raw, expected):
    assert STATUS(raw, "办理状态") == (expected, None)


@pytest.mark.parametrize(
    ("cleaner", "column", "allowed"),
    [
        (CATEGORY, "对象类别", ["孤儿", "事实无人抚养儿童", "困难重度残疾人", "特困人员"]),
        (METHOD, "联系方式", ["入户走访", "电话", "微信", "短信", "视频", "邀请到家", "其他"]),
        (STATUS, "办理状态", ["待办理", "办理中", "已解决", "无法解决"]),
        (LEVEL, "办理层级", ["干部本人", "所在单位", "上级部门", "领导小组办公室"]),
        (RATING, "群众评价", ["满意", "基本满意", "不满意"]),
        (SATISFACTION, "满意度", ["满意", "基本满意", "不满意"]),
        (CADRE_LEVEL, "干部职级", ["市级领导", "县级领导", "科级干部", "一般干部"]),
        (PAIRING_MODE, "结对方式", ["属地结对", "帮扶县结对", "调配结对"]),
        (ISSUE_CATEGORY, "问题类别", ["生活", "学习", "医疗", "就业", "住房", "政策落实", "心理关爱", "其他"]),
    ],
)
def test_every_enumeration_accepts_its_values_and_rejects_others_listing_them(cleaner, column, allowed):
    for value in allowed:
        assert cleaner(value, column) == (value, None)
    value, reason = cleaner("随便", column)
    assert value is None
    assert reason == f"{column}“随便”不在允许的取值中，可填：{'、'.join(allowed)}"


def test_blank_enumeration_is_none_without_reason():
    assert STATUS("", "办理状态") == (None, None)


def test_clean_column_keeps_order_and_types_apart():
    values, reasons = clean.clean_column(["上门", 46086, "上门", "46086", "乱写"], METHOD, "联系方式")
    assert values == ["入户走访", None, "入户走访", None, None]
    assert [r is not None for r in reasons] == [False, True, False, True, True]
    dates, _ = clean.clean_column([46086, "46086", 46086.0], clean.clean_date, "走访日期")
    assert dates == [MARCH_5, MARCH_5, MARCH_5]


# ================================================================ header normalisation


@pytest.mark.parametrize(
    "raw",
    [
        "身份证号",
        " 身份证号 ",
        "身份 证号",
        "身份\n证号",
        "身份证号\r\n",
        "身份证号*",
        "身份证号 *",
        "身份证号＊",
        "\u3000身份证号\u3000",
    ],
)
def test_header_normalisation_spaces_line_breaks_star(raw):
    assert headers.normalize_header(raw) == "身份证号"


@pytest.mark.parametrize("raw", ["县(区)", "县（区）", "县 ( 区 )", "县（区）*", "县\n（区）"])
def test_header_normalisation_brackets_full_and_half_width(raw):
    assert headers.normalize_header(raw) == "县区"


# ================================================================ aliases (written out from SPEC §2)

SPEC_ALIASES = {
    "roster": {
        "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "对象身份证号"],
        "name": ["姓名", "对象姓名", "帮扶对象姓名"],
        "category": ["对象类别", "类别", "人员类别", "对象类型"],
        "county": ["县区", "县(区)", "县（市、区）", "所属县区"],
        "township": ["乡镇", "乡镇(街道)", "镇(街道)", "乡镇街道", "所属乡镇"],
        "village": ["村社区", "村(社区)", "村(居委)", "村/社区"],
        "phone": ["对象电话", "对象联系电话", "联系电话", "联系方式"],
        "enrolled_on": ["纳入日期", "认定日期"],
        "exited_on": ["退出日期"],
        "cadre_name": ["结对干部", "帮扶干部", "干部姓名", "结对干部姓名", "帮扶责任人", "帮扶人"],
        "cadre_phone": ["干部电话", "干部联系电话", "干部手机号", "帮扶责任人电话", "帮扶人联系电话"],
        "department": ["干部单位", "帮扶单位", "工作单位", "所在单位", "单位", "帮扶责任人单位"],
        "cadre_level": ["干部职级", "职级", "干部级别"],
        "pairing_mode": ["结对方式"],
        "paired_on": ["结对日期"],
        "unpaired_on": ["解除日期"],
    },
    "visits": {
        "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "对象身份证号", "对象身份证号码"],
        "contact_date": ["走访日期", "联系日期", "走访时间", "日期"],
        "method": ["联系方式", "走访方式", "联系形式", "方式"],
        "cadre_name": ["走访干部", "干部姓名"],
        "cadre_phone": ["干部电话"],
        "summary": ["内容摘要", "走访内容", "主要内容"],
        "satisfaction": ["满意度", "群众满意度", "对象评价"],
        "record_no": ["记录编号", "编号"],
    },
    "issues": {
        "issue_no": ["问题编号", "编号"],
        "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "对象身份证号", "对象身份证号码"],
        "raised_on": ["提出日期", "发现日期", "登记日期", "登记时间"],
        "category": ["问题类别", "困难类别", "诉求类别"],
        "description": ["问题描述", "困难诉求", "具体问题", "诉求内容", "群众诉求"],
        "level": ["办理层级", "当前层级", "上报层级"],
        "responsible_unit": ["责任单位"],
        "status": ["办理状态", "状态", "办理情况"],
        "closed_on": ["办结日期", "解决日期", "完成日期", "办结时间"],
        "rating": ["群众评价", "满意度"],
    },
}


def _alias_cases():
    for kind, columns in SPEC_ALIASES.items():
        for field_name, names in columns.items():
            for name in names:
                yield pytest.param(kind, field_name, name, id=f"{kind}-{field_name}-{name}")


def _header_with(kind: str, field_name: str, name: str) -> list[str]:
    """A header of the kind with its canonical names, except `field_name` written as `name`."""
    return [name if f == field_name else names[0] for f, names in SPEC_ALIASES[kind].items()]


@pytest.mark.parametrize(("kind", "field_name", "name"), list(_alias_cases()))
def test_every_alias_maps_to_its_field(kind, field_name, name):
    header = _header_with(kind, field_name, name)
    match = headers.find_header([header], "表1")
    assert match is not None
    assert match.kind == kind
    position = header.index(name)
    assert match.columns[position] == field_name
    assert match.unknown == []
    assert sorted(match.columns.values()) == sorted(SPEC_ALIASES[kind])


@pytest.mark.parametrize(("kind", "field_name", "name"), list(_alias_cases()))
def test_every_alias_maps_when_written_messily(kind, field_name, name):
    messy = f" {name[:1]}\n{name[1:]} *".replace("(", "（").replace(")", "）")
    header = _header_with(kind, field_name, messy)
    match = headers.find_header([header], "表1", kind)
    assert match is not None
    assert match.columns[header.index(messy)] == field_name


def test_visits_contact_method_column_holding_phone_numbers_is_read_as_a_phone():
    rows = [
        ["身份证号", "走访日期", "联系方式", "走访方式"],
        [pid(1), "2026-10-01", "13910000001", "入户走访"],
        [pid(2), "2026-10-02", "139 1000 0002", "电话"],
        [pid(3), "2026-10-03", 13910000003.0, "微信"],
    ]
    match = headers.find_header(rows, "走访")
    assert match.kind == "visits"
    assert match.columns[3] == "method"
    assert match.columns[2] != "method"
    assert match.columns[2] == "cadre_phone"


def test_visits_contact_method_column_holding_methods_stays_the_method():
    rows = [["身份证号", "走访日期", "联系方式"], [pid(1), "2026-10-01", "入户走访"], [pid(2), "2026-10-02", "电话"]]
    match = headers.find_header(rows, "走访")
    assert match.columns == {0: "id_number", 1: "contact_date", 2: "method"}


def test_roster_contact_column_is_the_persons_phone():
    rows = [["身份证号", "姓名", "对象类别", "县区", "乡镇", "联系方式"]]
    match = headers.find_header(rows, "台账")
    assert match.kind == "roster"
    assert match.columns[5] == "phone"


# ================================================================ header row search


def test_header_found_below_title_rows():
    rows = [
        ["2026年结对关爱台账", "2026年结对关爱台账", "2026年结对关爱台账"],
        ["填报单位：临河区", "", ""],
        ["", "", ""],
        ["身份证号", "走访日期", "联系方式"],
    ]
    match = headers.find_header(rows, "走访")
    assert (match.kind, match.row_index) == ("visits", 3)


def test_header_needs_three_known_columns():
    assert headers.find_header([["身份证号", "走访日期", "备注"]], "表") is None
    assert headers.find_header([["身份证号", "走访日期", "联系方式"]], "表") is not None


def test_header_is_searched_in_the_first_15_rows_only():
    header = ["身份证号", "走访日期", "联系方式"]
    at_15 = [["说明"]] * 14 + [header]
    at_16 = [["说明"]] * 15 + [header]
    assert headers.find_header(at_15, "表").row_index == 14
    assert headers.find_header(at_16, "表") is None


def test_two_level_header_with_merged_group_cells():
    # what _fill_merged makes of: 身份证号/姓名/… merged over two rows, 结对干部 merged over three columns
    top = ["身份证号", "姓名", "对象类别", "县区", "乡镇", "结对干部", "结对干部", "结对干部", "结对日期"]
    bottom = ["身份证号", "姓名", "对象类别", "县区", "乡镇", "姓名", "电话", "单位", "结对日期"]
    match = headers.find_header([["标题"] * 9, top, bottom, [pid(1)]], "台账")
    assert match.kind == "roster"
    assert match.row_index == 2
    assert match.columns == {
        0: "id_number",
        1: "name",
        2: "category",
        3: "county",
        4: "township",
        5: "cadre_name",
        6: "cadre_phone",
        7: "department",
        8: "paired_on",
    }


def test_two_level_header_with_person_group():
    top = ["帮扶对象基本信息", "帮扶对象基本信息", "帮扶对象基本信息", "县区", "乡镇", "帮扶责任人", "帮扶责任人"]
    bottom = ["姓名", "身份证号", "电话", "", "", "姓名", "电话"]
    match = headers.find_header([top, bottom], "台账")
    assert match.row_index == 1
    assert match.columns == {
        0: "name",
        1: "id_number",
        2: "phone",
        3: "county",
        4: "township",
        5: "cadre_name",
        6: "cadre_phone",
    }


def test_unknown_columns_are_listed():
    match = headers.find_header([["序号", "身份证号", "走访日期", "联系方式", "备注"]], "表")
    assert match.unknown == ["序号", "备注"]


def test_missing_required_columns_are_named():
    match = headers.find_header([["身份证号", "姓名", "县区", "乡镇"]], "表")
    assert match.kind == "roster"
    assert match.missing_required == ["对象类别"]
