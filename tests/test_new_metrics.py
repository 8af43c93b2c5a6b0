"""节日关爱率 and 爱心爸妈结对率 (SPEC §5) on a roster and a contact log imported as an office would.

Today is pinned to 2026-12-06. The festival days of 2026, from the lunar calendar: 春节 window 腊月廿三
(02-10) to 正月十五 (03-03); 全国助残日 the third Sunday of May, 05-17 (window 05-14 to 05-20); 六一 window 05-29
to 06-03; 端午节 06-19 (06-16 to 06-22); 中秋节 09-25 (09-22 to 09-28).

| person | category          | cadre level (from)     | contacts                       |
|--------|-------------------|------------------------|--------------------------------|
| 甲     | 孤儿              | 市级领导 (2025-01-01)   | 02-12 (春节), 05-30 (六一)        |
| 乙     | 事实无人抚养儿童  | 科级干部 (2025-01-01)   | 03-04 (a day after 春节), 06-03 (六一) |
| 丙     | 困难重度残疾人    | 一般干部 (2025-01-01)   | 05-20 (助残日), 05-31 (六一: not his) |
| 丁     | 特困人员          | 县级领导 (2025-01-01)   | 05-30 (六一: not his), 06-22 (端午) |
| 戊     | 孤儿              | not paired             | 02-15 (not counted)            |
| 己     | 孤儿              | 县级领导 (2026-04-10)   | none                           |
"""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from pipeline import db, festivals, idnumber, queries, settings
from pipeline.ingest.load import import_file

TODAY = dt.date(2026, 12, 6)
PEOPLE = {  # person: (category, cadre phone, cadre level, 结对日期)
    "甲": ("孤儿", "13800000001", "市级领导", "2025-01-01"),
    "乙": ("事实无人抚养儿童", "13800000002", "科级干部", "2025-01-01"),
    "丙": ("困难重度残疾人", "13800000003", "一般干部", "2025-01-01"),
    "丁": ("特困人员", "13800000004", "县级领导", "2025-01-01"),
    "戊": ("孤儿", "", "", ""),
    "己": ("孤儿", "13800000006", "县级领导", "2026-04-10"),
}
ID = {name: idnumber.make("620102", dt.date(2012, 1, 1), n) for n, name in enumerate(PEOPLE, 1)}
CONTACTS = [
    ("甲", "2026-02-12"),
    ("甲", "2026-05-30"),
    ("乙", "2026-03-04"),
    ("乙", "2026-06-03"),
    ("丙", "2026-05-20"),
    ("丙", "2026-05-31"),
    ("丁", "2026-05-30"),
    ("丁", "2026-06-22"),
    ("戊", "2026-02-15"),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("new_metrics")
    roster, visits = folder / "结对台账.csv", folder / "走访记录.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["身份证号", "姓名", "对象类别", "县区", "乡镇", "结对干部", "干部电话", "干部单位", "干部职级", "结对日期"]
        )
        for name, (category, phone, level, paired) in PEOPLE.items():
            cadre = f"干部{name}" if phone else ""
            unit = "市民政局" if phone else ""
            writer.writerow([ID[name], f"对象{name}", category, "甲县", "甲镇", cadre, phone, unit, level, paired])
    with visits.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["身份证号", "走访日期", "联系方式"])
        writer.writerows([ID[name], day, "电话"] for name, day in CONTACTS)
    connection = db.connect(folder / "new.duckdb")
    for file in (roster, visits):
        assert import_file(connection, file, today=TODAY).rejected == 0
    yield connection
    connection.close()


def _row(con, period: str, config: settings.Settings | None = None) -> dict:
    frame = queries.metrics(con, period, "overall", today=TODAY, config=config)
    return {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in frame.iloc[0].items()}


def test_festival_days_come_from_the_lunar_calendar():
    windows = festivals.windows_of_year(2026, settings.DEFAULT_SETTINGS)
    days = {w.name: (w.first_day.isoformat(), w.last_day.isoformat(), w.group) for w in windows}
    assert days == {
        "春节": ("2026-02-10", "2026-03-03", festivals.COMMON),
        "端午节": ("2026-06-16", "2026-06-22", festivals.COMMON),
        "中秋节": ("2026-09-22", "2026-09-28", festivals.COMMON),
        "六一儿童节": ("2026-05-29", "2026-06-03", festivals.CHILDREN),
        "全国助残日": ("2026-05-14", "2026-05-20", festivals.DISABLED),
    }
    spring_2027 = festivals.windows_of_year(2027, settings.DEFAULT_SETTINGS)[0]
    assert (spring_2027.first_day, spring_2027.last_day) == (dt.date(2027, 1, 30), dt.date(2027, 2, 20))


def test_festival_care_of_a_quarter_with_spring_festival(con):
    row = _row(con, "2026Q1")
    # paired on 03-31: 甲乙丙丁 (己 from 04-10); all four have 春节; only 甲 was contacted inside it
    assert (row["paired"], row["festival_contacted"]) == (4, 1)
    assert row["festival_contact_rate"] == pytest.approx(0.25)


def test_festival_care_of_a_quarter_with_each_kind_of_window(con):
    row = _row(con, "2026Q2")
    # 甲 六一, 乙 六一 (its last day), 丙 助残日, 丁 端午; 己 nothing: 4 of 5
    assert (row["paired"], row["festival_contacted"]) == (5, 4)
    assert row["festival_contact_rate"] == pytest.approx(0.8)


def test_festival_windows_by_category_in_may(con):
    row = _row(con, "2026-05")
    # due in May: the children 甲乙己 (六一 from 05-29) and 丙 (助残日); not 丁 (no window of his in May).
    # contacted inside one of their own windows in May: 甲 (05-30) and 丙 (05-20); 乙's is in June
    assert row["festival_contacted"] == 2
    assert row["festival_contact_rate"] == pytest.approx(0.5)
    drill = queries.drill_rows(con, "2026-05", "overall", None, "festival_contact_rate", today=TODAY, masked=False)
    assert set(drill["id_number"]) == {ID["甲"], ID["乙"], ID["丙"], ID["己"]}
    assert set(drill.loc[drill["is_festival_contacted"], "id_number"]) == {ID["甲"], ID["丙"]}


def test_a_period_without_a_festival_has_an_empty_rate(con):
    row = _row(con, "2026-04")
    assert (row["festival_contacted"], row["festival_contact_rate"]) == (0, None)


def test_the_windows_follow_the_settings(con):
    narrow = settings.Settings(**{**settings.DEFAULT_SETTINGS.__dict__, "festival_days_around": 0})
    row = _row(con, "2026Q2", narrow)
    # on the festival days alone 丙 (05-20, three days after 助残日) and 丁 (06-22) no longer count
    assert row["festival_contact_rate"] == pytest.approx(0.4)


def test_leader_child_pairing_rate(con):
    # paired children on 03-31: 甲 (市级领导) and 乙 (科级干部); 戊 is not paired, 己 not yet
    assert _row(con, "2026Q1")["leader_child_pairing_rate"] == pytest.approx(0.5)
    # on 06-30 己 (县级领导) too: 2 of 3
    assert _row(con, "2026Q2")["leader_child_pairing_rate"] == pytest.approx(2 / 3)
    drill = queries.drill_rows(con, "2026Q2", "overall", None, "leader_child_pairing_rate", today=TODAY, masked=False)
    assert set(drill["id_number"]) == {ID["甲"], ID["乙"], ID["己"]}
    assert set(drill.loc[drill["is_child_led"], "id_number"]) == {ID["甲"], ID["己"]}


def test_the_leading_levels_follow_the_settings(con):
    values = {**settings.DEFAULT_SETTINGS.as_dict(), "leading_level_3": 1.0}  # 科级干部 counts too
    wider = settings._from_values(values)
    assert wider.leading_levels == ("市级领导", "县级领导", "科级干部")
    assert _row(con, "2026Q1", wider)["leader_child_pairing_rate"] == pytest.approx(1.0)


def test_both_follow_the_spec_metrics_in_every_grouping(con):
    by_department = queries.metrics(con, "2026Q2", "department", today=TODAY).set_index("department")
    assert by_department.loc["市民政局", "festival_contact_rate"] == pytest.approx(0.8)
    columns = list(by_department.columns)
    after_score = columns[columns.index("score") + 1 :]
    assert after_score[:3] == ["festival_contacted", "festival_contact_rate", "leader_child_pairing_rate"]
