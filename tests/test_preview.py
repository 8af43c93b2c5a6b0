"""The preview of an uploaded file: kind, header row, mapped and unknown columns, first rows, before any import."""

from __future__ import annotations

import re

from pipeline import labels
from pipeline.ingest import preview
from tests.ingest_helpers import (
    ROSTER_HEADER,
    VISITS_HEADER,
    csv_bytes,
    mobile,
    pid,
    roster_row,
    visit_row,
    wrong_check,
    xlsx_bytes,
)

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def _messy_roster() -> tuple[bytes, list[str]]:
    """A roster under a merged title, a two-level header (结对干部 over 姓名/电话/单位), a 备注 column,
    a blank row, a bad ID, a 合计 row, and a second sheet of notes without any header."""
    people = [pid(k) for k in range(1, 5)]
    top = ["身份证号", "姓名", "对象类别", "县区", "乡镇", "结对干部", None, None, "结对日期", "备注"]
    sub = [None, None, None, None, None, "姓名", "电话", "单位", None, None]
    body = [
        [people[0], "刘斌", "孤儿", "临河区", "临河镇", "黄静", mobile(1), "市民政局", "2026-01-05", "新纳入"],
        [wrong_check(people[1]), "胡强", "特困", "东川县", "东川乡", "郭斌", mobile(2), "市教育局", "2026-02-01", ""],
        [],
        [people[2], "林秀娟", "孤儿", "东川县", "东川乡", "郭斌", mobile(3), "市教育局", "2026/3/1", ""],
        [people[3], "张平", "五保户", "西坪县", "西坪镇", "王伟", mobile(4), "市卫健委", "2026年4月1日", ""],
        ["合计", "4人"],
    ]
    merges = ["A1:J1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:H2", "I2:I3", "J2:J3"]
    sheets = {"临河区台账": [["临河区结对关爱台账（2026年11月）"], top, sub, *body], "填表说明": [["请按要求填写"]]}
    return xlsx_bytes(sheets, merges={"临河区台账": merges}), people


def test_messy_workbook_gives_kind_header_row_and_columns():
    data, _people = _messy_roster()
    found = preview.preview_bytes(data, "临河区台账.xlsx", today="2026-11-28")
    assert found.error == ""
    assert found.importable
    assert found.kinds == ["roster"]
    roster, notes = found.sheets
    assert (roster.sheet, roster.kind, roster.header_row) == ("临河区台账", "roster", 3)
    assert roster.columns == [
        ("身份证号", "身份证号"),
        ("姓名", "姓名"),
        ("对象类别", "对象类别"),
        ("县区", "县区"),
        ("乡镇", "乡镇"),
        ("姓名", "结对干部"),  # the 姓名 under the merged 结对干部 is the cadre's
        ("电话", "干部电话"),
        ("单位", "干部单位"),
        ("结对日期", "结对日期"),
    ]
    assert roster.unknown == ["备注"]
    assert roster.missing == []
    assert roster.data_rows == 5  # four people and the 合计 row; the blank row does not count
    assert (notes.sheet, notes.kind, notes.header_row) == ("填表说明", None, None)
    assert found.data_rows == 5
    assert labels.MSG_SHEET_SKIPPED.format(sheet="填表说明") in found.notes


def test_first_rows_are_shown_under_canonical_names_masked_with_their_problems():
    data, people = _messy_roster()
    sample = preview.preview_bytes(data, "台账.xlsx", today="2026-11-28").sheets[0].sample
    assert list(sample.columns) == [
        "行号",
        "预检问题",
        "身份证号",
        "姓名",
        "对象类别",
        "县区",
        "乡镇",
        "结对干部",
        "干部电话",
        "干部单位",
        "结对日期",
    ]
    assert sample["行号"].tolist() == [4, 5, 7, 8]  # the blank row 6 and the 合计 row 9 are not data
    assert sample["身份证号"].iloc[0] == people[0][:6] + "********" + people[0][-4:]
    assert sample["姓名"].tolist()[:2] == ["刘*", "胡*"]
    assert sample["干部电话"].iloc[0] == mobile(1)[:3] + "****" + mobile(1)[-4:]
    assert sample["结对干部"].iloc[0] == "黄静"  # a cadre's name is how the office reaches him
    assert sample["对象类别"].tolist()[:2] == ["孤儿", "特困"]  # as written: the import maps 特困 to 特困人员
    problems = dict(zip(sample["行号"], sample["预检问题"], strict=True))
    assert problems[4] == "" and problems[7] == ""
    assert "校验位错误" in problems[5]
    assert "五保户" in problems[8] and "不在允许的取值中" in problems[8]
    rendered = sample.to_csv()
    assert not FULL_ID.search(rendered)
    assert not FULL_MOBILE.search(rendered)


def test_gbk_csv_with_phone_numbers_under_lianxi_fangshi():
    a, b = pid(1), pid(2)
    header = ["对象身份证号码", "走访时间", "走访方式", "联系方式", "走访干部", "走访内容", "天气"]
    rows = [
        header,
        [a, "2026.10.8", "上门", mobile(1), "黄静", "了解生活情况", "晴"],
        [b, "20261009", "电话联系", mobile(2), "郭斌", "电话问候", "阴"],
    ]
    found = preview.preview_bytes(csv_bytes(rows, encoding="gbk"), "走访记录.csv", today="2026-11-28")
    (sheet,) = found.sheets
    assert (sheet.sheet, sheet.kind, sheet.header_row, sheet.data_rows) == ("走访记录", "visits", 1, 2)
    assert dict(sheet.columns) == {
        "对象身份证号码": "身份证号",
        "走访时间": "走访日期",
        "走访方式": "联系方式",
        "联系方式": "干部电话",  # a column of phone numbers headed 联系方式 is read as the cadre's phone
        "走访干部": "走访干部",
        "走访内容": "内容摘要",
    }
    assert sheet.unknown == ["天气"]
    assert sheet.sample["联系方式"].tolist() == ["上门", "电话联系"]
    assert sheet.sample["预检问题"].tolist() == ["", ""]


def test_file_missing_a_required_column_says_so_before_import():
    rows = [["身份证号", "姓名", "县区", "乡镇"], [pid(1), "刘斌", "临河区", "临河镇"]]
    found = preview.preview_bytes(csv_bytes(rows), "台账.csv")
    assert not found.importable
    assert found.error == labels.MSG_MISSING_COLUMNS.format(sheet="台账", kind="结对台账", columns="对象类别")
    assert found.sheets[0].missing == ["对象类别"]


def test_unreadable_and_unrecognised_files():
    broken = preview.preview_bytes(b"PK\x03\x04 not really a workbook", "坏文件.xlsx")
    assert broken.error == labels.MSG_FILE_CORRUPT.format(file="坏文件.xlsx")
    assert broken.sheets == [] and broken.kinds == []
    stranger = preview.preview_bytes(csv_bytes([["甲", "乙"], ["1", "2"]]), "别的表.csv")
    assert stranger.error == labels.MSG_NO_SHEET_RECOGNISED.format(file="别的表.csv") + "（" + stranger.notes[0] + "）"
    assert [s.kind for s in stranger.sheets] == [None]


def test_import_order_puts_rosters_first():
    roster = preview.preview_bytes(csv_bytes([ROSTER_HEADER, roster_row(pid(1))]), "台账.csv")
    visits = preview.preview_bytes(csv_bytes([VISITS_HEADER, visit_row(pid(1))]), "走访.csv")
    unknown = preview.preview_bytes(csv_bytes([["甲", "乙"]]), "别的.csv")
    ordered = sorted([unknown, visits, roster], key=lambda p: p.import_order)
    assert [p.file for p in ordered] == ["台账.csv", "走访.csv", "别的.csv"]


def test_header_search_sees_the_same_rows_as_the_import_on_a_long_sheet():
    # the phone-or-method decision samples rows under the header: a long file must be judged the same
    a = pid(1)
    rows = [["身份证号", "走访日期", "联系方式", "走访方式"]]
    rows += [[a, "2026-10-08", mobile(k), "入户"] for k in range(1, 400)]
    found = preview.preview_bytes(csv_bytes(rows), "走访.csv", today="2026-11-28")
    (sheet,) = found.sheets
    assert dict(sheet.columns)["联系方式"] == "干部电话"
    assert sheet.data_rows == 399
    assert len(sheet.sample) == preview.SAMPLE_ROWS
